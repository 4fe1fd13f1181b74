"""The analysis of a notebook: pure, never runs it, returns a :class:`~nb2prod.findings.Report`."""

from __future__ import annotations

from collections.abc import Mapping

from nb2prod.analysis.cell import analyse_cell
from nb2prod.analysis.context import Analysed, Reads, reads_in_order
from nb2prod.analysis.history import history_findings
from nb2prod.analysis.hygiene import hygiene_findings, without_secrets
from nb2prod.analysis.topdown import topdown_findings
from nb2prod.findings import Finding, Report, Severity
from nb2prod.notebook import Notebook

__all__ = ["analyse_notebook", "check_notebook"]

#: The notebook metadata key of the kernel's records (``records.KEY``, a test checks they agree):
#: a notebook without it never imports the readers of records (``check`` starts faster).
RECORDS_KEY = "nb2prod"


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
    if isinstance(notebook.metadata.get(RECORDS_KEY), Mapping):
        history = _with_records(history, notebook, code, reads)
    findings = (
        topdown_findings(code, reads, lambda: notebook.python_version)
        + history
        + hygiene_findings(code)
    )
    findings = without_secrets(findings, code)
    findings.sort(key=_order)
    return Report(notebook.path, tuple(findings), _reproducible(findings))


def _with_records(
    history: list[Finding], notebook: Notebook, code: list[Analysed], reads: dict[Analysed, Reads]
) -> list[Finding]:
    from nb2prod.analysis.recorded import with_records
    from nb2prod.records import read_records

    records = read_records(notebook.metadata)
    return history if records is None else with_records(history, notebook, code, reads, records)


def _reproducible(findings: list[Finding]) -> bool:
    errors = {f.kind for f in findings if f.severity is Severity.ERROR}
    if not errors:
        return True
    from nb2prod.kinds import REPRODUCIBILITY

    return not errors & REPRODUCIBILITY


def _order(finding: Finding) -> tuple[int, int, int, str]:
    return (finding.cell or 0, finding.line, -finding.severity.rank, finding.kind)
