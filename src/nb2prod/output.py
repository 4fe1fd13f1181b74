"""Writing a generated file set into place atomically: all of it, or nothing changed.

What an output may replace is decided by :mod:`nb2prod.output_guard`; the staging folders a
write uses beside its output, and the sweeping of those a killed write left, are
:mod:`nb2prod.staging`'s. Every ``OSError`` on the way becomes one
:class:`~nb2prod.output_guard.CannotWrite` line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from nb2prod import staging
from nb2prod.output_guard import CannotWrite, Existing, Protected, check_folder, refuse_protected

FILE_MODE = 0o644
DIR_MODE = 0o755


def write_tree(
    files: Mapping[str, str | bytes],
    out: Path,
    *,
    force: bool = False,
    protect: Sequence[Protected] = (),
    flag: str = "--force",
) -> Existing | None:
    """Write ``files`` (relative POSIX path -> text or bytes) as the folder ``out``; return what
    it replaced (None: ``out`` did not exist); ``flag`` is how a refusal names ``force``.

    Everything is written into a fresh staging folder beside ``out`` and renamed into place,
    so a failure at any point leaves ``out`` exactly as it was and no staging folder behind.
    Text is written as UTF-8 with its line endings unchanged. An existing non-empty ``out`` is
    replaced only with ``force`` and only when nb2prod wrote it; nothing that is or holds the
    notebook (in ``protect``), the current folder or the home folder is ever replaced (see
    :mod:`nb2prod.output_guard`, whose :class:`OutputRefused` says why). A link to a folder
    keeps being a link: the folder it leads to is replaced.

    Raises ``ValueError`` for a path that is absolute, climbs out with ``..``, is empty, or
    clashes with another path of the set (the same file twice, or a file used as a folder).
    """
    relative = _checked_paths(files)
    shown = str(out)
    refuse_protected(shown, protect, flag)
    target = Path(os.path.realpath(out))
    try:
        _make_parent(target.parent)
        staging.sweep(target.parent, target.name)
    except OSError as error:
        raise CannotWrite(shown, error) from None
    existing = check_folder(out, force=force, protect=protect, flag=flag)
    try:
        _write_staged(files, relative, target)
    except OSError as error:
        raise CannotWrite(shown, error) from None
    return existing


def _make_parent(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where a folder is needed
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder)) from None


def _write_staged(
    files: Mapping[str, str | bytes], relative: Mapping[str, PurePosixPath], out: Path
) -> None:
    root = staging.create(out.parent, out.name, "new")
    try:
        tree = root / staging.TREE
        tree.mkdir()
        os.chmod(tree, DIR_MODE)
        for key, path in relative.items():
            _write_file(tree.joinpath(*path.parts), files[key])
        _swap_into_place(tree, out)
    finally:
        staging.remove(root)


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


def _swap_into_place(tree: Path, out: Path) -> None:
    """Rename ``tree`` to ``out``; an existing ``out`` is moved aside first, then deleted."""
    if not (out.exists() or out.is_symlink()):
        os.rename(tree, out)
        return
    root = staging.create(out.parent, out.name, "old")
    aside = root / staging.TREE
    try:
        os.rename(out, aside)
    except BaseException:
        staging.remove(root)
        raise
    try:
        os.rename(tree, out)
    except BaseException:
        os.rename(aside, out)  # should this fail too, the old folder stays in root, swept later
        staging.remove(root)
        raise
    staging.remove(root)


def write_file(path: Path, content: str) -> None:
    """Replace the file ``path`` with ``content`` (UTF-8) atomically: a temporary file beside it,
    renamed over it, so a reader sees the old file or the new one, never half of one. A link
    stays a link: the file it leads to is replaced. An ``OSError`` is :class:`CannotWrite`."""
    try:
        _replace_file(Path(os.path.realpath(path)), content)
    except OSError as error:
        raise CannotWrite(str(path), error) from None


def _replace_file(path: Path, content: str) -> None:
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
