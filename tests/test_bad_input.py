"""The real CLI, in a subprocess, on input it cannot use and on input that is odd but fine.

Unusable input must give exit status 2 and exactly one line on stderr that names the file and the
reason, with no traceback and nothing written.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import nbformat.v3
import pytest

FINDING_KEYS = {"kind", "severity", "cell", "cell_id", "line", "message", "hint", "proof"}


def run_check(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nb2prod", "check", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def good_notebook_json(*sources: str) -> str:
    """A small valid nbformat 4 Python notebook, executed top to bottom."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for count, source in enumerate(sources or ("x = 1", "print(x)"), start=1):
        cell = nbformat.v4.new_code_cell(source, execution_count=count)
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nbformat.writes(nb)


def kernel_notebook_json(name: str, language: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": name, "display_name": language, "language": language}
    nb.metadata["language_info"] = {"name": language}
    nb.cells.append(nbformat.v4.new_code_cell("x <- 1", execution_count=1))
    nbformat.validate(nb)
    return nbformat.writes(nb)


def nbformat2_json() -> str:
    return json.dumps(
        {
            "metadata": {"name": "old"},
            "nbformat": 2,
            "worksheets": [
                {"cells": [{"cell_type": "code", "input": "x = 1", "language": "python"}]}
            ],
        }
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))}


