"""GitHub Actions workflow annotations: ``::error file=...,line=...,title=...::message``.

Each finding points at the line of the ``.ipynb`` file that holds the cell's source line (see
``locate``), so the annotation shows beside that line in a pull request's diff.
"""

from __future__ import annotations

from collections.abc import Iterable

from nb2prod.findings import Finding, Report, Severity
from nb2prod.kinds import BY_NAME
from nb2prod.report.locate import json_line, notebook_text, source_lines

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def workflow_commands(reports: Iterable[Report], level: Severity) -> list[str]:
    """One workflow command per finding at ``level`` or above."""
    found: list[str] = []
    for report in reports:
        shown = report.at_least(level)
        if not shown:
            continue
        lines = source_lines(notebook_text(report.path))
        found += [_annotation(report.path, f, json_line(lines, f.cell, f.line)) for f in shown]
    return found


def _annotation(path: str, finding: Finding, line: int) -> str:
    kind = BY_NAME.get(finding.kind)
    title = f"{kind.code} {finding.kind}" if kind else finding.kind
    where = f"cell {finding.cell}" if finding.cell else "notebook"
    if finding.cell and finding.line:
        where += f", line {finding.line}"
    message = f"{where}: {finding.message}\n{finding.hint}"
    props = f"file={_prop(path)},line={line},title={_prop(title)}"
    return f"::{_COMMAND[finding.severity]} {props}::{_data(message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
