"""A notebook's report as a team's configuration wants it: their own secret patterns added, the
kinds, paths and cells they chose to ignore left out (and counted)."""

from __future__ import annotations

import dataclasses

from nb2prod.config import Config
from nb2prod.extrasecrets import extra_secret_findings
from nb2prod.findings import Report
from nb2prod.notebook import Notebook
from nb2prod.suppress import apply


def configured(
    report: Report, notebook: Notebook, config: Config, path: str | None = None
) -> Report:
    """``report`` of ``notebook`` under ``config`` (``path``: where the notebook is, for
    per-path globs, when the report names it otherwise)."""
    extra = extra_secret_findings(notebook, config.secret_patterns, report.findings)
    if extra:
        ordered = sorted((*report.findings, *extra), key=lambda f: (f.cell or 0, f.line, f.kind))
        report = dataclasses.replace(report, findings=tuple(ordered))
    return apply(report, notebook, config, path)
