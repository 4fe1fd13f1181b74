"""Where ``verify`` makes its fresh virtual environment, and where the bytecode of what is
installed there is kept between runs.

Every run makes a new environment, but in one of a few fixed folders (one per concurrent run,
held with a file lock), so that the paths of installed modules repeat from run to run. Python then
keeps their bytecode under one ``PYTHONPYCACHEPREFIX`` folder and, on the next run, uses it where
the source file is the same one (Python's own check: its modification time and size; uv links
installed files from its cache, so an unchanged wheel gives unchanged files). Compiling pandas
and its like on every run cost more than installing them. Without a usable cache folder or file
locks, the environment is made in the run's temporary folder and nothing is kept.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: How many runs at once get a fixed folder; the others use a temporary one.
SLOTS = 4
CACHE_ENV = "NB2PROD_CACHE_DIR"


@dataclass(frozen=True)
class Place:
    """``venv``: the folder to make the environment in; ``pycache``: the bytecode folder for
    ``PYTHONPYCACHEPREFIX``, None when no bytecode is kept."""

    venv: Path
    pycache: Path | None


def cache_root() -> Path | None:
    """``$NB2PROD_CACHE_DIR/verify``, else ``verify`` in nb2prod's folder of the user's cache
    (``$XDG_CACHE_HOME`` or ``~/.cache``); None when it cannot be made."""
    base = os.environ.get(CACHE_ENV) or ""
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "nb2prod")
    root = Path(base) / "verify"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return root if os.access(root, os.W_OK) else None


@contextlib.contextmanager
def venv_place(temp: Path) -> Iterator[Place]:
    """A :class:`Place` held for the length of the ``with``; its environment is removed after."""
    try:
        import fcntl
    except ImportError:  # no file locks (Windows): nothing shared
        yield Place(temp / "venv", None)
        return
    root = cache_root()
    for slot in range(SLOTS if root is not None else 0):
        assert root is not None
        try:
            lock = open(root / f"venv-{slot}.lock", "a")  # noqa: SIM115 - held across the yield
        except OSError:
            break
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        venv = root / f"venv-{slot}"
        try:
            shutil.rmtree(venv, ignore_errors=True)  # a run that was killed left it
            yield Place(venv, root / "pycache")
        finally:
            shutil.rmtree(venv, ignore_errors=True)
            lock.close()
        return
    yield Place(temp / "venv", None)


def forget_bytecode(pycache: Path | None, folder: Path) -> None:
    """Remove the bytecode kept for the files under ``folder`` (a run's own temporary copy,
    whose path never comes again)."""
    if pycache is not None:
        shutil.rmtree(pycache / folder.relative_to(folder.anchor), ignore_errors=True)
