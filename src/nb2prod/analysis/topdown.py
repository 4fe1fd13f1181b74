"""What a fresh kernel running the notebook top to bottom would meet: names read before any cell
above defines them, syntax errors, and stored errors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cached_property

from nb2prod.analysis.cell import TOO_DEEP
from nb2prod.analysis.context import Analysed, Reads, make
from nb2prod.analysis.facts import Note
from nb2prod.analysis.names import PYTHON2_BUILTINS
from nb2prod.findings import Finding, Severity

_RESTART = "then restart the kernel and run all cells to confirm the notebook runs top to bottom"


def topdown_findings(
    code: list[Analysed],
    reads_of: dict[Analysed, Reads],
    kernel_python: Callable[[], tuple[int, int] | None] = lambda: None,
) -> list[Finding]:
    """``use-before-define``, ``undefined-name``, ``syntax-error`` and ``error-output``.

    ``kernel_python()`` is the Python version the notebook ran on, when it says; it is asked
    only when a cell does not parse or reads a name no cell above defines.
    """
    walk = _TopDown(code, kernel_python)
    for cell in code:
        walk.step(cell, reads_of[cell])
    return walk.found


class _TopDown:
    """A fresh kernel's run from the top, as far as names go."""

    def __init__(
        self, code: list[Analysed], kernel_python: Callable[[], tuple[int, int] | None]
    ) -> None:
        self._kernel_python = kernel_python
        self.definers: dict[str, list[Analysed]] = {}
        for cell in code:
            for name in cell.facts.defines:
                self.definers.setdefault(name, []).append(cell)
        self.ever_run = any(c.count is not None for c in code)
        self.found: list[Finding] = []
        self.available: set[str] = set()
        self.opaque: tuple[Analysed, Note] | None = None
        self.guessed: set[str] = set()

    @cached_property
    def kernel_python(self) -> tuple[int, int] | None:
        return self._kernel_python()

    @cached_property
    def known(self) -> frozenset[str]:
        """Names the kernel defines that no cell does (Python 2's builtins, on Python 2)."""
        version = self.kernel_python
        return PYTHON2_BUILTINS if version and version[0] == 2 else frozenset()

    def step(self, cell: Analysed, reads: Reads) -> None:
        facts = cell.facts
        self.found.extend(_stored_errors(cell))
        if facts.syntax_error is not None:
            self.found.append(_syntax_error(cell, facts.syntax_error, self.kernel_python))
            deep = facts.syntax_error.kind == TOO_DEEP
            what = "code too deeply nested to analyse" if deep else "code that does not parse"
            note = Note("syntax-error", facts.syntax_error.pos, what)
            self.opaque = self.opaque or (cell, note)
            return
        if facts.opaque and self.opaque is None:
            self.opaque = (cell, facts.opaque[0])
        for name, pos in reads.positions.items():
            if name not in self.available and name not in self.known:
                self._missing(cell, name, pos.line, reads.via.get(name))
        self.available -= set(facts.deletes)
        self.available |= set(facts.defines)

    def _missing(self, cell: Analysed, name: str, line: int, via: str | None) -> None:
        later = [d for d in self.definers.get(name, []) if d.number > cell.number]
        if later:
            self.found.append(_use_before_define(cell, name, line, later[0], via, self.opaque))
        elif self.opaque is not None:
            if name not in self.guessed:  # once per name: the same guess in every cell is noise
                self.guessed.add(name)
                self.found.append(_maybe_hidden(cell, name, line, via, self.opaque))
        else:
            self.found.append(_undefined(cell, name, line, via, self.ever_run))


def _reading(name: str, via: str | None) -> str:
    return f"calls `{via}`, which reads `{name}`" if via else f"reads `{name}`"


def _use_before_define(
    cell: Analysed,
    name: str,
    line: int,
    definer: Analysed,
    via: str | None,
    opaque: tuple[Analysed, Note] | None,
) -> Finding:
    message = (
        f"{cell.label} {_reading(name, via)}, but only {definer.label} below it defines `{name}`"
    )
    hint = (
        f"Move the cell that defines `{name}` above this one (or this cell below it), {_RESTART}."
    )
    if opaque is not None:
        source, note = opaque
        message += f"; it may also come from {note.detail} in {source.label} above"
        return make("use-before-define", Severity.WARNING, cell, line, message, hint)
    message += ": run top to bottom, this cell fails with a NameError"
    return make("use-before-define", Severity.ERROR, cell, line, message, hint)


