"""Findings the kernel's records prove (``proof="recorded"``): what really ran, in what order.

When a notebook carries the recorder's records (``metadata.nb2prod``, see ``recorder/FORMAT.md``),
the recorded history replaces the guesses the stored execution counts allow:

* ``recorded-lost-code``: code that ran but is in no cell now (edited or deleted since);
* ``out-of-order`` (recorded): a cell's last run read a name from another run than the cell that
  provides it top to bottom;
* ``stale-input``: a cell above bound again or deleted a name after this cell last read it;
* ``changed-data``: a data file a cell's last run read has other content now;
* ``re-executed`` (recorded): a cell that builds on its own last run ran again.

For each cell the records cover, these replace the inferred ``out-of-order`` and the inferred
``stale-output`` about state; cells the records do not cover keep the inference.
"""

from __future__ import annotations

from nb2prod.analysis import global_writes
from nb2prod.analysis.context import Analysed, Reads, names
from nb2prod.analysis.history import inferred_mismatches, same_import
from nb2prod.analysis.recorded_data import changed_data_findings
from nb2prod.analysis.recorded_lost import lost_code_findings
from nb2prod.analysis.recorded_reruns import rerun_findings
from nb2prod.analysis.timeline import PROVEN, Run, Timeline, build_timeline, proven
from nb2prod.findings import Finding, Severity
from nb2prod.notebook import Notebook
from nb2prod.records import Records

__all__ = ["PROVEN", "mismatches", "proven", "with_records"]

_RERUN = "Restart the kernel and run all cells, then save: the stored outputs then match the code."


def with_records(
    inferred: list[Finding],
    notebook: Notebook,
    code: list[Analysed],
    reads_of: dict[Analysed, Reads],
    records: Records,
) -> list[Finding]:
    """The history findings with what ``records`` prove: inferred order findings about covered
    cells give way to the recorded ones."""
    timeline = build_timeline(code, reads_of, records)
    covered = {cell.number for cell in timeline.last}
    keep = _still_inferred(timeline, code, reads_of)
    reruns = rerun_findings(timeline)
    explained = bool(reruns) or all(c in timeline.last for c in code if c.count is not None)
    kept = [f for f in inferred if not _superseded(f, covered, keep, explained)]
    wrong = mismatches(timeline, code)
    recorded = lost_code_findings(timeline, records) + reruns
    recorded += [
        _out_of_order(cell, timeline.last[cell], found, reads_of[cell])
        for cell, found in wrong.items()
    ]
    ordered = {(cell, name) for cell, found in wrong.items() for name, _, _ in found}
    recorded += stale_input_findings(timeline, reads_of, ordered)
    recorded += changed_data_findings(timeline, notebook.directory)
    return kept + recorded


def _still_inferred(
    timeline: Timeline, code: list[Analysed], reads_of: dict[Analysed, Reads]
) -> set[int]:
    """Cells an inferred order mismatch of a cell the records do not cover involves."""
    involved: set[int] = set()
    if all(c in timeline.last for c in code if c.count is not None):
        return involved  # every cell that shows a run is covered
    for found in inferred_mismatches(code, reads_of).values():
        for m in found:
            if m.reader not in timeline.last:
                involved |= {c.number for c in (m.reader, m.recorded, m.topdown) if c is not None}
    return involved


def _superseded(finding: Finding, covered: set[int], keep: set[int], explained: bool) -> bool:
    """An inferred order finding on a covered cell, which the records now say exactly.

    The inferred ``re-executed`` guesses from gaps in the counts; it goes when the records
    explain every count or prove the re-run themselves (``explained``).

    An inferred ``stale-output`` about state is about the cell's own reads; an inferred
    ``out-of-order`` sits on the cell that ran early and may be about what other cells read, so
    it stays while it involves a cell the records do not cover (``keep``).
    """
    if finding.kind == "re-executed" and finding.proof != "recorded":
        return explained
    if finding.cell not in covered:
        return False
    if finding.kind == "stale-output":
        return finding.severity is Severity.ERROR
    return finding.kind == "out-of-order" and finding.cell not in keep


