"""The one guard that decides what an output may replace, for ``convert`` (CLI and server) and
``run -o``.

A package folder may be replaced (``--force``, the server's ``"force": true``) only when nb2prod
wrote it: its ``nb2prod.json`` is a regular file holding a JSON object whose ``"nb2prod"`` key is
a non-empty string (the version of nb2prod that wrote it; ``convert`` always writes it). Anything
else that exists and is not empty is refused. Whatever is, or holds, the notebook, the current
folder or the home folder (symbolic links resolved), or a path the caller protects (the server's
root), is refused even with ``--force``. An empty existing folder may be used.

Refusals are :class:`OutputRefused` (one line: the path as the caller named it, then why);
an ``OSError`` met on the way is :class:`CannotWrite` (``PATH: cannot write (reason)``).
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from nb2prod.errors import NotebookError

#: The file that says nb2prod wrote a folder, and its key naming nb2prod's version.
MARKER_FILE = "nb2prod.json"
MARKER_KEY = "nb2prod"
MARKER_MAX_BYTES = 16 * 2**20
#: At most this many files of an existing folder are counted and listed.
COUNT_LIMIT = 10_000
LIST_LIMIT = 200

Refusal = Literal["protected", "exists", "foreign", "not-a-folder", "no-parent"]
#: A path that no output may be or hold, with what to call it in a refusal.
Protected = tuple[str | os.PathLike[str], str]


@dataclass(frozen=True)
class Existing:
    """An existing output folder: whether nb2prod wrote it, how many files it holds (at most
    :data:`COUNT_LIMIT`, ``more`` when there are more) and the first of them, sorted."""

    ours: bool
    files: int
    more: bool
    listed: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        listed = list(self.listed)
        return {"nb2prod": self.ours, "files": self.files, "more": self.more, "entries": listed}


class OutputRefused(NotebookError):
    """An output nb2prod will not write: ``kind`` says why, ``existing`` what is there."""

    def __init__(
        self, path: str, reason: str, kind: Refusal, existing: Existing | None = None
    ) -> None:
        super().__init__(path, reason)
        self.kind = kind
        self.existing = existing


class CannotWrite(NotebookError):
    """The system refused a write: ``PATH: cannot write (reason)``."""

    def __init__(self, path: str, error: OSError) -> None:
        reason = error.strerror or str(error) or type(error).__name__
        super().__init__(path, f"cannot write ({reason})")


def check_folder(
    out: str | os.PathLike[str],
    *,
    force: bool,
    protect: Sequence[Protected] = (),
    flag: str = "--force",
) -> Existing | None:
    """What ``out`` holds (None: nothing there yet), or :class:`OutputRefused` when a package
    may not be written there (see the module's docstring); ``flag`` is how a refusal names the
    caller's way to force."""
    shown = str(out)
    try:
        refuse_protected(shown, protect, flag)
        if os.path.islink(out) and not os.path.exists(out):
            raise OutputRefused(shown, "a symbolic link to nothing; remove it first", "exists")
        if not os.path.lexists(out):
            return None
        if not os.path.isdir(out):
            raise OutputRefused(shown, "already exists and is not a folder", "not-a-folder")
        existing = describe(out)
    except OSError as error:
        raise CannotWrite(shown, error) from None
    if existing.files or existing.more:
        _refuse_replacing(shown, existing, force, flag)
    return existing


def _refuse_replacing(shown: str, existing: Existing, force: bool, flag: str) -> None:
    if not existing.ours:
        raise OutputRefused(
            shown,
            f"already exists with files nb2prod did not write (no {MARKER_FILE} of nb2prod's); "
            f"{flag} replaces only a package folder nb2prod wrote: name another folder",
            "foreign",
            existing,
        )
    if not force:
        raise OutputRefused(shown, f"already exists; use {flag} to replace it", "exists", existing)


def check_file(
    out: str | os.PathLike[str], *, force: bool, protect: Sequence[Protected] = ()
) -> None:
    """Refuse a file output (``run -o``) that would be lost or cannot be written: a folder, an
    existing file without ``force``, a missing or unwritable parent folder."""
    shown = str(out)
    refuse_protected(shown, protect)
    target = os.path.realpath(out)
    if os.path.isdir(target):
        raise OutputRefused(shown, "is a folder; name a file", "not-a-folder")
    if os.path.lexists(out) and not force:
        raise OutputRefused(shown, "already exists; use --force to replace it", "exists")
    parent = os.path.dirname(target)
    if not os.path.isdir(parent):
        raise OutputRefused(shown, f"no such folder: {os.path.dirname(shown) or '.'}", "no-parent")
    try:  # a file made and removed: the one sure test that the folder takes a new file
        handle, probe = tempfile.mkstemp(dir=parent, prefix=".nb2prod-probe-")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise CannotWrite(shown, error) from None


def refuse_protected(shown: str, protect: Sequence[Protected] = (), flag: str = "--force") -> None:
    """:class:`OutputRefused` when ``shown`` is, or holds, something no output may replace."""
    real = os.path.realpath(shown)
    for path, what in _protected(protect):
        if _is_within(path, real):
            relation = "is" if path == real else "holds"
            raise OutputRefused(
                shown,
                f"{relation} {what}; nb2prod never replaces it, even with {flag}: name a new "
                "folder",
                "protected",
            )


def _protected(extra: Sequence[Protected]) -> Iterator[tuple[str, str]]:
    for path, what in extra:
        absolute = os.path.abspath(path)
        # The path itself (a link kept as a link) and what it leads to.
        parent = os.path.realpath(os.path.dirname(absolute))
        yield os.path.join(parent, os.path.basename(absolute)), what
        yield os.path.realpath(absolute), what
    try:
        cwd: str | None = os.path.realpath(os.getcwd())
    except OSError:  # the current folder was deleted: nothing there to protect
        cwd = None
    if cwd is not None:
        yield cwd, "the current folder"
    home = os.path.expanduser("~")
    if home != "~":
        yield os.path.realpath(home), "the home folder"


def _is_within(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # different drives
        return False


def describe(folder: str | os.PathLike[str]) -> Existing:
    """Whether nb2prod wrote ``folder``, and the files in it (links not followed)."""
    found: list[str] = []
    more = False
    for relative in _files(os.fspath(folder), ""):
        if len(found) == COUNT_LIMIT:
            more = True
            break
        found.append(relative)
    found.sort()
    return Existing(is_ours(folder), len(found), more, tuple(found[:LIST_LIMIT]))


def _files(folder: str, prefix: str) -> Iterator[str]:
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            relative = f"{prefix}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                yield from _files(entry.path, f"{relative}/")
            else:
                yield relative


def is_ours(folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder/nb2prod.json`` is a regular file naming nb2prod (see the docstring)."""
    try:
        handle = os.open(os.path.join(folder, MARKER_FILE), os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return False
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MARKER_MAX_BYTES:
            return False
        data = json.loads(_read_all(handle))
    except (OSError, ValueError):
        return False
    finally:
        os.close(handle)
    version = data.get(MARKER_KEY) if isinstance(data, dict) else None
    return isinstance(version, str) and bool(version.strip())


def _read_all(handle: int) -> bytes:
    chunks = []
    while chunk := os.read(handle, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
