"""What each finding kind teaches: why it matters, a minimal bad and good notebook, how to fix.

Read by ``nb2prod explain KIND`` and the class report. Each example is a notebook in miniature:
its cells in notebook order, each with the execution count it shows (None: never ran) and what
it printed. ``tests/test_kinds_teaching.py`` checks every bad example gives its kind and every
good one does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class ExampleCell:
    source: str
    count: int | None = None
    printed: str | None = None

    def text(self) -> str:
        prompt = f"[{self.count}]" if self.count is not None else "[ ]"
        lines = [f"{prompt}: {self.source.splitlines()[0] if self.source else ''}"]
        lines += [f"     {line}" for line in self.source.splitlines()[1:]]
        if self.printed:
            lines += [f"     > {line}" for line in self.printed.rstrip("\n").splitlines()]
        return "\n".join(lines)


@dataclass(frozen=True)
class Example:
    cells: tuple[ExampleCell, ...]

    def text(self) -> str:
        return "\n".join(cell.text() for cell in self.cells)


@dataclass(frozen=True)
class Teaching:
    why: str
    bad: Example
    good: Example
    fix: str


def _ex(*cells: tuple[str, int | None] | tuple[str, int | None, str]) -> Example:
    return Example(tuple(ExampleCell(*cell) for cell in cells))


TEACHING: Final[dict[str, Teaching]] = {}
