"""The shared view of an analysed notebook that every group of findings reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from nb2prod.analysis.facts import CellFacts, Pos
from nb2prod.analysis.names import is_always_defined
from nb2prod.findings import Finding, Severity
from nb2prod.notebook import Cell


@dataclass(frozen=True, eq=False)
class Analysed:
    """A code cell with the facts of its analysis."""

    cell: Cell
    facts: CellFacts

    @property
    def number(self) -> int:
        return self.cell.index + 1

    @property
    def count(self) -> int | None:
        return self.cell.execution_count

    @property
    def has_output(self) -> bool:
        return any(o.output_type != "error" and (o.text.strip() or o.mimetypes)
                   for o in self.cell.outputs)  # fmt: skip

    @property
    def label(self) -> str:
        shown = f" [{self.count}]" if self.count is not None else ""
        return f"cell {self.number}{shown}"


@dataclass
class Reads:
    """The names a cell takes from the notebook's state, with where and through which call."""

    positions: dict[str, Pos] = field(default_factory=dict)
    via: dict[str, str] = field(default_factory=dict)


def effective_reads(cell: Analysed, definer: dict[str, Analysed]) -> Reads:
    """A cell's reads plus the globals read by the notebook functions it calls.

    ``definer`` maps each name to the cell whose definition the call would use. A name the cell
    binds itself before the call is not read from the notebook's state.
    """
    reads = Reads()
    facts = cell.facts
    for name, pos in facts.reads.items():
        if not is_always_defined(name):
            reads.positions[name] = pos
    todo = [(name, pos, name) for name, pos in facts.calls.items()]
    seen: set[str] = set()
    while todo:
        called, pos, via = todo.pop(0)
        source = definer.get(called)
        if called in seen or source is None:
            continue
        seen.add(called)
        for inner in sorted(source.facts.deferred.get(called, ())):
            bound_first = inner in facts.defines and facts.defines[inner] < pos
            if bound_first or is_always_defined(inner):
                continue
            if inner not in reads.positions:
                reads.positions[inner] = pos
                reads.via[inner] = via
            todo.append((inner, pos, via))
    return reads


def reads_in_order(code: list[Analysed]) -> dict[Analysed, Reads]:
    """Every cell's effective reads, with calls resolved to the definitions above the cell."""
    definer: dict[str, Analysed] = {}
    found: dict[Analysed, Reads] = {}
    for cell in code:
        found[cell] = effective_reads(cell, definer)
        definer.update(dict.fromkeys(cell.facts.defines, cell))
    return found


def make(
    kind: str, severity: Severity, cell: Analysed | None, line: int, message: str, hint: str
) -> Finding:
    """A finding about ``cell`` (or the whole notebook when None)."""
    return Finding(
        kind=kind,
        severity=severity,
        cell=cell.number if cell else None,
        cell_id=cell.cell.id if cell else None,
        line=line,
        message=message,
        hint=hint,
    )


def names(items: Iterable[str], limit: int = 5) -> str:
    """`a`, `b` and `c` — for messages."""
    shown = [f"`{n}`" for n in sorted(items)]
    if len(shown) > limit:
        shown = [*shown[:limit], f"{len(shown) - limit} more"]
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def cells(items: Iterable[Analysed], limit: int = 5) -> str:
    """cell 3 [5] and cell 7 [2] — for messages."""
    shown = [c.label for c in sorted(set(items), key=lambda c: c.number)]
    if len(shown) > limit:
        shown = [*shown[:limit], f"{len(shown) - limit} more"]
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]
