"""Names a cell sets through the functions it calls: ``def f(): global n; n += 1`` defined in one
cell, ``f()`` in another. The second cell writes ``n`` as surely as an assignment would, and the
kernel's record shows it providing ``n``; without this, a fresh run's record looks out of order."""

from __future__ import annotations

from nb2prod.analysis.context import Analysed
from nb2prod.scopes import names_of


def function_globals(code: list[Analysed]) -> dict[str, set[str]]:
    """Each notebook function, and the globals it sets, directly or through the notebook
    functions it calls (what a cell sets is given to every function it defines)."""
    sets: dict[str, set[str]] = {}
    for cell in code:
        if not cell.facts.deferred or "global" not in cell.cell.source:
            continue
        found = set(names_of(cell.cell.source).sets)
        for function in cell.facts.deferred:
            sets.setdefault(function, set()).update(found)
    changed = True
    while changed:
        changed = False
        for cell in code:
            for function, reads in cell.facts.deferred.items():
                inherited = set().union(*(sets.get(r, set()) for r in reads if r in sets))
                mine = sets.setdefault(function, set())
                if not inherited <= mine:
                    mine |= inherited
                    changed = True
    return {f: s for f, s in sets.items() if s}


def writers(code: list[Analysed]) -> dict[str, list[Analysed]]:
    """Each name and the cells that write it, in notebook order: by binding or changing it, or
    by calling a notebook function that sets it."""
    through = function_globals(code)
    found: dict[str, list[Analysed]] = {}
    for cell in code:
        names = set(cell.facts.writes)
        for called in cell.facts.calls:
            names |= through.get(called, set())
        for name in sorted(names):
            found.setdefault(name, []).append(cell)
    return found
