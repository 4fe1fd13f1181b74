"""Property tests: random notebooks through ``loads`` then ``check_notebook``.

Only :class:`NotebookError` may escape, and every finding must be well formed: a known severity,
a cell index in range (or None) whose id matches, and a line inside the cell.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nb2prod.analysis import check_notebook
from nb2prod.errors import NotebookError
from nb2prod.findings import Severity
from nb2prod.notebook import Notebook, loads

VALID = [
    "x = 1",
    "import os\ncwd = os.getcwd()",
    "import pandas as pd\ndf = pd.read_csv('/home/alice/data.csv')",
    "def f(a, *args, b=2, **kw):\n    return a + y",
    "total = 0\nfor i in range(3):\n    total += i",
    "squares = [z * z for z in range(3) if z]\n{k: v for k, v in {}.items()}",
    "class A(Base):\n    attr: int = 0\n    def m(self):\n        return self.attr",
    "async def g():\n    async with lock:\n        await h()",
    "from math import *",
    "import random\nrandom.random()",
    "import numpy as np\nnp.random.seed(0)",
    "API_KEY = 'sk-abcdefghijklmnopqrstuvwxyz123456'\npassword = 'hunter2'",
    "del x",
    "global g\ng = 1",
    "try:\n    pass\nexcept Exception as e:\n    print(e)\nfinally:\n    done = True",
    "with open('f') as fh, open('g') as gh:\n    data = fh.read()",
    "match point:\n    case (0, 0):\n        pass\n    case [a, *rest]:\n        print(rest)",
    "if (n := len(items)) > 3:\n    print(n)",
    "print(f'{x!r:>{width}}')",
    "x: int",
    "a, *b = c = [1, 2, 3]",
    "df",
    "import os, sys as system\nfrom . import sibling",
    "@decorator(arg)\ndef decorated():\n    yield from other()",
    "lambda q: q + undefined_name",
    "x += 1",
    "plt.plot(x); plt.show()",
]
INVALID = [
    "def f(:",
    "x = (",
    "if x:",
    "print 'hello'",
    "print x, y",
    "exec 'code'",
    "return 5",
    "  indented = 1",
    "x = = 1",
    "\tif True:\n        pass",
    "yield",
    "break",
    "f(**)",
    "'unterminated",
    '"""never closed',
    "class:",
]
MAGICS = [
    "%time x = 1",
    "!ls -la",
    "%%capture out\nprint(1)",
    "?x",
    "x?",
    "??obj",
    "%matplotlib inline",
    "%load_ext autoreload\n%autoreload 2",
    "%%bash\necho hi",
    "!pip install pandas",
    "%pip install numpy==1.26",
    "files = !ls",
    "%%time\ny = 2",
    "%run other.py",
    "home = %env HOME",
    "get_ipython().run_line_magic('time', '')",
    "%%writefile f.py\nprint(1)",
    "%%javascript\nalert(1)",
    "%cd /tmp",
    "%%",
    "%",
    "!",
    "x = 1\n%time y = x\n!echo $x",
]
ODD = [
    "",
    "\n",
    "   ",
    "# only a comment",
    "\r\n\r\n",
    "x = 1\r\ny = x",
    "π = 3.14\nprint('héllo wörld 🚀')",
    "変数 = 1\nprint(変数)",
    "\ufeffx = 1",
    "s = '\x00'",
    "\x00",
    "x = '\ud800'",
    "a = 1\x0cb = 2",
    "x = 1\u2028y = 2",
    "\\",
    ";",
    "(" * 200 + ")" * 200,
    "x = [" + "1, " * 2000 + "]",
]

snippet = st.sampled_from(VALID + INVALID + MAGICS + ODD)
source_text = st.one_of(
    st.lists(snippet, min_size=1, max_size=4).map("\n".join),
    st.text(max_size=80),
    snippet,
)
source_field = st.one_of(
    source_text,
    source_text.map(lambda s: s.splitlines(keepends=True)),
    st.sampled_from([None, 5, ["a", 3], {"x": 1}]),
)
execution_count = st.one_of(
    st.none(),
    st.integers(min_value=-3, max_value=12),
    st.sampled_from([0, 10**12, "3", True, 1.5]),
)
cell_id = st.one_of(
    st.none(), st.sampled_from(["a", "b", "dup", "", "x" * 64]), st.text(max_size=10)
)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10))
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
text_field = st.one_of(st.text(max_size=40), st.lists(st.text(max_size=20), max_size=3))


