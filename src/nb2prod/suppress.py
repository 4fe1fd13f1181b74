"""Findings a team chose not to see: by configuration, by a comment in a cell, by a cell tag.

In a cell, ``# nb2prod: ignore[out-of-order, NB301]`` ignores those kinds on that cell, and a bare
``# nb2prod: ignore`` every kind; the cell tag ``nb2prod-ignore`` does the same as the bare
comment. Ignored findings are counted in the report, so nothing disappears silently, and the
verdict is taken again over what is left: ignoring a finding on purpose is the team's call.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from nb2prod.config import Config, kinds_of
from nb2prod.errors import NotebookError
from nb2prod.findings import Finding, Report, Severity
from nb2prod.kinds import KINDS, REPRODUCIBILITY
from nb2prod.notebook import Cell, Notebook

TAG = "nb2prod-ignore"
_COMMENT = re.compile(r"#\s*nb2prod:\s*ignore\b(?:\[([^\]]*)\])?", re.IGNORECASE)
_EVERY = frozenset(k.name for k in KINDS)


def cell_ignores(cell: Cell) -> frozenset[str]:
    """The kinds a cell's comments and tags ignore (unknown kinds in a comment are skipped:
    a notebook's text never stops the check)."""
    if TAG in cell.tags:
        return _EVERY
    found: set[str] = set()
    for match in _COMMENT.finditer(cell.source):
        if match.group(1) is None:
            return _EVERY
        for part in match.group(1).split(","):
            try:
                found |= kinds_of([part], "cell", "ignore")
            except NotebookError:
                continue
    return frozenset(found)


def apply(report: Report, notebook: Notebook, config: Config, path: str | None = None) -> Report:
    """``report`` without the findings ``config`` and the notebook's cells ignore; ``path``: the
    notebook's path for per-path globs (default: the report's)."""
    per_cell = {cell.index + 1: cell_ignores(cell) for cell in notebook.cells}
    kept: list[Finding] = []
    ignored = 0
    for finding in report.findings:
        if _ignored(finding, config, path or report.path, per_cell):
            ignored += 1
        else:
            kept.append(finding)
    if not ignored:
        return report
    return dataclasses.replace(
        report, findings=tuple(kept), reproducible=_reproducible(kept), ignored=ignored
    )


def _ignored(
    finding: Finding, config: Config, path: str, per_cell: dict[int, frozenset[str]]
) -> bool:
    if not config.wanted(finding.kind, path):
        return True
    return finding.cell is not None and finding.kind in per_cell.get(finding.cell, frozenset())


def _reproducible(findings: Iterable[Finding]) -> bool:
    return not any(f.severity is Severity.ERROR and f.kind in REPRODUCIBILITY for f in findings)
