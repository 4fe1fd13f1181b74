"""A cell's analysis as JSON values and back: what the cache on disk (:mod:`.cellcache`) keeps.

A :class:`~.facts.CellFacts` is written as an object of its non-empty fields (most are empty, and
skipping them makes reading a thousand cells back several times faster). Each field has its
encoder and decoder in :data:`CODECS`; encoding a field that has none raises ``KeyError``, so a
field added to ``CellFacts`` without one fails the tests instead of being dropped from the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from nb2prod.analysis.facts import CellFacts, Import, Magic, Note, Pos, RandomUse

Plain = dict[str, Any]


def encode(facts: CellFacts) -> Plain:
    """``facts`` as JSON values: named tuples become lists, sets sorted lists."""
    found: Plain = {}
    for each in fields(CellFacts):
        value = getattr(facts, each.name)
        if value:
            found[each.name] = CODECS[each.name][0](value)
    return found


def decode(plain: Plain) -> CellFacts:
    """The facts :func:`encode` gave ``plain`` (read back from JSON) for; raises ``KeyError``,
    ``ValueError``, ``TypeError`` or ``AttributeError`` for values it did not write."""
    facts = CellFacts()
    for name, value in plain.items():
        setattr(facts, name, CODECS[name][1](value))
    return facts


def _positions(found: dict[str, Pos]) -> dict[str, list[int]]:
    return {name: [pos.line, pos.col] for name, pos in found.items()}


def _read_positions(found: dict[str, list[int]]) -> dict[str, Pos]:
    return {name: Pos(line, col) for name, (line, col) in found.items()}


def _note(note: Note) -> list[Any]:
    return [note.kind, [note.pos.line, note.pos.col], note.detail]


def _read_note(plain: list[Any]) -> Note:
    kind, (line, col), detail = plain
    return Note(kind, Pos(line, col), detail)


def _imports(found: list[Import]) -> list[list[Any]]:
    return [[i.module, i.bound, [i.pos.line, i.pos.col], i.name, i.level] for i in found]


def _read_imports(plain: list[list[Any]]) -> list[Import]:
    return [Import(m, b, Pos(line, col), n, lv) for m, b, (line, col), n, lv in plain]


def _magics(found: list[Magic]) -> list[list[Any]]:
    return [[m.kind, m.name, m.argument, [m.pos.line, m.pos.col]] for m in found]


def _read_magics(plain: list[list[Any]]) -> list[Magic]:
    return [Magic(kind, name, arg, Pos(line, col)) for kind, name, arg, (line, col) in plain]


def _random_uses(found: list[RandomUse]) -> list[list[Any]]:
    return [[u.dotted, [u.pos.line, u.pos.col], u.seeds, u.family] for u in found]


def _read_random_uses(plain: list[list[Any]]) -> list[RandomUse]:
    return [RandomUse(d, Pos(line, col), seeds, f) for d, (line, col), seeds, f in plain]


def _same(value: Any) -> Any:
    return value


_POSITIONS = (_positions, _read_positions)
_NOTES = (lambda found: [_note(n) for n in found], lambda plain: [_read_note(n) for n in plain])

#: Each field of ``CellFacts``: (to JSON values, back).
CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "defines": _POSITIONS,
    "reads": _POSITIONS,
    "deletes": _POSITIONS,
    "mutates": _POSITIONS,
    "calls": _POSITIONS,
    "strong_changes": _POSITIONS,
    "weak_changes": _POSITIONS,
    "star_imports": _POSITIONS,
    "deferred": (
        lambda found: {name: sorted(reads) for name, reads in found.items()},
        lambda plain: {name: frozenset(reads) for name, reads in plain.items()},
    ),
    "imports": (_imports, _read_imports),
    "magics": (_magics, _read_magics),
    "opaque": _NOTES,
    "notes": _NOTES,
    "random_uses": (_random_uses, _read_random_uses),
    "file_paths": (_same, lambda plain: [(path, writes) for path, writes in plain]),
    "syntax_error": (_note, _read_note),
}
