"""Data files user code opens, seen through Python's audit hook on ``open``: the ones it reads,
and the ones it writes (a file the notebook writes and later reads is its own product, not an
input).

The hook only appends a path to a list while a cell runs; which of them are data (not the
interpreter's own files, not code) and their size, time and hash are worked out after the cell.
Hashes are cached by (path, size, modification time), so a file read by every cell is hashed once.
"""

from __future__ import annotations

import os
import site
import sys
import sysconfig
import threading
from collections.abc import Iterable
from typing import Any

from nb2prod.recorder.environment import iso
from nb2prod.records import HASH_LIMIT, file_sha256

_CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pyd", ".so", ".pth", ".ipynb")
_SYSTEM_ROOTS = ("/proc/", "/sys/", "/dev/", "/etc/", "/usr/lib/", "/usr/share/", "/usr/local/lib/")
_HOME_DIRS = (".cache", ".config", ".local", ".ipython", ".jupyter", ".matplotlib", ".keras")

_quiet = threading.local()
_installed = False
_collector: Collector | None = None


class Collector:
    """The paths opened for reading while it is on."""

    def __init__(self) -> None:
        self.on = False
        self.paths: list[str] = []
        self.writes: list[tuple[int, str]] = []  # (reads before it, path) opened for writing
        self.written: list[str] = []  # the last execution's, as :meth:`stop` shows paths
        self._hashes: dict[tuple[str, int, int], str | None] = {}
        self._excluded = _excluded_roots()

    def start(self) -> None:
        self.paths, self.writes, self.written = [], [], []
        self.on = True

    def stop(self, folder: str | None = None) -> list[dict[str, Any]]:
        """Stop collecting; the data files read, each once, as records (see FORMAT.md), with
        paths relative to ``folder`` (default: the working folder) when inside it."""
        self.on = False
        folder = folder or os.getcwd()
        made = self._made(folder)
        if not self.paths:
            return []
        found, seen = [], set()
        with quiet():
            for raw in self.paths:
                path = os.path.abspath(raw)
                if path in seen or self._not_data(path) or path in made:
                    continue
                seen.add(path)
                record = self._record(path, folder)
                if record is not None:
                    found.append(record)
        self.paths = []
        return found

    def _made(self, folder: str) -> set[str]:
        """The data files written while on (kept in ``written``, shown as reads are); those
        written before this execution first read them, as absolute paths."""
        first_read = {os.path.abspath(p): i for i, p in reversed(list(enumerate(self.paths)))}
        made: set[str] = set()
        self.written = []
        for order, raw in self.writes:
            path = os.path.abspath(raw)
            if self._not_data(path):
                continue
            shown = os.path.relpath(path, folder) if path.startswith(folder + os.sep) else path
            if shown not in self.written:
                self.written.append(shown)
            if first_read.get(path, len(self.paths)) >= order:
                made.add(path)
        self.writes = []
        return made

    def _not_data(self, path: str) -> bool:
        return path.endswith(_CODE_SUFFIXES) or path.startswith(self._excluded)

    def _record(self, path: str, folder: str) -> dict[str, Any] | None:
        try:
            facts = os.stat(path)
        except OSError:
            return None
        if not os.path.isfile(path):
            return None
        key = (path, facts.st_size, facts.st_mtime_ns)
        if key not in self._hashes:
            self._hashes[key] = file_sha256(path) if facts.st_size <= HASH_LIMIT else None
        shown = os.path.relpath(path, folder) if path.startswith(folder + os.sep) else path
        return {
            "path": shown,
            "size": facts.st_size,
            "mtime": iso(facts.st_mtime),
            "sha256": self._hashes[key],
        }


class quiet:
    """Within it, this thread's opens are the recorder's own and are not collected."""

    def __enter__(self) -> None:
        _quiet.on = True

    def __exit__(self, *exc: object) -> None:
        _quiet.on = False


def collector() -> Collector:
    """The process's one collector; the audit hook is added the first time (hooks cannot be
    removed, so unloading the recorder only turns the collector off)."""
    global _collector, _installed
    if _collector is None:
        _collector = Collector()
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
    return _collector


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event != "open":
        return
    found = _collector
    if found is None or not found.on or getattr(_quiet, "on", False):
        return
    try:
        path, mode, flags = args
        if not isinstance(path, str | bytes):
            return
        if _writes(mode, flags):  # (reads so far, path): a later read is of what it wrote
            found.writes.append((len(found.paths), os.fsdecode(path)))
        elif _reads(mode, flags):
            found.paths.append(os.fsdecode(path))
    except Exception:  # never let the recorder break an open()
        pass


def _writes(mode: Any, flags: Any) -> bool:
    if isinstance(mode, str):
        return any(c in mode for c in "wax")
    if isinstance(flags, int):
        return bool(flags & (os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND))
    return False


def _reads(mode: Any, flags: Any) -> bool:
    if isinstance(mode, str):
        return "r" in mode or "+" in mode
    if isinstance(flags, int):
        return flags & os.O_ACCMODE in (os.O_RDONLY, os.O_RDWR)
    return False


def _excluded_roots() -> tuple[str, ...]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *_site_dirs(), *_stdlib_dirs()}
    home = os.path.expanduser("~")
    roots.update(os.path.join(home, name) for name in _HOME_DIRS)
    return tuple(sorted(os.path.abspath(r) + os.sep for r in roots if r)) + _SYSTEM_ROOTS


def _site_dirs() -> Iterable[str]:
    try:
        yield from site.getsitepackages()
        yield site.getusersitepackages()
    except Exception:
        return


def _stdlib_dirs() -> Iterable[str]:
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            yield path
