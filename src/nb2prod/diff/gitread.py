"""Reading a path as it is at a git revision: ``git cat-file`` and ``git ls-tree`` in a
subprocess, into memory. Nothing is written into the repository."""

from __future__ import annotations

import os
import subprocess

from nb2prod.errors import NotebookError

#: The most bytes read of one revision's folder (a package, with its data).
MAX_FOLDER_BYTES = 256 * 1024 * 1024


def _git(args: list[str], where: str, label: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=where, capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise NotebookError(label, "git is not installed") from None
    except subprocess.TimeoutExpired:
        raise NotebookError(label, "git took too long") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise NotebookError(label, reason[-1] if reason else "git failed")
    return done.stdout


def is_revision(revision: str, where: str = ".") -> bool:
    """Whether ``revision`` names a commit of the repository ``where`` is in."""
    if revision.startswith("-"):
        return False
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], where, revision)
    except NotebookError:
        return False
    return True


def kind_at(revision: str, path: str, where: str = ".") -> str | None:
    """``blob`` (a file), ``tree`` (a folder) or None when ``path`` is not in ``revision``."""
    spec = f"{revision}:./{_relative(path, where)}"
    try:
        return _git(["cat-file", "-t", spec], where, spec).decode().strip()
    except NotebookError:
        return None


def read_blob(revision: str, path: str, where: str = ".") -> bytes:
    """The file ``path`` (relative to ``where``) as it is in ``revision``."""
    spec = f"{revision}:./{_relative(path, where)}"
    return _git(["cat-file", "blob", spec], where, spec)


def read_tree(revision: str, path: str, where: str = ".") -> dict[str, bytes]:
    """Every file under folder ``path`` in ``revision``, by its path inside that folder."""
    folder = _relative(path, where).rstrip("/")
    label = f"{revision}:{folder}"
    listing = _git(["ls-tree", "-r", "-l", "-z", revision, "--", f"./{folder}/"], where, label)
    found: dict[str, bytes] = {}
    total = 0
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) < 4 or parts[1] != b"blob":
            continue  # a submodule or a link: no file to read
        total += int(parts[3]) if parts[3].isdigit() else 0
        if total > MAX_FOLDER_BYTES:
            raise NotebookError(label, "larger than nb2prod reads")
        inside = os.path.relpath(name.decode("utf-8", "surrogateescape"), folder)
        found[inside.replace(os.sep, "/")] = _git(
            ["cat-file", "blob", parts[2].decode()], where, label
        )
    if not found:
        raise NotebookError(label, "no such folder at that revision")
    return found


def _relative(path: str, where: str = ".") -> str:
    if os.path.isabs(path):
        path = os.path.relpath(path, where)
    return path.replace(os.sep, "/").removeprefix("./")
