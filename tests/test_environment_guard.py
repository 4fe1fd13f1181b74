"""The environment check every generated package runs at start (``runtime/environment_guard.py``,
copied into packages as ``_environment.py``).

This machine has no NVIDIA driver and no GPU. The GPU-recorded notebook's record is SYNTHETIC
(``recorded_notebooks.SYNTHETIC_GPU``), and a package converted from it is run here, where the
check must report the missing GPU and CUDA and, with ``--strict-environment``, refuse. The NVML
library the check reads through ``ctypes`` cannot run here either: one test builds a stand-in
``libnvidia-ml.so.1`` with the C compiler (MOCKED at the driver boundary) that answers the seven
NVML calls the check makes, so the binding itself is exercised.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from nb2prod.runtime import environment_guard as guard
from recorded_notebooks import SYNTHETIC_GPU
from test_deploy import convert, gpu_notebook

H100 = {"name": "NVIDIA H100 80GB HBM3", "count": 1, "driver": "550.54.15", "cuda": "12.4",
        "cuda_build": "12.1"}  # fmt: skip
FAKE_NVML = r"""
#include <string.h>
int nvmlInit_v2(void) { return 0; }
int nvmlShutdown(void) { return 0; }
int nvmlDeviceGetCount_v2(unsigned int *count) { *count = 1; return 0; }
int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void **handle) {
    *handle = (void *)1; return 0; }
int nvmlDeviceGetName(void *handle, char *name, unsigned int length) {
    strncpy(name, NAME, length); return 0; }
int nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    strncpy(version, DRIVER, length); return 0; }
int nvmlSystemGetCudaDriverVersion_v2(int *version) { *version = CUDA; return 0; }
"""


def differences(recorded_gpu: dict[str, object], here: dict[str, object]) -> dict[str, bool]:
    found = guard.differences({"gpu": recorded_gpu}, {"gpu": here})
    return {f"{d.what}: {d.recorded} -> {d.here}": d.matters for d in found}


# 1. What differs, and what matters ------------------------------------------------------------


def test_no_gpu_where_one_was_used_matters() -> None:
    assert differences(H100, {"reason": "no NVIDIA driver"}) == {
        "GPU: NVIDIA H100 80GB HBM3 x1 -> none (no NVIDIA driver)": True,
        "CUDA: 12.4 -> none": True,
    }


def test_another_cuda_major_matters_and_another_minor_does_not() -> None:
    same_gpu = {"devices": ["NVIDIA H100 80GB HBM3"], "driver": "550.54.15"}
    assert differences(H100, {**same_gpu, "cuda": "11.8"}) == {"CUDA: 12.4 -> 11.8": True}
    assert differences(H100, {**same_gpu, "cuda": "12.6"}) == {"CUDA: 12.4 -> 12.6": False}
    assert differences(H100, {**same_gpu, "cuda": "12.4"}) == {}


def test_a_driver_too_old_for_the_libraries_build_matters() -> None:
    """torch built for CUDA 12.1 cannot run where the driver offers CUDA 12.0."""
    here = {"devices": ["NVIDIA H100 80GB HBM3"], "driver": "525.60", "cuda": "12.0"}
    assert differences(H100, here) == {
        "driver: 550.54.15 -> 525.60": False,
        "CUDA: 12.4 -> 12.0": True,
    }


def test_another_model_or_fewer_gpus_is_reported_not_refused() -> None:
    here = {"devices": ["NVIDIA A100-SXM4-80GB"], "driver": "550.54.15", "cuda": "12.4"}
    assert differences({**H100, "count": 2}, here) == {
        "GPU: NVIDIA H100 80GB HBM3 x2 -> NVIDIA A100-SXM4-80GB x1": False
    }


def test_a_cpu_record_asks_nothing_of_the_gpu() -> None:
    assert (
        differences({"reason": "no NVIDIA driver"}, {"devices": ["NVIDIA L4"], "cuda": "12.2"})
        == {}
    )


def test_python_and_packages_are_reported_in_one_block() -> None:
    record = {"python": "3.11.9", "packages": {"numpy": "1.26.4", "pandas": "2.2.3"}}
    here = {"python": "3.11.7", "packages": {"numpy": "1.26.4", "pandas": None}, "gpu": {}}
    found = guard.differences(record, here)
    text = guard.report(found, strict=True)
    assert text.splitlines() == [
        "This machine differs from the one the notebook ran on (recorded -> here):",
        "  Python  3.11.9 -> 3.11.7",
        "  pandas  2.2.3 -> not installed",
    ]
    assert guard.report([], strict=True) == ""


def test_live_facts_are_this_machines() -> None:
    facts = guard.live({"packages": {"pytest": "0"}})
    assert facts["python"] == platform.python_version()
    assert facts["packages"]["pytest"] == pytest.__version__
    assert facts["gpu"] == {"reason": guard.NO_DRIVER}, "no NVIDIA driver on this machine"


# 2. A GPU-recorded package, run on this CPU machine ------------------------------------------


@pytest.fixture(scope="module")
def gpu_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("guard")
    return convert(gpu_notebook(folder, SYNTHETIC_GPU), folder / "pkg", "--deploy", "kfp")


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with nothing installed: no nb2prod, no package's
    dependencies."""
    folder = tmp_path_factory.mktemp("bare") / "venv"
    venv.EnvBuilder(with_pip=False).create(folder)
    return folder / "bin" / "python"


