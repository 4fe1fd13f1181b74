"""Which current cell each recorded cell id names, also in notebooks that keep no cell ids.

Front ends send a cell's id with every execution, but a notebook saved in nbformat before 4.5
keeps no ids, and JupyterLab gives its cells new ones each time it opens it. Most notebooks in
the wild are like that, so a recorded id often names no cell of the file. The history itself
still says which cell it was:

* by code: the id later ran code that is exactly one current cell's (and that cell's own id, if
  it has one, is in no record), so the two are the same cell;
* by count: the id's last run in the last session has the execution count a current cell shows,
  while that cell's code is something else (it was edited after that run).

A cell whose own id is in the records is never claimed by another id: with stable ids the
records say it exactly, and another id's code that matches it is a copy in a deleted cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from nb2prod.analysis.context import Analysed
from nb2prod.records import Execution, source_hash


def owners(code: Sequence[Analysed], history: Sequence[Execution]) -> dict[str, Analysed]:
    """Each recorded cell id with the current cell it names."""
    found = {c.cell.id: c for c in code if c.cell.id}
    recorded = {e.cell_id for e in history if e.cell_id}
    free = [c for c in code if c.cell.id not in recorded]
    by_hash: dict[str, list[Analysed]] = {}
    for cell in free:
        by_hash.setdefault(source_hash(cell.cell.source), []).append(cell)
    unknown = recorded - set(found)
    claimed: dict[str, Analysed] = {}
    for execution in history:
        same = by_hash.get(execution.source_hash, [])
        if execution.cell_id in unknown and len(same) == 1:
            claimed[execution.cell_id] = same[0]
    for cell_id, cell in _by_count(free, history, unknown - set(claimed)).items():
        if cell not in claimed.values():
            claimed[cell_id] = cell
    return {**claimed, **found}


def _by_count(
    free: Sequence[Analysed], history: Sequence[Execution], unknown: set[str]
) -> dict[str, Analysed]:
    """Ids whose last run in the last session shows, by its count, on a cell edited since."""
    if not history:
        return {}
    session = history[-1].session
    last: dict[str, Execution] = {}
    for execution in history:
        if execution.session == session and execution.cell_id in unknown:
            last[execution.cell_id] = execution
    counted: dict[int, list[Analysed]] = {}
    for cell in free:
        if cell.count is not None:
            counted.setdefault(cell.count, []).append(cell)
    found: dict[str, Analysed] = {}
    for cell_id, execution in last.items():
        cells = counted.get(execution.execution_count or -1, [])
        if len(cells) == 1 and source_hash(cells[0].cell.source) != execution.source_hash:
            found[cell_id] = cells[0]
    return found
