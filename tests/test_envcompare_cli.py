"""``nb2prod env --compare NOTEBOOK`` through real subprocesses: a notebook recorded here by a real
kernel (``nb2prod run``), the same notebook made to say it ran on an H100 (SYNTHETIC record),
unusable files; and the golden text of a comparison (``NB2PROD_UPDATE_GOLDEN=1`` rewrites it)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cli_runs import nb2prod
from envcompare_data import H100, LAPTOP, elsewhere, write
from nb2prod.cli_envcompare import render_comparison
from nb2prod.envcompare import compare_notebook
from nb2prod.notebook import from_dict

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "envcompare"


@pytest.fixture(scope="module")
def recorded_here(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A notebook without cell ids, run by ``nb2prod run`` in a real kernel of this Python."""
    folder = tmp_path_factory.mktemp("recorded")
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Sum"),
            new_code_cell("import json\nimport numpy as np\nimport helpers"),
            new_code_cell("print(np.arange(4).sum() + helpers.VALUE)"),
        ]
    )
    notebook.nbformat_minor = 4
    for cell in notebook.cells:
        cell.pop("id", None)
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3"}  # fmt: skip
    path = folder / "sum.ipynb"
    nbformat.write(notebook, str(path))
    (folder / "helpers.py").write_text("VALUE = 1\n")
    ran = nb2prod("run", str(path))
    assert ran.returncode == 0, ran.stderr
    return path


def copied(path: Path, folder: Path) -> Path:
    shutil.copy(path.parent / "helpers.py", folder / "helpers.py")
    return Path(shutil.copy(path, folder / path.name))


def test_a_notebook_recorded_here_has_no_difference(recorded_here: Path) -> None:
    """The notebook had no cell ids; ``nb2prod run`` gave it some, and the kernel's records."""
    found = nb2prod("env", "--compare", str(recorded_here))
    assert found.returncode == 0, found.stdout + found.stderr
    lines = found.stdout.splitlines()
    assert lines[0] == "Outputs made in this environment"
    assert lines[2].split() == ["recorded", "live"]
    assert any(line.split()[:1] == ["numpy"] for line in lines)
    assert not any("helpers" in line or "json" in line for line in lines)  # local, stdlib
    assert "*" not in found.stdout
    assert "cells from another environment" not in found.stdout
    assert found.stderr == ""


def test_the_same_notebook_recorded_on_an_h100_differs(recorded_here: Path, tmp_path: Path) -> None:
    path = copied(recorded_here, tmp_path)
    raw = json.loads(path.read_text())
    (env,) = raw["metadata"]["nb2prod"]["environments"].values()
    env["gpu"] = H100["gpu"]
    env["accelerators"] = H100["accelerators"]
    env["packages"]["numpy"] = "1.26.4"
    path.write_text(json.dumps(raw))
    found = nb2prod("env", "--compare", str(path))
    assert found.returncode == 1, found.stdout + found.stderr
    lines = found.stdout.splitlines()
    assert lines[0].startswith("Outputs made on another machine: ")
    assert "GPU NVIDIA H100 80GB HBM3 -> none" in lines[0]
    assert "numpy 1.26.4 -> " in lines[0]
    marked = {line.split()[1] for line in lines if line.startswith("* ")}
    assert {"GPU", "numpy", "CUDA", "cuDNN"} <= marked
    assert lines[-1] == "cells from another environment: 2, 3"

    as_json = nb2prod("env", "--compare", str(path), "--json")
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    assert data["state"] == "different"
    assert [(m["number"], m["id"], m["reasons"]) for m in data["marked"]] == [
        (2, "cell-1", ["differs"]), (3, "cell-2", ["differs"])
    ]  # fmt: skip
    gpu = next(r for r in data["rows"] if r["label"] == "GPU")
    assert gpu == {"label": "GPU", "kind": "gpu", "recorded": "NVIDIA H100 80GB HBM3",
                   "live": None, "status": "missing", "recorded_text": "NVIDIA H100 80GB HBM3",
                   "live_text": "none (no NVIDIA driver)"}  # fmt: skip


def test_json_of_a_notebook_without_record(tmp_path: Path) -> None:
    notebook = elsewhere()
    del notebook["metadata"]["nb2prod"]
    found = nb2prod("env", "--compare", str(write(tmp_path, notebook)), "--json")
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    assert data["state"] == "unrecorded"
    assert data["verdict"].startswith("No environment record: run the notebook with `nb2prod run`")
    assert [r["label"] for r in data["rows"] if r["kind"] == "package"] == [
        "numpy", "scikit-learn"
    ]  # helpers.py beside the notebook is the user's own module  # fmt: skip


