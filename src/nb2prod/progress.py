"""Progress on a terminal: one line on stderr, rewritten in place, shown only when stderr is a
terminal (a pipe, a file or a test sees nothing of it).

``check`` draws a bar over its notebooks; ``run``, ``lock`` and ``verify`` say which phase or cell
they are at. The core takes a plain ``Callable[[str], None]`` (:data:`Report`) and knows nothing
of terminals; the command line passes :func:`status` or :data:`quiet`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

#: What the core calls with a short phrase (``"running the tests"``) as it moves on.
Report = Callable[[str], None]


def quiet(text: str) -> None:
    """The :data:`Report` that shows nothing."""


def on_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default stderr) is a terminal, where progress is shown."""
    stream = stream if stream is not None else sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real file
        return False


class StatusLine:
    """One line, rewritten in place with ``\\r``; :meth:`clear` wipes it, :meth:`keep` leaves a
    last text standing on its own line."""

    def __init__(self, stream: TextIO, width: int = 100) -> None:
        self.stream = stream
        self.width = width
        self._shown = 0

    def __call__(self, text: str) -> None:
        text = " ".join(text.split())[: self.width]
        pad = " " * max(self._shown - len(text), 0)
        self.stream.write(f"\r{text}{pad}")
        self.stream.flush()
        self._shown = len(text)

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0

    def keep(self, text: str) -> None:
        self(text)
        self.stream.write("\n")
        self.stream.flush()
        self._shown = 0


@contextmanager
def status(stream: TextIO | None = None) -> Iterator[StatusLine | None]:
    """A :class:`StatusLine` on ``stream`` (default stderr) when it is a terminal, else None;
    whatever it still shows is wiped on leaving, so that the command's own output follows on a
    clean line."""
    stream = stream if stream is not None else sys.stderr
    line = StatusLine(stream) if on_terminal(stream) else None
    try:
        yield line
    finally:
        if line is not None:
            line.clear()


def reporter(line: StatusLine | None) -> Report:
    """``line`` as a :data:`Report`; :data:`quiet` when there is none."""
    return line if line is not None else quiet


class ProgressBar:
    """A one-line bar, ``[####------] 3/10 notebooks``, for work counted in items."""

    def __init__(self, stream: TextIO, what: str = "notebooks", width: int = 30) -> None:
        self.stream = stream
        self.what = what
        self.width = width

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // total if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        end = "\n" if done == total else ""
        self.stream.write(f"\r[{bar}] {done}/{total} {self.what}{end}")
        self.stream.flush()


def progress_bar(what: str = "notebooks") -> ProgressBar | None:
    """A :class:`ProgressBar` on stderr when it is a terminal, else None."""
    return ProgressBar(sys.stderr, what) if on_terminal() else None
