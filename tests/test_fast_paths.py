"""The quick forms the check uses give what their plain definitions give: the walks of a tree, the
providers of a name, the scans for secrets, the test for the kernel's records."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nb2prod import records, secretscan
from nb2prod.analysis import RECORDS_KEY, practices
from nb2prod.analysis.context import Analysed
from nb2prod.analysis.facts import CellFacts, Pos
from nb2prod.analysis.ipython import ParseFailure, parse_cell
from nb2prod.analysis.providers import Writers
from nb2prod.analysis.walk import child_nodes, walk
from nb2prod.notebook import Cell, load

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "examples").glob("*.ipynb")) + sorted(
    (ROOT / "tests" / "data" / "crafted").glob("*.ipynb")
)
MARKERS = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)


def _trees() -> list[ast.Module]:
    found = []
    for path in NOTEBOOKS:
        for cell in load(path).code_cells:
            try:
                found.append(parse_cell(cell.source).tree)
            except ParseFailure:  # a cell that does not parse has no tree to walk
                continue
    return found


TREES = _trees()


def test_the_walks_skip_only_context_and_operator_markers() -> None:
    assert len(TREES) > 100
    for tree in TREES:
        for node in ast.walk(tree):
            plain = [c for c in ast.iter_child_nodes(node) if not isinstance(c, MARKERS)]
            assert child_nodes(node) == plain
        assert list(walk(tree)) == [n for n in ast.walk(tree) if not isinstance(n, MARKERS)]


def _naive_topdown(reader: Analysed, writers: list[Analysed]) -> Analysed | None:
    above = [w for w in writers if w.number < reader.number]
    return above[-1] if above else None


def _naive_recorded(reader: Analysed, writers: list[Analysed]) -> Analysed | None:
    assert reader.count is not None
    before = [
        w for w in writers if w is not reader and w.count is not None and w.count < reader.count
    ]
    return max(before, key=lambda w: w.count or 0) if before else None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(1, 8)), st.sets(st.sampled_from("abc"))),
        min_size=1,
        max_size=12,
    )
)
def test_providers_are_those_a_scan_of_every_writer_finds(
    cells: list[tuple[int | None, set[str]]],
) -> None:
    code = []
    for index, (count, names) in enumerate(cells):
        facts = CellFacts(defines={name: Pos(1) for name in sorted(names)})
        code.append(Analysed(Cell(index, "code", "", execution_count=count), facts))
    index = Writers(code)
    for reader in code:
        for name in "abcd":
            writers = index.cells.get(name, [])
            assert index.topdown(reader, name) is _naive_topdown(reader, writers)
            if reader.count is not None:
                assert index.recorded(reader, name) is _naive_recorded(reader, writers)


TOKEN_SAMPLES = [
    ("an AWS access key", "AKIAIOSFODNN7EXAMPLE"),
    ("a GitHub token", "ghp_" + "a1B2" * 9),
    ("a GitHub token", "github_pat_" + "Z" * 45),
    ("an OpenAI-style API key", "sk-proj-" + "x" * 24),
    ("a Slack token", "xoxb-1234567890-abc"),
    ("a Google API key", "AIza" + "B" * 35),
    ("a Hugging Face token", "hf_" + "c" * 34),
    ("a private key", "-----BEGIN RSA PRIVATE KEY-----"),
    ("a bearer token", "Authorization: Bearer abcdefghijklmnop1234"),
]


def _slow_token_kind(value: str) -> str | None:
    for label, pattern in practices._TOKEN_PATTERNS:
        if pattern.search(value):
            return label
    return None


def test_every_token_pattern_is_reached_through_the_quick_scan() -> None:
    for _, pattern in practices._TOKEN_PATTERNS:  # the samples cover every pattern
        assert any(pattern.search(sample) for _, sample in TOKEN_SAMPLES), pattern.pattern
    for label, sample in TOKEN_SAMPLES:
        assert practices.token_kind(f"key = '{sample}'") == label
        assert practices.token_values(sample)


TEXT = st.text(alphabet=st.sampled_from(list("aAkKiIsSgGhpx_-:/ .0123456789BEzZrKYouns")))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([sample for _, sample in TOKEN_SAMPLES]), max_size=2), TEXT, TEXT)
def test_the_quick_scans_agree_with_the_patterns(tokens: list[str], left: str, right: str) -> None:
    text = left + " ".join(tokens) + right
    assert practices.token_kind(text) == _slow_token_kind(text)
    plain = re.compile("|".join(re.escape(w) for w in secretscan._HINT_WORDS))
    assert bool(secretscan._WORDS.search(text.lower())) == bool(plain.search(text.lower()))


SHAPED = st.text(alphabet=st.sampled_from(list("aZ_-09 .,:/\t\né٣\u2028AP")), max_size=80)


@settings(max_examples=1000, deadline=None)
@given(SHAPED, st.integers(0, 24), st.sampled_from(["a", "_", "-", "7", "é", "٣"]), SHAPED)
def test_the_quick_shape_scan_agrees_with_the_pattern(
    left: str, repeat: int, char: str, right: str
) -> None:
    text = left + char * repeat + right
    assert secretscan._has_shape(text) == bool(secretscan._SHAPES.search(text))


def test_every_hint_word_is_found() -> None:
    for word in secretscan._HINT_WORDS:
        assert secretscan.might_hold(f"x {word.upper()} y")


def test_the_records_key_is_the_records_key() -> None:
    assert RECORDS_KEY == records.KEY


def _imported_by_check(path: Path) -> set[str]:
    found = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "nb2prod", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "NB2PROD_NO_CACHE": "1"},
    )
    assert found.returncode in (0, 1), found.stderr[-2000:]
    return {line.rsplit("|", 1)[-1].strip() for line in found.stderr.splitlines()}


def test_a_check_imports_what_its_notebook_needs() -> None:
    """The readers of the kernel's records, and of metadata values, and the process pool are
    imported when needed: not for a notebook without records, nor for one notebook."""
    hidden = _imported_by_check(ROOT / "examples" / "hidden_state.ipynb")
    assert "nb2prod.analysis.cell" in hidden
    assert not hidden & {"nb2prod.records", "nb2prod.analysis.recorded", "multiprocessing"}
    assert "nb2prod.metadata_values" in hidden  # names no cell defines: was it Python 2?
    clean = _imported_by_check(ROOT / "examples" / "clean_analysis.ipynb")
    assert "nb2prod.analysis.cell" in clean
    assert not clean & {"nb2prod.records", "nb2prod.metadata_values", "multiprocessing"}
    recorded = _imported_by_check(ROOT / "examples" / "recorded_analysis.ipynb")
    assert {"nb2prod.records", "nb2prod.analysis.recorded"} <= recorded
