"""nbformat 3 notebooks, read by nbformat's own v3 reader and upgraded by its v3 -> v4 converter.

Old notebooks are messy in the ways nbformat 3 allowed: sources split into lists of lines, heading
cells with a ``level``, several worksheets, ``prompt_number``, ``pyout``/``pyerr`` outputs with
``png``/``text``/``html`` keys. nbformat joins and renames those; what it cannot take (a field of
the wrong type, which its reader would trip on) is reduced first to what nb2prod reads, the same
way the nbformat 4 reader ignores such fields. Cells get no made-up ids, so the same file gives
the same report and the same package.
"""

from __future__ import annotations

from typing import Any

from nb2prod.errors import NotebookError

#: Fields of a v3 cell that hold text: a string, or a list of lines.
_TEXT_FIELDS = ("input", "source", "rendered")
#: Notebook metadata nbformat's upgrade drops.
_DROPPED = ("name", "signature")


def upgrade_v3(raw: dict[str, Any], path: str) -> dict[str, Any]:
    """``raw`` (parsed nbformat 3 JSON) as nbformat 4 JSON: worksheets flattened in order,
    heading cells made markdown, split lines joined, outputs renamed; or :class:`NotebookError`."""
    worksheets = raw.get("worksheets")
    if not isinstance(worksheets, list):
        raise NotebookError(path, "not a Jupyter notebook ('worksheets' is missing or not a list)")
    found = raw.get("metadata")
    metadata = (
        {k: v for k, v in found.items() if k not in _DROPPED} if isinstance(found, dict) else {}
    )
    cells: list[Any] = []
    for sheet in worksheets:
        listed = sheet.get("cells") if isinstance(sheet, dict) else None
        for cell in listed if isinstance(listed, list) else ():
            cells.append(_upgrade_cell(cell, len(cells), path) if isinstance(cell, dict) else cell)
    return {"nbformat": 4, "nbformat_minor": raw.get("nbformat_minor"), "metadata": metadata,
            "cells": cells}  # fmt: skip


def _upgrade_cell(raw: dict[str, Any], index: int, path: str) -> dict[str, Any]:
    """One v3 cell as v4: rejoined by ``nbformat.v3.rejoin_lines``, upgraded by
    ``nbformat.v4.convert.upgrade_cell``, its outputs one by one (one that cannot be upgraded, such
    as a ``json`` key that is not JSON, is left out)."""
    from nbformat import NotebookNode
    from nbformat.v3 import new_notebook, new_worksheet
    from nbformat.v3.rwbase import rejoin_lines
    from nbformat.v4.convert import upgrade_cell, upgrade_output

    cell = NotebookNode(_readable(raw))  # type: ignore[no-untyped-call]
    try:
        rejoin_lines(new_notebook(worksheets=[new_worksheet(cells=[cell])]))  # type: ignore[no-untyped-call]
        outputs = cell.pop("outputs", [])
        if cell.cell_type == "code":
            cell.outputs = []
        upgraded: dict[str, Any] = upgrade_cell(cell)  # type: ignore[no-untyped-call]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        reason = f"nbformat 3 notebook whose cell {index + 1} cannot be upgraded ({exc})"
        raise NotebookError(path, reason) from None
    upgraded.pop("id", None)  # nbformat makes a random one; the v4 reader does without
    if upgraded.get("cell_type") == "code":
        upgraded["outputs"] = [
            o for o in (_upgrade_output(upgrade_output, o) for o in outputs) if o
        ]
    return upgraded


def _upgrade_output(upgrade: Any, output: Any) -> dict[str, Any] | None:
    try:
        upgraded: dict[str, Any] = upgrade(output)
    except (AttributeError, KeyError, TypeError, ValueError, RecursionError):
        return None
    return upgraded


def _readable(raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` with the fields nbformat's v3 reader walks given the types it expects (text a string
    or a list of strings, metadata a dict, a heading level from 1 to 6, outputs nodes); only the
    cell and its outputs become nodes, so deeply nested metadata costs no recursion."""
    cell = dict(raw)
    if not isinstance(cell.get("cell_type"), str):
        cell["cell_type"] = "raw"
    for key in _TEXT_FIELDS:
        if key in cell and not _is_text(cell[key]):
            cell[key] = ""
    if not isinstance(cell.get("metadata"), dict):
        cell["metadata"] = {}
    level = cell.get("level")
    if cell["cell_type"] == "heading" and not (isinstance(level, int) and 1 <= level <= 6):
        cell["level"] = 1
    if cell["cell_type"] == "code":
        outputs = cell.get("outputs")
        cell["outputs"] = [
            _readable_output(o) for o in (outputs if isinstance(outputs, list) else ())
            if isinstance(o, dict) and isinstance(o.get("output_type"), str)
        ]  # fmt: skip
    return cell


def _readable_output(raw: dict[str, Any]) -> Any:
    """An output as a node, without the lists of lines that hold something other than text."""
    from nbformat import NotebookNode

    kept = {k: v for k, v in raw.items() if not isinstance(v, list) or _is_text(v)}
    return NotebookNode(kept)  # type: ignore[no-untyped-call]


def _is_text(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(part, str) for part in value)
    )
