"""The one-line verdict of an environment comparison: where the outputs were made, and the first
differences from the live environment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from nb2prod.envrows import HARDWARE, Row

if TYPE_CHECKING:
    from nb2prod.envcompare import Source

NO_RECORD = (
    "No environment record: run the notebook with `nb2prod run` or in JupyterLab with the "
    "nb2prod sidebar to record one"
)
NO_MATCH = "No recorded run matches the cells' current code"
#: Differences named in a verdict (the others are counted); fewer for each of several sources.
SHOWN_CHANGES = 4
SHOWN_CHANGES_EACH = 2
#: Cell numbers named in a verdict; the others are counted.
SHOWN_CELLS = 8
#: The order differences are named in: what a user acts on first.
PRIORITY: dict[str, int] = {
    "package": 0, "gpu": 1, "cuda": 2, "python": 3, "driver": 4, "cudnn": 5, "cpu": 6,
}  # fmt: skip


def verdict(
    table: Sequence[Row], sources: Sequence[Source], newest: str | None, recorded: bool = True
) -> str:
    """``table``: the rows of ``newest`` against live; ``sources``: the environments that made
    the cells' outputs, newest first; ``recorded``: whether the notebook has records at all."""
    if not recorded:
        return NO_RECORD
    if newest is None:
        return f"{NO_MATCH}, and no record says which environment is the newest"
    if not sources:
        place, detail = where(table)
        if not detail:
            return f"{NO_MATCH}; the newest record matches this environment"
        return f"{NO_MATCH}; the newest record was made {place}: {detail}"
    if len(sources) == 1:
        place, detail = where(sources[0].rows)
        return f"Outputs made {place}: {detail}" if detail else f"Outputs made {place}"
    parts = []
    for source in sources:
        place, detail = where(source.rows, SHOWN_CHANGES_EACH)
        parts.append(f"{cells(source)} {place}" + (f", {detail}" if detail else ""))
    return f"Outputs made in {len(sources)} environments: " + "; ".join(parts)


def where(table: Sequence[Row], shown: int = SHOWN_CHANGES) -> tuple[str, str]:
    """``("on another machine", "3 differences (numpy 1.26.4 -> 2.4.6, ...)")``, or
    ``("in this environment", "")``; ``shown``: how many differences are named."""
    found = sorted((r for r in table if r.differs), key=lambda r: PRIORITY[r.kind])
    if not found:
        return "in this environment", ""
    hardware = any(r.kind in HARDWARE for r in found)
    place = "on another machine" if hardware else "in another environment"
    changes = ", ".join(r.change() for r in found[:shown])
    if len(found) > shown:
        changes += f", and {len(found) - shown} more"
    plural = "s" if len(found) > 1 else ""
    return place, f"{len(found)} difference{plural} ({changes})"


def cells(source: Source) -> str:
    """``cell 3`` or ``cells 1, 2, 5``."""
    numbers = [str(c.number) for c in source.cells]
    shown = ", ".join(numbers[:SHOWN_CELLS])
    if len(numbers) > SHOWN_CELLS:
        shown += f" and {len(numbers) - SHOWN_CELLS} more"
    return f"cell{'s' if len(numbers) > 1 else ''} {shown}"