def _maybe_hidden(
    cell: Analysed, name: str, line: int, via: str | None, opaque: tuple[Analysed, Note]
) -> Finding:
    source, note = opaque
    return make(
        "undefined-name",
        Severity.WARNING,
        cell,
        line,
        f"{cell.label} {_reading(name, via)}, which no cell defines; it may come from "
        f"{note.detail} in {source.label}, which nb2prod cannot see into",
        f"Define `{name}` explicitly (import it by name, or assign it in a cell above), so "
        "readers and tools can see where it comes from.",
    )


def _undefined(cell: Analysed, name: str, line: int, via: str | None, ever_run: bool) -> Finding:
    failed = any(
        o.ename == "NameError" and f"'{name}'" in (o.evalue or "") for o in cell.cell.outputs
    )
    if name in cell.facts.defines:
        why = "this cell reads it before assigning it, and no cell above defines it"
    elif failed:
        why = "no cell in the notebook defines it, as the stored NameError shows"
    elif ever_run:
        why = (
            "no cell in the notebook defines it: its value came from code that was deleted or "
            "edited since (hidden state)"
        )
    else:
        why = "no cell in the notebook defines it, so a run from the top fails with a NameError"
    return make(
        "undefined-name",
        Severity.ERROR,
        cell,
        line,
        f"{cell.label} {_reading(name, via)}, but {why}",
        f"Restore the code that defines `{name}` in a cell above (or stop using it), {_RESTART}.",
    )


def _syntax_error(cell: Analysed, note: Note, kernel_python: tuple[int, int] | None) -> Finding:
    if note.kind == TOO_DEEP:
        return make(
            "syntax-error",
            Severity.ERROR,
            cell,
            note.pos.line,
            f"{cell.label} is nested too deeply for nb2prod to analyse: Python may run it, but "
            "what it reads and defines cannot be checked",
            "Split the long expression into steps with intermediate variables, so the cell can be "
            "checked.",
        )
    message = f"{cell.label} is not valid Python: {note.detail}"
    if kernel_python and kernel_python > sys.version_info[:2]:
        ran, here = ".".join(map(str, kernel_python)), ".".join(map(str, sys.version_info[:2]))
        return make(
            "syntax-error",
            Severity.WARNING,
            cell,
            note.pos.line,
            f"{message} (as Python {here} reads it; the notebook ran on Python {ran})",
            f"Run nb2prod with Python {ran} or newer to check this cell's syntax.",
        )
    if "Missing parentheses in call to" in note.detail or (kernel_python or (3,))[0] == 2:
        hint = (
            "This looks like Python 2 code: port it to Python 3 (for example `print(...)`), "
            "or run it with a Python 2 kernel."
        )
    else:
        hint = (
            "Fix the code so it parses; IPython magics (`%`, `!`) are understood, and prose "
            "belongs in a markdown cell."
        )
    return make("syntax-error", Severity.ERROR, cell, note.pos.line, message, hint)


def _stored_errors(cell: Analysed) -> list[Finding]:
    errors = [o for o in cell.cell.outputs if o.output_type == "error"]
    if not errors:
        return []
    error = errors[0]
    what = f"{error.ename}: {error.evalue}" if error.ename else "an exception"
    if "raises-exception" in cell.cell.tags:
        return [
            make(
                "error-output",
                Severity.INFO,
                cell,
                0,
                f"{cell.label} shows {what}; it is tagged `raises-exception`, so a run continues",
                "Nothing to do if the error is the point of the cell.",
            )
        ]
    return [
        make(
            "error-output",
            Severity.ERROR,
            cell,
            0,
            f"{cell.label} stored an error ({_shorten(what)}): a run from the top stops here, "
            "or gives other output than the one saved",
            "Fix the cause and re-run the notebook from the top; if the error is meant to be "
            "shown, tag the cell `raises-exception`.",
        )
    ]


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