@st.composite
def output(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["stream", "execute_result", "display_data", "error", "odd"]))
    if kind == "stream":
        return {
            "output_type": "stream",
            "name": draw(st.sampled_from(["stdout", "stderr", None])),
            "text": draw(text_field),
        }
    if kind in ("execute_result", "display_data"):
        data: dict[str, Any] = {"text/plain": draw(text_field)}
        if draw(st.booleans()):
            data["image/png"] = "iVBORw0KGgo="
        if draw(st.booleans()):
            data["text/html"] = ["<b>", "x</b>"]
        result = {"output_type": kind, "data": data, "metadata": {}}
        if kind == "execute_result":
            result["execution_count"] = draw(execution_count)
        return result
    if kind == "error":
        return {
            "output_type": "error",
            "ename": draw(st.sampled_from(["NameError", "ZeroDivisionError", None, 3])),
            "evalue": draw(st.one_of(st.text(max_size=20), st.none())),
            "traceback": draw(
                st.one_of(
                    st.lists(st.text(max_size=30), max_size=3),
                    st.just(["\x1b[0;31mNameError\x1b[0m: name 'x' is not defined"]),
                    st.sampled_from([None, "a string", 5, {"a": 1}, [1, None]]),
                )
            ),
        }
    return draw(
        st.dictionaries(st.sampled_from(["output_type", "text", "data", "name"]), json_value)
    )


@st.composite
def cell(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["code"] * 6 + ["markdown", "markdown", "raw", "weird"]))
    if kind == "weird":
        return draw(st.one_of(json_value, st.dictionaries(st.text(max_size=8), json_value)))
    result: dict[str, Any] = {"cell_type": kind, "source": draw(source_field)}
    result["metadata"] = draw(
        st.one_of(
            st.just({}),
            st.fixed_dictionaries({"tags": st.lists(st.sampled_from(["parameters", "skip", 3]))}),
            st.dictionaries(st.text(max_size=6), json_value, max_size=2),
            st.sampled_from([None, "meta", []]),
        )
    )
    if draw(st.booleans()):
        result["id"] = draw(cell_id)
    if kind == "code":
        if draw(st.integers(0, 9)):
            result["execution_count"] = draw(execution_count)
        result["outputs"] = draw(
            st.one_of(st.lists(output(), max_size=3), st.sampled_from([None, {}]))
        )
    return result


kernelspec = st.sampled_from(
    [
        None,
        {"name": "python3", "display_name": "Python 3", "language": "python"},
        {"name": "python2", "language": "python2"},
        {"name": "conda-env-py", "display_name": "Python [conda env]", "language": "python"},
        {"name": "xpython", "language": "Python"},
        {"name": "python3"},
        {"language": ""},
        {"name": "ir", "language": "R"},
        {"name": "julia-1.9", "language": "julia"},
        {"name": "bash"},
        "python3",
        5,
        {"name": None, "language": 3},
    ]
)
language_info = st.sampled_from(
    [None, {"name": "python", "version": "3.11.7"}, {"name": "R"}, {"name": 3}, "python"]
)


@st.composite
def notebook(draw: st.DrawFn) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    spec, info = draw(kernelspec), draw(language_info)
    if spec is not None:
        metadata["kernelspec"] = spec
    if info is not None:
        metadata["language_info"] = info
    if draw(st.booleans()):
        metadata.update(draw(st.dictionaries(st.text(max_size=6), json_value, max_size=2)))
    cells = draw(st.lists(cell(), max_size=12))
    if draw(st.integers(0, 19)) == 0:
        return {
            "nbformat": 3,
            "nbformat_minor": 0,
            "metadata": metadata,
            "worksheets": [{"cells": [_as_v3(c) for c in cells], "metadata": {}}],
        }
    result: dict[str, Any] = {
        "nbformat": draw(st.sampled_from([4] * 12 + [5, "4", None])),
        "nbformat_minor": draw(st.one_of(st.integers(0, 5), st.just("5"))),
        "metadata": metadata if draw(st.integers(0, 19)) else draw(json_value),
        "cells": cells if draw(st.integers(0, 19)) else draw(json_value),
    }
    return result