# name -> (file content, or None for a missing file; regex the reason must match)
BAD_INPUTS: dict[str, tuple[bytes | None, str]] = {
    "not-json": (b"this is plain text, not a notebook\n", r"\bJSON\b"),
    "truncated": (good_notebook_json().encode()[:150], r"truncated"),
    "binary": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IHDR" + b"\x00\xff" * 32, r"binary"),
    "empty": (b"", r"empty"),
    "whitespace": (b"  \n\t\n   \n", r"empty"),
    "foo-object": (b'{"foo": 1}', r"not a (Jupyter )?notebook"),
    "list-json": (b"[1, 2, 3]", r"not a (Jupyter )?notebook"),
    "r-kernel": (kernel_notebook_json("ir", "R").encode(), r"\bR\b.*not Python|not Python.*\bR\b"),
    "julia-kernel": (
        kernel_notebook_json("julia-1.9", "julia").encode(),
        r"(?i)julia.*not Python|not Python.*julia",
    ),
    "missing": (None, r"(?i)no such file"),
    "nbformat2": (nbformat2_json().encode(), r"nbformat 2"),
    # Valid JSON that Python's json module refuses to turn into an int (over 4,300 digits).
    "huge-number": (
        good_notebook_json()
        .replace('"execution_count": 1', '"execution_count": 1' + "0" * 5000)
        .encode(),
        r"(?i)number|integer|digits",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_unusable_input_is_one_line_and_exit_2(tmp_path: Path, case: str, as_json: bool) -> None:
    content, reason = BAD_INPUTS[case]
    path = tmp_path / f"input-{sorted(BAD_INPUTS).index(case)}.ipynb"  # no reason word in the name
    if content is not None:
        path.write_bytes(content)
    before = snapshot(tmp_path)

    result = run_check(path, *(["--json"] if as_json else []))

    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr + result.stdout
    assert "internal error" not in result.stderr, "unusable input is a NotebookError, not a crash"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    assert str(path) in lines[0]
    said = lines[0].replace(str(path), "")
    assert re.search(reason, said), f"reason {reason!r} not in {lines[0]!r}"
    assert snapshot(tmp_path) == before, "check must write nothing"
    if as_json:
        document = json.loads(result.stdout)
        assert document["notebooks"] == [
            {"path": str(path), "error": document["notebooks"][0]["error"]}
        ]
        assert document["notebooks"][0]["error"]


def test_truncated_at_every_tenth_of_the_file(tmp_path: Path) -> None:
    text = good_notebook_json("import os", "x = os.getcwd()", "print(x)").encode()
    for tenth in range(1, 10):
        path = tmp_path / f"part{tenth}.ipynb"
        path.write_bytes(text[: len(text) * tenth // 10])
        result = run_check(path)
        assert result.returncode == 2, (tenth, result)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert str(path) in result.stderr
        assert "truncated" in result.stderr.replace(str(path), ""), (tenth, result.stderr)


def test_folder_with_one_good_and_one_corrupt_notebook(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    good = folder / "good.ipynb"
    # Counts say cell 2 ran before cell 1: the good notebook has something to report.
    nb = json.loads(good_notebook_json("y = x + 1", "x = 1"))
    nb["cells"][0]["execution_count"], nb["cells"][1]["execution_count"] = 2, 1
    good.write_text(json.dumps(nb))
    corrupt = folder / "corrupt.ipynb"
    corrupt.write_bytes(good.read_bytes()[:100])
    checkpoints = folder / ".ipynb_checkpoints"
    checkpoints.mkdir()
    (checkpoints / "corrupt-checkpoint.ipynb").write_bytes(b"{")

    result = run_check(folder)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert str(good) in result.stdout
    assert result.stderr.splitlines() == [line for line in result.stderr.splitlines() if line]
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert str(corrupt) in result.stderr
    assert "checkpoint" not in result.stdout + result.stderr

    as_json = run_check(folder, "--json")
    assert as_json.returncode == 2, as_json
    document = json.loads(as_json.stdout)
    by_path = {entry["path"]: entry for entry in document["notebooks"]}
    assert set(by_path) == {str(good), str(corrupt)}
    assert by_path[str(good)]["findings"], by_path[str(good)]
    assert "error" in by_path[str(corrupt)]
    assert len(as_json.stderr.splitlines()) == 1, as_json.stderr


def test_nbformat_v3_is_accepted(tmp_path: Path) -> None:
    v3 = nbformat.v3
    cells = [
        v3.new_text_cell("markdown", source="# An old notebook"),
        v3.new_code_cell(input="import math\nr = 2", prompt_number=1),
        v3.new_code_cell(
            input="area = math.pi * r ** 2\nprint(area)",
            prompt_number=2,
            outputs=[v3.new_output("stream", output_text="12.566370614359172\n")],
        ),
    ]
    nb = v3.new_notebook(worksheets=[v3.new_worksheet(cells=cells)], metadata=v3.new_metadata())
    path = tmp_path / "old.ipynb"
    path.write_text(v3.writes_json(nb))
    assert json.loads(path.read_text())["nbformat"] == 3

    result = run_check(path, "--json")
    assert result.returncode in (0, 1), result
    assert "Traceback" not in result.stderr
    entry = json.loads(result.stdout)["notebooks"][0]
    assert entry["path"] == str(path)
    assert "error" not in entry


def test_huge_stream_output_is_checked(tmp_path: Path) -> None:
    nb = json.loads(good_notebook_json("for i in range(10**6):\n    print(i)", "z = 2"))
    chunk = "0123456789" * 10 + "\n"
    nb["cells"][0]["outputs"] = [
        {
            "output_type": "stream",
            "name": "stdout",
            "text": [chunk] * (50 * 1024 * 1024 // len(chunk)),
        }
    ]
    path = tmp_path / "huge.ipynb"
    path.write_text(json.dumps(nb))
    assert path.stat().st_size > 50 * 1000 * 1000

    result = run_check(path, "--json")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    entry = json.loads(result.stdout)["notebooks"][0]
    assert entry["path"] == str(path)
    assert "error" not in entry


def test_json_output_is_one_object_with_documented_keys(tmp_path: Path) -> None:
    first = tmp_path / "a.ipynb"
    first.write_text(
        good_notebook_json("import random\nprint(random.random())", "print(undefined_nm)")
    )
    second = tmp_path / "b.ipynb"
    second.write_text(good_notebook_json())

    result = run_check(first, second, "--json")
    assert result.returncode in (0, 1), result
    assert result.stderr == ""
    document = json.loads(result.stdout)  # fails on anything but one JSON value
    assert isinstance(document, dict)
    assert set(document) == {"notebooks"}
    assert [entry["path"] for entry in document["notebooks"]] == [str(first), str(second)]
    for entry in document["notebooks"]:
        assert set(entry) == {"path", "reproducible", "findings"}
        assert isinstance(entry["reproducible"], bool)
        for finding in entry["findings"]:
            assert set(finding) == FINDING_KEYS
            assert finding["severity"] in ("info", "warning", "error")
            assert isinstance(finding["line"], int)
            assert finding["line"] >= 0
    assert document["notebooks"][0]["findings"], "a notebook reading an undefined name has findings"
    has_errors = any(
        f["severity"] == "error" for entry in document["notebooks"] for f in entry["findings"]
    )
    assert result.returncode == (1 if has_errors else 0)


def test_min_severity_error_filters_json(tmp_path: Path) -> None:
    path = tmp_path / "a.ipynb"
    path.write_text(good_notebook_json("import random\nprint(random.random())", "print(x)"))
    result = run_check(path, "--json", "--min-severity", "error")
    assert result.returncode in (0, 1), result
    for finding in json.loads(result.stdout)["notebooks"][0]["findings"]:
        assert finding["severity"] == "error"


def test_human_output_ends_with_summary(tmp_path: Path) -> None:
    path = tmp_path / "a.ipynb"
    path.write_text(good_notebook_json("print(never_defined)"))
    result = run_check(path)
    assert result.returncode in (0, 1), result
    lines = result.stdout.splitlines()
    assert lines, "human output is never empty"
    findings = [line for line in lines if line.startswith(f"{path}:")]
    assert findings, result.stdout
    assert re.match(re.escape(str(path)) + r":\d+:\d+: [a-z-]+: ", findings[0])
    assert not lines[-1].startswith(str(path)), "the summary line comes last"


@pytest.mark.parametrize(
    "args", [[], ["--min-severity", "fatal", "x.ipynb"], ["--no-such-option", "x.ipynb"]]
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = run_check(*args, cwd=tmp_path)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert os.listdir(tmp_path) == []
