"""Small notebooks in the style of real ones, one for each way lifting used to break a notebook
that runs top to bottom: each is run in a real kernel (``nb2prod run``), converted, and its package
proven by its own tests in a fresh environment (``nb2prod verify``). Every step is the real CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

Cell = str | tuple[str, list[str]]

CASES: dict[str, list[Cell]] = {
    # definitions read names that step code binds: at the time they are defined, or when called
    "globals-and-defaults": [
        "import math\nrate = 0.5",
        "def grow(x, r=rate):\n    return x * (1 + r) * scale",
        "scale = 2\ngrow(10)",
        "Solution = dict\ndef solve(n) -> Solution:\n    return {'n': n, 'root': math.sqrt(n)}",
        "solve(16)",
    ],
    "decorator-from-a-step": [
        "registry = []\ndef register(f):\n    registry.append(f.__name__)\n    return f",
        "@register\ndef first():\n    return 1\n\n@register\ndef second():\n    return 2",
        "registry, first() + second()",
    ],
    "global-set-by-a-function": [
        "counter = 0\ndef bump(by=1):\n    global counter\n    counter += by\n    return counter",
        "bump(); bump(5)\nprint('counter is', counter)",
    ],
    "star-import": [
        "from typing import *\nfrom math import *",
        "def area(r: float) -> Optional[float]:\n    return pi * r ** 2 if r >= 0 else None",
        "area(2.0), area(-1)",
    ],
    # a name defined twice: each call means the definition of its time
    "redefined-function": [
        "def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n"
        "    return a",
        "fibonacci(10)",
        "def fibonacci(n, a=0, b=1):\n    return a if n == 0 else fibonacci(n - 1, b, a + b)",
        "fibonacci(20), fibonacci(5, 2, 3)",
    ],
    # the package shows values by IPython's rules, as the notebook did
    "pretty-printed": [
        "types = [bool, str, int]\ntypes",
        "squares = {n: n * n for n in range(30)}\nsquares",
        "words = ['alpha', 'beta'] * 12\nwords",
        "import collections\ncollections.Counter('mississippi')",
    ],
    # output a fresh run can never give again is not asserted: timings, shell, addresses, draws
    "varying-output": [
        "import numpy as np\nsample = np.random.normal(size=(4, 3))\nsample",
        "sample.shape, sample.dtype",
        "%timeit sample.sum()",
        "!ls -l",
        "object()",
        "print('done')",
    ],
    # every figure shown inline is saved, one file per figure, named by cell
    "inline-figures": [
        "%matplotlib inline\nimport matplotlib.pyplot as plt\nxs = list(range(10))",
        "plt.plot(xs, [x * x for x in xs])",
        "fig, axes = plt.subplots(1, 2)\naxes[0].bar(xs, xs)\naxes[1].scatter(xs, xs)",
        "for k in range(3):\n    plt.figure()\n    plt.plot(xs, [x ** k for x in xs])",
        "plt.hist(xs)\nplt.show()",
        "def plot_power(k):\n    plt.plot(xs, [x ** k for x in xs])\n    plt.show()",
        "for k in (1, 2):\n    plot_power(k)",
    ],
    # a cell that fails on purpose: the same class is expected, and the pipeline goes on
    "raises-on-purpose": [
        "ages = {'ann': 31, 'bob': 27}",
        ("ages['eve']", ["<stored KeyError>"]),
        ("int('forty')", ["raises-exception"]),
        "print(sorted(ages))",
    ],
    # IPython's own API in cells
    "ipython-api": [
        "from IPython.display import display, Markdown\nimport pandas as pd",
        "frame = pd.DataFrame({'a': [1, 2], 'b': [3.5, 4.5]})\ndisplay(frame)",
        "display(frame.a.sum(), frame.b.mean())",
        "%%capture captured\nprint('hidden until shown')",
        "captured.show()",
    ],
    # IPython kept the last shown value as `_`; a regex in a plain string ("\d") runs as written
    "last-value-and-escapes": [
        "21 * 2",
        "_ + 1",
        "import re\nre.findall('\\d+', 'a1b22c333')",
        "print(_)",
    ],
    # %pylab: the imports IPython made, written out
    "pylab": ["%pylab inline", "x = linspace(0, 1, 5)\nx", "plot(x, sin(x))\nprint(pi)"],
    # `if __name__ == "__main__":` ran in the kernel, where cells are `__main__`
    "main-guard": [
        "def main():\n    print('main ran')\n\nif __name__ == '__main__':\n    main()",
    ],
    # a file the notebook writes, then reads back: its own product, never shipped as an input
    "saves-then-loads": [
        "import numpy as np\nM = np.random.rand(3, 3)\nnp.save('matrix.npy', M)",
        "N = np.load('matrix.npy')\nprint((N == M).all())",
    ],
}


def _notebook(cells: list[Cell]) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    for index, cell in enumerate(cells):
        source, tags = (cell, []) if isinstance(cell, str) else cell
        made = nbformat.v4.new_code_cell(source, id=f"cell-{index}")
        for tag in tags:
            if tag.startswith("<stored "):  # the error a past run saved, as notebooks keep it
                name = tag.removeprefix("<stored ").removesuffix(">")
                error = nbformat.v4.new_output("error", ename=name, evalue="", traceback=[])
                made.outputs.append(error)
            else:
                made.metadata.setdefault("tags", []).append(tag)
        notebook.cells.append(made)
    return notebook


def _nb2prod(folder: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nb2prod", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_notebook_that_runs_gives_a_package_whose_tests_pass(case: str, tmp_path: Path) -> None:
    """run -> convert -> verify, all real; the package's own tests are the judge."""
    nbformat.write(_notebook(CASES[case]), tmp_path / "analysis.ipynb")
    ran = _nb2prod(tmp_path, "run", "analysis.ipynb", "-o", "ran.ipynb", "--timeout", "120")
    assert ran.returncode == 0, ran.stderr
    # the versions the kernel used matter to how values print: that case is locked for real
    locking = [] if case == "pretty-printed" else ["--no-lock"]
    converted = _nb2prod(tmp_path, "convert", "ran.ipynb", "-o", "pkg", *locking)
    assert converted.returncode == 0, converted.stdout + converted.stderr
    verified = _nb2prod(tmp_path, "verify", "pkg", "--timeout", "300")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert " 0 failed" in verified.stdout
    assert "FAIL" not in verified.stdout
    _case_checks(case, tmp_path / "pkg", verified.stdout)


