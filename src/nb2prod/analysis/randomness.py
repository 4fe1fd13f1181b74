"""Unseeded random draws and the outputs that depend on them: shared by ``check`` (is a stored
output sure to differ on a fresh run?) and ``convert`` (which outputs to test for their shape
only)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nb2prod.analysis.context import Analysed
from nb2prod.magic_table import unstable_output

#: A number a random draw would change: one with a fractional part.
_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d+")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")
#: More numbers than a shape or a count shows (``(100, 2)``, ``1000 rows``).
_MANY = 4


@dataclass
class Draws:
    """``flagged``: the cells that draw without a seed (cell, calls, families); ``tainted``: the
    numbers of the cells whose values depend on such draws, those cells included."""

    flagged: list[tuple[Analysed, list[str], set[str]]] = field(default_factory=list)
    tainted: set[int] = field(default_factory=set)


def random_draws(code: list[Analysed]) -> Draws:
    """Unseeded draws, followed through the names the drawing cells define."""
    draws = Draws()
    seeded: set[str] = set()
    names: set[str] = set()
    paths: set[str] = set()  # files written from drawn values: reading them is drawing too
    calls: dict[str, frozenset[str]] = {}  # function -> the globals it reads when called
    for cell in code:
        calls.update(cell.facts.deferred)
        names |= _calling(calls, names) if names else set()
        unseeded: list[str] = []
        families: set[str] = set()
        for use in sorted(cell.facts.random_uses, key=lambda u: (u.pos.line, u.pos.col)):
            if use.seeds:
                seeded.add(use.family)
            elif use.family == "unseeded" or not ({use.family, "all"} & seeded):
                unseeded.append(use.dotted)
                families.add(use.family)
        if unseeded:
            draws.flagged.append((cell, unseeded, families))
        files = cell.facts.file_paths
        if unseeded or set(cell.facts.reads) & names or {p for p, _ in files} & paths:
            names |= set(cell.facts.defines) - {i.bound for i in cell.facts.imports}
            paths |= {path for path, writes in files if writes}
            if any(o.output_type == "execute_result" for o in cell.cell.outputs):
                names.add("_")  # IPython kept the shown value as `_`
            draws.tainted.add(cell.number)
    return draws


def _calling(calls: dict[str, frozenset[str]], names: set[str]) -> set[str]:
    """The functions that, when called, read a name in ``names``, directly or through other
    functions (a function defined before the drawing one it calls is drawing too)."""
    found: set[str] = set()
    while True:
        more = {f for f, reads in calls.items() if f not in found and reads & (names | found)}
        if not more:
            return found
        found |= more


def varies(cell: Analysed) -> bool:
    """Whether the cell's stored text shows values a new draw would change: a number with a
    fractional part, or more numbers than a shape or a count. Timing and shell output is left
    out: it is never compared."""
    if unstable_output(cell.facts.magics):
        return False
    text = "".join(o.text for o in cell.cell.outputs if o.output_type != "error")
    return bool(_FLOAT.search(text)) or len(_NUMBER.findall(text)) > _MANY
