"""What the stored execution counts prove about the session that made the notebook.

Each executed cell keeps the count of its last run. Sorting by count gives the order of those last
runs; a gap in the counts is a run the notebook no longer shows. For every name a cell read, the
cell that provided it in the recorded order is compared with the cell that would provide it top
to bottom: where they differ, the cell saw state a fresh run will not give it.
"""

from __future__ import annotations

from dataclasses import dataclass

from nb2prod.analysis.context import Analysed, Reads, cells, make, names
from nb2prod.analysis.facts import Import
from nb2prod.analysis.names import is_always_defined
from nb2prod.analysis.providers import Writers
from nb2prod.findings import Finding, Severity

_RERUN = "Restart the kernel and run all cells, then save: the stored outputs then match the code."


@dataclass(frozen=True)
class Mismatch:
    """``reader`` read ``name`` from ``recorded`` (None: a run no longer shown), but top to bottom
    it would read it from ``topdown``."""

    reader: Analysed
    name: str
    recorded: Analysed | None
    topdown: Analysed | None


def history_findings(code: list[Analysed], reads_of: dict[Analysed, Reads]) -> list[Finding]:
    """``out-of-order``, ``stale-output``, ``re-executed`` and ``unexecuted``."""
    executed = [c for c in code if c.count is not None]
    if not executed:
        return []
    mismatches = inferred_mismatches(code, reads_of)
    found = _out_of_order(executed, mismatches)
    found += _stale_outputs(executed, mismatches)
    found += _re_executed(executed)
    found += _unexecuted(code, executed)
    return found


def inferred_mismatches(
    code: list[Analysed], reads_of: dict[Analysed, Reads]
) -> dict[Analysed, list[Mismatch]]:
    index = Writers(code)
    writers = index.cells
    found: dict[Analysed, list[Mismatch]] = {}
    for cell in code:
        if cell.count is None or cell.facts.syntax_error is not None:
            continue
        for name in reads_of[cell].positions:
            recorded = index.recorded(cell, name)
            topdown = index.topdown(cell, name)
            if (
                recorded is topdown
                or not (recorded or topdown)
                or same_import(name, topdown, recorded)
                or (recorded is None and _same_each_run(name, topdown, writers))
            ):
                continue
            found.setdefault(cell, []).append(Mismatch(cell, name, recorded, topdown))
    return found


def _same_each_run(name: str, cell: Analysed | None, writers: dict[str, list[Analysed]]) -> bool:
    """``cell`` binds ``name`` to the same value whenever it runs (``df = pd.read_csv(PATH)``):
    only it binds the name, from nothing but imports, without random draws or changes to what it
    read. A reader that took the value from an earlier run of it (a run no longer shown) saw
    what top to bottom gives. A cell of literals alone is not taken for one: re-running
    ``rate = 0.2`` after its readers is what editing a parameter looks like."""
    if cell is None or writers.get(name) != [cell]:
        return False
    facts = cell.facts
    if name in facts.mutates or name in facts.weak_changes or name in facts.strong_changes:
        return False
    if any(not use.seeds for use in facts.random_uses) or facts.magics:
        return False
    imported = {i.bound for i in facts.imports}
    if not facts.reads and not imported:  # a literal (`rate = 0.2`) re-run is a literal edited
        return False
    for read in facts.reads:
        if read in imported or is_always_defined(read):
            continue
        binders = writers.get(read, [])
        if not binders or not all(_only_imports(read, w) for w in binders):
            return False
    return True


def _only_imports(name: str, cell: Analysed) -> bool:
    return name in {i.bound for i in cell.facts.imports} and name not in cell.facts.mutates


def same_import(name: str, topdown: Analysed | None, recorded: Analysed | None) -> bool:
    """Importing a module again gives the same module: that difference changes nothing."""
    wanted = _import_of(name, topdown)
    return wanted is not None and (recorded is None or _import_of(name, recorded) == wanted)


def _import_of(name: str, cell: Analysed | None) -> str | None:
    """What ``name`` is bound to by an import in ``cell``: ``matplotlib.pyplot`` for both
    ``import matplotlib.pyplot as plt`` and ``from matplotlib import pyplot as plt``."""
    if cell is None or name in cell.facts.mutates:
        return None
    bound = [_imported_object(i) for i in cell.facts.imports if i.bound == name]
    return bound[-1] if bound else None


def _imported_object(found: Import) -> str:
    if found.name:
        return "." * found.level + f"{found.module}.{found.name}"
    if found.bound == found.module.split(".")[0]:
        return found.bound  # `import os.path` binds `os`
    return found.module


