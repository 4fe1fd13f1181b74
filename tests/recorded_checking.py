"""Notebooks with kernel records written by hand (``recorder/FORMAT.md``'s shape), checked from
disk: the helpers of the tests of recorded findings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from nb2prod.analysis import check_notebook
from nb2prod.findings import Finding, Report
from nb2prod.notebook import load
from nb2prod.records import source_hash

ENV = "3f1c0a9e5b2d7c41"


def cell(cell_id: str, source: str, count: int | None, shown: str | None = None) -> Any:
    """A code cell with an explicit id; ``shown`` is the text its stored output prints."""
    outputs = [new_output("stream", name="stdout", text=shown)] if shown is not None else []
    return new_code_cell(source, id=cell_id, execution_count=count, outputs=outputs)


def ran(
    cell_id: str | None,
    source: str,
    count: int,
    *,
    session: str = "s1",
    defined: Sequence[str] = (),
    rebound: Sequence[str] = (),
    deleted: Sequence[str] = (),
    files: Sequence[dict[str, Any]] = (),
    status: str = "ok",
) -> dict[str, Any]:
    """One execution record, as FORMAT.md writes it."""
    return {
        "session": session,
        "cell_id": cell_id,
        "execution_count": count,
        "started": "2026-11-22T10:16:40Z",
        "duration_ms": 1.5,
        "status": status,
        "error": "NameError" if status == "error" else None,
        "source_hash": source_hash(source),
        "defined": sorted(defined),
        "rebound": sorted(rebound),
        "deleted": sorted(deleted),
        "imports": [],
        "files": list(files),
        "seeds": [],
        "environment": ENV,
    }


def check(
    tmp_path: Path,
    cells: Sequence[Any],
    history: Sequence[dict[str, Any]] | None,
    lost: Sequence[str] = (),
    ids: bool = True,
) -> Report:
    """Write the notebook (with records unless ``history`` is None) and check it from disk;
    ``lost`` is code that ran and is in no cell now, saved in the records' ``sources``.
    ``ids=False`` saves it as nbformat 4.4, whose cells keep no ids (most notebooks in the wild)."""
    notebook = new_notebook(cells=list(cells))
    if not ids:
        notebook.nbformat_minor = 4
        for each in notebook.cells:
            each.pop("id", None)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    if history is not None:
        environment = {
            "id": ENV,
            "recorded": "2026-11-22T10:15:02Z",
            "python": {"version": "3.11.7"},
        }
        notebook.metadata["nb2prod"] = {
            "schema": 1,
            "environments": {ENV: environment},
            "history": list(history),
            "sources": {source_hash(code): code for code in lost},
        }
    nbformat.validate(notebook)
    path = tmp_path / "notebook.ipynb"
    nbformat.write(notebook, str(path))
    return check_notebook(load(path))


def recorded(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.proof == "recorded"]


def of_kind(report: Report, kind: str) -> list[Finding]:
    return [f for f in report.findings if f.kind == kind]


def only(report: Report, kind: str) -> Finding:
    [finding] = of_kind(report, kind)
    return finding
