"""The notebook's own code, marked where ruff's rules flag it, so the package passes the rules
its pyproject selects; real ruff over a real conversion."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from nb2prod.convert import lintmarks
from nb2prod.convert.package import Package, convert_notebook
from nb2prod.notebook import load

# the author's habits ruff's B and UP rules flag, which convert keeps as written
AUTHOR = (
    "from typing import List\n"
    "def pairs(xs: List[int], ys: List[int]) -> List[tuple]:\n"
    "    return list(zip(xs, ys))\n"
    "for i in range(2):\n"
    "    print('tick')\n"
)


def _notebook(tmp_path: Path) -> Path:
    cells = [
        new_code_cell(AUTHOR, execution_count=1,
                      outputs=[new_output("stream", name="stdout", text="tick\ntick\n")]),
        new_code_cell("pairs([1], [2])", execution_count=2,
                      outputs=[new_output("execute_result", data={"text/plain": "[(1, 2)]"},
                                          execution_count=2)]),
    ]  # fmt: skip
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3"}  # fmt: skip
    path = tmp_path / "habits.ipynb"
    nbformat.write(notebook, str(path))
    return path


def _write(package: Package, root: Path) -> Path:
    for relative, content in package.files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def _ruff(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(root)],
                          capture_output=True, text=True, check=False)  # fmt: skip


def test_the_authors_lines_are_marked_and_the_package_passes_ruff(tmp_path: Path) -> None:
    package = convert_notebook(load(_notebook(tmp_path)))
    assert isinstance(package, Package)
    root = _write(package, tmp_path / "pkg")
    checked = _ruff(root)
    assert checked.returncode == 0, checked.stdout
    code = "\n".join(t for p, t in package.files.items() if p.endswith(".py")
                     and isinstance(t, str))  # fmt: skip
    assert "zip(xs, ys))  # noqa: B905" in code
    assert "# noqa: B007" in code
    assert "UP035" in code
    marks = json.loads(str(package.files["nb2prod.json"]))["lint_marks"]
    assert marks["tool"] == "ruff"
    assert marks["version"]
    assert any(path.endswith(".py") for path in marks["files"])


def test_without_ruff_the_code_is_written_unmarked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ruff is installed here; its absence on a user's machine is what this stands in for
    monkeypatch.setattr(lintmarks, "ruff_binary", lambda: None)
    package = convert_notebook(load(_notebook(tmp_path)))
    assert isinstance(package, Package)
    assert "lint_marks" not in json.loads(str(package.files["nb2prod.json"]))
    code = "\n".join(t for t in package.files.values() if isinstance(t, str))
    assert "noqa: B905" not in code
    assert _ruff(_write(package, tmp_path / "pkg")).returncode == 1
