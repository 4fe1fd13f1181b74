"""The environment record: its facts, its id, the GPU paths, `nb2prod env` and `nb2prod run`."""

from __future__ import annotations

import json
import os
import shutil
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from cli_runs import nb2prod
from nb2prod.recorder import environment, gpu, packages
from nb2prod.records import read_records

ROOT = Path(__file__).resolve().parent.parent


def test_a_snapshot_has_every_part_and_a_stable_id() -> None:
    record = environment.snapshot(str(ROOT))
    assert record["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert record["cpu"]["count"] == os.cpu_count()
    assert record["memory"]["total_bytes"] > 0
    assert record["interpreter"]["kind"] in ("venv", "conda", "system")
    assert record["packages"]["libcst"] == packages.installed()["libcst"]
    assert list(record["packages"]) == sorted(record["packages"])
    assert record["gpu"]["available"] in (True, False)
    assert environment.snapshot(str(ROOT))["id"] == record["id"]
    assert record["id"] == environment.environment_id(record)


def test_the_id_changes_with_a_chosen_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    before = environment.snapshot()["id"]
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    after = environment.snapshot()
    assert after["variables"]["OMP_NUM_THREADS"] == "3"
    assert after["id"] != before


def test_installed_reads_dist_info_names_like_importlib_metadata() -> None:
    expected = {
        packages.canonical(d.metadata["Name"]): d.version
        for d in __import__("importlib.metadata").metadata.distributions()
        if d.metadata["Name"]
    }
    found = packages.installed()
    assert {k: found.get(k) for k in expected} == expected


@pytest.fixture
def fresh_gpu_facts() -> Iterator[None]:
    gpu.gpu_facts.cache_clear()
    yield
    gpu.gpu_facts.cache_clear()


def test_the_real_nvml_gives_gpus_or_a_typed_reason(fresh_gpu_facts: None) -> None:
    facts = gpu.gpu_facts()  # the real library: CI has no GPU, a GPU machine lists its devices
    if facts["available"]:
        assert facts["devices"]
        assert facts["driver_version"]
    else:
        assert facts["reason"] in (gpu.NO_DRIVER, gpu.NO_GPU, gpu.NO_PYNVML)


def test_without_pynvml_the_reason_says_so(
    fresh_gpu_facts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", None)  # makes `import pynvml` raise ImportError
    assert gpu.gpu_facts() == {"available": False, "reason": gpu.NO_PYNVML}


def _fake_nvml(count: int, init_error: int | None = None) -> types.ModuleType:
    """NVML as a module answering like the real bindings on a one-GPU machine. A mock at the
    boundary we cannot run here (no NVIDIA GPU in this workplace); the real no-driver path is
    tested above on the real library."""
    nvml = types.ModuleType("pynvml")

    class NVMLError(Exception):
        def __init__(self, value: int) -> None:
            self.value = value

    def init() -> None:
        if init_error is not None:
            raise NVMLError(init_error)

    memory = types.SimpleNamespace(total=85520809984)
    calls: dict[str, Any] = {
        "NVMLError": NVMLError,
        "nvmlInit": init,
        "nvmlShutdown": lambda: None,
        "nvmlDeviceGetCount": lambda: count,
        "nvmlDeviceGetHandleByIndex": lambda index: index,
        "nvmlDeviceGetName": lambda handle: b"NVIDIA H100 80GB HBM3",
        "nvmlDeviceGetUUID": lambda handle: "GPU-0a1b2c3d",
        "nvmlDeviceGetMemoryInfo": lambda handle: memory,
        "nvmlSystemGetDriverVersion": lambda: "550.54.15",
        "nvmlSystemGetCudaDriverVersion_v2": lambda: 12040,
    }
    for name, value in calls.items():
        setattr(nvml, name, value)
    return nvml


def test_gpu_facts_read_through_nvml(
    fresh_gpu_facts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", _fake_nvml(1))
    assert gpu.gpu_facts() == {
        "available": True,
        "driver_version": "550.54.15",
        "cuda_driver_version": "12.4",
        "devices": [
            {
                "index": 0,
                "name": "NVIDIA H100 80GB HBM3",
                "uuid": "GPU-0a1b2c3d",
                "memory_total_bytes": 85520809984,
            }
        ],
    }


@pytest.mark.parametrize(
    ("count", "error", "reason"),
    [(0, None, gpu.NO_GPU), (1, 12, gpu.NO_DRIVER), (1, 9, gpu.NO_DRIVER), (1, 999, "NVML error")],
)
def test_nvml_failures_are_reasons(
    fresh_gpu_facts: None,
    monkeypatch: pytest.MonkeyPatch,
    count: int,
    error: int | None,
    reason: str,
) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", _fake_nvml(count, error))
    facts = gpu.gpu_facts()
    assert facts["available"] is False
    assert facts["reason"].startswith(reason)


def test_nb2prod_env_prints_the_record() -> None:
    shown = nb2prod("env")
    assert shown.returncode == 0, shown.stderr
    assert "python" in shown.stdout
    assert "gpu" in shown.stdout
    record = json.loads(nb2prod("env", "--json").stdout)
    assert record["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert record["id"] == environment.environment_id(record)


@pytest.mark.kernel
def test_nb2prod_run_saves_the_notebook_with_its_records(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples" / "data", tmp_path / "data")
    source = tmp_path / "report.ipynb"
    shutil.copy(ROOT / "examples" / "parameters_report.ipynb", source)
    out = tmp_path / "ran.ipynb"
    done = nb2prod("run", str(source), "-o", str(out))
    assert done.returncode == 0, done.stderr
    notebook = nbformat.read(out, as_version=4)
    nbformat.validate(notebook)
    records = read_records(notebook.metadata)
    assert records is not None
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert [e.cell_id for e in records.history] == [c.id for c in code]
    assert all(c.metadata["nb2prod"]["environment"] == records.history[0].environment for c in code)
    read = {f.path for e in records.history for f in e.files}
    assert "data/sales.csv" in read
    assert source.read_bytes() == (ROOT / "examples" / "parameters_report.ipynb").read_bytes()


@pytest.mark.kernel
def test_nb2prod_run_stops_at_an_error_and_saves_nothing(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(notebook, path)
    before = path.read_bytes()
    done = nb2prod("run", str(path))
    assert done.returncode == 1
    assert "ZeroDivisionError" in done.stderr
    assert "Traceback" not in done.stderr
    assert path.read_bytes() == before


def test_nb2prod_run_refuses_what_is_not_a_notebook(tmp_path: Path) -> None:
    path = tmp_path / "empty.ipynb"
    path.write_text("")
    done = nb2prod("run", str(path))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"{path}: empty file, not a notebook"]
    assert path.read_text() == ""
