"""convert with the kernel's records (``recorder/FORMAT.md``): the lock starts from the recorded
versions, the image from the recorded Python (and CUDA), the README shows the environment and
the data the notebook read, and generated tests check the shipped data is the recorded data.

The records here are written by hand in FORMAT.md's shape: no GPU machine was at hand, so the GPU
record (``SYNTHETIC_GPU``) is SYNTHETIC, made up to match what the recorder writes for an H100; it
is not a recording. One test uses the real recorder's snapshot of this machine. The lock tests
marked ``network`` resolve against the package index; the others lock offline from wheels made
here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nb2prod.container.dockerfile import base_image, cuda_release
from nb2prod.convert.package import Package, convert_notebook
from nb2prod.deps import Environment, pin_versions, render_requirements_in
from nb2prod.deps.lock import Resolver, pins
from nb2prod.deps.package import lock_package, with_lock
from nb2prod.deps.recorded import held_back, recorded_versions, restrict
from nb2prod.notebook import load
from nb2prod.output import write_tree
from recorded_notebooks import (
    CPU_ENVIRONMENT,
    DATA,
    MACHINE_PATHS,
    READ_BY_NAME,
    READ_CSV,
    SYNTHETIC_GPU,
    Cell,
    read,
    sha256,
    write_notebook,
)
from test_lock import HAS_PIP_TOOLS, HAS_UV, RESOLVERS, make_wheel


def convert(path: Path) -> Package:
    result = convert_notebook(load(str(path)))
    assert isinstance(result, Package), result
    return result


def text(package: Package, path: str) -> str:
    content = package.files[path]
    assert isinstance(content, str)
    return content


def pandas_notebook(folder: Path, environment: dict[str, Any]) -> Path:
    cell: Cell = ("import pandas as pd\nprint(pd.__name__)", "pandas\n", [])
    return write_notebook(folder, [cell], environment)


def csv_notebook(folder: Path, environment: dict[str, Any]) -> Path:
    """A notebook whose run read ``data/nums.csv`` (as ``DATA``: write the file yourself)."""
    return write_notebook(folder, [(READ_CSV, "4\n", [read("data/nums.csv", DATA)])], environment)


# 1. The lock -------------------------------------------------------------------------------


def test_nb2prod_json_carries_the_recorded_versions_and_python(tmp_path: Path) -> None:
    package = convert(pandas_notebook(tmp_path, CPU_ENVIRONMENT))
    provenance = json.loads(text(package, "nb2prod.json"))
    assert provenance["recorded"] == CPU_ENVIRONMENT["packages"]  # until a lock cuts it down
    assert provenance["recorded_python"] == "3.10.14"
    assert '"pandas"' in text(package, "pyproject.toml")


def test_recorded_versions_win_over_installed_ones(tmp_path: Path) -> None:
    package = convert(pandas_notebook(tmp_path, CPU_ENVIRONMENT))
    provenance = json.loads(text(package, "nb2prod.json"))
    installed_here = Environment(installed={"pandas": ("pandas", "3.1.1")})
    (pandas,) = pin_versions(["pandas"], recorded=recorded_versions(provenance), env=installed_here)
    assert (pandas.version, pandas.source) == ("2.2.3", "recorded")
    assert "pandas==2.2.3  # recorded\n" in render_requirements_in([pandas])


@pytest.mark.parametrize("resolver", RESOLVERS)
def test_offline_lock_holds_indirect_dependencies_to_recorded_versions(
    resolver: Resolver, tmp_path: Path
) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    make_wheel(wheels, "nb2prod_tinya", "1.0", ("nb2prod_tinyb>=1",))
    for version in ("1.5", "2.0"):
        make_wheel(wheels, "nb2prod_tinyb", version)
    package = tmp_path / "demo"
    package.mkdir()
    (package / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["nb2prod-tinya"]\n'
    )
    recorded = {"nb2prod-tinya": "1.0", "nb2prod-tinyb": "1.5", "unrelated": "9.9"}
    (package / "nb2prod.json").write_text(json.dumps({"recorded": recorded}))
    options: dict[str, Any] = {"resolver": resolver, "find_links": [str(wheels)], "no_index": True}
    result = lock_package(package, **options)
    assert pins(result.lock) == {"nb2prod-tinya": "1.0", "nb2prod-tinyb": "1.5"}  # not 2.0
    assert "#   -c recorded.txt\n" in result.lock
    assert "held to the version the notebook's kernel recorded" in result.lock
    assert "nb2prod-tinya==1.0  # recorded\n" in result.requirements_in
    assert "(1 of them, nb2prod.json" in result.requirements_in
    assert result.recorded == (("nb2prod-tinya", "1.0"), ("nb2prod-tinyb", "1.5"))
    # A recorded version that cannot be had: resolved freely, and requirements.in says why.
    (package / "nb2prod.json").write_text(json.dumps({"recorded": {"nb2prod-tinyb": "1.0"}}))
    result = lock_package(package, **options)
    assert pins(result.lock)["nb2prod-tinyb"] == "2.0"
    assert "could not be held" in result.requirements_in


def test_the_lock_keeps_only_what_it_pins_in_nb2prod_json() -> None:
    provenance = json.dumps({"notebook": "a.ipynb", "recorded": {"numpy": "1.26.4", "x": "1"}})
    kept = restrict(provenance, {"numpy": "1.26.4"})
    assert json.loads(kept) == {"notebook": "a.ipynb", "recorded": {"numpy": "1.26.4"}}
    unrecorded = '{\n  "notebook": "a.ipynb"\n}\n'
    assert restrict(unrecorded, {}) == unrecorded  # without records: byte for byte the same


PANDAS_CLOSURE = {
    "pandas": "2.2.3", "numpy": "1.26.4", "python-dateutil": "2.9.0.post0", "pytz": "2024.1",
    "six": "1.16.0", "tzdata": "2024.1",
}  # fmt: skip


@pytest.fixture(scope="module")
def recorded_locks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str | bytes]]:
    """The package of a notebook recorded with pandas 2.2.3 (Python 3.11, this one), locked by
    each resolver at hand through ``with_lock``, as ``convert`` does."""
    folder = tmp_path_factory.mktemp("recorded")
    environment = {**CPU_ENVIRONMENT, "python": {**CPU_ENVIRONMENT["python"], "version": "3.11.7"}}
    files = convert(pandas_notebook(folder, environment)).files
    locks: dict[str, dict[str, str | bytes]] = {}
    resolvers: tuple[tuple[Resolver, bool], ...] = (("pip-tools", HAS_PIP_TOOLS), ("uv", HAS_UV))
    for resolver, available in resolvers:
        if available:
            locks[resolver] = _with_lock(files, resolver)
    return locks


def _with_lock(files: dict[str, str | bytes], resolver: Resolver) -> dict[str, str | bytes]:
    """``with_lock`` with the resolver chosen (it uses ``auto``): the same steps, by hand."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch) / "package"
        write_tree(files, staged)
        locked = lock_package(staged, resolver=resolver, timeout=300)
    provenance = restrict(str(files["nb2prod.json"]), dict(locked.recorded))
    locks = {"requirements.in": locked.requirements_in, "requirements.lock": locked.lock}
    return {**files, **locks, "nb2prod.json": provenance}


