"""Code IPython refuses to run is a ``syntax-error``; deep code is analysed or said to be too deep.

``ast.parse`` accepts what the compiler later refuses (``return`` outside a function...); IPython
compiles each statement, so ``check`` must refuse the same. Deep expressions go through the real
CLI in a subprocess, so a crash of the interpreter (not only a traceback) fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.analysis.cell import analyse_cell

REFUSED = [
    # (what, source, line, message)
    ("top-level return", "x = 1\nreturn x", 2, "'return' outside function"),
    ("return in a class body", "class A:\n    return 1", 2, "'return' outside function"),
    ("top-level yield", "yield 1", 1, "'yield' outside function"),
    ("top-level yield from", "x = [1]\nyield from x", 2, "'yield' outside function"),
    ("top-level nonlocal", "nonlocal x", 1, "nonlocal declaration not allowed at module level"),
    ("break outside a loop", "if True:\n    break", 2, "'break' outside loop"),
    ("continue outside a loop", "continue", 1, "'continue' not properly in loop"),
    ("return after a magic", "%matplotlib inline\nreturn 1", 2, "'return' outside function"),
]

ACCEPTED = [
    ("top-level await", "import asyncio\nawait asyncio.sleep(0)"),
    ("top-level async for", "async def numbers():\n    yield 1\nasync for n in numbers():\n    n"),
    (
        "top-level async with",
        "import contextlib\nasync with contextlib.AsyncExitStack():\n    pass",
    ),
    ("async comprehension", "async def gen():\n    yield 1\n[n async for n in gen()]"),
    ("return and yield in a function", "def f():\n    yield 1\n    return 2"),
    ("break and continue in loops", "for i in range(3):\n    if i:\n        break\n    continue"),
    ("nonlocal in a nested function", "def f():\n    x = 1\n    def g():\n        nonlocal x"),
    # IPython compiles statement by statement: a __future__ import need not come first
    ("__future__ import after another", "import os\nfrom __future__ import division"),
]


@pytest.mark.parametrize(("what", "source", "line", "message"), REFUSED)
def test_what_ipython_refuses_is_a_syntax_error(
    what: str, source: str, line: int, message: str
) -> None:
    note = analyse_cell(source, ".").syntax_error
    assert note is not None, what
    assert (note.pos.line, note.detail) == (line, message), what


@pytest.mark.parametrize(("what", "source"), ACCEPTED)
def test_what_ipython_runs_is_no_syntax_error(what: str, source: str) -> None:
    assert analyse_cell(source, ".").syntax_error is None, what


def notebook(*sources: str) -> str:
    cells = [
        {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": i + 1,
         "outputs": [], "source": source}
        for i, source in enumerate(sources)
    ]  # fmt: skip
    kernel = {"name": "python3", "language": "python", "display_name": "Python 3"}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": kernel},
                       "cells": cells})  # fmt: skip


def check(folder: Path) -> dict[str, list[dict[str, object]]]:
    """``nb2prod check --json`` over ``folder``, in a child process: findings by file name."""
    result = subprocess.run(
        [sys.executable, "-m", "nb2prod", "check", "--json", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode in (0, 1), (result.returncode, result.stderr[-2000:])
    assert result.stderr == ""
    reports = json.loads(result.stdout)["notebooks"]
    return {Path(str(r["path"])).name: r["findings"] for r in reports}


def test_a_top_level_return_makes_the_notebook_not_reproducible(tmp_path: Path) -> None:
    (tmp_path / "ret.ipynb").write_text(notebook("x = 1", "y = x\nreturn y"))
    (tmp_path / "awaits.ipynb").write_text(notebook("import asyncio", "await asyncio.sleep(0)"))
    found = check(tmp_path)
    errors = [(f["kind"], f["cell"], f["line"]) for f in found["ret.ipynb"]]
    assert ("syntax-error", 2, 2) in errors
    assert found["awaits.ipynb"] == []


def chain(terms: int, operator: str) -> str:
    return f" {operator} ".join(["a"] * (terms - 1) + ["missing"])


DEEP = {
    # name: (cell source, what check must say)
    "and-600": (f"flag = {chain(600, 'and')}", "analysed"),
    "and-8000": (f"flag = {chain(8000, 'and')}", "analysed"),
    "plus-600": (f"total = {chain(600, '+')}", "analysed"),
    "plus-8000": (f"total = {chain(8000, '+')}", "cannot compile"),
    "attributes-600": ("value = missing" + ".real" * 600, "analysed"),
    "attributes-8000": ("value = missing" + ".real" * 8000, "cannot compile"),
    "not-600": ("flag = " + "not " * 600 + "missing", "analysed"),
    "calls-600": ("value = missing" + "()" * 600, "too deep to analyse"),
    "calls-8000": ("value = missing" + "()" * 8000, "cannot compile"),
    "brackets-100": ("deep = " + "[" * 100 + "missing" + "]" * 100, "analysed"),
    "brackets-8000": ("deep = " + "[" * 8000 + "missing" + "]" * 8000, "parentheses"),
    "function-8000": (f"def f():\n    return {chain(8000, '+')}", "cannot compile"),
    "magic-600": (f"%time total = {chain(600, '+')}", "analysed"),
}
SAYS = {
    "cannot compile": "code nested too deeply for Python to compile",
    "too deep to analyse": "is nested too deeply for nb2prod to analyse",
    "parentheses": "too many nested parentheses",
}


def test_deep_expressions_are_analysed_or_said_too_deep(tmp_path: Path) -> None:
    for name, (source, _) in DEEP.items():
        (tmp_path / f"{name}.ipynb").write_text(notebook("a = True", source))
    found = check(tmp_path)
    for name, (_, expected) in DEEP.items():
        findings = found[f"{name}.ipynb"]
        syntax = [str(f["message"]) for f in findings if f["kind"] == "syntax-error"]
        if expected == "analysed":  # the walk reached the last term
            assert syntax == [], (name, syntax)
            missing = [f for f in findings if "`missing`" in str(f["message"])]
            assert [(f["kind"], f["cell"]) for f in missing] == [("undefined-name", 2)], name
        else:
            assert len(syntax) == 1, (name, syntax)
            assert SAYS[expected] in syntax[0], (name, syntax)
            assert all(f["severity"] == "error" for f in findings if f["kind"] == "syntax-error")


def test_how_deep_is_too_deep_does_not_depend_on_earlier_cells() -> None:
    """A cell IPython's own transformer must rewrite imports IPython (and jedi, which raises the
    process's recursion limit); the verdict on a deep cell stays the same before and after."""
    script = (
        "import sys\n"
        "from nb2prod.analysis.cell import analyse_cell\n"
        "deep = 'value = missing' + '()' * 600\n"
        "limit = sys.getrecursionlimit()\n"
        "before = analyse_cell(deep).syntax_error\n"
        "assert analyse_cell('>>> x = 1').syntax_error is None\n"
        "assert 'IPython' in sys.modules\n"
        "after = analyse_cell(deep + ' ').syntax_error\n"
        "print(limit == sys.getrecursionlimit(), before == after, before is not None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True", "True", "True"]
