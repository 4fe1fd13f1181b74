"""The kernel's recorded history laid over the notebook: which cell's code each execution ran, and
what every recorded run really read, from which run, in the exact order the kernel ran them.

A new ``session`` value in the history is a kernel restart: the state is empty again. An
execution's code is matched to a current cell by its source hash (the cell its id names first,
see ``owners``); an execution whose hash is no current cell's is *lost* code, edited or deleted
since.
A cell is *covered* when the records hold the run its stored outputs came from: its current code
ran, it was not edited after that, and the stored execution count agrees.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from nb2prod.analysis.context import Analysed, Reads, make
from nb2prod.analysis.owners import owners
from nb2prod.findings import Finding, Severity
from nb2prod.records import Execution, Records, source_hash

#: Every recorded finding's message ends with this.
PROVEN = " (proven by the kernel's record, not inferred)"


def proven(
    kind: str, severity: Severity, cell: Analysed | None, line: int, message: str, hint: str
) -> Finding:
    """A finding the records prove: ``proof="recorded"``, and its message says so."""
    finding = make(kind, severity, cell, line, message + PROVEN, hint)
    return dataclasses.replace(finding, proof="recorded")


@dataclass(frozen=True, eq=False)
class Run:
    """One recorded execution placed in the notebook.

    ``cell`` is the current cell whose code ran (None: the code is in no cell now); ``owner`` is
    the current cell carrying the execution's cell id (for lost code: the cell edited since).
    ``binds`` are the names it gave a value: the recorded bindings, plus, for current code that
    ran without error, what the code writes (a re-run ``x = 1`` keeps the same object, so the
    record alone does not show it, and in-place changes are never recorded).
    """

    index: int
    execution: Execution
    session: int
    cell: Analysed | None
    owner: Analysed | None
    binds: frozenset[str]
    removes: frozenset[str]

    @property
    def lost(self) -> bool:
        return self.cell is None

    @property
    def where(self) -> Analysed | None:
        """The cell this run's code was in, as far as the notebook still shows it."""
        return self.cell or self.owner

    @property
    def label(self) -> str:
        count = self.execution.execution_count
        shown = f" [{count}]" if count is not None else ""
        if self.cell is not None:
            return f"cell {self.cell.number}{shown}"
        if self.owner is not None:
            return f"an earlier version of cell {self.owner.number}{shown}"
        return f"a deleted cell{shown}"


@dataclass
class Timeline:
    """What the walk over the recorded history found.

    ``last``: each covered cell's last run. ``providers``: for each covered cell, the run each
    name it read came from (the last run of another cell that bound it before, same session).
    ``lost_readers``: for each lost run, the covered cells whose last run read a name it bound
    that no code still in the notebook had bound again since. ``live``: lost runs' names still
    held in the final session. ``changed``: for each covered cell, the names it read that a cell
    above it bound again or deleted after its last run, with that run.
    """

    runs: tuple[Run, ...]
    last: dict[Analysed, Run]
    providers: dict[Analysed, dict[str, Run]] = field(default_factory=dict)
    lost_readers: dict[Run, dict[Analysed, set[str]]] = field(default_factory=dict)
    live: dict[Run, set[str]] = field(default_factory=dict)
    changed: dict[Analysed, dict[str, Run]] = field(default_factory=dict)

    @property
    def sessions(self) -> int:
        return self.runs[-1].session + 1 if self.runs else 0


def build_timeline(
    code: list[Analysed], reads_of: dict[Analysed, Reads], records: Records
) -> Timeline:
    """Walk the recorded history over the notebook's current cells."""
    runs = place_runs(code, records.history)
    walk = _Walk(Timeline(runs, covered(runs)), reads_of)
    for run in runs:
        walk.step(run)
    walk.finish()
    return walk.timeline