@pytest.mark.network
@pytest.mark.parametrize("resolver", RESOLVERS)
def test_network_lock_pins_the_recorded_closure(
    resolver: str, recorded_locks: dict[str, dict[str, str | bytes]]
) -> None:
    files = recorded_locks[resolver]
    assert "pandas==2.2.3  # recorded\n" in str(files["requirements.in"])
    assert pins(str(files["requirements.lock"])) == PANDAS_CLOSURE
    assert json.loads(str(files["nb2prod.json"]))["recorded"] == PANDAS_CLOSURE  # no ipykernel


@pytest.mark.network
def test_network_with_lock_as_convert_runs_it(tmp_path: Path) -> None:
    environment = {**CPU_ENVIRONMENT, "python": {**CPU_ENVIRONMENT["python"], "version": "3.11.7"}}
    files = with_lock(convert(pandas_notebook(tmp_path, environment)).files, "analysis.ipynb")
    assert pins(str(files["requirements.lock"])) == PANDAS_CLOSURE
    assert json.loads(str(files["nb2prod.json"]))["recorded"] == PANDAS_CLOSURE


# 2. The container ---------------------------------------------------------------------------


def test_the_image_uses_the_recorded_python(tmp_path: Path) -> None:
    package = convert(pandas_notebook(tmp_path, CPU_ENVIRONMENT))  # the notebook says 3.11.7
    assert "ARG BASE_IMAGE=python:3.10-slim\n" in text(package, "Dockerfile")
    assert 'requires-python = ">=3.10"' in text(package, "pyproject.toml")


