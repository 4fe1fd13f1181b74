"""The real nb2prod command line of this checkout, run in a child process, for the tests
(``tests/conftest.py`` puts ``src/`` on ``PYTHONPATH``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def nb2prod(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """``nb2prod ARGS``: its exit status, standard output and error; ``env`` adds variables to
    this process's environment. A run that blocks fails the test at ``timeout``."""
    return subprocess.run(
        [sys.executable, "-m", "nb2prod", *map(str, args)],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