def run_package(
    python: Path | str, package: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(package / "src"), **env}
    return subprocess.run(
        [str(python), "-m", "analysis", *args],
        capture_output=True, text=True, check=False, env=environment, timeout=120,
    )  # fmt: skip


def test_strict_run_refuses_here_naming_gpu_and_cuda(gpu_package: Path, bare_python: Path) -> None:
    """In an environment without nb2prod (and without torch: the check runs before any step
    is imported), the package reports the GPU and CUDA it lacks and refuses, exit 3."""
    done = run_package(bare_python, gpu_package, "--strict-environment")
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == "This machine differs from the one the notebook ran on (recorded -> here):"
    assert lines[1].split() == ["GPU", "NVIDIA", "H100", "80GB", "HBM3", "x1", "->", "none",
                                "(no", "NVIDIA", "driver)", "(matters)"]  # fmt: skip
    assert lines[2].split() == ["CUDA", "12.4", "->", "none", "(matters)"]
    assert any(line.split()[:2] == ["torch", "2.3.0+cu121"] for line in lines), "not installed"
    assert lines[-1].startswith("Refusing to run (--strict-environment)")
    assert "Traceback" not in done.stderr


def test_without_strict_it_reports_and_goes_on(gpu_package: Path, bare_python: Path) -> None:
    code = "import sys\nfrom analysis._environment import check\nsys.exit(0 if check() else 1)"
    environment = {**os.environ, "PYTHONPATH": str(gpu_package / "src")}
    done = subprocess.run([str(bare_python), "-c", code], capture_output=True, text=True,
                          env=environment, check=False)  # fmt: skip
    assert done.returncode == 0
    assert "(matters)" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("Running anyway")


def test_the_check_imports_only_the_standard_library(gpu_package: Path, bare_python: Path) -> None:
    code = (
        "import sys\nbefore = set(sys.modules)\nfrom analysis._environment import check\n"
        "check()\nprint(sorted({m.split('.')[0] for m in set(sys.modules) - before}))"
    )
    environment = {**os.environ, "PYTHONPATH": str(gpu_package / "src")}
    done = subprocess.run([str(bare_python), "-c", code], capture_output=True, text=True,
                          env=environment, check=True)  # fmt: skip
    loaded = set(eval(done.stdout))  # a list of names printed by the line above
    outside = {m for m in loaded if m not in sys.stdlib_module_names and not m.startswith("_")}
    assert outside == {"analysis"}, outside


