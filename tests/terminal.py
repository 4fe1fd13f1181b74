"""Running the ``nb2prod`` CLI with its stderr on a pseudo-terminal, as a user's shell gives it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    terminal: str  # what reached stderr, the terminal, carriage returns kept


def nb2prod_on_terminal(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 600
) -> Ran:
    """``python -m nb2prod ARGS`` with stderr on a pseudo-terminal and stdout on a pipe."""
    leader, follower = os.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # EIO: every end of the terminal is closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "nb2prod", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=follower,
            cwd=cwd,
            env=env if env is not None else os.environ.copy(),
            timeout=timeout,
            check=False,
        )
    finally:
        os.close(follower)
        reader.join(timeout=10)
        os.close(leader)
    terminal = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return Ran(done.returncode, done.stdout.decode("utf-8", "replace"), terminal)
