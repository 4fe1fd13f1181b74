"""The kernel's records as saved in a notebook (``metadata.nb2prod``), read into values.

The format is written down in ``recorder/FORMAT.md``. Reading is tolerant: a record that is not
what the format says is skipped, never an error, because the file may have been edited by hand or
by another tool. It is also untrusted: every value passes its check in ``metadata_values`` (the
table below names the check of each field of an environment record), and a value that fails is
left out with a notice (:attr:`Records.notices`). Nothing here executes or imports anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nb2prod import metadata_values as mv

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
    writes: tuple[str, ...] = ()  # data files it wrote (paths as in ``files``)
    seeds: tuple[Mapping[str, str], ...] = ()
    environment: str | None = None

    @property
    def bound(self) -> tuple[str, ...]:
        """Names this execution gave a new object: defined or rebound."""
        return tuple(sorted({*self.defined, *self.rebound}))


@dataclass(frozen=True)
class Environment:
    """One environment record; ``raw`` is the record as saved, less the values that failed their
    check (see :func:`clean_environment`)."""

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
    """Everything the kernel recorded for one notebook, and the values left out of it."""

    environments: Mapping[str, Environment] = field(default_factory=dict)
    history: tuple[Execution, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
    notices: tuple[mv.Ignored, ...] = ()

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


Check = Callable[[object], object]
#: The check of every field of an environment record (``recorder/FORMAT.md``), by section.
ENVIRONMENT_FIELDS: Mapping[str, Mapping[str, Check]] = {
    "": {"id": mv.record_id, "recorded": mv.timestamp, "recorder": mv.label},
    "python": {"version": mv.python_release, "implementation": mv.label, "executable": mv.path},
    "platform": {
        "system": mv.label,
        "release": mv.label,
        "machine": mv.label,
        "platform": mv.label,
    },
    "cpu": {"model": mv.label, "count": mv.count},
    "memory": {"total_bytes": mv.count},
    "interpreter": {"kind": mv.label, "name": mv.label, "prefix": mv.path},
    "git": {"root": mv.path, "commit": mv.hex_digest, "branch": mv.label, "dirty": mv.flag},
    "gpu": {
        "available": mv.flag,
        "reason": mv.label,
        "driver_version": mv.driver_version,
        "cuda_driver_version": mv.cuda_version,
    },
}
GPU_DEVICE: Mapping[str, Check] = {
    "index": mv.count, "name": mv.label, "uuid": mv.label, "memory_total_bytes": mv.count,
}  # fmt: skip
ACCELERATOR: Mapping[str, Check] = {
    "version": mv.version, "cuda": mv.cuda_version, "cudnn": mv.cudnn_version,
}  # fmt: skip


def clean_environment(raw: Mapping[str, Any], notices: list[mv.Ignored]) -> dict[str, Any]:
    """An environment record with only the fields :data:`ENVIRONMENT_FIELDS` knows whose values
    pass their check; each value that fails adds a notice to ``notices``."""
    found = _fields(raw, ENVIRONMENT_FIELDS[""], "", notices)
    for section, checks in ENVIRONMENT_FIELDS.items():
        if section and isinstance(raw.get(section), Mapping):
            found[section] = _fields(raw[section], checks, f"{section}.", notices)
        elif section in raw:
            found[section] = None
    if "packages" in raw:
        found["packages"] = mv.versions(raw["packages"], notices)
    if "variables" in raw:
        found["variables"] = _table(raw["variables"], mv.path, "recorded variable", notices)
    gpu = found.get("gpu")
    devices = _sequence(_mapping(raw.get("gpu")).get("devices"))
    if isinstance(gpu, dict) and devices:
        gpu["devices"] = [
            _fields(d, GPU_DEVICE, "gpu.devices.", notices)
            for d in devices
            if isinstance(d, Mapping)
        ]
    if "accelerators" in raw:
        accelerators = _table(raw["accelerators"], _mapping, "recorded accelerator", notices)
        found["accelerators"] = {
            name: _fields(info, ACCELERATOR, f"accelerators.{name}.", notices)
            for name, info in accelerators.items()
        }
    return found


def _fields(
    raw: Mapping[str, Any], checks: Mapping[str, Check], prefix: str, notices: list[mv.Ignored]
) -> dict[str, Any]:
    """The fields of ``raw`` that ``checks`` names and accepts (a null stays null); a notice
    names a field by its path in the record (``prefix`` + key)."""
    found: dict[str, Any] = {}
    for key, check in checks.items():
        if key in raw:
            what = f"recorded environment's {prefix}{key}"
            found[key] = mv.keep(raw[key], check, what, notices)
    return found


def _table(raw: Any, check: Check, what: str, notices: list[mv.Ignored]) -> dict[str, Any]:
    """A ``{name: value}`` table with names that are Python names and values ``check`` accepts."""
    found: dict[str, Any] = {}
    for key, value in _mapping(raw).items():
        name = mv.keep(key, mv.identifier, f"{what} name", notices)
        checked = mv.keep(value, check, f"{what} {name!r}", notices) if name else None
        if name is not None and checked is not None:
            found[name] = checked
    return found


def read_records(metadata: Mapping[str, Any]) -> Records | None:
    """The records in a notebook's metadata, or None when it has none."""
    raw = metadata.get(KEY)
    if not isinstance(raw, Mapping):
        return None
    notices: list[mv.Ignored] = []
    environments = {
        key: Environment(key, clean_environment(value, notices))
        for key, value in _mapping(raw.get("environments")).items()
        if mv.keep(key, mv.record_id, "recorded environment id", notices) is not None
        and isinstance(value, Mapping)
    }
    history = tuple(
        e for e in (_execution(r, notices) for r in _sequence(raw.get("history"))) if e is not None
    )
    sources = {
        k: v
        for k, v in _mapping(raw.get("sources")).items()
        if mv.keep(k, mv.hex_digest, "recorded source hash", notices) is not None
        and isinstance(v, str)
    }
    if not (environments or history):
        return None
    return Records(environments, history, sources, mv.unique(notices))


