"""``recorded-lost-code``: code the kernel ran that is in no cell now (edited or deleted since).

One finding per cell that lost code ran in: on the edited cell when it is still there; for a
deleted cell, on the first cell that read from it (else about the whole notebook). Severity:

* error: a cell's last run read a name the lost code bound, and no code still in the notebook
  above that cell has bound it again, before or since (the stored outputs come from code the
  notebook no longer has; when a cell above set it again since, ``stale-input`` says so);
* warning: it bound names the kernel still holds from it (no cell read them, as far as recorded);
* info: it bound nothing, or everything it bound was set again since (or the kernel restarted).
"""

from __future__ import annotations

from nb2prod.analysis.context import Analysed, cells, names
from nb2prod.analysis.timeline import Run, Timeline, proven
from nb2prod.findings import Finding, Severity
from nb2prod.records import Records

_RESTART = "restart the kernel and run all cells"


def lost_code_findings(timeline: Timeline, records: Records) -> list[Finding]:
    """One finding per edited or deleted cell whose code ran."""
    groups: dict[object, list[Run]] = {}
    for run in timeline.runs:
        if run.lost:
            key = run.owner or run.execution.cell_id or run.execution.source_hash
            groups.setdefault(key, []).append(run)
    return [_lost(runs, timeline, records) for runs in groups.values()]


def _lost(runs: list[Run], timeline: Timeline, records: Records) -> Finding:
    readers: dict[Analysed, set[str]] = {}
    stale: dict[Analysed, set[str]] = {}  # set again above the reader since: stale-input's
    live: set[str] = set()
    for run in runs:
        for reader, read in timeline.lost_readers.get(run, {}).items():
            again = read & set(timeline.changed.get(reader, {}))
            for found, names_read in ((readers, read - again), (stale, again)):
                if names_read:
                    found.setdefault(reader, set()).update(names_read)
        live |= timeline.live.get(run, set())
    owner = runs[0].owner
    subject = _subject(runs, owner, records)
    if readers:
        return _read_from(subject, owner, readers, {n for run in runs for n in run.binds})
    bound = {name for run in runs for name in run.binds}
    if live:
        message = (
            f"{subject} bound {names(live)}; the kernel still holds that from code no cell "
            "shows (no recorded run of a cell read it)"
        )
        hint = (
            f"If the notebook needs {names(live)}, put that code back in a cell; either way, "
            f"{_RESTART} so no state comes from code that is gone."
        )
        return proven("recorded-lost-code", Severity.WARNING, owner, 0, message, hint)
    hint = "Nothing to fix unless that code mattered; restarting and running all cells confirms it."
    if stale:
        done = (
            f" bound {names(bound)}; {cells(stale)} read it, and code still in the notebook "
            "set it again since"
        )
        hint = f"Run {cells(stale)} again (better: {_RESTART}) so its outputs come from the code."
    elif bound:
        done = (
            f" bound {names(bound)}; code still in the notebook set that again since (or "
            "the kernel restarted), so nothing the notebook shows came from it"
        )
    else:
        done = " bound no names"
    return proven("recorded-lost-code", Severity.INFO, owner, 0, subject + done, hint)


def _subject(runs: list[Run], owner: Analysed | None, records: Records) -> str:
    versions = len({run.execution.source_hash for run in runs})
    latest = runs[-1].execution
    first = _first_line(records.sources.get(latest.source_hash, ""))
    parts = [f"`{first}`"] if first else []
    if versions > 1:
        parts.append(f"the last of {versions} versions" if first else f"{versions} versions")
    counts = [f"[{r.execution.execution_count}]" for r in runs if r.execution.execution_count]
    if counts:
        parts.append(("run " if len(counts) == 1 else "runs ") + ", ".join(counts[-3:]))
    shown = f" ({', '.join(parts)})" if parts else ""
    if owner is not None:
        return f"cell {owner.number}'s code before it was edited{shown}"
    return f"code in a cell since deleted{shown}"


def _read_from(
    subject: str, owner: Analysed | None, readers: dict[Analysed, set[str]], bound: set[str]
) -> Finding:
    ordered = sorted(readers.items(), key=lambda item: item[0].number)
    used = {name for read in readers.values() for name in read}
    reads = "; ".join(
        f"{reader.label}'s last run read {names(read)} from it" for reader, read in ordered
    )
    message = (
        f"{subject} bound {names(bound | used)}, and {reads}: those stored outputs come from code "
        "the notebook no longer has (hidden state)"
    )
    if owner is not None and used <= set(owner.facts.writes):
        # edited, not run since: its code still sets those names, in another way
        hint = (
            f"Run {owner.label} and then {cells(r for r, _ in ordered)} again (better: "
            f"{_RESTART}), so their outputs come from the code the notebook shows."
        )
    else:
        hint = (
            f"Restore the code that sets {names(used)} in a cell above where it is read (or stop "
            f"using it), then {_RESTART} to confirm the notebook runs top to bottom."
        )
    where = owner if owner is not None else ordered[0][0]
    return proven("recorded-lost-code", Severity.ERROR, where, 0, message, hint)


def _first_line(source: str, limit: int = 60) -> str:
    line = next((text.strip() for text in source.splitlines() if text.strip()), "")
    line = line.replace("`", "'")
    return line if len(line) <= limit else line[: limit - 1] + "…"