def _last_run(reader: Analysed, run: Run) -> str:
    count = run.execution.execution_count
    if reader.count is None and count is not None:
        return f"{reader.label}'s last run [{count}]"
    return f"{reader.label}'s last run"


def _topdown(reader: Analysed, writers: list[Analysed]) -> Analysed | None:
    """The cell that provides a name to ``reader`` top to bottom: the last writer above it."""
    return next((w for w in reversed(writers) if w.number < reader.number), None)


#: A name a cell read, the run it came from, and the cell it comes from top to bottom.
Mismatch = tuple[str, Run, Analysed | None]


def mismatches(timeline: Timeline, code: list[Analysed]) -> dict[Analysed, list[Mismatch]]:
    """For each covered cell, the names its last run read from another cell than top to bottom
    (code no longer in the notebook is ``recorded-lost-code``'s to report)."""
    writers = global_writes.writers(code)
    found: dict[Analysed, list[Mismatch]] = {}
    for reader in timeline.last:
        for name, provider in sorted(timeline.providers.get(reader, {}).items()):
            top = _topdown(reader, writers.get(name, []))
            if provider.cell is None or provider.cell is top:
                continue
            if _maybe_writes(top, name) and provider.cell.number < reader.number:
                continue  # `top` sets it only through a call, which need not set it each run
            if not same_import(name, top, provider.cell):
                found.setdefault(reader, []).append((name, provider, top))
    return found


def _maybe_writes(cell: Analysed | None, name: str) -> bool:
    """``cell`` sets ``name`` only through a function it calls (a cached or conditional call
    may not): the record, not the code, says whether a run did."""
    return cell is not None and name not in cell.facts.writes


def _out_of_order(reader: Analysed, run: Run, wrong: list[Mismatch], reads: Reads) -> Finding:
    parts = []
    for name, provider, top in wrong:
        fresh = f"from {top.label}" if top is not None else "from no cell above it"
        parts.append(f"`{name}` from {provider.label} (top to bottom: {fresh})")
    line = min(reads.positions[name].line for name, _, _ in wrong)
    message = (
        f"{_last_run(reader, run)} read {'; '.join(parts)}: it saw state a fresh run will not "
        "give it"
    )
    return proven("out-of-order", Severity.ERROR, reader, line, message, _RERUN)


def stale_input_findings(
    timeline: Timeline, reads_of: dict[Analysed, Reads], ordered: set[tuple[Analysed, str]]
) -> list[Finding]:
    """Cells that read a name a cell above them bound again or deleted after their last run."""
    found: list[Finding] = []
    for reader, changes in timeline.changed.items():
        fresh = {n: r for n, r in changes.items() if (reader, n) not in ordered}
        if fresh:
            found.append(_stale_input(reader, timeline.last[reader], fresh, reads_of[reader]))
    return found


def _stale_input(reader: Analysed, run: Run, changes: dict[str, Run], reads: Reads) -> Finding:
    parts = []
    for name, later in sorted(changes.items()):
        verb = "deleted" if name in later.execution.deleted else "bound again"
        parts.append(f"{later.label} {verb} `{name}`")
    line = min(reads.positions[name].line for name in changes)
    message = (
        f"{_last_run(reader, run)} read {names(changes)}, and since then {'; '.join(parts)} "
        "without this cell running again"
    )
    if reader.has_output:
        message += ": its stored output shows the old value"
        severity = Severity.ERROR
    else:
        message += ": what it computed came from the old value"
        severity = Severity.WARNING
    hint = (
        f"Run {reader.label} again (better: restart the kernel and run all cells), then save, so "
        "its results come from the values the cells above it set."
    )
    return proven("stale-input", severity, reader, line, message, hint)