def _execution(raw: Any, notices: list[mv.Ignored]) -> Execution | None:
    if not isinstance(raw, Mapping):
        return None
    source = mv.keep(raw.get("source_hash"), mv.hex_digest, "recorded source_hash", notices)
    if source is None:
        return None
    count = raw.get("execution_count")
    duration = raw.get("duration_ms")

    def checked(key: str, check: Callable[[object], str | mv.Bad]) -> str | None:
        return _text(mv.keep(raw.get(key), check, f"recorded execution's {key}", notices))

    return Execution(
        source_hash=source,
        cell_id=checked("cell_id", mv.cell_id),
        execution_count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        session=checked("session", mv.record_id),
        started=checked("started", mv.timestamp),
        duration_ms=float(duration) if isinstance(duration, int | float) else None,
        status="error" if raw.get("status") == "error" else "ok",
        error=checked("error", mv.identifier),
        defined=_names(raw.get("defined"), notices),
        rebound=_names(raw.get("rebound"), notices),
        deleted=_names(raw.get("deleted"), notices),
        imports=tuple(i for i in (_import(i, notices) for i in _sequence(raw.get("imports"))) if i),
        files=tuple(f for f in (_file(f, notices) for f in _sequence(raw.get("files"))) if f),
        writes=tuple(
            w
            for w in (
                mv.keep(w, mv.path, "recorded written path", notices)
                for w in _sequence(raw.get("writes"))
            )
            if w is not None
        ),
        seeds=tuple(s for s in (_seed(s, notices) for s in _sequence(raw.get("seeds"))) if s),
        environment=checked("environment", mv.record_id),
    )


def _import(raw: Any, notices: list[mv.Ignored]) -> Import | None:
    if not isinstance(raw, Mapping):
        return None
    module = mv.keep(raw.get("module"), mv.identifier, "recorded import", notices)
    if module is None:
        return None
    name = mv.keep(raw.get("distribution"), mv.distribution_name, "recorded distribution", notices)
    if name is None:
        return Import(module)
    return Import(
        module,
        name,
        mv.keep(raw.get("version"), mv.version, f"recorded version of {name!r}", notices),
    )


def _file(raw: Any, notices: list[mv.Ignored]) -> FileRead | None:
    if not isinstance(raw, Mapping):
        return None
    path = mv.keep(raw.get("path"), mv.path, "recorded file path", notices)
    if path is None:
        return None
    return FileRead(
        path,
        mv.keep(raw.get("size"), mv.count, f"recorded size of {path!r}", notices),
        mv.keep(raw.get("mtime"), mv.timestamp, f"recorded time of {path!r}", notices),
        mv.keep(raw.get("sha256"), mv.hex_digest, f"recorded sha256 of {path!r}", notices),
    )


def _seed(raw: Any, notices: list[mv.Ignored]) -> Mapping[str, str] | None:
    if not isinstance(raw, Mapping):
        return None
    found = {
        str(k): value
        for k, v in raw.items()
        if (value := mv.keep(v, mv.text, f"recorded seed {k!r}", notices)) is not None
    }
    return found or None


def _names(raw: Any, notices: list[mv.Ignored]) -> tuple[str, ...]:
    found = (mv.keep(n, mv.identifier, "recorded name", notices) for n in _sequence(raw))
    return tuple(n for n in found if n is not None)


def _text(raw: Any) -> str | None:
    return raw if isinstance(raw, str) and raw else None


def _mapping(raw: Any) -> Mapping[str, Any]:
    return raw if isinstance(raw, Mapping) else {}


def _sequence(raw: Any) -> Sequence[Any]:
    return raw if isinstance(raw, list | tuple) else ()