def test_hostile_values_are_named_on_stderr_never_printed(tmp_path: Path) -> None:
    notebook = elsewhere()
    env = notebook["metadata"]["nb2prod"]["environments"][H100["id"]]
    env["gpu"]["devices"][0]["name"] = "<img src=x onerror=alert(1)>\x1b[2J"
    path = write(tmp_path, notebook)
    found = nb2prod("env", "--compare", str(path))
    assert found.returncode == 1
    assert "onerror" not in found.stdout
    assert "\x1b" not in found.stdout + found.stderr
    (notice,) = found.stderr.splitlines()
    assert notice.startswith(f"{path}: ignored recorded environment's gpu.devices.name (")


def unusable_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each kind of file the loader refuses, and the reason it gives."""
    r_kernel = new_notebook(cells=[new_code_cell("x <- 1")])
    r_kernel.metadata["kernelspec"] = {"name": "ir", "language": "R", "display_name": "R"}
    files: dict[str, tuple[str | bytes, str]] = {
        "corrupt.ipynb": ('{"cells": [', "truncated JSON"),
        "empty.ipynb": ("", "empty file"),
        "binary.ipynb": (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        "r.ipynb": (nbformat.writes(r_kernel), "kernel language is R, not Python"),
    }
    found = {"missing.ipynb": (folder / "missing.ipynb", "no such file")}
    for name, (content, reason) in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        found[name] = (path, reason)
    return found


@pytest.mark.parametrize(
    "name", ["missing.ipynb", "corrupt.ipynb", "empty.ipynb", "binary.ipynb", "r.ipynb"]
)
def test_unusable_input_is_one_line_and_status_2(tmp_path: Path, name: str) -> None:
    path, reason = unusable_files(tmp_path)[name]
    found = nb2prod("env", "--compare", str(path))
    assert found.returncode == 2
    assert found.stdout == ""
    (line,) = found.stderr.splitlines()
    assert line.startswith(f"{path}: ")
    assert reason in line
    assert "Traceback" not in found.stderr


def test_an_nbformat_3_notebook_is_read(tmp_path: Path) -> None:
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""},
          "worksheets": [{"cells": [{"cell_type": "code", "input": "import numpy",
                                     "language": "python", "outputs": [],
                                     "prompt_number": 1}]}]}  # fmt: skip
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(v3))
    found = nb2prod("env", "--compare", str(path), "--json")
    assert found.returncode == 0, found.stderr
    assert [r["label"] for r in json.loads(found.stdout)["rows"] if r["kind"] == "package"] == [
        "numpy"
    ]


# --- golden -------------------------------------------------------------------------------------


def golden_cases() -> dict[str, Any]:
    """A notebook recorded on the (SYNTHETIC) H100, opened on the CPU laptop; the same notebook
    with cell ids and one cell re-run after numpy was upgraded."""
    mixed = elsewhere(with_ids=True)
    upgraded = {**H100, "id": "b1b2b3b4b5b6b7b8", "packages": {**H100["packages"],
                                                               "numpy": "2.4.6"}}  # fmt: skip
    metadata = mixed["metadata"]["nb2prod"]
    metadata["environments"][upgraded["id"]] = upgraded
    run = {**metadata["history"][1], "environment": upgraded["id"], "execution_count": 5}
    metadata["history"].append({**run, "started": "2026-11-22T11:00:00Z"})
    mixed["cells"][2]["execution_count"] = 5
    return {"elsewhere": (elsewhere(), LAPTOP), "mixed": (mixed, LAPTOP)}


@pytest.mark.parametrize("case", ["elsewhere", "mixed"])
def test_text_and_json_match_golden_files(case: str) -> None:
    notebook, live = golden_cases()[case]
    comparison = compare_notebook(
        from_dict(json.loads(json.dumps(notebook)), "fit.ipynb"),
        live,
        is_local=lambda module: module == "helpers",
    )
    rendered = {
        GOLDEN / f"{case}.txt": render_comparison(comparison) + "\n",
        GOLDEN / f"{case}.json": json.dumps(comparison.to_dict(), indent=2, sort_keys=True) + "\n",
    }
    for golden, actual in rendered.items():
        if os.environ.get("NB2PROD_UPDATE_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(actual, encoding="utf-8")
        assert golden.exists(), (
            f"no golden file {golden.name}: regenerate with NB2PROD_UPDATE_GOLDEN=1"
        )
        assert actual == golden.read_text(encoding="utf-8")
