"""The comparison of two sides, section by section. Pure: values in, a
:class:`~nb2prod.diff.result.Diff` out, every list sorted so the output never varies."""

from __future__ import annotations

from collections.abc import Mapping

from nb2prod.diff.model import CellOutput, DataFile, Pin, Side, Step
from nb2prod.diff.result import SECTIONS, Change, Diff, Section
from nb2prod.diff.textdiff import short_diff
from nb2prod.diff.versions import direction, is_major_move
from nb2prod.envrows import Row, rows

_TITLES = dict(SECTIONS)


def compare_sides(old: Side, new: Side) -> Diff:
    """Every section, in :data:`~nb2prod.diff.result.SECTIONS`' order."""
    return Diff(old.label, new.label, (
        environment(old, new), dependencies(old, new), data(old.data, new.data),
        steps(old.steps, new.steps), outputs(old, new), findings(old, new),
    ))  # fmt: skip


def _section(name: str, changes: list[Change], unavailable: str | None = None) -> Section:
    ordered = tuple(sorted(changes, key=lambda c: (*_natural(c.subject), c.kind)))
    return Section(name, _TITLES[name], ordered, unavailable)


def environment(old: Side, new: Side) -> Section:
    """Python, CPU, GPU, driver, CUDA, cuDNN and each imported distribution whose recorded
    value differs (a fact one side does not record is not a difference)."""
    if old.environment is None and new.environment is None:
        return _section("environment", [], "neither side has a recorded environment")
    if old.environment is None or new.environment is None:
        return _section("environment", [], "only one side has a recorded environment")
    table = rows(old.environment, new.environment, old.distributions | new.distributions)
    machine = [_machine(r) for r in table if r.differs and r.kind != "package"]
    packages = [_package(r) for r in table if r.differs and r.kind == "package"]
    return Section("environment", _TITLES["environment"], (*machine, *sorted(
        packages, key=lambda c: c.subject)))  # fmt: skip


def _machine(row: Row) -> Change:
    return Change(row.label, "changed", row.recorded_text, row.live_text)


def _package(row: Row) -> Change:
    if row.recorded is None:
        return Change(row.label, "added", None, row.live_text)
    if row.live is None:
        return Change(row.label, "removed", row.recorded_text, None)
    major = is_major_move(row.recorded, row.live)
    kind = direction(row.recorded, row.live)
    return Change(row.label, kind, row.recorded, row.live, "major version" if major else "")


def dependencies(old: Side, new: Side) -> Section:
    """The lock's pins: added, removed, upgraded, downgraded, or the same version with other
    hashes (files the index now serves differently)."""
    if old.lock is None or new.lock is None:
        why = "neither side has a requirements.lock" if old.lock is new.lock else (
            f"{(old if old.lock is None else new).label} has no requirements.lock")  # fmt: skip
        return _section("dependencies", [], why)
    found: list[Change] = []
    for name in sorted(old.lock.keys() | new.lock.keys()):
        was, now = old.lock.get(name), new.lock.get(name)
        change = _pin_change(name, was, now)
        if change is not None:
            found.append(change)
    return _section("dependencies", found)


def _pin_change(name: str, was: Pin | None, now: Pin | None) -> Change | None:
    scope = "direct" if (now or was) and (now or was).direct else "transitive"  # type: ignore[union-attr]
    if was is None and now is not None:
        return Change(name, "added", None, now.version, scope)
    if now is None and was is not None:
        return Change(name, "removed", was.version, None, scope)
    if was is None or now is None:
        return None
    if was.version != now.version:
        major = ", major version" if is_major_move(was.version, now.version) else ""
        return Change(name, direction(was.version, now.version), was.version, now.version,
                      scope + major)  # fmt: skip
    if was.hashes != now.hashes:
        note = f"{scope}, same version with other hashes"
        return Change(name, "hashes changed", was.version, now.version, note)
    return None


