"""SARIF 2.1.0 (OASIS): the log code-scanning services and editors read.

One run of the tool ``nb2prod``; its rules are the registry's kinds (id: the code, name: the
kind's name, descriptions and help from the registry); each finding is a result at the line of
the ``.ipynb`` file that holds the cell's source line, with the cell and the line in the cell as
properties. A notebook that could not be used is a tool execution notification.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from nb2prod import __version__
from nb2prod.findings import Finding, Report, Severity
from nb2prod.kinds import BY_NAME, KINDS, Kind
from nb2prod.report.locate import json_line, notebook_text, source_lines

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_INDEX = {kind.name: index for index, kind in enumerate(KINDS)}


def sarif_log(
    reports: Iterable[Report], unusable: Sequence[tuple[str, str]], level: Severity
) -> dict[str, Any]:
    """The whole log, as a JSON-ready dict."""
    results: list[dict[str, Any]] = []
    for report in reports:
        shown = report.at_least(level)
        lines = source_lines(notebook_text(report.path)) if shown else {}
        results += [_result(report.path, f, json_line(lines, f.cell, f.line)) for f in shown]
    invocation: dict[str, Any] = {"executionSuccessful": not unusable}
    if unusable:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": reason}, "locations": [_location(path, 1)]}
            for path, reason in unusable
        ]
    run = {
        "tool": {"driver": _driver()},
        "results": results,
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _driver() -> dict[str, Any]:
    return {
        "name": "nb2prod",
        "version": __version__,
        "informationUri": "https://github.com/nb2prod/nb2prod",
        "rules": [_rule(kind) for kind in KINDS],
    }


def _rule(kind: Kind) -> dict[str, Any]:
    teaching = kind.teaching
    help_text = f"{teaching.why}\n\nHow to fix it: {teaching.fix}"
    return {
        "id": kind.code,
        "name": kind.name,
        "shortDescription": {"text": kind.title},
        "fullDescription": {"text": kind.summary},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": _LEVEL[kind.severities[0]]},
        "properties": {"tags": ["reproducibility" if kind.verdict else "practice"]},
    }


def _result(path: str, finding: Finding, line: int) -> dict[str, Any]:
    found: dict[str, Any] = {
        "message": {"text": f"{finding.message}\n{finding.hint}"},
        "level": _LEVEL[finding.severity],
        "locations": [_location(path, line)],
        "properties": {
            "kind": finding.kind,
            "cell": finding.cell,
            "cellId": finding.cell_id,
            "lineInCell": finding.line,
            "proof": finding.proof,
        },
    }
    kind = BY_NAME.get(finding.kind)
    if kind is not None:
        found = {"ruleId": kind.code, "ruleIndex": _INDEX[kind.name], **found}
    else:
        found = {"ruleId": finding.kind, **found}
    return found


def _location(path: str, line: int) -> dict[str, Any]:
    uri = quote(PurePath(path).as_posix())
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": {"startLine": max(1, line)},
        }
    }
