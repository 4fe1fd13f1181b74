"""Reading pytest's JUnit XML report: one :class:`TestResult` per test, in pytest's order."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Outcome = Literal["passed", "failed", "error", "skipped"]

_JUNIT_OUTCOMES: tuple[tuple[str, Outcome], ...] = (
    ("error", "error"),
    ("failure", "failed"),
    ("skipped", "skipped"),
)
_RANK: dict[Outcome, int] = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}


@dataclass(frozen=True)
class TestResult:
    """One test as pytest reported it: ``name`` is its node id (``tests/test_x.py::test_y``)."""

    __test__ = False  # not a test class, though its name says so

    name: str
    outcome: Outcome
    message: str


def read_junit(path: Path, root: Path) -> tuple[tuple[TestResult, ...], str]:
    """The tests in pytest's report, in its order; or a problem, when there is no report."""
    if not path.is_file():
        return (), "pytest wrote no JUnit report"
    try:
        tree = ET.parse(path)
    except ET.ParseError as error:
        return (), f"pytest's JUnit report is not XML: {error}"
    results: dict[str, TestResult] = {}
    for case in tree.getroot().iter("testcase"):
        result = _test_result(case, root)
        known = results.get(result.name)
        # A test reported twice (an error in teardown after it ran) keeps the worse outcome.
        if known is None or _RANK[result.outcome] > _RANK[known.outcome]:
            results[result.name] = result
    return tuple(results.values()), ""


def _test_result(case: ET.Element, root: Path) -> TestResult:
    name = _node_id(case.get("classname", ""), case.get("name", ""), case.get("file"), root)
    for tag, outcome in _JUNIT_OUTCOMES:
        found = case.find(tag)
        if found is not None:
            return TestResult(name, outcome, _message(found))
    return TestResult(name, "passed", "")


def _node_id(classname: str, name: str, file: str | None, root: Path) -> str:
    """``tests/test_x.py::TestK::test_y`` from JUnit's classname ``tests.test_x.TestK``."""
    if not classname:  # a module that failed to import: its dotted name is the test's name
        return file or _module_file(name.split("."), root)[0] or name
    parts = classname.split(".")
    if file:
        module = file.removesuffix(".py").replace("/", ".").split(".")
        if parts[: len(module)] == module:
            return "::".join([file, *parts[len(module) :], name])
        return f"{file}::{name}"
    found, used = _module_file(parts, root)
    if found:
        return "::".join([found, *parts[used:], name])
    return "::".join([*parts, name])


def _module_file(parts: list[str], root: Path) -> tuple[str, int]:
    for used in range(len(parts), 0, -1):
        candidate = "/".join(parts[:used]) + ".py"
        if (root / candidate).is_file():
            return candidate, used
    return "", 0


def _message(element: ET.Element) -> str:
    message = element.get("message", "")
    if message in ("", "collection failure"):
        # pytest's own line says little: the last "E   ..." line of the report says what failed.
        detail = [ln[1:].strip() for ln in (element.text or "").splitlines() if ln.startswith("E ")]
        if detail:
            message = f"{message}: {detail[-1]}" if message else detail[-1]
    if not message and element.get("type") == "pytest.xfail":
        message = "expected to fail"
    return message
