"""A record, in ``wheelhouse/``, of what was downloaded into it: so that a rebuild after a code
change neither asks the package index again nor runs pip at all when nothing it depends on
changed (the lock, pytest and the build backend asked for, the image's Python and platforms).
The record names the files it saw: one gone or changed since means downloading again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

RECORD = ".nb2prod-downloaded.json"


def download_key(commands: Sequence[Sequence[str]], lock: Path) -> str:
    """What a download depends on: its commands and the lock's bytes."""
    digest = hashlib.sha256(json.dumps([list(c) for c in commands]).encode("utf-8"))
    digest.update(lock.read_bytes())
    return digest.hexdigest()


def is_filled(wheelhouse: Path, key: str) -> bool:
    """Whether ``wheelhouse`` holds, unchanged, what a download with ``key`` put there."""
    try:
        record = json.loads((wheelhouse / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("key") != key:
        return False
    files = record.get("files")
    return isinstance(files, dict) and bool(files) and files == _files(wheelhouse)


def mark_filled(wheelhouse: Path, key: str) -> None:
    record = {"key": key, "files": _files(wheelhouse)}
    (wheelhouse / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


def _files(wheelhouse: Path) -> dict[str, int]:
    """The wheels (name -> size) in ``wheelhouse``."""
    return {p.name: p.stat().st_size for p in sorted(wheelhouse.glob("*.whl")) if p.is_file()}
