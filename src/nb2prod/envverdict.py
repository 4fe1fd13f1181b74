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
#: Differences named in a verdict; the others are counted.
SHOWN_CHANGES = 5
#: Cell numbers named in a verdict; the others are counted.
SHOWN_CELLS = 8


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
        return "Outputs made " + _joined(where(sources[0].rows))
    parts = [f"{cells(s)} {_joined(where(s.rows))}" for s in sources]
    return f"Outputs made in {len(sources)} environments: " + "; ".join(parts)


def where(table: Sequence[Row]) -> tuple[str, str]:
    """``("on another machine", "3 differences (numpy 1.26.4 -> 2.4.6, ...)")``, or
    ``("in this environment", "")``."""
    found = [r for r in table if r.differs]
    if not found:
        return "in this environment", ""
    hardware = any(r.kind in HARDWARE for r in found)
    place = "on another machine" if hardware else "in another environment"
    changes = ", ".join(r.change() for r in found[:SHOWN_CHANGES])
    if len(found) > SHOWN_CHANGES:
        changes += f", and {len(found) - SHOWN_CHANGES} more"
    plural = "s" if len(found) > 1 else ""
    return place, f"{len(found)} difference{plural} ({changes})"


def cells(source: Source) -> str:
    """``cell 3`` or ``cells 1, 2, 5``."""
    numbers = [str(c.number) for c in source.cells]
    shown = ", ".join(numbers[:SHOWN_CELLS])
    if len(numbers) > SHOWN_CELLS:
        shown += f" and {len(numbers) - SHOWN_CELLS} more"
    return f"cell{'s' if len(numbers) > 1 else ''} {shown}"


def _joined(found: tuple[str, str]) -> str:
    place, detail = found
    return f"{place}: {detail}" if detail else place