def _out_of_order(
    executed: list[Analysed], mismatches: dict[Analysed, list[Mismatch]]
) -> list[Finding]:
    found: list[Finding] = []
    highest = 0
    for index, cell in enumerate(executed):
        count = cell.count or 0
        if highest <= count:
            highest = count
            continue
        later_above = [a for a in executed[:index] if (a.count or 0) > count]
        if not later_above:
            continue
        early = sorted(
            {m.name for m in mismatches.get(cell, []) if {m.recorded, m.topdown} & set(later_above)}
        )
        fed = [
            (a, m.name) for a in later_above for m in mismatches.get(a, []) if m.recorded is cell
        ]
        first = min(later_above, key=lambda a: a.number)
        ran = f"{cell.label} ran before {cells(later_above)} above it"
        if early or fed:
            effects = [f"it read {names(early)} before the cell above set it"] if early else []
            effects += [f"{a.label} read `{name}` from it" for a, name in fed]
            message = f"{ran}, and that changed what cells saw: {'; '.join(effects)}"
            found.append(make("out-of-order", Severity.ERROR, cell, 0, message, _RERUN))
        else:
            message = f"{ran}; nothing it read or gave depended on that order"
            hint = f"Harmless, but running {first.label} and this cell in page order keeps it so."
            found.append(make("out-of-order", Severity.INFO, cell, 0, message, hint))
    return found


def _stale_outputs(
    executed: list[Analysed], mismatches: dict[Analysed, list[Mismatch]]
) -> list[Finding]:
    found: list[Finding] = []
    for cell in executed:
        if not cell.has_output:
            continue
        fresh = [m for m in mismatches.get(cell, []) if m.topdown is not None]
        if fresh:  # (with no provider above, use-before-define or undefined-name says it)
            found.append(_stale_from_state(cell, fresh))
            continue
        counts = {o.execution_count for o in cell.cell.outputs if o.execution_count is not None}
        if counts and counts != {cell.count}:
            message = f"{cell.label} shows output from another run (execution count {min(counts)})"
            found.append(make("stale-output", Severity.WARNING, cell, 0, message, _RERUN))
    return found


def _stale_from_state(cell: Analysed, mismatches: list[Mismatch]) -> Finding:
    first = mismatches[0]
    if first.recorded is None:
        origin = "a run the notebook no longer shows"
    else:
        origin = first.recorded.label
    assert first.topdown is not None
    message = (
        f"{cell.label}'s stored output was computed when `{first.name}` came from {origin}; "
        f"top to bottom it comes from {first.topdown.label}, so a fresh run may show other output"
    )
    if len(mismatches) > 1:
        message += f" (also {names(m.name for m in mismatches[1:])})"
    return make("stale-output", Severity.ERROR, cell, 0, message, _RERUN)


def _re_executed(executed: list[Analysed]) -> list[Finding]:
    counts = sorted({c.count for c in executed if c.count is not None})
    gaps = [(a, b) for a, b in zip([0, *counts], counts, strict=False) if b - a > 1]
    if not gaps:
        return []
    hidden = sum(b - a - 1 for a, b in gaps)
    start = gaps[0][0]
    candidates = [c for c in executed if (c.count or 0) > start]
    strong = [c for c in candidates if c.facts.strong_changes]
    weak = [c for c in candidates if c.facts.weak_changes and c not in strong]
    after = next(c for c in executed if c.count == gaps[0][1])
    message = (
        f"execution counts skip {hidden} number(s) (first from [{gaps[0][0]}] to "
        f"[{gaps[0][1]}]): cells ran more than once, or cells that ran were since deleted"
    )
    hint = "Restart the kernel and run all cells so every cell has run exactly once, in order."
    if strong:
        changed = {n for c in strong for n in c.facts.strong_changes}
        observed = any(
            set(c.facts.reads) & changed or c in strong for c in candidates if c.has_output
        )
        message += (
            f"; each re-run of {cells(strong)} changes {names(changed)} again, so the state the "
            "outputs show may not be the state of one run"
        )
        severity = Severity.ERROR if observed else Severity.WARNING
        return [make("re-executed", severity, after, 0, message, hint)]
    if weak:
        changed = {n for c in weak for n in c.facts.weak_changes}
        message += f"; re-running {cells(weak)} rebuilds {names(changed)} from the last value"
        return [make("re-executed", Severity.WARNING, after, 0, message, hint)]
    return [make("re-executed", Severity.INFO, after, 0, message, hint)]


def _unexecuted(code: list[Analysed], executed: list[Analysed]) -> list[Finding]:
    last_run = max(c.number for c in executed)
    writers = Writers(code)
    found: list[Finding] = []
    for cell in code:
        if cell.count is not None or cell.number > last_run or cell.facts.syntax_error:
            continue
        if cell.cell.ran_uncounted:
            continue
        if not cell.cell.source.strip() or not (
            cell.facts.defines or cell.facts.reads or cell.facts.magics
        ):
            continue
        defined = set(cell.facts.writes)
        readers = [
            c for c in executed
            if c.number > cell.number and set(c.facts.reads) & defined
            and any(writers.topdown(c, n) is cell for n in defined)
        ]  # fmt: skip
        if readers:
            used = {n for c in readers for n in set(c.facts.reads) & defined}
            message = (
                f"{cell.label} never ran, but cells below it did; a fresh run executes it, and "
                f"{cells(readers)} then read {names(used)} from it instead of what they saw"
            )
            found.append(make("unexecuted", Severity.ERROR, cell, 0, message, _RERUN))
        else:
            message = f"{cell.label} never ran, but cells below it did: its code is untested"
            hint = "Run it (or delete it if it is obsolete), then restart and run all cells."
            found.append(make("unexecuted", Severity.WARNING, cell, 0, message, hint))
    return found
