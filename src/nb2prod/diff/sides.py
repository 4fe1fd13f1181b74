"""One side of a diff, read into a :class:`~nb2prod.diff.model.Side`: a loaded notebook (its
records, the package nb2prod would generate from it, its outputs and findings) or a package
folder's files."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from nb2prod.diff import packagefiles
from nb2prod.diff.model import CellOutput, DataFile, FindingFact, Side
from nb2prod.records import Records, read_records

if TYPE_CHECKING:
    from nb2prod.notebook import Cell, Notebook


def notebook_side(notebook: Notebook, label: str) -> Side:
    """What a notebook says: its current recorded environment, the distributions its code
    imports, the data its executions read, the steps of the package made from it, its cells'
    text outputs and its findings."""
    from nb2prod.convert.package import Package, convert_notebook

    records = read_records(notebook.metadata)
    converted = convert_notebook(notebook, allow_hidden_state=True)
    files = converted.files if isinstance(converted, Package) else {}
    return Side(
        label,
        "notebook",
        environment=records.current if records else None,
        distributions=_distributions(notebook, records),
        data=_data_read(records),
        steps=packagefiles.steps(files),
        outputs=_outputs(notebook),
        findings=_findings(notebook),
    )


def package_side(files: packagefiles.Files, label: str) -> Side:
    """What a generated package folder's files say (no stored outputs, no findings)."""
    return Side(
        label,
        "package",
        environment=packagefiles.environment(files),
        distributions=packagefiles.distributions(files),
        lock=packagefiles.lock(files),
        data=packagefiles.data(files),
        steps=packagefiles.steps(files),
    )


def _findings(notebook: Notebook) -> tuple[FindingFact, ...]:
    """The notebook's own findings: checked as if it lay in an empty folder, so that the files
    on this disk now, which belong to neither version, do not count (``changed-data`` compares
    the records with each other, not with the working tree)."""
    import dataclasses
    import tempfile

    from nb2prod.analysis import check_notebook

    codes = {cell.index + 1: cell.source for cell in notebook.cells}
    with tempfile.TemporaryDirectory(prefix="nb2prod-diff-") as empty:
        alone = dataclasses.replace(notebook, path=os.path.join(empty, "notebook.ipynb"))
        report = check_notebook(alone)
    return tuple(
        FindingFact(f.kind, codes.get(f.cell or 0, ""), f.cell, f.severity.value, f.message)
        for f in report.findings
    )


def _distributions(notebook: Notebook, records: Records | None) -> frozenset[str]:
    """The distributions the notebook's code imports, picked as ``env --compare`` picks them."""
    from nb2prod.analysis import analyse_notebook
    from nb2prod.deps.mapping import is_local, top_level_modules
    from nb2prod.envcompare import _distributions as picked
    from nb2prod.records import Environment

    analysed = analyse_notebook(notebook)
    modules = top_level_modules(i for a in analysed for i in a.facts.imports)
    current = (records.current if records else None) or Environment("none", {})
    folder = notebook.directory
    found = picked(modules, records, current, {}, lambda module: is_local(module, folder))
    return frozenset(found)


def _data_read(records: Records | None) -> dict[str, DataFile]:
    """Each file the recorded executions read, as the newest read saw it."""
    found: dict[str, DataFile] = {}
    for execution in records.history if records else ():
        for read in execution.files:
            found[read.path] = DataFile(read.sha256, read.size)
    return found


def _outputs(notebook: Notebook) -> dict[str, CellOutput]:
    """Each code cell's stored text output, keyed by its id (else its place among code cells)."""
    found: dict[str, CellOutput] = {}
    for position, cell in enumerate(notebook.code_cells):
        key = cell.id or f"#{position + 1}"
        found[key] = CellOutput(_label(cell), "".join(o.text for o in cell.outputs))
    return found


def _label(cell: Cell) -> str:
    return f"cell {cell.index + 1} ({cell.id})" if cell.id else f"cell {cell.index + 1}"
