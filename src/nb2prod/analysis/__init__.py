"""The analysis of a notebook: pure, never runs it, returns a :class:`~nb2prod.findings.Report`."""

from __future__ import annotations

from nb2prod.analysis.cell import analyse_cell
from nb2prod.analysis.context import Analysed, reads_in_order
from nb2prod.analysis.history import history_findings
from nb2prod.analysis.hygiene import hygiene_findings, without_secrets
from nb2prod.analysis.recorded import with_records
from nb2prod.analysis.topdown import topdown_findings
from nb2prod.findings import Finding, Report, Severity
from nb2prod.kinds import REPRODUCIBILITY
from nb2prod.notebook import Notebook
from nb2prod.records import read_records

__all__ = ["analyse_notebook", "check_notebook"]


def analyse_notebook(notebook: Notebook) -> list[Analysed]:
    """Each code cell with the facts of its analysis, in notebook order."""
    directory = notebook.directory
    return [Analysed(c, analyse_cell(c.source, directory)) for c in notebook.code_cells]


def check_notebook(notebook: Notebook) -> Report:
    """Every finding for a notebook, and whether a fresh top-to-bottom run would reproduce it.

    When the notebook carries the kernel's records, what they prove replaces what the stored
    execution counts only suggest (see :mod:`nb2prod.analysis.recorded`).
    """
    code = analyse_notebook(notebook)
    reads = reads_in_order(code)
    history = history_findings(code, reads)
    records = read_records(notebook.metadata)
    if records is not None:
        history = with_records(history, notebook, code, reads, records)
    findings = (
        topdown_findings(code, reads, notebook.python_version) + history + hygiene_findings(code)
    )
    findings = without_secrets(findings, code)
    findings.sort(key=_order)
    reproducible = not any(
        f.severity is Severity.ERROR and f.kind in REPRODUCIBILITY for f in findings
    )
    return Report(notebook.path, tuple(findings), reproducible)


def _order(finding: Finding) -> tuple[int, int, int, str]:
    return (finding.cell or 0, finding.line, -finding.severity.rank, finding.kind)
