"""Installed distributions, read from the ``*.dist-info`` folder names on ``sys.path``.

``importlib.metadata.distributions()`` opens and parses every METADATA file; the folder names carry
the name and version already, so a listing of each ``sys.path`` folder is enough (with
importlib.metadata only for the rare folder whose name lacks a version). Listings are cached by the
folder's modification time, so a later look after ``pip install`` reads only what changed.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable

_SUFFIXES = (".dist-info", ".egg-info")
_listings: dict[str, tuple[int, dict[str, str]]] = {}
_owners: dict[str, list[str]] | None = None


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed(paths: Iterable[str] | None = None) -> dict[str, str]:
    """Canonical name → version of every distribution importable from ``paths`` (``sys.path``);
    the first folder that has a distribution wins, as it does for imports."""
    found: dict[str, str] = {}
    for folder in _folders(paths):
        for name, version in _listing(folder).items():
            found.setdefault(name, version)
    return dict(sorted(found.items()))


def fingerprint(paths: Iterable[str] | None = None) -> tuple[tuple[str, int], ...]:
    """The path entries and their modification times: it changes when a distribution comes or
    goes, or the path itself changes."""
    return tuple(
        (entry, _mtime(entry or os.curdir)) for entry in (sys.path if paths is None else paths)
    )


def distribution_of(module: str, known: Iterable[str] | None = None) -> str | None:
    """The distribution that provides top-level ``module``, or None (standard library, a local
    file, or a module no distribution declares). ``known``: the installed distributions'
    canonical names, when the caller has them (else they are listed)."""
    if module in sys.stdlib_module_names or module in sys.builtin_module_names:
        return None
    owners = _module_owners().get(module)
    if owners:
        return canonical(sorted(owners)[0])
    name = canonical(module)
    return name if name in (installed() if known is None else known) else None


def _module_owners() -> dict[str, list[str]]:
    global _owners
    if _owners is None:
        from importlib.metadata import packages_distributions

        _owners = {k: list(v) for k, v in packages_distributions().items()}
    return _owners


def _folders(paths: Iterable[str] | None) -> list[str]:
    seen: list[str] = []
    for entry in sys.path if paths is None else paths:
        folder = os.path.abspath(entry or os.curdir)
        if folder not in seen and os.path.isdir(folder):
            seen.append(folder)
    return seen


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return 0


def _listing(folder: str) -> dict[str, str]:
    stamp = _mtime(folder)
    cached = _listings.get(folder)
    if cached and cached[0] == stamp:
        return cached[1]
    found: dict[str, str] = {}
    try:
        entries = [e.name for e in os.scandir(folder) if e.name.endswith(_SUFFIXES)]
    except OSError:
        entries = []
    for entry in sorted(entries):
        named = _from_folder_name(entry) or _from_metadata(os.path.join(folder, entry))
        if named:
            found.setdefault(canonical(named[0]), named[1])
    _listings[folder] = (stamp, found)
    return found


def _from_folder_name(entry: str) -> tuple[str, str] | None:
    stem = entry.rsplit(".", 1)[0]
    parts = stem.split("-")
    if len(parts) >= 2 and parts[1][:1].isdigit():
        return parts[0], parts[1]
    return None


def _from_metadata(path: str) -> tuple[str, str] | None:
    from importlib.metadata import Distribution

    try:
        dist = Distribution.at(path)
        name, version = dist.metadata["Name"], dist.version
    except Exception:  # a broken metadata folder is not ours to report
        return None
    return (name, version) if name and version else None
