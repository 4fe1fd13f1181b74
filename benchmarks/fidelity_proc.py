"""Running one command of the fidelity harness: output captured, a wall-clock limit that kills the
command with every process it started (a notebook's kernel included), and the time it took."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: How much of a command's output is kept (the tail: errors come last).
KEEP_CHARS = 200_000


@dataclass(frozen=True)
class Done:
    """A finished command: ``exit`` is None when it was killed at its time limit."""

    argv: tuple[str, ...]
    exit: int | None
    stdout: str
    stderr: str
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.exit is None


def run_command(argv: Sequence[str], cwd: Path, limit: float) -> Done:
    """Run ``argv`` in ``cwd`` with no standard input; past ``limit`` seconds kill its group."""
    start = time.monotonic()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg"}
    try:
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except OSError as error:
        return Done(tuple(argv), 127, "", str(error), 0.0)
    try:
        out, err = process.communicate(timeout=limit)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        _kill_group(process.pid)
        out, err = process.communicate()
        code = None
    finally:
        _kill_group(process.pid)  # a kernel left behind by a command that exited
    return Done(tuple(argv), code, out[-KEEP_CHARS:], err[-KEEP_CHARS:], time.monotonic() - start)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
