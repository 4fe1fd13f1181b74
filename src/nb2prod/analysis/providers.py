"""Which cell gave a reader a name: the last writer above it (top to bottom), or the writer whose
last run came last before the reader's (in the order of the stored execution counts).

Every name every executed cell reads is asked both questions; the writers of each name are sorted
once, so each answer is a binary search instead of a scan of every writer (a 1,000-cell notebook
asks about ten thousand times).
"""

from __future__ import annotations

from bisect import bisect_left

from nb2prod.analysis.context import Analysed


class Writers:
    """The cells that write each name (bind or change it), in notebook order."""

    def __init__(self, code: list[Analysed]) -> None:
        self.cells: dict[str, list[Analysed]] = {}
        for cell in code:
            for name in cell.facts.writes:
                self.cells.setdefault(name, []).append(cell)
        self._numbers: dict[str, list[int]] = {}
        self._runs: dict[str, tuple[list[int], list[Analysed]]] = {}

    def topdown(self, reader: Analysed, name: str) -> Analysed | None:
        """The last cell above ``reader`` that writes ``name``."""
        cells = self.cells.get(name)
        if not cells:
            return None
        numbers = self._numbers.get(name)
        if numbers is None:
            numbers = self._numbers[name] = [c.number for c in cells]
        above = bisect_left(numbers, reader.number)
        return cells[above - 1] if above else None

    def recorded(self, reader: Analysed, name: str) -> Analysed | None:
        """The cell writing ``name`` whose last run came last before ``reader``'s (the first in
        notebook order when counts are equal); ``reader`` must have run."""
        assert reader.count is not None
        runs = self._runs.get(name)
        if runs is None:
            ran = [c for c in self.cells.get(name, ()) if c.count is not None]
            ran.sort(key=lambda c: (c.count or 0, -c.number))
            runs = self._runs[name] = ([c.count or 0 for c in ran], ran)
        counts, ordered = runs
        before = bisect_left(counts, reader.count)
        return ordered[before - 1] if before else None