def test_a_recorded_gpu_gives_the_cuda_image_and_the_pytorch_index(tmp_path: Path) -> None:
    torch_cell: list[Cell] = [("import torch\nprint(torch.__name__)", "torch\n", [])]
    package = convert(write_notebook(tmp_path, torch_cell, SYNTHETIC_GPU))
    dockerfile = text(package, "Dockerfile")
    assert "ARG BASE_IMAGE=nvidia/cuda:12.1.1-runtime-ubuntu22.04\n" in dockerfile  # torch's 12.1
    assert "python3.11 python3.11-venv" in dockerfile
    recorded = recorded_versions(json.loads(text(package, "nb2prod.json")))
    direct = pin_versions(["torch"], recorded=recorded, env=Environment())
    requirements_in = render_requirements_in(direct, "analysis")
    assert "--extra-index-url https://download.pytorch.org/whl/cu121\n" in requirements_in
    assert "torch==2.3.0+cu121  # recorded\n" in requirements_in
    held = held_back({"torch": "2.3.0+cu121"}, [])  # torch needed only by another package
    assert "whl/cu121" in render_requirements_in([], constraints=held)


def test_cpu_runs_get_the_slim_image_whatever_the_torch_build(tmp_path: Path) -> None:
    cpu_torch = {**SYNTHETIC_GPU, "gpu": {"available": False, "reason": "no NVIDIA GPU"}}
    package = convert(pandas_notebook(tmp_path, cpu_torch))
    assert "ARG BASE_IMAGE=python:3.11-slim\n" in text(package, "Dockerfile")


def test_cuda_versions_name_published_images() -> None:
    assert base_image("3.11", "12.1") == "nvidia/cuda:12.1.1-runtime-ubuntu22.04"
    assert base_image("3.12", "12.6") == "nvidia/cuda:12.6.3-runtime-ubuntu24.04"
    assert cuda_release("12.1.0") == "12.1.0"  # a full release is kept
    assert cuda_release("12.7") == "12.6.3"  # no 12.7 images: the newest older one
    assert cuda_release("10.2") == "10.2.0"


# 3. The README ------------------------------------------------------------------------------


def readme_rows(readme: str) -> dict[str, str]:
    section = readme.split("## Recorded environment\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    rows = [line.strip("|").split(" | ", 1) for line in lines]
    return {name.strip(): value.strip() for name, value in rows[1:]}


def test_readme_shows_the_recorded_environment(tmp_path: Path) -> None:
    readme = text(convert(pandas_notebook(tmp_path, CPU_ENVIRONMENT)), "README.md")
    assert readme_rows(readme) == {
        "Python": "3.10.14",
        "implementation": "CPython",
        "platform": "Linux-6.1.0-x86_64-with-glibc2.36",
        "CPU": "AMD EPYC 7B13, 16 logical cores",
        "memory": "125.0 GiB",
        "interpreter": "venv",
        "packages": "`pandas` 2.2.3",
        "GPU": "none (no NVIDIA driver)",
        "recorded": "2026-11-22T10:15:02Z by nb2prod 0.5.0",
    }
    assert "base image, `python:3.10-slim`, follows its Python." in readme


def test_readme_shows_the_recorded_gpu(tmp_path: Path) -> None:
    torch_cell: list[Cell] = [("import torch\nprint(torch.__name__)", "torch\n", [])]
    readme = text(convert(write_notebook(tmp_path, torch_cell, SYNTHETIC_GPU)), "README.md")
    rows = readme_rows(readme)
    assert rows["GPU"] == "NVIDIA H100 80GB HBM3, 79.6 GiB"
    assert rows["NVIDIA driver"] == "550.54.15"
    assert rows["CUDA driver"] == "12.4"
    assert rows["CUDA runtime"] == "torch 2.3.0+cu121: CUDA 12.1, cuDNN 8902"
    assert rows["packages"] == "`torch` 2.3.0+cu121"
    assert "`nvidia/cuda:12.1.1-runtime-ubuntu22.04`, follows its Python and CUDA." in readme


def test_no_machine_paths_and_the_same_bytes_twice(tmp_path: Path) -> None:
    path = csv_notebook(tmp_path, SYNTHETIC_GPU)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nums.csv").write_text(DATA)
    first, second = convert(path), convert(path)
    assert first.files == second.files
    for name, content in first.files.items():
        data = content.encode() if isinstance(content, str) else content
        leaked = [p for p in (*MACHINE_PATHS, str(tmp_path)) if p.encode() in data]
        assert not leaked, f"{name} holds {leaked}"


def test_a_real_recording_of_this_machine(tmp_path: Path) -> None:
    """The recorder's own snapshot of this machine (no GPU here): nothing of its paths leaks."""
    from nb2prod.recorder.environment import snapshot

    environment = snapshot(str(tmp_path))
    package = convert(pandas_notebook(tmp_path, environment))
    rows = readme_rows(text(package, "README.md"))
    assert rows["Python"] == environment["python"]["version"]
    assert rows["GPU"].startswith("none (")
    home = os.path.expanduser("~")
    machine = {sys.executable, sys.prefix, home + os.sep}
    for name, content in package.files.items():
        if isinstance(content, str):
            assert not [p for p in machine if p in content], name


# 4. The data --------------------------------------------------------------------------------


def data_notebook(folder: Path) -> Path:
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "nums.csv").write_text(DATA)
    (folder / "data" / "extra.txt").write_text("read by a name the code builds\n")
    cells = [
        (
            READ_CSV,
            "4\n",
            [read("data/nums.csv", DATA), read("/home/me/big/raw.parquet", None, size=10**9)],
        ),
        (
            READ_BY_NAME,
            "",
            [
                read("data/extra.txt", "read by a name the code builds\n"),
                read("data/gone.csv", "x\n"),
            ],
        ),
    ]
    gone = {"open('data/old.csv')": [read("data/old.csv", "old\n")]}  # code since deleted
    (folder / "data" / "old.csv").write_text("old\n")
    return write_notebook(folder, cells, CPU_ENVIRONMENT, gone=gone)


