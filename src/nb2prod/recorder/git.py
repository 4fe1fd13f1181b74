"""The git commit, branch and dirty state of the repository holding a folder, when there is one.

The commit is read from the repository's files; only the dirty state asks ``git`` itself, with a
short time limit, and is None when git is not installed or too slow.
"""

from __future__ import annotations

import os
import subprocess
from typing import Any


def repository_root(folder: str) -> str | None:
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def head(root: str) -> tuple[str | None, str | None]:
    """(commit, branch) of the work tree at ``root``, read from its files."""
    git_dir = _git_dir(root)
    text = _read(os.path.join(git_dir, "HEAD"))
    if text is None:
        return None, None
    if not text.startswith("ref: "):
        return text or None, None
    ref = text[5:]
    branch = ref.removeprefix("refs/heads/")
    common = _common_dir(git_dir)
    commit = _read(os.path.join(common, ref)) or _packed(common, ref)
    return commit, branch


def git_facts(folder: str) -> dict[str, Any] | None:
    root = repository_root(folder)
    if root is None:
        return None
    commit, branch = head(root)
    return {"root": root, "commit": commit, "branch": branch, "dirty": _dirty(root)}


def _dirty(root: str) -> bool | None:
    try:
        done = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(done.stdout.strip()) if done.returncode == 0 else None


def _git_dir(root: str) -> str:
    dot_git = os.path.join(root, ".git")
    if os.path.isfile(dot_git):  # a worktree or submodule: "gitdir: <path>"
        text = _read(dot_git) or ""
        if text.startswith("gitdir: "):
            return os.path.normpath(os.path.join(root, text[8:]))
    return dot_git


def _common_dir(git_dir: str) -> str:
    text = _read(os.path.join(git_dir, "commondir"))
    return os.path.normpath(os.path.join(git_dir, text)) if text else git_dir


def _packed(git_dir: str, ref: str) -> str | None:
    for line in (_read(os.path.join(git_dir, "packed-refs")) or "").splitlines():
        commit, _, name = line.partition(" ")
        if name == ref:
            return commit
    return None


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return None
