"""The kernel's records as saved in a notebook (``metadata.nb2prod``), read into values.

The format is written down in ``recorder/FORMAT.md``. Reading is tolerant: a record that is not
what the format says is skipped, never an error, because the file may have been edited by hand or
by another tool. Nothing here executes or imports anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: The metadata key, at notebook and at cell level.
KEY = "nb2prod"
SCHEMA = 1
#: Executions kept in a notebook's history, newest last.
HISTORY_LIMIT = 2000
#: Data files above this size are recorded with no content hash (size and time still tell).
HASH_LIMIT = 64 * 1024 * 1024


def source_hash(source: str) -> str:
    """The hash the recorder gives executed code: 16 hex digits of its SHA-256."""
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def file_sha256(path: str, limit: int = HASH_LIMIT) -> str | None:
    """A file's SHA-256, read in 1 MiB chunks; None when unreadable or larger than ``limit``."""
    digest = hashlib.sha256()
    seen = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                seen += len(chunk)
                if seen > limit:
                    return None
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


@dataclass(frozen=True)
class Import:
    module: str
    distribution: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class FileRead:
    path: str
    size: int | None = None
    mtime: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class Execution:
    """One execution the kernel ran, in the order it ran them."""

    source_hash: str
    cell_id: str | None = None
    execution_count: int | None = None
    session: str | None = None
    started: str | None = None
    duration_ms: float | None = None
    status: str = "ok"
    error: str | None = None
    defined: tuple[str, ...] = ()
    rebound: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    imports: tuple[Import, ...] = ()
    files: tuple[FileRead, ...] = ()
    seeds: tuple[Mapping[str, str], ...] = ()
    environment: str | None = None

    @property
    def bound(self) -> tuple[str, ...]:
        """Names this execution gave a new object: defined or rebound."""
        return tuple(sorted({*self.defined, *self.rebound}))


@dataclass(frozen=True)
class Environment:
    """One environment record; ``raw`` is the whole record as saved."""

    id: str
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def python_version(self) -> str | None:
        return _text(_mapping(self.raw.get("python")).get("version"))

    @property
    def packages(self) -> dict[str, str]:
        found = _mapping(self.raw.get("packages"))
        return {str(k): v for k, v in found.items() if isinstance(v, str)}

    @property
    def gpu(self) -> Mapping[str, Any]:
        return _mapping(self.raw.get("gpu"))

    @property
    def cuda_version(self) -> str | None:
        """The CUDA runtime a loaded library was built for, else the driver's CUDA version."""
        for info in _mapping(self.raw.get("accelerators")).values():
            cuda = _text(_mapping(info).get("cuda"))
            if cuda:
                return cuda
        return _text(self.gpu.get("cuda_driver_version")) if self.gpu.get("available") else None


@dataclass(frozen=True)
class Records:
    """Everything the kernel recorded for one notebook."""

    environments: Mapping[str, Environment] = field(default_factory=dict)
    history: tuple[Execution, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def current(self) -> Environment | None:
        """The environment of the newest execution (else the only one there is)."""
        for execution in reversed(self.history):
            found = self.environments.get(execution.environment or "")
            if found is not None:
                return found
        return next(iter(self.environments.values()), None) if len(self.environments) == 1 else None

    def by_cell(self) -> dict[str, list[Execution]]:
        """Each cell id's executions, oldest first."""
        found: dict[str, list[Execution]] = {}
        for execution in self.history:
            if execution.cell_id:
                found.setdefault(execution.cell_id, []).append(execution)
        return found


def read_records(metadata: Mapping[str, Any]) -> Records | None:
    """The records in a notebook's metadata, or None when it has none."""
    raw = metadata.get(KEY)
    if not isinstance(raw, Mapping):
        return None
    environments = {
        key: Environment(key, value)
        for key, value in _mapping(raw.get("environments")).items()
        if isinstance(key, str) and isinstance(value, Mapping)
    }
    history = tuple(e for e in map(_execution, _sequence(raw.get("history"))) if e is not None)
    sources = {k: v for k, v in _mapping(raw.get("sources")).items() if isinstance(v, str)}
    if not (environments or history):
        return None
    return Records(environments, history, sources)


def _execution(raw: Any) -> Execution | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("source_hash"), str):
        return None
    count = raw.get("execution_count")
    duration = raw.get("duration_ms")
    return Execution(
        source_hash=raw["source_hash"],
        cell_id=_text(raw.get("cell_id")),
        execution_count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        session=_text(raw.get("session")),
        started=_text(raw.get("started")),
        duration_ms=float(duration) if isinstance(duration, int | float) else None,
        status="error" if raw.get("status") == "error" else "ok",
        error=_text(raw.get("error")),
        defined=_names(raw.get("defined")),
        rebound=_names(raw.get("rebound")),
        deleted=_names(raw.get("deleted")),
        imports=tuple(_import(i) for i in _sequence(raw.get("imports")) if _has(i, "module")),
        files=tuple(_file(f) for f in _sequence(raw.get("files")) if _has(f, "path")),
        seeds=tuple(
            {str(k): str(v) for k, v in s.items()}
            for s in _sequence(raw.get("seeds"))
            if isinstance(s, Mapping)
        ),
        environment=_text(raw.get("environment")),
    )


def _import(raw: Mapping[str, Any]) -> Import:
    return Import(raw["module"], _text(raw.get("distribution")), _text(raw.get("version")))


def _file(raw: Mapping[str, Any]) -> FileRead:
    size = raw.get("size")
    return FileRead(
        raw["path"],
        size if isinstance(size, int) and not isinstance(size, bool) else None,
        _text(raw.get("mtime")),
        _text(raw.get("sha256")),
    )


def _has(raw: Any, key: str) -> bool:
    return isinstance(raw, Mapping) and isinstance(raw.get(key), str)


def _names(raw: Any) -> tuple[str, ...]:
    return tuple(n for n in _sequence(raw) if isinstance(n, str))


def _text(raw: Any) -> str | None:
    return raw if isinstance(raw, str) and raw else None


def _mapping(raw: Any) -> Mapping[str, Any]:
    return raw if isinstance(raw, Mapping) else {}


def _sequence(raw: Any) -> Sequence[Any]:
    return raw if isinstance(raw, list | tuple) else ()
