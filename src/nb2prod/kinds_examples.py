"""The miniature notebooks the teaching of each finding kind shows (:mod:`nb2prod.kinds_teaching`).

An :class:`Example` is a notebook's code cells in notebook order, each with the execution count it
shows (None: never ran), what it printed, the error it stored and its tags. Where the story is in
the order things ran, it also says how the notebook came to be (``runs``): which cell ran when,
with the code it held then, and the data files on disk and their changes between runs. Plain data,
rendered as text for ``nb2prod explain`` and the class report; the tests build real notebooks
from it and replay the runs in a real kernel.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExampleCell:
    """One code cell as the saved notebook shows it. ``error``: the error it stored, as Python
    prints its last line (``ZeroDivisionError: division by zero``); ``tags``: its cell tags
    (``raises-exception``)."""

    source: str
    count: int | None = None
    printed: str | None = None
    error: str | None = None
    tags: tuple[str, ...] = ()

    def text(self) -> str:
        prompt = f"[{self.count}]" if self.count is not None else "[ ]"
        first, *rest = self.source.splitlines() or [""]
        lines = [f"{prompt}: {first}", *(f"     {line}" for line in rest)]
        if self.tags:
            lines[0] += f"    (tagged {', '.join(self.tags)})"
        shown = (self.printed or "").rstrip("\n").splitlines()
        shown += [self.error] if self.error else []
        lines += [f"     > {line}" for line in shown]
        return "\n".join(lines)


@dataclass(frozen=True)
class Run:
    """One execution, in the order the kernel ran them: cell ``cell`` (numbered from 1 in the
    example) ran ``source``, or the code it holds now when ``source`` is None. ``cell`` None:
    a cell deleted since, whose code was ``source``."""

    cell: int | None
    source: str | None = None

    def text(self, count: int) -> str:
        if self.cell is None:
            return f"[{count}] a cell since deleted: {_first(self.source)}"
        if self.source is not None:
            return f"[{count}] cell {self.cell}, which then held: {_first(self.source)}"
        return f"[{count}] cell {self.cell}"


@dataclass(frozen=True)
class DataFile:
    """A data file in the notebook's folder: in ``Example.files`` as it was before the first
    run; among ``Example.runs``, written with this content at that moment."""

    path: str
    content: str


@dataclass(frozen=True)
class Example:
    """A notebook in miniature; with ``runs``, also how it came to be (each run's execution
    count is its place among the runs, from 1)."""

    cells: tuple[ExampleCell, ...]
    runs: tuple[Run | DataFile, ...] = ()
    files: tuple[DataFile, ...] = ()

    def text(self) -> str:
        lines = [cell.text() for cell in self.cells]
        if self.runs and not self.plain:
            lines += ["", "How it was run:", *(f"  {line}" for line in self.history())]
        return "\n".join(lines)

    @property
    def plain(self) -> bool:
        """Each cell ran once, top to bottom, with no data files: the counts say it all."""
        return not self.files and self.runs == in_order(len(self.cells))

    def history(self) -> list[str]:
        """The files and runs, one line each, as a reader follows them."""
        lines = [f"{f.path} holds: {_quoted(f.content)}" for f in self.files]
        count = 0
        for step in self.runs:
            if isinstance(step, Run):
                count += 1
                lines.append(step.text(count))
            else:
                lines.append(f"{step.path} is changed; it now holds: {_quoted(step.content)}")
        return lines


def _first(source: str | None) -> str:
    lines = (source or "").strip().splitlines() or [""]
    return lines[0] + (" …" if len(lines) > 1 else "")


def _quoted(content: str) -> str:
    rows = content.rstrip("\n").splitlines()
    return " / ".join(rows) if rows else "nothing"


def in_order(count: int) -> tuple[Run, ...]:
    """Each cell run once, top to bottom."""
    return tuple(Run(cell) for cell in range(1, count + 1))
