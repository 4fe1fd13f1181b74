"""examples/class: every student notebook gives exactly the findings its README's table names.

The table is parsed from examples/class/README.md, so the README and the notebooks cannot drift
apart; the notebooks are checked with nb2prod's real check, as a user's would be. They are made by
real kernel runs (scripts/make_class.py), which the records they carry show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from nb2prod.analysis import check_notebook
from nb2prod.findings import Report, Severity
from nb2prod.notebook import load

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "examples" / "class"
SUBMITTED = CLASS / "submitted"
HEADER = "| student | assignment | mistake | finding kinds | reproducible |"
KIND = re.compile(r"`([a-z-]+)` \((error|warning|info)\)")

#: The mistakes the class is there to show, by the kind nb2prod reports for each.
SHOWN = {
    "out-of-order",  # a cell run out of order
    "recorded-lost-code",  # a variable set in a cell since deleted
    "undefined-name",  # ... which no cell defines now
    "re-executed",  # re-running a cell that appends
    "stale-input",  # an edited cell not re-run below
    "unexecuted",  # a never-run cell
    "unseeded-random",  # an unseeded draw whose output is shown
    "absolute-path",
    "error-output",  # a stored traceback
    "pip-install",
    "star-import",
}


@dataclass(frozen=True)
class Row:
    student: str
    assignment: str
    kinds: dict[str, str]
    reproducible: bool

    @property
    def path(self) -> Path:
        return SUBMITTED / self.student / self.assignment / f"{self.assignment}.ipynb"


def table() -> list[Row]:
    """The rows of the README's table of notebooks."""
    lines = (CLASS / "README.md").read_text().splitlines()
    start = lines.index(HEADER) + 2  # past the header and its |---| line
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        student, assignment, _mistake, kinds, verdict = (
            cell.strip() for cell in line.strip("|").split(" | ")
        )
        found = dict(KIND.findall(kinds))
        assert found or kinds == "none", f"unreadable kinds: {kinds!r}"
        assert verdict in {"yes", "no"}, f"unreadable verdict: {verdict!r}"
        rows.append(Row(student, assignment, found, verdict == "yes"))
    return rows


ROWS = table()


def worst(report: Report) -> dict[str, str]:
    """Each finding kind of the report, with its worst severity."""
    found: dict[str, Severity] = {}
    for finding in report.findings:
        if finding.kind not in found or finding.severity.rank > found[finding.kind].rank:
            found[finding.kind] = finding.severity
    return {kind: severity.value for kind, severity in found.items()}


def test_the_table_names_every_notebook_in_nbgraders_layout() -> None:
    on_disk = sorted(SUBMITTED.rglob("*.ipynb"))
    assert sorted(row.path for row in ROWS) == on_disk
    assert 6 <= len(on_disk) <= 10
    for path in on_disk:
        assert path.stem == path.parent.name, f"{path}: not ASSIGNMENT/ASSIGNMENT.ipynb"


def test_the_class_shows_each_mistake_and_a_few_clean_notebooks() -> None:
    shown = {kind for row in ROWS for kind in row.kinds}
    assert shown >= SHOWN, f"not shown: {sorted(SHOWN - shown)}"
    clean = [row for row in ROWS if not row.kinds]
    assert 2 <= len(clean) <= 3
    assert all(row.reproducible for row in clean)
    assert any(not row.reproducible for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.student}-{row.assignment}")
def test_findings_match_the_table(row: Row) -> None:
    report = check_notebook(load(row.path))
    assert worst(report) == row.kinds, [f"{f.kind} {f.severity.value}" for f in report.findings]
    assert report.reproducible is row.reproducible
    if not row.kinds:
        assert report.findings == ()


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.student}-{row.assignment}")
def test_made_by_a_recording_kernel(row: Row) -> None:
    notebook = nbformat.read(str(row.path), as_version=4)
    nbformat.validate(notebook)
    records = notebook.metadata["nb2prod"]
    ids = [entry["cell_id"] for entry in records["history"]]
    assert ids
    assert all(ids), "every execution names its cell, as JupyterLab's requests do"
    assert [entry["execution_count"] for entry in records["history"]] == list(
        range(1, len(ids) + 1)
    )
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.execution_count is not None:
            record = cell.metadata["nb2prod"]
            assert record["execution_count"] == cell.execution_count
            assert cell.id in ids
    if row.assignment == "ps2_data":
        assert (row.path.parent / "grades.csv").is_file()
