"""What ``nb2prod verify`` prints: one line per test, a failing test with the notebook cell it
checks and the first lines of the expected-vs-printed diff in its failure message, and a hint
when the package was made without a record of the versions the notebook ran with.

The cells come from the package's ``nb2prod.json`` (``cells``: each cell's number and the tests
that check it); a package without one, or with one of another shape, is still reported, without
cells. Failure messages may have any shape: only a unified diff in them is shown as one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from nb2prod.verify_junit import TestResult

#: How many lines of a failure's diff are shown under its line.
DIFF_LINES = 8
#: Longer lines of a diff are cut to this many characters.
DIFF_WIDTH = 160

_LABELS = {"passed": "PASS", "failed": "FAIL", "error": "FAIL", "skipped": "SKIP"}
#: An exception's name before its message: ``AssertionError: ...``.
_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Failure|Failed): ")
#: A generated test of what a cell showed (its text, or a call's result): ``test_cell_4_output``.
_SHOWN_TEST = re.compile(r"test_cell_\d+_\w+")
_NOTEBOOK_NAME = re.compile(r"[^\x00-\x1f\x7f]{1,200}")


@dataclass(frozen=True)
class Origin:
    """What ``nb2prod.json`` says of the notebook a package came from: its file name, the cell
    each generated test checks (test function -> cell number), and whether the versions its
    kernel ran were recorded."""

    notebook: str | None = None
    cells: Mapping[str, int] = field(default_factory=dict)
    recorded: bool = False


def read_origin(package: Path) -> Origin:
    """The :class:`Origin` of the package folder ``package``; empty without a usable
    ``nb2prod.json``. Values of the wrong type are left out."""
    from nb2prod.deps.recorded import read_provenance, recorded_versions

    provenance = read_provenance(package)
    notebook = provenance.get("notebook")
    if not (isinstance(notebook, str) and _NOTEBOOK_NAME.fullmatch(notebook)):
        notebook = None
    return Origin(notebook, _cells(provenance.get("cells")), bool(recorded_versions(provenance)))


def _cells(found: Any) -> dict[str, int]:
    cells: dict[str, int] = {}
    if not isinstance(found, Mapping):
        return cells
    for entry in found.values():
        if not isinstance(entry, Mapping):
            continue
        number, tests = entry.get("cell"), entry.get("tests")
        if isinstance(number, int) and not isinstance(number, bool) and isinstance(tests, list):
            for test in tests:
                if isinstance(test, str):
                    cells.setdefault(test, number)
    return cells


def cell_of(test: TestResult, origin: Origin) -> int | None:
    """The notebook cell ``test`` checks, when ``nb2prod.json`` says."""
    return origin.cells.get(_function(test.name))


def render_test(test: TestResult, origin: Origin = Origin()) -> str:
    """``PASS name``, ``SKIP name — reason``, or ``FAIL name (cell N) — message`` followed, when
    the message holds a unified diff, by its first lines, indented."""
    label = _LABELS[test.outcome]
    cell = cell_of(test, origin) if label == "FAIL" else None
    name = f"{test.name} (cell {cell})" if cell is not None else test.name
    head, diff = split_diff(test.message)
    line = f"{label} {name} — {head}" if head else f"{label} {name}"
    if label != "FAIL" or not diff:
        return line
    shown = [f"    {_cut(d)}" for d in diff[:DIFF_LINES]]
    if len(diff) > DIFF_LINES:
        shown.append(f"    [... {len(diff) - DIFF_LINES} more lines of the diff]")
    return "\n".join([line, *shown])


def split_diff(message: str) -> tuple[str, list[str]]:
    """A failure message's first meaningful line, and the unified diff in it (its ``---`` and
    ``+++`` header, or its first ``@@`` hunk, and the diff lines after it), if any."""
    lines = message.splitlines()
    exception = ""
    if lines and _EXCEPTION.match(lines[0]):
        exception, _, rest = lines[0].partition(": ")
        lines = [rest, *lines[1:]]
    start = _diff_start(lines)
    diff = [] if start is None else _diff_lines(lines[start:])
    text = _first_line(lines if start is None else lines[:start])
    if diff:
        text = text.removesuffix(":")
    return (f"{exception}: {text}" if exception and text else exception or text), diff


def _diff_lines(lines: Sequence[str]) -> list[str]:
    """The diff at the start of ``lines``, as long as its lines look like one (indented as its
    first line is: pytest indents a message that an ``assert`` statement gave)."""
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    diff: list[str] = []
    for line in lines:
        if not line.startswith(indent):
            break
        body = line[len(indent) :]
        if body and body[0] not in " +-@\\":
            break
        diff.append(body.rstrip())
    while diff and not diff[-1].strip():
        diff.pop()
    return diff


def _diff_start(lines: Sequence[str]) -> int | None:
    for index, line in enumerate(lines):
        text = line.lstrip()
        below = lines[index + 1].lstrip() if index + 1 < len(lines) else ""
        if text.startswith("--- ") and below.startswith("+++ "):
            return index
    return next((i for i, line in enumerate(lines) if line.lstrip().startswith("@@ ")), None)


def needs_record_hint(tests: Sequence[TestResult], origin: Origin) -> bool:
    """Whether to say that the versions the notebook ran with were not recorded: a test of what
    a cell showed failed, and ``nb2prod.json`` has no record of them."""
    if origin.recorded:
        return False
    return any(
        t.outcome in ("failed", "error")
        and cell_of(t, origin) is not None
        and _SHOWN_TEST.fullmatch(_function(t.name))
        for t in tests
    )


def render_record_hint(package: str, origin: Origin) -> str:
    notebook = origin.notebook or "NOTEBOOK"
    return (
        f"{package}: the package was built without a record of the versions the notebook ran "
        "with, so newer libraries may print differently; record them with "
        f"`nb2prod run {notebook}` and convert again."
    )


class Counted(Protocol):
    """A verification's outcome, as far as its summary needs it."""

    @property
    def ok(self) -> bool: ...
    @property
    def passed(self) -> int: ...
    @property
    def failed(self) -> int: ...


def render_summary(result: Counted) -> str:
    """``3 passed, 1 failed``; said plainly when no test could run at all."""
    counts = f"{result.passed} passed, {result.failed} failed"
    if not result.ok and not result.failed:  # e.g. the package failed at import, in conftest
        return f"{counts}: the tests could not run (the log above says why)"
    return counts


def _function(node_id: str) -> str:
    """``tests/test_x.py::TestK::test_y[2]`` -> ``test_y``."""
    return node_id.rsplit("::", 1)[-1].split("[", 1)[0]


def _first_line(lines: Sequence[str]) -> str:
    return next((line.strip() for line in lines if line.strip()), "")


def _cut(line: str) -> str:
    return line if len(line) <= DIFF_WIDTH else line[: DIFF_WIDTH - 1] + "…"
