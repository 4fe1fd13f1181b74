"""Staging folders beside an output folder, and sweeping what killed writes left of them.

A package is written into a hidden folder ``.OUT.nb2prod-new-PID-XXXXXXXX`` in OUT's parent and
renamed into place; the folder it replaces waits in ``.OUT.nb2prod-old-PID-XXXXXXXX`` until the
rename is done. Each holds its tree under ``tree/`` and an owner file ``.nb2prod-staging`` (JSON:
``pid``, ``host``, ``out``), so nb2prod recognises its own and nothing else.

A process killed before it cleans up (SIGKILL, a power cut) leaves one behind. The next write
into the same parent sweeps those of the same OUT whose process is gone (on this host) or that
are older than :data:`STALE_AFTER` seconds. A stale ``old`` folder whose OUT is missing (killed
between the two renames) is put back as OUT, so a kill never loses the previous package.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import stat
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

OWNER_FILE = ".nb2prod-staging"
TREE = "tree"
#: Seconds after which a staging folder is stale even when its pid is in use (reused, or
#: another host's).
STALE_AFTER = 600.0
_OWNER_MAX_BYTES = 4096

Kind = Literal["new", "old"]


def prefix(out_name: str, kind: str = "") -> str:
    """The name every staging folder of ``out_name`` (of ``kind``) starts with."""
    return f".{out_name}.nb2prod-{kind}"


def create(parent: Path, out_name: str, kind: Kind) -> Path:
    """A fresh staging folder for ``out_name`` in ``parent``, its owner file written."""
    pid = os.getpid()
    root = Path(tempfile.mkdtemp(dir=parent, prefix=f"{prefix(out_name, kind)}-{pid}-"))
    try:
        owner = {"pid": pid, "host": socket.gethostname(), "out": out_name}
        (root / OWNER_FILE).write_text(json.dumps(owner), encoding="utf-8")
    except BaseException:
        remove(root)
        raise
    return root


def remove(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)


def sweep(parent: Path, out_name: str, *, now: float | None = None) -> list[str]:
    """Remove the stale staging folders of ``out_name`` in ``parent`` (restoring a stale ``old``
    one as ``out_name`` when that is missing); the names of those swept."""
    moment = time.time() if now is None else now
    try:
        with os.scandir(parent) as entries:
            candidates = [
                e.name
                for e in entries
                if e.name.startswith(prefix(out_name)) and e.is_dir(follow_symlinks=False)
            ]
    except OSError:
        return []
    swept = []
    for name in sorted(candidates):
        root = parent / name
        owner = _owner(root)
        if owner is None or owner.get("out") != out_name or not _stale(root, owner, moment):
            continue
        if name.startswith(prefix(out_name, "old")) and not os.path.lexists(parent / out_name):
            with contextlib.suppress(OSError):
                os.rename(root / TREE, parent / out_name)
        remove(root)
        swept.append(name)
    return swept


def _owner(root: Path) -> dict[str, Any] | None:
    """The owner file's JSON object, when it is a small regular file holding one."""
    path = root / OWNER_FILE
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > _OWNER_MAX_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("pid"), int):
        return None
    return data


def _stale(root: Path, owner: dict[str, Any], now: float) -> bool:
    here = owner.get("host") == socket.gethostname()
    if here and not _alive(owner["pid"]):
        return True
    try:
        age = now - (root / OWNER_FILE).lstat().st_mtime
    except OSError:
        return False
    return age > STALE_AFTER


def _alive(pid: int) -> bool:
    if pid <= 0 or os.name != "posix":
        return True  # cannot tell: only the age decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True