def test_pipeline_tasks_of_steps_without_the_gpu_run_strict_here(
    gpu_package: Path, tmp_path: Path
) -> None:
    """A CPU task of a GPU notebook may run on a node without one: only the tasks of the steps
    that use the GPU refuse."""
    state = tmp_path / "state"
    first = run_stage(gpu_package, "step_1", "--state-out", str(state))
    assert first.returncode == 0, first.stderr
    assert first.stdout == "2\n"
    assert "(matters)" not in first.stderr
    second = run_stage(gpu_package, "step_2", "--state-in", str(state))
    assert second.returncode == 3
    assert "GPU" in second.stderr
    assert "(matters)" in second.stderr


def run_stage(package: Path, step: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis.stage", step, *args, "--strict-environment"],
        capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, "PYTHONPATH": str(package / "src")},
    )  # fmt: skip


def test_a_cpu_recorded_package_runs_strict_here(tmp_path: Path) -> None:
    """The example recorded on a CPU machine asks nothing of a GPU: strict runs go on."""
    package = convert(
        Path(__file__).parent.parent / "examples/recorded_analysis.ipynb", tmp_path / "p"
    )
    done = subprocess.run(
        [sys.executable, "-m", "recorded_analysis", "--strict-environment"],
        capture_output=True, text=True, check=False, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(package / "src")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Best region: North" in done.stdout
    assert "(matters)" not in done.stderr


# 3. The NVML binding, against a stand-in driver library --------------------------------------


def fake_driver(folder: Path, name: str, driver: str, cuda: int) -> Path:
    """MOCKED: a ``libnvidia-ml.so.1`` answering as a driver with one ``name`` GPU would."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "a C compiler is needed to build the stand-in NVML library"
    source = folder / "nvml.c"
    source.write_text(FAKE_NVML)
    library = folder / "libnvidia-ml.so.1"
    subprocess.run(
        [compiler, "-shared", "-fPIC", "-o", str(library), str(source),
         f'-DNAME="{name}"', f'-DDRIVER="{driver}"', f"-DCUDA={cuda}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return folder


@pytest.mark.parametrize(
    ("name", "driver", "cuda", "exit_status", "lines"),
    [
        ("NVIDIA H100 80GB HBM3", "550.54.15", 12040, 0, []),
        ("NVIDIA H100 80GB HBM3", "520.61.05", 11080, 3,
         [["CUDA", "12.4", "->", "11.8", "(matters)"], ["driver", "550.54.15", "->", "520.61.05"]]),
        ("NVIDIA L4", "550.54.15", 12040, 0,
         [["GPU", "NVIDIA", "H100", "80GB", "HBM3", "x1", "->", "NVIDIA", "L4", "x1"]]),
    ],
)  # fmt: skip
def test_the_driver_is_read_through_nvml(
    gpu_package: Path,
    bare_python: Path,
    tmp_path: Path,
    name: str,
    driver: str,
    cuda: int,
    exit_status: int,
    lines: list[list[str]],
) -> None:
    library = fake_driver(tmp_path, name, driver, cuda)
    code = (
        "import sys\nfrom analysis import _environment as g\nrecord = g.recorded()\n"
        "record['python'] = None; record['packages'] = {}\n"
        "found = g.differences(record, g.live(record))\nsys.stdout.write(g.report(found, True))\n"
        "sys.exit(3 if any(d.matters for d in found) else 0)"
    )
    environment = {**os.environ, "PYTHONPATH": str(gpu_package / "src"),
                   "LD_LIBRARY_PATH": str(library)}  # fmt: skip
    done = subprocess.run([str(bare_python), "-c", code], capture_output=True, text=True,
                          env=environment, check=False)  # fmt: skip
    assert done.returncode == exit_status, done.stdout + done.stderr
    listed = [line.split() for line in done.stdout.splitlines() if line.startswith("  ")]
    assert listed == lines


def test_the_package_carries_the_checked_record(gpu_package: Path) -> None:
    """Python, the recorded versions of what the package imports (pandas was not recorded),
    and the GPU the kernel could use."""
    import json

    record = json.loads((gpu_package / "src/analysis/recorded_environment.json").read_text())
    assert record["gpu"] == H100
    assert record["python"] == SYNTHETIC_GPU["python"]["version"]
    assert record["packages"] == {"torch": "2.3.0+cu121"}
    assert record["cpus"] == SYNTHETIC_GPU["cpu"]["count"]
