"""Analysis of one cell, cached by the hash of its source.

Re-checking an edited notebook re-analyses only the cells whose source changed: the sidebar's case.
"""

from __future__ import annotations

import hashlib
import warnings
from collections import OrderedDict

from nb2prod.analysis.facts import CellFacts, Note, Pos
from nb2prod.analysis.filepaths import path_calls
from nb2prod.analysis.ipython import ParseFailure, parse_cell
from nb2prod.analysis.star import star_names
from nb2prod.analysis.visitor import CellVisitor

#: The kind of the note for a cell Python compiles but that is nested too deeply to analyse.
TOO_DEEP = "too-deep"
_CACHE_SIZE = 50_000
_cache: OrderedDict[tuple[str, str], CellFacts] = OrderedDict()


def source_hash(source: str) -> str:
    """The key a cell's analysis is cached under."""
    return hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def analyse_cell(source: str, notebook_dir: str = ".") -> CellFacts:
    """What one code cell defines, reads, deletes and changes, with positions; never raises.

    The result is shared through the cache: treat it as read-only.
    """
    key = (source_hash(source), notebook_dir if "import" in source else "")
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached
    with warnings.catch_warnings():  # SyntaxWarnings about the user's code are not ours to print
        warnings.simplefilter("ignore")
        facts = _analyse(source, notebook_dir)
    _cache[key] = facts
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return facts


def _analyse(source: str, notebook_dir: str) -> CellFacts:
    facts = CellFacts()
    try:
        parsed = parse_cell(source)
    except ParseFailure as failure:
        # IPython's rewriting may add a line; the error is never below the cell's last line
        line = min(failure.line, source.count("\n") + 1)
        facts.syntax_error = Note("syntax-error", Pos(line, failure.col), failure.message)
        return facts
    visitor = CellVisitor(
        facts,
        lambda module, level: star_names(module, level, notebook_dir),
        parsed.line_offset,
        parsed.source,
    )
    try:
        visitor.visit_all(parsed.tree.body)
        facts.file_paths = path_calls(parsed.tree)
    except RecursionError:  # Python compiles it, but nb2prod's walk cannot go that deep
        facts = CellFacts()
        facts.syntax_error = Note(TOO_DEEP, Pos(1, 0), "code nested too deeply to analyse")
    return facts


def clear_cache() -> None:
    """Forget every cached cell analysis."""
    _cache.clear()