def place_runs(code: list[Analysed], history: tuple[Execution, ...]) -> tuple[Run, ...]:
    """Each execution with its session number and the current cell whose code it ran."""
    by_hash: dict[str, list[Analysed]] = {}
    for cell in code:
        by_hash.setdefault(source_hash(cell.cell.source), []).append(cell)
    by_id = owners(code, history)
    runs: list[Run] = []
    session, previous = 0, history[0].session if history else None
    for index, execution in enumerate(history):
        if execution.session != previous:
            session, previous = session + 1, execution.session
        owner = by_id.get(execution.cell_id or "")
        same = by_hash.get(execution.source_hash, [])
        ran = owner if owner is not None and owner in same else (same[0] if same else None)
        binds, removes = _effects(execution, ran)
        runs.append(Run(index, execution, session, ran, owner, binds, removes))
    return tuple(runs)


def _effects(execution: Execution, cell: Analysed | None) -> tuple[frozenset[str], frozenset[str]]:
    binds, removes = set(execution.bound), set(execution.deleted)
    if cell is not None and execution.status == "ok" and cell.facts.syntax_error is None:
        writes, deletes = cell.facts.writes, set(cell.facts.deletes)
        binds |= (writes - deletes) - removes
        removes |= (deletes - writes) - binds
    return frozenset(binds), frozenset(removes)


def covered(runs: tuple[Run, ...]) -> dict[Analysed, Run]:
    """Each cell whose stored state the records explain, with its last run."""
    last: dict[Analysed, Run] = {}
    latest: dict[Analysed, Run] = {}
    for run in runs:
        if run.cell is not None:
            last[run.cell] = run
        if run.owner is not None:
            latest[run.owner] = run
    return {cell: run for cell, run in last.items() if _agrees(cell, run, latest.get(cell))}


def _agrees(cell: Analysed, run: Run, latest: Run | None) -> bool:
    if latest is not None and latest.index > run.index and latest.cell is not cell:
        return False  # edited after its last run: its outputs came from other code
    stored, ran = cell.count, run.execution.execution_count
    return stored is None or ran is None or stored == ran


class _Walk:
    """The kernel's state, replayed name by name over the recorded runs."""

    def __init__(self, timeline: Timeline, reads_of: dict[Analysed, Reads]) -> None:
        self.timeline = timeline
        self.reads_of = reads_of
        self.session = 0
        #: per name, its last binder and the last binder of another cell before it
        self.binders: dict[str, list[Run]] = {}
        #: per name, lost runs that bound it and no current code has bound again since
        self.pending: dict[str, list[Run]] = {}
        #: per name, the covered cells whose last run (this session) read it
        self.done: dict[str, list[Analysed]] = {}

    def step(self, run: Run) -> None:
        if run.session != self.session:
            self.session = run.session
            self.binders, self.pending, self.done = {}, {}, {}
        last = run.cell is not None and self.timeline.last.get(run.cell) is run
        if last:
            assert run.cell is not None
            self._read(run.cell)
        self._changes(run)
        self._apply(run)
        if last:
            assert run.cell is not None
            for name in self.reads_of[run.cell].positions:
                self.done.setdefault(name, []).append(run.cell)

    def finish(self) -> None:
        for name, lost in self.pending.items():
            for run in lost:
                self.timeline.live.setdefault(run, set()).add(name)

    def _read(self, cell: Analysed) -> None:
        found = self.timeline.providers.setdefault(cell, {})
        for name in self.reads_of[cell].positions:
            provider = next(
                (r for r in reversed(self.binders.get(name, [])) if r.cell is not cell), None
            )
            if provider is not None:
                found[name] = provider
            for lost in self.pending.get(name, []):
                self.timeline.lost_readers.setdefault(lost, {}).setdefault(cell, set()).add(name)

    def _changes(self, run: Run) -> None:
        """Covered cells above which this run binds again or deletes what they read."""
        where = run.where
        if where is None:
            return
        for name in (*run.execution.bound, *run.execution.deleted):
            for reader in self.done.get(name, []):
                if where.number < reader.number:
                    self.timeline.changed.setdefault(reader, {}).setdefault(name, run)

    def _apply(self, run: Run) -> None:
        for name in run.removes:
            self.binders[name] = []
            self.pending.pop(name, None)
        for name in run.binds:
            earlier = [r for r in self.binders.get(name, []) if r.cell is not run.cell]
            self.binders[name] = [*earlier[-1:], run]
            if run.lost:
                self.pending.setdefault(name, []).append(run)
            else:
                self.pending.pop(name, None)
