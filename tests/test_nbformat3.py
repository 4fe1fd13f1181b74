"""nbformat 3 notebooks as old IPython saved them, written by hand: read through nbformat's own v3
reader and converter by ``nb2prod check`` and ``nb2prod convert --no-lock``, never refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nb2prod.notebook import load


def nb2prod(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nb2prod", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
    )


def code(lines: list[str] | str, count: int | None, *outputs: dict[str, Any]) -> dict[str, Any]:
    """A v3 code cell: ``input`` (a list of lines, as IPython wrote it), ``prompt_number``."""
    return {"cell_type": "code", "collapsed": False, "input": lines, "language": "python",
            "metadata": {}, "outputs": list(outputs), "prompt_number": count}  # fmt: skip


def heading(level: int, source: list[str] | str) -> dict[str, Any]:
    return {"cell_type": "heading", "level": level, "metadata": {}, "source": source}


def markdown(source: list[str] | str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def pyout(count: int, text: list[str]) -> dict[str, Any]:
    return {"output_type": "pyout", "prompt_number": count, "metadata": {}, "text": text}


def stream(text: list[str]) -> dict[str, Any]:
    return {"output_type": "stream", "stream": "stdout", "text": text}


def figure() -> dict[str, Any]:
    return {"output_type": "display_data", "metadata": {}, "png": "iVBORw0KGgo=",
            "text": ["<matplotlib.figure.Figure at 0x10>"], "html": ["<b>plot</b>"]}  # fmt: skip


def pyerr() -> dict[str, Any]:
    return {"output_type": "pyerr", "ename": "ZeroDivisionError", "evalue": "division by zero",
            "traceback": ["ZeroDivisionError: division by zero"]}  # fmt: skip


def v3(*worksheets: list[dict[str, Any]], minor: int = 0) -> dict[str, Any]:
    return {
        "metadata": {"name": "old", "signature": "sha256:0"},
        "nbformat": 3,
        "nbformat_minor": minor,
        "worksheets": [{"cells": cells, "metadata": {}} for cells in worksheets],
    }


REPRODUCIBLE = [
    heading(1, ["An old ", "notebook"]),
    markdown(["Some prose\n", "over two lines"]),
    code(["import math\n", "r = 2\n", "r"], 1, pyout(1, ["2"])),
    heading(2, "Area"),
    code(["area = math.pi * r ** 2\n", "print(area)"], 2, stream(["12.566370614359172\n"])),
    code("scaled = area * 2", 3, figure()),
]

VARIANTS: dict[str, tuple[dict[str, Any], int]] = {
    "list sources, headings, pyout, stream, display_data": (v3(REPRODUCIBLE, minor=1), 0),
    "nbformat_minor 0": (v3(REPRODUCIBLE, minor=0), 0),
    "several worksheets": (v3(REPRODUCIBLE[:3], [], REPRODUCIBLE[3:], minor=1), 0),
    "a stored pyerr": (v3([*REPRODUCIBLE, code(["1 / 0"], 4, pyerr())]), 1),
    "out of order": (v3([code("a = 1", 2), code(["b = a + 1"], 1)]), 1),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("v3")
    for index, (document, _) in enumerate(VARIANTS.values()):
        (made / f"v{index}.ipynb").write_text(json.dumps(document, indent=1), encoding="utf-8")
    return made


@pytest.mark.parametrize(("name", "index"), [(n, i) for i, n in enumerate(VARIANTS)])
def test_check_reads_nbformat3_and_finds_what_it_should(
    name: str, index: int, folder: Path
) -> None:
    result = nb2prod("check", "--json", f"v{index}.ipynb", cwd=folder)
    assert result.returncode == VARIANTS[name][1], (name, result.stdout, result.stderr)
    assert result.stderr == "", name
    report = json.loads(result.stdout)["notebooks"][0]
    assert "error" not in report, report
    kinds = {f["kind"] for f in report["findings"] if f["severity"] == "error"}
    expected = {0: set(), 1: {"error-output"} if "pyerr" in name else {"out-of-order"}}
    assert expected[VARIANTS[name][1]] <= kinds, (name, kinds)
    assert all(f["cell_id"] is None for f in report["findings"]), "no made-up cell ids"


def test_cells_are_upgraded_the_way_nbformat_upgrades_them(folder: Path) -> None:
    notebook = load(folder / "v2.ipynb")  # several worksheets, flattened in order
    assert [c.cell_type for c in notebook.cells] == ["markdown", "markdown", "code", "markdown"] + [
        "code"
    ] * 2
    assert notebook.cells[0].source == "# An old  notebook"  # a heading: one line, `level` hashes
    assert notebook.cells[3].source == "## Area"
    assert notebook.cells[2].source == "import math\nr = 2\nr"
    first, area, scaled = notebook.code_cells
    assert (first.execution_count, first.outputs[0].output_type) == (1, "execute_result")
    assert first.outputs[0].text == "2"
    assert (area.outputs[0].name, area.outputs[0].text) == ("stdout", "12.566370614359172\n")
    assert scaled.outputs[0].mimetypes == ("image/png", "text/html", "text/plain")
    assert (notebook.nbformat, notebook.nbformat_minor) == (3, 1)
    assert "signature" not in notebook.metadata


def test_the_same_v3_file_gives_the_same_report(folder: Path) -> None:
    first = nb2prod("check", "--json", "v0.ipynb", cwd=folder)
    again = nb2prod("check", "--json", "v0.ipynb", cwd=folder)
    assert first.stdout == again.stdout


def test_malformed_v3_cells_are_read_like_messy_v4_cells(tmp_path: Path) -> None:
    document = v3(
        [
            heading(9, ["Level ", "out of range"]),
            {"cell_type": "heading", "level": "two", "source": 7},
            code(["x = 1"], 1, {"output_type": "pyout", "prompt_number": 1, "json": "{not json"}),
            code(["y = x"], 2, {"output_type": "stream", "text": [1, 2]}, "not an output"),
            {"cell_type": "code", "input": ["print(y)"], "prompt_number": 3, "metadata": []},
            "not a cell",
        ]
    )
    (tmp_path / "messy.ipynb").write_text(json.dumps(document), encoding="utf-8")
    result = nb2prod("check", "--json", "messy.ipynb", cwd=tmp_path)
    assert result.returncode == 0, (result.stdout, result.stderr)
    notebook = load(tmp_path / "messy.ipynb")
    assert [c.cell_type for c in notebook.cells][:2] == ["markdown", "markdown"]
    assert notebook.cells[0].source == "# Level  out of range"
    assert notebook.cells[2].outputs == (), "an output nbformat cannot upgrade is left out"


def test_v3_without_worksheets_is_one_line_and_status_2(tmp_path: Path) -> None:
    (tmp_path / "bare.ipynb").write_text(json.dumps({"nbformat": 3, "metadata": {}}))
    result = nb2prod("check", "bare.ipynb", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "bare.ipynb: not a Jupyter notebook ('worksheets' is missing or not a list)"
    )


@pytest.mark.parametrize("index", [0, 2])
def test_convert_lifts_a_v3_notebook(index: int, folder: Path) -> None:
    out = folder / f"pkg{index}"
    result = nb2prod("convert", f"v{index}.ipynb", "-o", str(out), "--no-lock", cwd=folder)
    assert result.returncode == 0, (result.stdout, result.stderr)
    steps = "\n".join(p.read_text() for p in out.rglob("*.py") if "test" not in p.name)
    assert "math.pi * r ** 2" in steps
    assert "area = " in steps
