"""Where each cell's outputs were made: the recorded execution that produced a code cell's current
outputs, and so the environment it ran in. Pure: it reads checked :class:`~nb2prod.records.Records`.

A cell is matched to the executions of the same cell: by cell id when both the cell and the
execution have one, else by the hash of the cell's current source (notebooks without cell ids are
the common case). Of those, the newest whose execution count is the one the cell shows made its
outputs; with no such count, the newest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nb2prod import metadata_values as mv
from nb2prod.records import Environment, Execution, Records, source_hash


@dataclass(frozen=True)
class CellRef:
    """A code cell: its 1-based number among all cells (markdown included) and its id."""

    number: int
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "id": self.id}


@dataclass(frozen=True)
class CodeCell:
    """What the comparison needs of one code cell."""

    ref: CellRef
    source: str
    execution_count: int | None = None


@dataclass(frozen=True)
class Made:
    """A cell and the execution that made its outputs (``position`` in the history), in
    environment ``environment``."""

    cell: CellRef
    execution: Execution
    environment: Environment
    position: int


def code_cell(index: int, cell_id: object, source: str, count: object = None) -> CodeCell:
    """A :class:`CodeCell` from a notebook's values (``index`` from 0 over all cells); an id or
    count that is not one is dropped."""
    checked = cell_id if mv.is_good(cell_id, mv.cell_id) else None
    good = isinstance(count, int) and not isinstance(count, bool) and count > 0
    return CodeCell(CellRef(index + 1, checked if isinstance(checked, str) else None), source,
                    count if good and isinstance(count, int) else None)  # fmt: skip


def outputs_made(records: Records, cells: Sequence[CodeCell]) -> tuple[list[Made], list[CellRef]]:
    """The cells whose outputs a recorded execution made (with its environment), and the cells
    with code that no record explains (never run with the recorder, or its environment left out).
    Empty cells are in neither."""
    by_id: dict[str, list[int]] = {}
    by_hash: dict[str, list[int]] = {}
    for position, run in enumerate(records.history):
        if run.cell_id:
            by_id.setdefault(run.cell_id, []).append(position)
        by_hash.setdefault(run.source_hash, []).append(position)
    made: list[Made] = []
    unrecorded: list[CellRef] = []
    for cell in cells:
        if not cell.source.strip():
            continue
        digest = source_hash(cell.source)
        same = by_hash.get(digest, [])
        if cell.ref.id is not None:  # by id, and by code for executions sent without an id
            anonymous = [p for p in same if records.history[p].cell_id is None]
            same = sorted({*by_id.get(cell.ref.id, []), *anonymous})
        chosen = _newest(records.history, same, cell.execution_count)
        execution = records.history[chosen] if chosen is not None else None
        found = records.environments.get(execution.environment or "") if execution else None
        if chosen is None or execution is None or found is None:
            unrecorded.append(cell.ref)
        else:
            made.append(Made(cell.ref, execution, found, chosen))
    return made, unrecorded


def _newest(
    history: Sequence[Execution], positions: Sequence[int], count: int | None
) -> int | None:
    """The newest of ``positions`` whose execution has count ``count``, else the newest."""
    if not positions:
        return None
    counted = [p for p in positions if count is not None and history[p].execution_count == count]
    return (counted or positions)[-1]


def by_environment(made: Iterable[Made]) -> list[tuple[Environment, list[Made]]]:
    """The cells grouped by the environment that made their outputs, the environment of the
    newest execution first."""
    groups: dict[str, tuple[Environment, list[Made]]] = {}
    newest: dict[str, int] = {}
    for item in made:
        env = item.environment
        groups.setdefault(env.id, (env, []))[1].append(item)
        newest[env.id] = max(newest.get(env.id, -1), item.position)
    order = sorted(groups, key=lambda key: newest[key], reverse=True)
    return [groups[key] for key in order]
