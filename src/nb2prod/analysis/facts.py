"""What the analysis of one cell knows: plain values, positions relative to the cell's source.

The small values are named tuples: a notebook's analysis makes tens of thousands of them, and a
tuple is made (and read back from the cache of analyses, :mod:`.cellcache`) several times faster
than a frozen dataclass. They compare and order as their fields do, as the dataclasses did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple


class Pos(NamedTuple):
    """A 1-based line and 0-based column in the cell's own source (libcst uses the same)."""

    line: int
    col: int = 0


class Import(NamedTuple):
    """``import module as bound`` or ``from module import name as bound`` (``level`` dots)."""

    module: str
    bound: str
    pos: Pos
    name: str | None = None
    level: int = 0


class Magic(NamedTuple):
    """An IPython construct: a line or cell magic, or a shell escape (``!cmd``)."""

    kind: Literal["line", "cell", "shell"]
    name: str
    argument: str
    pos: Pos


class Note(NamedTuple):
    """A fact about one place in the cell that a practice finding may report."""

    kind: str
    pos: Pos
    detail: str


class RandomUse(NamedTuple):
    """A call that seeds or draws from a random generator (``dotted`` with aliases resolved)."""

    dotted: str
    pos: Pos
    seeds: bool
    family: str


@dataclass
class CellFacts:
    """Everything the per-cell analysis learned; the cross-cell analysis only reads this.

    ``reads`` are the names the cell takes from the notebook's state: read at module level before
    the cell binds them. ``deferred`` maps each function or class the cell defines to the global
    names its body reads when called (for a class: when instantiated); ``calls`` are the names the
    cell calls or hands to a call (``f(x)``, ``df.apply(f)``), whose deferred reads then happen.
    ``changes`` are names whose state a re-run changes again:
    ``strong`` for certain (``x += 1``, ``lst.append``), ``weak`` for a rebinding that reads the old
    value (``df = df.dropna()``).
    """

    defines: dict[str, Pos] = field(default_factory=dict)
    reads: dict[str, Pos] = field(default_factory=dict)
    deletes: dict[str, Pos] = field(default_factory=dict)
    mutates: dict[str, Pos] = field(default_factory=dict)
    deferred: dict[str, frozenset[str]] = field(default_factory=dict)
    calls: dict[str, Pos] = field(default_factory=dict)
    strong_changes: dict[str, Pos] = field(default_factory=dict)
    weak_changes: dict[str, Pos] = field(default_factory=dict)
    imports: list[Import] = field(default_factory=list)
    magics: list[Magic] = field(default_factory=list)
    star_imports: dict[str, Pos] = field(default_factory=dict)
    opaque: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    random_uses: list[RandomUse] = field(default_factory=list)
    #: (path, whether written) for each call naming a file by a literal (``filepaths``)
    file_paths: list[tuple[str, bool]] = field(default_factory=list)
    syntax_error: Note | None = None

    @property
    def writes(self) -> set[str]:
        """Names whose value this cell sets or changes."""
        return set(self.defines) | set(self.mutates)
