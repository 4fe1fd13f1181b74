"""Analysis of one cell, cached by the hash of its source.

Re-checking an edited notebook re-analyses only the cells whose source changed: the sidebar's case.
An analysis that depends on nothing but the cell's source (no star import resolved from files or
installed modules, no rewrite by the installed IPython, no depth limit met) is *portable*: the
command line keeps those on disk between runs (:mod:`.cellcache`).
"""

from __future__ import annotations

import hashlib
import warnings
from collections import OrderedDict

from nb2prod.analysis.facts import CellFacts, Note, Pos

#: The kind of the note for a cell Python compiles but that is nested too deeply to analyse.
TOO_DEEP = "too-deep"
_CACHE_SIZE = 50_000
_cache: OrderedDict[tuple[str, str], CellFacts] = OrderedDict()
#: The keys of cached analyses that are not portable.
_local: set[tuple[str, str]] = set()


def source_hash(source: str) -> str:
    """The key a cell's analysis is cached under."""
    return hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _key(source: str, notebook_dir: str) -> tuple[str, str]:
    return source_hash(source), notebook_dir if "import" in source else ""


def analyse_cell(source: str, notebook_dir: str = ".") -> CellFacts:
    """What one code cell defines, reads, deletes and changes, with positions; never raises.

    The result is shared through the cache: treat it as read-only.
    """
    key = _key(source, notebook_dir)
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached
    with warnings.catch_warnings():  # SyntaxWarnings about the user's code are not ours to print
        warnings.simplefilter("ignore")
        facts, portable = _analyse(source, notebook_dir)
    _remember(key, facts, portable)
    return facts


def portable_analysis(source: str, notebook_dir: str = ".") -> CellFacts | None:
    """The cached analysis of a cell when it is portable; None when it is not, or not cached."""
    key = _key(source, notebook_dir)
    return None if key in _local else _cache.get(key)


def adopt_analysis(source: str, notebook_dir: str, facts: CellFacts) -> None:
    """Take ``facts`` (a portable analysis of ``source`` made by an earlier run) as the cell's."""
    _remember(_key(source, notebook_dir), facts, portable=True)


def _remember(key: tuple[str, str], facts: CellFacts, portable: bool) -> None:
    _cache[key] = facts
    _cache.move_to_end(key)
    if portable:
        _local.discard(key)
    else:
        _local.add(key)
    if len(_cache) > _CACHE_SIZE:
        dropped, _ = _cache.popitem(last=False)
        _local.discard(dropped)


def _analyse(source: str, notebook_dir: str) -> tuple[CellFacts, bool]:
    """The facts, and whether they are portable. The parser and the visitor are imported here,
    on the first cell the cache did not have: a check that finds every cell there needs neither."""
    from nb2prod.analysis import ipython
    from nb2prod.analysis.filepaths import path_calls
    from nb2prod.analysis.ipython import TOO_DEEP_TO_COMPILE, ParseFailure, parse_cell
    from nb2prod.analysis.visitor import CellVisitor

    rewrites = ipython.ipython_rewrites
    resolved: list[str] = []

    def resolve_star(module: str, level: int) -> frozenset[str] | None:
        from nb2prod.analysis.star import star_names

        resolved.append(module)
        return star_names(module, level, notebook_dir)

    facts = CellFacts()
    try:
        parsed = parse_cell(source)
    except ParseFailure as failure:
        # IPython's rewriting may add a line; the error is never below the cell's last line
        line = min(failure.line, source.count("\n") + 1)
        facts.syntax_error = Note("syntax-error", Pos(line, failure.col), failure.message)
        deep = failure.message == TOO_DEEP_TO_COMPILE
        return facts, not deep and ipython.ipython_rewrites == rewrites
    visitor = CellVisitor(facts, resolve_star, parsed.line_offset, parsed.source)
    try:
        visitor.visit_all(parsed.tree.body)
        facts.file_paths = path_calls(parsed.tree)
    except RecursionError:  # Python compiles it, but nb2prod's walk cannot go that deep
        facts = CellFacts()
        facts.syntax_error = Note(TOO_DEEP, Pos(1, 0), "code nested too deeply to analyse")
        return facts, False
    return facts, not resolved and ipython.ipython_rewrites == rewrites


def clear_cache() -> None:
    """Forget every cached cell analysis."""
    _cache.clear()
    _local.clear()
