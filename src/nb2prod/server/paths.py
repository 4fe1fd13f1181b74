"""Paths from requests, confined to the server's root.

A request names files the way the Jupyter contents API does: relative to the server's root, with
``/`` between parts. Absolute paths and ``..`` are refused outright; what is left is resolved
(symbolic links followed) and must still lie inside the root, else 403 ``outside-root``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from nb2prod.server.errors import ApiError


@dataclass(frozen=True)
class Confined:
    """A path inside the root: as the client named it (``api``), joined to the root (``local``,
    links kept, what nb2prod reads and writes) and resolved (``real``, what was checked)."""

    api: str
    local: str
    real: str


def confine(root: str, path: str, field: str = "path") -> Confined:
    """``path`` (relative to ``root``) checked and resolved, or :class:`ApiError`."""
    if "\x00" in path:
        raise ApiError(400, "bad-request", f"`{field}` contains a NUL character")
    if not path.strip():
        raise ApiError(400, "bad-request", f"`{field}` is empty")
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).anchor or os.path.isabs(path):
        raise ApiError(
            403, "outside-root", f"{path}: an absolute path; give one relative to the server's root"
        )
    parts = [p for p in path.replace(os.sep, "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ApiError(403, "outside-root", f"{path}: `..` is not allowed in a path")
    top = os.path.realpath(root)
    local = os.path.join(top, *parts)
    real = os.path.realpath(local)
    if not is_within(real, top):
        raise ApiError(403, "outside-root", f"{path}: leads outside the server's root")
    return Confined("/".join(parts) or ".", local, real)


def is_within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or inside it (both already resolved)."""
    return os.path.commonpath([path, folder]) == folder
