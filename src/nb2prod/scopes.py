"""Which module-level names a piece of lifted code binds and reads, and when it reads them, from
Python's own symbol tables (``symtable``): every binding form (``for`` targets, ``with ... as``,
walrus, ``except ... as``, ``del``, ``import``, ``global`` in a function) counts, as the compiler
counts it."""

from __future__ import annotations

import symtable
from dataclasses import dataclass

#: Symbol tables that run where they stand (a comprehension runs when its expression does).
_RUN_NOW = frozenset({"listcomp", "setcomp", "dictcomp", "genexpr"})


@dataclass(frozen=True)
class Names:
    """``binds``: module-level names the code binds; ``sets``: module-level names its functions
    bind through ``global``; ``now``: module-level names read when the code runs (decorators,
    defaults, annotations, class bodies, comprehensions); ``later``: module-level names its
    functions read when called."""

    binds: frozenset[str] = frozenset()
    sets: frozenset[str] = frozenset()
    now: frozenset[str] = frozenset()
    later: frozenset[str] = frozenset()


def names_of(code: str) -> Names:
    """The names of ``code`` (a module's worth of statements); empty when it cannot be read."""
    try:
        table = symtable.symtable(code, "<cell>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return Names()
    binds = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    now = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    sets: set[str] = set()
    later: set[str] = set()
    pending = [(child, True) for child in table.get_children()]
    while pending:
        child, running = pending.pop()
        kind = child.get_type()
        runs_now = running and (kind == "class" or child.get_name() in _RUN_NOW)
        for symbol in child.get_symbols():
            name = symbol.get_name()
            if symbol.is_declared_global() and (symbol.is_assigned() or symbol.is_imported()):
                sets.add(name)
            if symbol.is_global() and symbol.is_referenced():
                (now if runs_now else later).add(name)
        pending += [(inner, runs_now) for inner in child.get_children()]
    return Names(frozenset(binds), frozenset(sets), frozenset(now), frozenset(later))


def function_locals(code: str, name: str) -> list[str]:
    """The local names of the function ``name`` defined in ``code``, in the order the symbol
    table gives (its order of first appearance)."""
    try:
        table = symtable.symtable(code, "<step>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    for child in table.get_children():
        if child.get_name() == name and isinstance(child, symtable.Function):
            return [s.get_name() for s in child.get_symbols() if s.is_local()]
    return []