def _case_checks(case: str, package: Path, verified: str) -> None:
    """What each case must show beyond passing (so a pass cannot come from testing nothing)."""
    tests = (package / "tests" / "test_notebook.py").read_text(encoding="utf-8")
    source = package / "src" / "ran"
    linted = subprocess.run(  # the rules the package's pyproject selects
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(package)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert linted.returncode == 0, linted.stdout
    if case == "saves-then-loads":
        assert not (source / "data" / "matrix.npy").exists()
        assert "'True\\n'" in tests  # the round trip is tested, on this run's own matrix
    if case in ("globals-and-defaults", "global-set-by-a-function", "redefined-function"):
        steps = (source / "steps.py").read_text(encoding="utf-8")
        assert "global " in steps  # the faithful form: one namespace, as in the kernel
    if case == "redefined-function":
        assert "test_cell_2_fibonacci" not in tests  # never call a later definition
        assert "(6765, 21)" in tests
    if case == "pretty-printed":
        assert "[bool, str, int]" in tests
        assert "PASS tests/test_notebook.py::test_cell_2_output" in verified
    if case == "varying-output":
        assert "values=False" in tests
        assert "test_cell_3_output" not in tests  # a timing
        assert "test_cell_4_output" not in tests  # a shell listing
    if case == "inline-figures":
        for cell, count in ((2, 1), (3, 1), (4, 3), (5, 1), (7, 2)):  # 7: shown by a function
            test = tests.split(f"def test_cell_{cell}_figures")[1]
            assert f"assert len(saved) == {count}" in test
    if case == "raises-on-purpose":
        assert "test_cell_2_raises_keyerror" in tests
        assert "test_cell_3_raises_valueerror" in tests
    if case == "last-value-and-escapes":
        steps = (source / "steps.py").read_text(encoding="utf-8")
        assert "_ = show_result(" in steps
        assert "'\\\\d+'" in steps  # the same pattern, without an invalid escape
    if case == "main-guard":
        assert "main ran" in tests


def test_a_fresh_run_of_a_notebook_without_ids_has_no_order_findings(tmp_path: Path) -> None:
    """Before nbformat 4.5 cells had no ids; two cells with the same code were taken for each
    other by the record, and a notebook just run top to bottom was called out of order."""
    notebook = _notebook(
        ["b = list(range(6))\nb", "b[1:3]", "len(b)", "b = 'text'\nb", "b = list(range(6))\nb"]
    )
    notebook.nbformat_minor = 4
    for cell in notebook.cells:
        del cell["id"]
    nbformat.write(notebook, tmp_path / "old.ipynb", version=nbformat.NO_CONVERT)
    assert '"id"' not in (tmp_path / "old.ipynb").read_text(encoding="utf-8")
    ran = _nb2prod(tmp_path, "run", "old.ipynb", "-o", "ran.ipynb", "--timeout", "120")
    assert ran.returncode == 0, ran.stderr
    checked = _nb2prod(tmp_path, "check", "ran.ipynb")
    assert checked.returncode == 0, checked.stdout
    assert "reproducible" in checked.stdout
    assert "NOT" not in checked.stdout


def test_a_load_run_again_after_its_readers_is_no_error(tmp_path: Path) -> None:
    """A data load re-run after the cells that read it (counts 5 after 3) gives the same value
    each run: the readers' outputs reproduce, and check does not call them stale. A literal
    re-run the same way is still an error (that is what editing a parameter looks like)."""
    cells = ["import json", "data = json.loads('[1, 2, 3]')", "print(len(data))"]
    notebook = _notebook(cells)
    for cell, count in zip(notebook.cells, (1, 5, 3), strict=True):
        cell.execution_count = count
    notebook.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    nbformat.write(notebook, tmp_path / "load.ipynb")
    checked = _nb2prod(tmp_path, "check", "load.ipynb")
    assert checked.returncode == 0, checked.stdout
    assert "out-of-order: [info]" in checked.stdout
    ran = _nb2prod(tmp_path, "run", "load.ipynb", "-o", "ran.ipynb", "--timeout", "120")
    assert ran.returncode == 0, ran.stderr
    fresh = nbformat.read(tmp_path / "ran.ipynb", as_version=4)
    assert fresh.cells[2].outputs[0]["text"] == "3\n"  # the claim of no error holds
    notebook.cells[1].source = "data = [1, 2, 3]"
    nbformat.write(notebook, tmp_path / "literal.ipynb")
    assert _nb2prod(tmp_path, "check", "literal.ipynb").returncode == 1


def test_globals_set_through_calls_are_no_order_findings_on_a_fresh_run(tmp_path: Path) -> None:
    """A function sets a global (`global depth`); later cells call it, and a cached call sets
    nothing: the record of a fresh top-to-bottom run must not read as out of order."""
    cells = [
        "from functools import lru_cache\ndepth = 0",
        "@lru_cache(None)\ndef deep(n):\n    global depth\n    depth += 1\n    return n",
        "def show(n):\n    deep(n)\n    return depth",
        "show(3)",
        "show(3)",
        "print(depth)",
    ]
    nbformat.write(_notebook(cells), tmp_path / "calls.ipynb")
    ran = _nb2prod(tmp_path, "run", "calls.ipynb", "-o", "ran.ipynb", "--timeout", "120")
    assert ran.returncode == 0, ran.stderr
    checked = _nb2prod(tmp_path, "check", "ran.ipynb")
    assert checked.returncode == 0, checked.stdout
    assert "out-of-order: [error]" not in checked.stdout
