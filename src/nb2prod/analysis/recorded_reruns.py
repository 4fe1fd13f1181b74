"""``re-executed``, proven: a cell that builds on its own last run ran again in the last session.

Without records, gaps in the execution counts only say that something ran more than once or was
deleted, and the finding lands on the first cell after the gap. With records the walk knows
which cell ran again, and whether that mattered: a run of ``x.append(1)`` or ``x += 1`` (strong:
error when an output can show it) or ``df = df.dropna()`` (weak: warning) counts when the last
thing that touched the name before it was the same cell. A cell above that reset the name in
between makes the re-run harmless, and a re-run of ``x = 1`` is never a finding.
"""

from __future__ import annotations

from nb2prod.analysis.context import Analysed, names
from nb2prod.analysis.timeline import Run, Timeline, proven
from nb2prod.findings import Finding, Severity

_HINT = (
    "Restart the kernel and run all cells so every cell runs once, in order; if the cell must be "
    "safe to run again, make it build {names} from scratch."
)


def rerun_findings(timeline: Timeline) -> list[Finding]:
    """One finding per cell whose repeated runs in the last session compounded its changes."""
    final = timeline.sessions - 1
    touched: dict[str, Run] = {}
    repeats: dict[Analysed, tuple[int, set[str]]] = {}
    for run in timeline.runs:
        if run.session != final:
            continue
        cell = run.cell
        if cell is not None:
            changes = {*cell.facts.strong_changes, *cell.facts.weak_changes}
            again = {n for n in changes if n in touched and touched[n].cell is cell}
            if again:
                times, found = repeats.get(cell, (1, set()))
                repeats[cell] = (times + 1, found | again)
        for name in _touches(run):
            touched[name] = run
    return [_finding(cell, times, found, timeline) for cell, (times, found) in repeats.items()]


def _touches(run: Run) -> set[str]:
    found = set(run.binds) | set(run.removes)
    if run.cell is not None:
        facts = run.cell.facts
        found |= {*facts.mutates, *facts.strong_changes, *facts.weak_changes}
    return found


def _finding(cell: Analysed, times: int, changed: set[str], timeline: Timeline) -> Finding:
    strong = changed & set(cell.facts.strong_changes)
    shown = cell.has_output or any(
        reader.has_output and set(reader.facts.reads) & changed for reader in timeline.last
    )
    message = (
        f"{cell.label} ran {times} times with nothing resetting {names(changed)} between the "
        f"runs, and each run changes it again: the kernel's state is that of {times} runs, which "
        "a run from the top does not give"
    )
    severity = Severity.ERROR if strong and shown else Severity.WARNING
    hint = _HINT.format(names=names(changed))
    where = {**cell.facts.weak_changes, **cell.facts.strong_changes}
    line = min(where[name].line for name in changed)
    return proven("re-executed", severity, cell, line, message, hint)
