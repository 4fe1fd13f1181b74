"""Where the two sides come from: the command line's words (files, folders, git revisions of a
path) or git's seven external-diff arguments, read into :class:`~nb2prod.diff.model.Side`
values. The one module of the diff that reads files and runs git."""

from __future__ import annotations

import os
from collections.abc import Sequence

from nb2prod.diff import gitread
from nb2prod.diff.model import Side, empty
from nb2prod.diff.sides import notebook_side, package_side
from nb2prod.errors import NotebookError

#: What git passes for the side of a file that was added or deleted.
NO_FILE = "/dev/null"
#: Files of a package folder read from disk at most (data included).
MAX_FOLDER_BYTES = gitread.MAX_FOLDER_BYTES


def resolve(words: Sequence[str], where: str = ".") -> tuple[Side, Side]:
    """``OLD NEW`` (files or folders), ``REV PATH`` (REV against the working tree) or
    ``REV REV PATH``; an unusable word raises :class:`NotebookError`."""
    if len(words) == 3:
        old, new, path = words
        return at_revision(old, path, where), at_revision(new, path, where)
    if len(words) != 2:
        raise NotebookError("nb2prod diff", "give OLD NEW, REV -- PATH or REV REV -- PATH")
    old, new = words
    if not os.path.exists(old) and os.path.exists(new) and gitread.is_revision(old, where):
        return at_revision(old, new, where), on_disk(new)
    return on_disk(old), on_disk(new)


def git_driver(arguments: Sequence[str]) -> tuple[Side, Side]:
    """The sides of git's external diff call: ``path old-file old-hex old-mode new-file
    new-hex new-mode`` (``/dev/null`` for a side that does not exist)."""
    if len(arguments) != 7:
        raise NotebookError("nb2prod diff --git-driver", "git passes 7 arguments")
    path, old_file, old_hex, _, new_file, new_hex, _ = arguments
    return (_driver_side(old_file, f"a/{path}", old_hex),
            _driver_side(new_file, f"b/{path}", new_hex))  # fmt: skip


def _driver_side(file: str, label: str, digest: str) -> Side:
    if file == NO_FILE:
        return empty(label)
    return _notebook_text(_read(file), label)


def on_disk(path: str) -> Side:
    """A notebook file or a generated package folder on disk."""
    if os.path.isdir(path):
        return package_side(_folder(path), path)
    if not os.path.exists(path):
        raise NotebookError(path, "no such file, folder or git revision")
    from nb2prod.notebook import load

    return notebook_side(load(path), path)


def at_revision(revision: str, path: str, where: str = ".") -> Side:
    """``path`` as it is in ``revision`` (a notebook or a package folder)."""
    label = f"{revision}:{path}"
    if not gitread.is_revision(revision, where):
        raise NotebookError(revision, "not a git revision here")
    kind = gitread.kind_at(revision, path, where)
    if kind == "tree":
        return package_side(gitread.read_tree(revision, path, where), label)
    if kind != "blob":
        raise NotebookError(label, "no such file at that revision")
    return _notebook_text(gitread.read_blob(revision, path, where), label)


def _notebook_text(data: bytes, label: str) -> Side:
    from nb2prod.notebook import loads

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NotebookError(label, "not UTF-8 text") from None
    return notebook_side(loads(text, label), label)


def _read(path: str) -> bytes:
    from nb2prod.safefiles import MAX_NOTEBOOK_BYTES

    with open(path, "rb") as handle:
        data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookError(path, "larger than nb2prod reads")
    return data


def _folder(path: str) -> dict[str, bytes]:
    """Every regular file under a package folder, by relative path (links and caches left)."""
    found: dict[str, bytes] = {}
    total = 0
    for root, folders, files in os.walk(path):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f != "__pycache__")
        for name in sorted(files):
            full = os.path.join(root, name)
            if os.path.islink(full) or not os.path.isfile(full):
                continue
            total += os.path.getsize(full)
            if total > MAX_FOLDER_BYTES:
                raise NotebookError(path, "larger than nb2prod reads")
            with open(full, "rb") as handle:
                found[os.path.relpath(full, path).replace(os.sep, "/")] = handle.read()
    if "pyproject.toml" not in found:
        raise NotebookError(path, "not a package folder (no pyproject.toml)")
    return found
