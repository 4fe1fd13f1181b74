"""Why a conversion or a verification failed, read from what ``nb2prod convert`` and
``nb2prod verify`` printed (verify keeps no JUnit report: its lines say each test's outcome, the
cell it checks and the start of the diff; its log, on stderr, says what failed before any test).

Causes, from the first error: ``NameError at import``, ``NameError in run``, ``ImportError``,
``output mismatch: KIND`` and ``result mismatch: KIND`` (KIND from fidelity_diff.difference),
``figure``, ``run error: NAME``, ``error at import: NAME``, ``install failure``,
``verify timeout``, ``verify unusable``, ``other``; for convert: refused (with the finding kinds),
crash, unusable, timeout.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from fidelity_diff import diff_sides, difference

_FINDING = re.compile(r"^.+?:(\d+):\d+: ([a-z-]+): \[error\]", re.MULTILINE)
_TEST = re.compile(r"^(PASS|FAIL|SKIP) (\S+)(?: \(cell (\d+)\))?(?: — (.*))?$")
_COUNTS = re.compile(r"^(\d+) passed, (\d+) failed", re.MULTILINE)
_SETUP = re.compile(r'failed on setup with "(.*)"')
_EXCEPTION = re.compile(r"\b([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))\b")
_CELL_TEST = re.compile(r"test_cell_\d+_(\w+)$")
_WHY_NOT_INSTALLED = re.compile(
    r"because|could not find|not found|no matching distribution|failed to build", re.IGNORECASE
)
_ERROR = re.compile(r"error|no solution|×", re.IGNORECASE)
_INSTALL = re.compile(r"\bpip\b.*\binstall\b|\buv\b.*\b(?:venv|pip)\b")


@dataclass
class FailedTest:
    """A FAIL line of verify's output and the diff lines printed under it."""

    name: str
    cell: int | None
    message: str
    diff: list[str] = field(default_factory=list)


def classify_convert(exit: int | None, stdout: str, stderr: str) -> dict[str, Any]:
    """``status`` (ok, refused, crash, unusable, timeout), the finding kinds a refusal gave, and
    the first error line."""
    if exit is None:
        return {"status": "timeout", "first_error": "convert did not finish in time"}
    if "Traceback (most recent call last)" in stderr:
        return {"status": "crash", "first_error": _last_line(stderr)}
    if exit == 0:
        return {"status": "ok"}
    if exit == 1:
        kinds = sorted({m[2] for m in _FINDING.finditer(stderr + stdout)})
        first = _FINDING.search(stderr + stdout)
        line = first[0] if first else _first_line(stderr)
        return {"status": "refused", "refused_by": kinds, "first_error": line}
    return {"status": "unusable", "first_error": _first_line(stderr) or f"exit status {exit}"}


def parse_tests(stdout: str) -> tuple[int, list[FailedTest]]:
    """How many tests passed, and each failed test with its diff lines, in verify's order."""
    passed, failed = 0, list[FailedTest]()
    for line in stdout.splitlines():
        if line.startswith("    ") and failed:
            failed[-1].diff.append(line[4:])
            continue
        match = _TEST.match(line)
        if not match:
            continue
        if match[1] == "PASS":
            passed += 1
        elif match[1] == "FAIL":
            cell = int(match[3]) if match[3] else None
            failed.append(FailedTest(match[2], cell, match[4] or ""))
    return passed, failed


def classify_verify(
    exit: int | None, stdout: str, stderr: str, random_cells: Collection[int] = ()
) -> dict[str, Any]:
    """``status`` (passed, failed, timeout, unusable), counts, the cause of the first error and
    its line, and each failed test's cause."""
    passed, failed = parse_tests(stdout)
    result: dict[str, Any] = {"passed": passed, "failed": len(failed)}
    if exit is None:
        return {**result, "status": "timeout", "cause": "verify timeout", "first_error": ""}
    if exit == 0:
        return {**result, "status": "passed"}
    if exit == 2:
        line = _first_line(stderr)
        return {**result, "status": "unusable", "cause": "verify unusable", "first_error": line}
    causes = [failure_cause(test, random_cells) for test in failed]
    result["tests"] = [
        {"name": t.name, "cell": t.cell, "cause": c} for t, c in zip(failed, causes, strict=True)
    ]
    if failed:
        first = failed[0]
        return {**result, "status": "failed", "cause": causes[0], "first_error": first.message}
    cause, line = log_cause(stderr)
    return {**result, "status": "failed", "cause": cause, "first_error": line}


def failure_cause(test: FailedTest, random_cells: Collection[int] = ()) -> str:
    """The cause of one failed test, from its name, message and diff."""
    message = test.message
    setup = _SETUP.search(message)
    if setup:
        return _error_cause(setup[1], "run")
    if test.name.endswith(".py") or message.startswith("collection failure"):
        return _error_cause(message, "import")
    function = _CELL_TEST.search(test.name.split("::")[-1])
    random = test.cell in random_cells
    if function and function[1] == "figures":
        return "figure"
    if "AssertionError" in message or "differs" in message or message.startswith("assert"):
        minus, plus = diff_sides(test.diff)
        kind = difference(minus, plus, random) if (minus or plus) else "other"
        what = "output" if function and function[1] == "output" else "result"
        return f"{what} mismatch: {kind}"
    return _error_cause(message, "run")


def log_cause(stderr: str) -> tuple[str, str]:
    """Why verify failed when no test reported it: the log's failing step."""
    sections = [s for s in stderr.split("\n$ ") if s.strip()]
    for section in sections:
        lines = section.strip().splitlines()
        status = lines[-1] if lines else ""
        if status == "timed out":
            return "verify timeout", lines[0]
        if status.startswith("exit status") and _INSTALL.search(lines[0]):
            return "install failure", _install_error(lines[1:-1]) or status
    errors = [line[1:].strip() for line in stderr.splitlines() if line.startswith("E ")]
    if errors:
        where = "import" if "while loading conftest" in stderr or "collecting" in stderr else "run"
        return _error_cause(errors[-1], where), errors[-1]
    return "other", _last_line(stderr)


def _error_cause(message: str, where: str) -> str:
    found = _EXCEPTION.search(message)
    name = found[1].rsplit(".", 1)[-1] if found else ""
    if name == "NameError":
        return f"NameError at {where}" if where == "import" else "NameError in run"
    if name in ("ImportError", "ModuleNotFoundError"):
        return "ImportError"
    if not name:
        return "other"
    return f"error at import: {name}" if where == "import" else f"run error: {name}"


def _install_error(lines: list[str]) -> str:
    """The line that names what could not be installed, else the first error line."""
    for wanted in (_WHY_NOT_INSTALLED, _ERROR):
        for line in lines:
            if wanted.search(line) and "WARNING" not in line:
                return line.strip()[:300]
    return ""


def _first_line(text: str) -> str:
    return next((line.strip()[:300] for line in text.splitlines() if line.strip()), "")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
