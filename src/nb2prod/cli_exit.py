"""How a command of the command line ends: with its exit status, or one line at most.

An interrupt (Ctrl-C), SIGTERM where the command asked for it, a reader that left the pipe
(``nb2prod check ... | head -1``) or an ``OSError`` nothing else caught: never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator

EXIT_UNUSABLE = 2
EXIT_INTERRUPTED = 128 + 2  # as a shell reports SIGINT, SIGPIPE, SIGTERM
EXIT_BROKEN_PIPE = 128 + 13
EXIT_TERMINATED = 128 + 15


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that cleanup runs (staging folders, a kernel)."""


def ending_cleanly(command: Callable[[], int]) -> int:
    """``command()``'s exit status; each way it can end badly gives one line (or none) and a
    conventional status instead of a traceback."""
    _escape_unencodable()
    try:
        status = command()
        sys.stdout.flush()  # a closed pipe shows here, not at exit
    except KeyboardInterrupt:
        print("nb2prod: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("nb2prod: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as error:
        reason = error.strerror or str(error)
        print(f"{error.filename or 'nb2prod'}: {reason}", file=sys.stderr)
        return EXIT_UNUSABLE
    return status


@contextlib.contextmanager
def terminated_on_sigterm(wanted: bool = True) -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` (main thread only; else nothing)."""
    if not wanted or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def _escape_unencodable() -> None:
    """Notebook text may hold what the terminal cannot encode (a lone surrogate, or any
    non-ASCII text under a C locale): it is shown as a backslash escape, never a traceback."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


def _discard_stdout() -> None:
    """The reader left: what is still buffered for stdout goes nowhere, quietly."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
