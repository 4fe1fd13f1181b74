"""Cutting a notebook into steps: markdown headings, ``step:NAME`` tags or ``# step: NAME``
comments start a step; with none of those, each code cell is a step of its own."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nb2prod.analysis.context import Analysed
from nb2prod.convert.naming import identifier, unique
from nb2prod.notebook import Notebook

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_STEP_COMMENT = re.compile(r"^\s*#\s*step\s*:\s*(.+?)\s*$", re.IGNORECASE)


@dataclass
class Step:
    """Consecutive code cells that become one function."""

    name: str
    title: str
    cells: list[Analysed] = field(default_factory=list)

    @property
    def cell_ids(self) -> list[str]:
        return [cell_key(c) for c in self.cells]


def cell_key(cell: Analysed) -> str:
    """The cell's nbformat id, or ``cell-N`` for notebooks from before cell ids."""
    return cell.cell.id or f"cell-{cell.number}"


def split_steps(
    notebook: Notebook, code: list[Analysed], skip: set[int], notebook_names: set[str]
) -> list[Step]:
    """Steps in notebook order; cells whose numbers are in ``skip`` (the parameters) are left out.
    A step is never named like one of ``notebook_names`` (a variable called ``model`` and a step
    called ``model`` would clash)."""
    by_index = {c.cell.index: c for c in code}
    marked = _has_markers(notebook)
    taken: set[str] = set()
    steps: list[Step] = []
    pending_title: str | None = None
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            heading = _HEADING.search(cell.source)
            if heading:
                pending_title = heading.group(1).strip("*_` ")
            continue
        analysed = by_index.get(cell.index)
        if analysed is None or analysed.number in skip or not cell.source.strip():
            continue
        explicit = _explicit_name(analysed)
        if explicit or pending_title is not None or not steps or not marked:
            title = explicit or pending_title or f"Cell {analysed.number}"
            name = identifier(title)
            name = unique(f"{name}_step" if name in notebook_names else name, taken)
            steps.append(Step(name, title))
            pending_title = None
        steps[-1].cells.append(analysed)
    return steps


def _has_markers(notebook: Notebook) -> bool:
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and _HEADING.search(cell.source):
            return True
        if cell.is_code and (_tag_name(cell.tags) or _STEP_COMMENT.match(_first_line(cell.source))):
            return True
    return False


def _explicit_name(cell: Analysed) -> str | None:
    tagged = _tag_name(cell.cell.tags)
    if tagged:
        return tagged
    comment = _STEP_COMMENT.match(_first_line(cell.cell.source))
    return comment.group(1) if comment else None


def _tag_name(tags: tuple[str, ...]) -> str | None:
    for tag in tags:
        if tag.lower().startswith("step:") and tag[5:].strip():
            return tag[5:].strip()
    return None


def _first_line(source: str) -> str:
    return source.lstrip("\n").split("\n", 1)[0]