def _as_v3(cell: Any) -> Any:
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return cell
    return {
        "cell_type": "code",
        "input": cell.get("source"),
        "prompt_number": cell.get("execution_count"),
        "language": "python",
        "outputs": [],
        "metadata": {},
    }


def load_or_reason(text: str, path: str) -> Notebook | str:
    """The loaded notebook, or the one-line message of the NotebookError that refused it."""
    try:
        return loads(text, path)
    except NotebookError as error:
        return str(error)


def assert_well_formed(nb: Notebook) -> None:
    report = check_notebook(nb)
    assert isinstance(report.reproducible, bool)
    json.dumps(report.to_dict())
    for finding in report.findings:
        assert isinstance(finding.severity, Severity), finding
        assert isinstance(finding.kind, str), finding
        assert finding.kind, finding
        assert isinstance(finding.message, str), finding
        assert finding.message, finding
        assert isinstance(finding.hint, str), finding
        assert isinstance(finding.line, int), finding
        assert finding.line >= 0, finding
        if finding.cell is None:
            assert finding.cell_id is None, finding
            continue
        assert 1 <= finding.cell <= len(nb.cells), finding  # cells are numbered from 1
        target = nb.cells[finding.cell - 1]
        assert finding.cell_id == target.id, finding
        last_line = max(1, len(target.source.splitlines()), target.source.count("\n") + 1)
        assert finding.line <= last_line, (finding, target.source)
    again = check_notebook(nb)
    assert again.findings == report.findings, "the same notebook must give the same findings"
    assert again.reproducible == report.reproducible


ODD_OUTPUTS_NOTEBOOK: dict[str, Any] = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
    "cells": [
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "source": "x = 1",
            "outputs": [
                {"output_type": "error", "ename": 3, "evalue": None, "traceback": 5},
                {"output_type": "error", "traceback": {"a": 1}},
                {"output_type": "stream", "name": 1, "text": 5},
                {"output_type": "execute_result", "data": ["text/plain"], "execution_count": "1"},
                {"output_type": "display_data", "data": {"text/plain": {"nested": 1}}},
                {"output_type": 7},
                {},
            ],
        }
    ],
}


@example(ODD_OUTPUTS_NOTEBOOK)
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(notebook())
def test_random_notebooks_never_crash(raw: dict[str, Any]) -> None:
    nb = load_or_reason(json.dumps(raw), "random.ipynb")
    if isinstance(nb, str):
        assert nb.startswith("random.ipynb: "), nb
        assert "\n" not in nb, nb
        return
    assert_well_formed(nb)


@st.composite
def python_notebook(draw: st.DrawFn) -> dict[str, Any]:
    cells = []
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(["code", "code", "code", "markdown", "raw"]))
        cell_dict: dict[str, Any] = {
            "cell_type": kind,
            "id": draw(st.uuids()).hex[:8],
            "metadata": {},
            "source": draw(source_text),
        }
        if kind == "code":
            cell_dict["execution_count"] = draw(st.one_of(st.none(), st.integers(1, 20)))
            cell_dict["outputs"] = draw(st.lists(output().filter(_is_valid_output), max_size=2))
        cells.append(cell_dict)
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": cells,
    }


def _is_valid_output(out: dict[str, Any]) -> bool:
    return out.get("output_type") in ("stream", "execute_result", "display_data")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(python_notebook())
def test_well_formed_python_notebooks_are_always_accepted(raw: dict[str, Any]) -> None:
    """Whatever the code says (syntax errors, magics, NULs), a well-formed Python notebook loads:
    bad code is a finding, never a refusal."""
    nb = loads(json.dumps(raw), "accepted.ipynb")
    assert len(nb.cells) == len(raw["cells"])
    assert [c.id for c in nb.cells] == [c["id"] for c in raw["cells"]]
    assert_well_formed(nb)
