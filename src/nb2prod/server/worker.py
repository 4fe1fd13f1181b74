"""The side of a pool worker process: run the jobs the server sends, one at a time.

A job is ``(function, args)``, pickled (so ``function`` is a module-level one). Each answer is one
message: ``("ok", result)``, ``("unusable", path, reason)`` for a :class:`NotebookError`, or
``("failed", summary, traceback)`` for anything else; the process itself never stops on a job's
error. It stops when the server closes the pipe, or when the server kills it (a job past its time
limit). This module imports nothing of the server, so a worker starts light.
"""

from __future__ import annotations

import signal
import traceback
from multiprocessing.connection import Connection
from typing import Any

from nb2prod.errors import NotebookError

READY = ("ready",)


def serve(conn: Connection) -> None:
    """The worker's main loop: say it is ready, then answer jobs until ``conn`` closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the server's terminal is the server's
    _warm()
    conn.send(READY)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the server closed the pipe, or is gone
            return
        except Exception as error:  # a job that cannot be unpickled: say so, take the next
            conn.send(_failed(error))
            continue
        _answer(conn, run(job))


def run(job: Any) -> tuple[Any, ...]:
    """The answer to one job."""
    try:
        function, args = job
        return ("ok", function(*args))
    except NotebookError as error:
        return ("unusable", error.path, error.reason)
    except Exception as error:
        return _failed(error)


def _answer(conn: Connection, answer: tuple[Any, ...]) -> None:
    try:
        conn.send(answer)
    except (EOFError, OSError):
        return
    except Exception as error:  # a result that cannot be pickled
        conn.send(_failed(error))


def _failed(error: BaseException) -> tuple[str, str, str]:
    summary = f"{type(error).__name__}: {error}"
    return ("failed", summary, "".join(traceback.format_exception(error)))


def _warm() -> None:
    """Import what every analysis needs before saying ready, so a job's time limit measures its
    work, not the imports."""
    import nb2prod.analysis
    import nb2prod.analysis.ipython
    import nb2prod.analysis.recorded
    import nb2prod.analysis.visitor
    import nb2prod.notebook
    import nb2prod.records
    import nb2prod.server.jobs  # noqa: F401
