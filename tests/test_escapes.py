"""The fast path for IPython escapes writes exactly what IPython's own transformer writes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from IPython.core.inputtransformer2 import TransformerManager

from nb2prod.analysis.escapes import transform_escapes

MANAGER = TransformerManager()

SAMPLES = [
    "%time  x = 1  ",
    "x = %who_ls",
    "x=!ls -la",
    "!!ls",
    "!ls 'a b'",
    "files = !ls\nprint(1)",
    "%%capture out --no-stderr\nprint(1)",
    "%%time\n",
    "%%bash",
    "obj?",
    "obj??",
    "?obj",
    "np.mean?",
    "%pip install x",
    "a, b = !ls",
    "x.y = %pwd",
    "if x:\n    !ls\nelse:\n    %time y=2",
    "%load_ext autoreload\n%autoreload 2",
    "%%writefile a.py\nprint('hi')\n\n",
    "print(1) # what?",
    "%%timeit -n 3\nx=1",
    "!echo $HOME {x}",
    "x = !echo 'it''s'",
    "%%html\n<b>x</b>",
    "x = ! ls ",
    "%%capture  out \nx",
    "x?  ",
    "%%time \n\nx=1\n\n",
    "%%bash\r\nls\r\n",
    "\n\n%matplotlib inline\nimport os\n\n\n",
    "%matplotlib inline\r\nx = 1\r\n",
    "d['a'] = !ls",
]


@pytest.mark.parametrize("source", SAMPLES)
def test_fast_path_matches_ipython(source: str) -> None:
    fast = transform_escapes(source)
    assert fast is not None, "these common forms must take the fast path"
    assert fast == MANAGER.transform_cell(source)


@pytest.mark.parametrize(
    "source", ["  %matplotlib inline", "'''\n%s\n'''\n!ls", "%time x = \\\n 1"]
)
def test_unusual_forms_are_left_to_ipython(source: str) -> None:
    assert transform_escapes(source) is None


_WORD = st.text(alphabet="abcxyz_019 .=-'\"{}$/*", min_size=0, max_size=12)
_LINE = st.one_of(
    st.builds(lambda w: f"%{w}", _WORD),
    st.builds(lambda w: f"!{w}", _WORD),
    st.builds(lambda w: f"!!{w}", _WORD),
    st.builds(lambda t, w: f"{t} = !{w}", st.sampled_from(["x", "a.b", "a, b"]), _WORD),
    st.builds(lambda t, w: f"{t} = %{w}", st.sampled_from(["x", "y"]), _WORD),
    st.builds(lambda w: f"{w}?", st.sampled_from(["x", "np.mean", "obj"])),
    st.builds(lambda i, w: f"{i}x = {w!r}", st.sampled_from(["", "    "]), _WORD),
    st.just(""),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_fast_path_agrees_with_ipython_on_generated_cells(lines: list[str], end: str) -> None:
    source = end.join(lines)
    fast = transform_escapes(source)
    if fast is not None:
        assert fast == MANAGER.transform_cell(source)
