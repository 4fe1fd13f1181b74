"""The command line over many notebooks: parallel checking, colour, folders, exit status."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_runs import nb2prod

ROOT = Path(__file__).resolve().parent.parent
CRAFTED = ROOT / "tests" / "data" / "crafted"


def test_parallel_check_of_a_folder_gives_the_same_reports_as_one_by_one(tmp_path: Path) -> None:
    chosen = sorted(CRAFTED.glob("*__flag.ipynb"))[:8]
    for path in chosen:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    shutil.copy(chosen[0], tmp_path / ".ipynb_checkpoints" / "skipped-checkpoint.ipynb")

    together = nb2prod("check", "--json", "--jobs", "2", str(tmp_path))
    assert together.returncode == 1, together.stderr
    reports = json.loads(together.stdout)["notebooks"]
    assert [Path(r["path"]).name for r in reports] == [p.name for p in chosen]
    for report in reports:
        alone = json.loads(nb2prod("check", "--json", report["path"]).stdout)["notebooks"][0]
        assert alone == report


def test_colour_only_when_asked_or_on_a_terminal() -> None:
    flagged = str(CRAFTED / "use-before-define__flag.ipynb")
    plain = nb2prod("check", flagged, env={"NO_COLOR": ""})
    assert "\x1b[" not in plain.stdout
    coloured = nb2prod("check", "--color", flagged)
    assert "\x1b[1;31muse-before-define\x1b[0m" in coloured.stdout
    assert "\x1b[" in nb2prod("check", flagged, env={"FORCE_COLOR": "1"}).stdout


def test_human_lines_name_path_cell_line_and_kind() -> None:
    flagged = CRAFTED / "use-before-define__flag.ipynb"
    result = nb2prod("check", "--no-color", str(flagged))
    first = result.stdout.splitlines()[0]
    path, cell, line, rest = first.split(":", 3)
    assert path == str(flagged)
    assert int(cell) >= 1
    assert int(line) >= 0
    assert rest.startswith(" ")
    assert result.stdout.splitlines()[1].startswith("    hint: ")
    assert result.returncode == 1


def test_clean_examples_exit_0() -> None:
    result = nb2prod("check", str(ROOT / "examples" / "clean_analysis.ipynb"))
    assert result.returncode == 0, result.stdout
    assert "reproducible" in result.stdout


def test_an_empty_folder_is_unusable_input(tmp_path: Path) -> None:
    result = nb2prod("check", str(tmp_path))
    assert result.returncode == 2
    assert str(tmp_path) in result.stderr
    assert result.stdout == ""


def test_convert_of_unusable_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"nbformat": 4, "cells": [')
    out = tmp_path / "out"
    for notebook in (broken, tmp_path / "missing.ipynb"):
        result = nb2prod("convert", str(notebook), "-o", str(out))
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1
        assert str(notebook) in result.stderr
        assert "Traceback" not in result.stderr
        assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ipynb"]


def test_convert_writes_a_package_that_names_its_cells(tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    result = nb2prod("convert", str(ROOT / "examples" / "parameters_report.ipynb"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "pyproject.toml").is_file()
    provenance = json.loads((out / "nb2prod.json").read_text())
    assert provenance["notebook"] == "parameters_report.ipynb"
    assert all(entry["function"] for entry in provenance["cells"].values())


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    import pty

    for path in sorted(CRAFTED.glob("*__clean.ipynb"))[:6]:
        shutil.copy(path, tmp_path / path.name)
    master, slave = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "nb2prod", "check", "--json", str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=300,
            check=False,
        )
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert result.returncode == 0
    assert b"6/6 notebooks" in shown
    assert "notebooks" not in nb2prod("check", "--json", str(tmp_path)).stderr


@pytest.mark.parametrize(
    ("pyproject", "reason"),
    [
        (None, "not a package folder: no pyproject.toml"),
        ("", "not a package folder: pyproject.toml has no [project] table"),
        ("garbage = = =\n", "not a package folder: pyproject.toml: Invalid value"),
        (
            '[project]\nversion = "1"\n',
            "not a package folder: pyproject.toml has no valid [project] name",
        ),
        (
            '[project]\nname = "demo"\n',
            "not a package folder: pyproject.toml has no [project] version",
        ),
        (b"\xff\xfe[project]", "not a package folder: pyproject.toml: 'utf-8' codec"),
    ],
)
def test_verify_of_an_unusable_folder_is_one_line_exit_2(
    tmp_path: Path, pyproject: str | bytes | None, reason: str
) -> None:
    folder = tmp_path / "pkg"
    folder.mkdir()
    if isinstance(pyproject, bytes):
        (folder / "pyproject.toml").write_bytes(pyproject)
    elif pyproject is not None:
        (folder / "pyproject.toml").write_text(pyproject)
    result = nb2prod("verify", str(folder))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{folder}: {reason}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


@pytest.mark.slow
def test_verify_of_a_package_without_tests_is_one_line_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    (folder / "src" / "demo").mkdir(parents=True)
    (folder / "src" / "demo" / "__init__.py").write_text("")
    (folder / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "1"\n')
    result = nb2prod("verify", str(folder))
    assert result.returncode == 2
    assert result.stderr == f"{folder}: not a package with tests: pytest found none to run\n"


@pytest.mark.kernel
@pytest.mark.parametrize(
    ("source", "flags", "reason"),
    [
        ("import time\ntime.sleep(60)", ["--timeout", "2"], "timed out after 2 s in cell 3"),
        ("import os\nos._exit(1)", [], "the kernel died while running cell 3"),
    ],
)
def test_run_says_in_one_line_which_cell_stopped_it(
    tmp_path: Path, source: str, flags: list[str], reason: str
) -> None:
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# a title, counted as cell 1"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell(source),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook, path)
    before = path.read_bytes()
    result = nb2prod("run", str(path), *flags)
    assert result.returncode == 1
    assert result.stderr == f"{path}: stopped: {reason}; nothing saved\n"
    assert path.read_bytes() == before
