"""What ``nb2prod verify`` prints of a failing test: its cell, its message's first line, and the
first lines of the diff in the message, whatever the message's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nb2prod.verify_junit import TestResult
from nb2prod.verify_report import (
    DIFF_LINES,
    Origin,
    needs_record_hint,
    read_origin,
    render_test,
    split_diff,
)

ORIGIN = Origin("nb.ipynb", {"test_cell_4_output": 4, "test_data_x_csv": 2}, recorded=False)


def failed(name: str, message: str) -> TestResult:
    return TestResult(f"tests/test_notebook.py::{name}", "failed", message)


@pytest.mark.parametrize(
    ("message", "head", "diff"),
    [
        (  # raised by the generated conftest
            "AssertionError: shown text differs:\n--- notebook\n+++ package\n@@ -1 +1 @@\n-4\n+5",
            "AssertionError: shown text differs",
            ["--- notebook", "+++ package", "@@ -1 +1 @@", "-4", "+5"],
        ),
        (  # the diff at once, on the exception's line
            "AssertionError: --- a\n+++ b\n-x\n+y",
            "AssertionError",
            ["--- a", "+++ b", "-x", "+y"],
        ),
        (  # an assert statement's message: pytest indents it and adds its own explanation
            "AssertionError: differs\n  --- e\n  +++ p\n  @@ -1 +1 @@\n  -b\n  +c\n"
            "assert 'a\\nb' == 'a\\nc'\n  \n    a\n  - c",
            "AssertionError: differs",
            ["--- e", "+++ p", "@@ -1 +1 @@", "-b", "+c"],
        ),
        ("a hunk only\n@@ -1 +1 @@\n-1\n+2\n\n", "a hunk only", ["@@ -1 +1 @@", "-1", "+2"]),
        ("AssertionError: three twice\nassert 6 == 9", "AssertionError: three twice", []),
        ("assert False\n + where False = shows('x', 'y')", "assert False", []),
        ("--- only a line like a header", "--- only a line like a header", []),
        ("", "", []),
    ],
)
def test_a_message_of_any_shape(message: str, head: str, diff: list[str]) -> None:
    assert split_diff(message) == (head, diff)


def test_a_failing_test_of_a_cell_names_it_and_shows_the_start_of_the_diff() -> None:
    body = [f"-line {n}" for n in range(20)]
    message = "AssertionError: shown text differs:\n--- notebook\n+++ package\n" + "\n".join(body)
    lines = render_test(failed("test_cell_4_output", message), ORIGIN).splitlines()
    assert lines[0] == (
        "FAIL tests/test_notebook.py::test_cell_4_output (cell 4) — AssertionError: shown text "
        "differs"
    )
    assert lines[1:] == [
        "    --- notebook",
        "    +++ package",
        *(f"    -line {n}" for n in range(DIFF_LINES - 2)),
        f"    [... {22 - DIFF_LINES} more lines of the diff]",
    ]


def test_passing_skipped_and_unmapped_tests_keep_their_one_line() -> None:
    passed = TestResult("tests/test_notebook.py::test_cell_4_output", "passed", "")
    assert render_test(passed, ORIGIN) == "PASS tests/test_notebook.py::test_cell_4_output"
    other = failed("test_pipeline_runs", "KeyError: 'x'\nmore")
    assert render_test(other, ORIGIN) == (
        "FAIL tests/test_notebook.py::test_pipeline_runs — KeyError: 'x'"
    )
    long = failed("test_cell_4_output", "@@ -1 +1 @@\n-" + "x" * 500)
    assert len(render_test(long, ORIGIN).splitlines()[2]) == 4 + 160


def test_the_hint_only_for_a_shown_text_test_of_a_package_without_records() -> None:
    shown = failed("test_cell_4_output[1]", "AssertionError")
    data = failed("test_data_x_csv", "AssertionError")
    unmapped = failed("test_cell_9_output", "AssertionError")
    assert needs_record_hint([shown], ORIGIN)
    assert not needs_record_hint([data, unmapped], ORIGIN)
    recorded = Origin("nb.ipynb", ORIGIN.cells, recorded=True)
    assert not needs_record_hint([shown], recorded)
    passed = TestResult(shown.name, "passed", "")
    assert not needs_record_hint([passed], ORIGIN)


def write_provenance(folder: Path, data: object) -> Path:
    (folder / "nb2prod.json").write_text(json.dumps(data))
    return folder


def test_the_origin_from_nb2prod_json_keeps_only_values_of_the_right_shape(
    tmp_path: Path,
) -> None:
    assert read_origin(tmp_path) == Origin()
    (tmp_path / "nb2prod.json").write_text("{not json")
    assert read_origin(tmp_path) == Origin()
    data = {
        "notebook": "a\nb.ipynb",
        "recorded": {"pandas": "2.2.2"},
        "cells": {
            "a": {"cell": 3, "tests": ["test_cell_3_output", 7]},
            "b": {"cell": "4", "tests": ["test_cell_4_output"]},
            "c": {"cell": True, "tests": ["test_cell_5_output"]},
            "d": {"cell": 6, "tests": "test_cell_6_output"},
            "e": [1, 2],
        },
    }
    origin = read_origin(write_provenance(tmp_path, data))
    assert origin == Origin(None, {"test_cell_3_output": 3}, recorded=True)
    data["notebook"], data["recorded"] = "analysis.ipynb", {"pandas": "not a version!"}
    origin = read_origin(write_provenance(tmp_path, data))
    assert (origin.notebook, origin.recorded) == ("analysis.ipynb", False)