def run_generated_tests(folder: Path) -> subprocess.CompletedProcess[str]:
    """pytest on a written package's generated tests, in a subprocess."""
    env = {**os.environ, "PYTHONPATH": str(folder / "src")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_recorded_data_is_shipped_and_listed(tmp_path: Path) -> None:
    package = convert(data_notebook(tmp_path))
    shipped = sorted(p for p in package.files if "/data/" in p)
    assert shipped == ["src/analysis/data/extra.txt", "src/analysis/data/nums.csv"]  # no old.csv
    readme = text(package, "README.md")
    assert "| `data/nums.csv` | 12 bytes |" in readme
    assert "checked by `test_data_nums_csv_is_the_recorded_file`" in readme
    assert "`data/extra.txt`, checked by `test_data_extra_txt_is_the_recorded_file`" in readme
    absolute = "not shipped (an absolute path on the machine that ran it): provide it"
    assert f"| `~/big/raw.parquet` | 1,000,000,000 bytes | not recorded | {absolute} |" in readme
    missing = "not shipped (not found beside the notebook): provide it"
    assert f"| `data/gone.csv` | 2 bytes | `{sha256('x' + chr(10))[:16]}…` | {missing} |" in readme
    assert "| `data/old.csv`" not in readme  # read by code no cell holds any more
    tests = text(package, "tests/test_notebook.py")
    assert tests.count("_is_the_recorded_file() -> None:") == 2
    assert "skip" not in tests
    cells = json.loads(text(package, "nb2prod.json"))["cells"]
    assert "test_data_nums_csv_is_the_recorded_file" in cells["cell1"]["tests"]


def test_generated_hash_tests_pass_and_fail_when_the_data_changes(tmp_path: Path) -> None:
    package = convert(data_notebook(tmp_path / "notebook"))
    out = tmp_path / "package"
    write_tree(package.files, out)
    passed = run_generated_tests(out)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "4 passed" in passed.stdout  # the pipeline, cell 2's output, two data files
    (out / "src" / "analysis" / "data" / "extra.txt").write_text("edited\n")
    failed = run_generated_tests(out)
    assert failed.returncode == 1
    assert (
        "FAILED tests/test_notebook.py::test_data_extra_txt_is_the_recorded_file" in failed.stdout
    )
    assert "data/extra.txt is not the file the notebook read" in failed.stdout
    assert "1 failed, 3 passed" in failed.stdout


def test_data_changed_since_the_recording_is_flagged(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nums.csv").write_text(DATA + "5,6\n")  # not what the kernel read
    path = csv_notebook(tmp_path, CPU_ENVIRONMENT)
    package = convert(path)
    assert "`data/nums.csv`, but it differs from the recorded file" in text(package, "README.md")
    write_tree(package.files, tmp_path / "package")
    result = run_generated_tests(tmp_path / "package")
    assert "FAILED tests/test_notebook.py::test_data_nums_csv_is_the_recorded_file" in result.stdout


def test_without_records_nothing_changes(tmp_path: Path) -> None:
    package = convert(write_notebook(tmp_path, [(READ_CSV, "4\n", [])], None))
    provenance = json.loads(text(package, "nb2prod.json"))
    assert "recorded" not in provenance
    assert "recorded_python" not in provenance
    readme = text(package, "README.md")
    assert "## Recorded environment" not in readme
    assert "## Data" not in readme
    assert "ARG BASE_IMAGE=python:3.11-slim\n" in text(package, "Dockerfile")
