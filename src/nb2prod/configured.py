"""A notebook's report as a team's configuration wants it: their own secret patterns added, the
kinds, paths and cells they chose to ignore left out (and counted)."""

from __future__ import annotations

import dataclasses

from nb2prod.config import Config
from nb2prod.extrasecrets import extra_secret_findings
from nb2prod.findings import Finding, Report
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


def team_secrets(path: str, notebook: Notebook, stop: str | None = None) -> list[Finding]:
    """What the configuration nearest ``path`` (not above ``stop``) calls a secret in
    ``notebook``: ``convert`` refuses these, since it cannot tell how the package should read
    them instead, and a secret never reaches a package."""
    from nb2prod.config import find_config, load_config

    found = find_config([path], stop)
    config = load_config(found) if found is not None else None
    if config is None or not config.secret_patterns:
        return []
    return extra_secret_findings(notebook, config.secret_patterns, ())
