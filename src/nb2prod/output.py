"""Writing a generated file set into place atomically: all of it, or nothing changed."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from nb2prod.errors import NotebookError

FILE_MODE = 0o644
DIR_MODE = 0o755


def write_tree(files: Mapping[str, str | bytes], out: Path, *, force: bool = False) -> None:
    """Write ``files`` (relative POSIX path -> text or bytes) as the folder ``out``.

    Everything is written into a fresh temporary folder beside ``out`` and renamed into place,
    so a failure at any point leaves ``out`` exactly as it was and no temporary folder behind.
    Text is written as UTF-8 with its line endings unchanged. An existing non-empty ``out`` is
    replaced only with ``force``; otherwise :class:`NotebookError` is raised.

    Raises ``ValueError`` for a path that is absolute, climbs out with ``..``, is empty, or
    clashes with another path of the set (the same file twice, or a file used as a folder).
    """
    relative = _checked_paths(files)
    out = Path(os.path.abspath(out))
    if out.exists() or out.is_symlink():
        if not out.is_dir():
            raise NotebookError(str(out), "already exists and is not a folder")
        if not force and any(out.iterdir()):
            raise NotebookError(str(out), "already exists; use --force to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        os.chmod(staging, DIR_MODE)
        for key, path in relative.items():
            _write_file(staging.joinpath(*path.parts), files[key])
        _swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _checked_paths(files: Mapping[str, str | bytes]) -> dict[str, PurePosixPath]:
    relative: dict[str, PurePosixPath] = {}
    seen: set[PurePosixPath] = set()
    for key in files:
        path = PurePosixPath(key)
        if path.is_absolute():
            raise ValueError(f"{key!r}: an absolute path; expected one relative to the output")
        if ".." in path.parts:
            raise ValueError(f"{key!r}: '..' would leave the output folder")
        if not path.parts:
            raise ValueError(f"{key!r}: an empty path names no file")
        if path in seen:
            raise ValueError(f"{key!r}: the same file is given twice")
        seen.add(path)
        relative[key] = path
    for path in seen:
        for parent in path.parents:
            if parent in seen:
                raise ValueError(f"'{parent}' is both a file and the folder of '{path}'")
    return relative


def _write_file(path: Path, content: str | bytes) -> None:
    _make_folders(path.parent)
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(path, FILE_MODE)


def _make_folders(folder: Path) -> None:
    if folder.is_dir():
        return
    _make_folders(folder.parent)
    folder.mkdir()
    os.chmod(folder, DIR_MODE)


def _swap_into_place(staging: Path, out: Path) -> None:
    """Rename ``staging`` to ``out``; an existing ``out`` is moved aside first, then deleted."""
    if not (out.exists() or out.is_symlink()):
        os.rename(staging, out)
        return
    aside_root = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old."))
    aside = aside_root / out.name
    try:
        os.rename(out, aside)
    except BaseException:
        _remove_empty(aside_root)
        raise
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(aside, out)  # should this fail too, the old folder stays in aside_root
        _remove_empty(aside_root)
        raise
    shutil.rmtree(aside_root, ignore_errors=True)


def _remove_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def write_file(path: Path, content: str) -> None:
    """Replace the file ``path`` with ``content`` (UTF-8) atomically: a temporary file beside it,
    renamed over it, so a reader sees the old file or the new one, never half of one."""
    path = Path(os.path.abspath(path))
    mode = path.stat().st_mode & 0o777 if path.exists() else FILE_MODE
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content.encode("utf-8"))
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