def data(old: Mapping[str, DataFile], new: Mapping[str, DataFile]) -> Section:
    """Files whose recorded hash or size changed, files now read, files no longer read."""
    found: list[Change] = []
    for path in sorted(old.keys() | new.keys()):
        was, now = old.get(path), new.get(path)
        if was is None and now is not None:
            found.append(Change(path, "added", None, _file(now), "now read"))
        elif now is None and was is not None:
            found.append(Change(path, "removed", _file(was), None, "no longer read"))
        elif was is not None and now is not None and was != now:
            found.append(Change(path, "changed", _file(was), _file(now)))
    return _section("data", found)


def _file(found: DataFile) -> str:
    digest = f"sha256 {found.sha256[:12]}" if found.sha256 else "no hash"
    size = f", {found.size} bytes" if found.size is not None else ""
    return digest + size


def steps(old: Mapping[str, Step], new: Mapping[str, Step]) -> Section:
    """Steps added or removed, steps whose code changed (with their cells), steps whose
    interface (parameters, returned names) changed."""
    found: list[Change] = []
    for name in sorted(old.keys() | new.keys()):
        was, now = old.get(name), new.get(name)
        if was is None and now is not None:
            found.append(Change(name, "added", None, _signature(now), _cells(now)))
        elif now is None and was is not None:
            found.append(Change(name, "removed", _signature(was), None, _cells(was)))
        elif was is not None and now is not None:
            if was.code != now.code:
                found.append(Change(name, "code changed", note=_cells(now),
                                    diff=short_diff(was.code, now.code)))  # fmt: skip
            if (was.parameters, was.returns) != (now.parameters, now.returns):
                found.append(Change(name, "interface changed", _signature(was),
                                    _signature(now), _cells(now)))  # fmt: skip
    return _section("steps", found)


def _signature(step: Step) -> str:
    returns = ", ".join(step.returns) or "None"
    return f"{step.name}({', '.join(step.parameters)}) -> {returns}"


def _cells(step: Step) -> str:
    return "from " + ", ".join(step.cells) if step.cells else ""


def outputs(old: Side, new: Side) -> Section:
    """Code cells whose stored text output changed, each with a short diff."""
    if old.outputs is None or new.outputs is None:
        return _section("outputs", [], "a package folder keeps no stored outputs")
    found: list[Change] = []
    for key in sorted(old.outputs.keys() | new.outputs.keys()):
        was, now = old.outputs.get(key), new.outputs.get(key)
        change = _output_change(was, now)
        if change is not None:
            found.append(change)
    return _section("outputs", found)


def _natural(subject: str) -> tuple[int, str]:
    """``cell 2 (...)`` before ``cell 10 (...)``; other subjects by name."""
    parts = subject.split(" ", 2)
    number = parts[1] if len(parts) > 1 and parts[0] == "cell" else ""
    return (int(number) if number.isdigit() else 0, subject)


def _output_change(was: CellOutput | None, now: CellOutput | None) -> Change | None:
    before = was.text if was else ""
    after = now.text if now else ""
    if before == after:
        return None
    label = (now or was).label  # type: ignore[union-attr]
    kind = "added" if not before else "removed" if not after else "changed"
    return Change(label, kind, diff=short_diff(before, after))


def findings(old: Side, new: Side) -> Section:
    """Findings that appeared or went away, matched by kind and cell code (not cell number)."""
    if old.findings is None or new.findings is None:
        return _section("findings", [], "a package folder is not checked")
    before = {f.key: f for f in old.findings}
    after = {f.key: f for f in new.findings}
    found = [Change(f"{f.kind} (cell {f.cell})", "appeared", None, f.severity, f.message)
             for key, f in after.items() if key not in before]  # fmt: skip
    found += [Change(f"{f.kind} (cell {f.cell})", "went away", f.severity, None, f.message)
              for key, f in before.items() if key not in after]  # fmt: skip
    return _section("findings", found)
