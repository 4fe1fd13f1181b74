"""Locking a package folder written by ``nb2prod convert``: its ``pyproject.toml`` names the
direct dependencies (an exact ``==`` pin there counts as a ``pip install`` pin), its
``nb2prod.json`` may carry versions the notebook's kernel recorded (``"recorded"``:
name -> version); the rest is pinned to what is installed here."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nb2prod.deps.lock import (
    IN_FILE,
    LOCK_FILE,
    Resolver,
    compile_lock,
    pins,
    render_requirements_in,
)
from nb2prod.deps.requirement import Environment, Requirement
from nb2prod.deps.versions import parse_pip_requirement, pin_versions
from nb2prod.errors import NotebookError


@dataclass(frozen=True)
class LockResult:
    """The two files' texts, and the direct requirements behind them."""

    requirements: tuple[Requirement, ...]
    requirements_in: str
    lock: str

    @property
    def pinned(self) -> int:
        """How many distributions the lock pins."""
        return len(pins(self.lock))


def lock_package(
    package_dir: Path,
    *,
    resolver: Resolver = "auto",
    recorded: Mapping[str, str] | None = None,
    env: Environment | None = None,
    timeout: float = 600,
    find_links: Sequence[str] = (),
    no_index: bool = False,
) -> LockResult:
    """Pin and lock the direct dependencies of the package in ``package_dir`` (nothing written).

    Raises :class:`NotebookError` when it is not a package folder or resolution fails.
    """
    where = str(package_dir)
    project = _read_pyproject(package_dir)
    name, listed = _project_dependencies(project, where)
    versions = {**_recorded(package_dir), **(recorded or {})}
    names = [p[0] for p in map(parse_pip_requirement, listed) if p is not None]
    requirements = tuple(pin_versions(names, listed, recorded=versions, env=env))
    text_in = render_requirements_in(requirements, name)
    lock = compile_lock(
        text_in,
        requirements,
        where=where,
        resolver=resolver,
        timeout=timeout,
        find_links=find_links,
        no_index=no_index,
    )
    return LockResult(requirements, text_in, lock)


def with_lock(
    files: Mapping[str, str | bytes], notebook: str, *, hint: str = ""
) -> dict[str, str | bytes]:
    """The package's files (as ``convert`` makes them) plus ``requirements.in`` and
    ``requirements.lock``, resolved in a scratch folder before anything is written, so that a
    failure writes nothing.

    Raises :class:`NotebookError` naming ``notebook`` when resolution fails; ``hint``, when given,
    is added to its reason in parentheses (what the caller can do instead).
    """
    from nb2prod.output import write_tree

    with tempfile.TemporaryDirectory(prefix="nb2prod-lock-") as scratch:
        staged = Path(scratch) / "package"
        write_tree(files, staged)
        try:
            locked = lock_package(staged)
        except NotebookError as error:
            reason = f"{error.reason} ({hint})" if hint else error.reason
            raise NotebookError(notebook, reason) from None
    return {**files, IN_FILE: locked.requirements_in, LOCK_FILE: locked.lock}


def write_lock(package_dir: Path, result: LockResult) -> None:
    """Write ``requirements.in`` and ``requirements.lock`` atomically (temp file, then replace)."""
    for name, text in ((IN_FILE, result.requirements_in), (LOCK_FILE, result.lock)):
        try:
            _write_atomically(package_dir, name, text)
        except OSError as error:
            raise NotebookError(
                str(package_dir), f"cannot write {name}: {error.strerror or error}"
            ) from None


def _write_atomically(folder: Path, name: str, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_pyproject(package_dir: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - pip-tools brings tomli there
        import tomli as tomllib

    path = package_dir / "pyproject.toml"
    if not path.is_file():
        raise NotebookError(str(package_dir), "not a package folder: no pyproject.toml")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise NotebookError(str(path), f"not valid TOML: {error}") from None


def _project_dependencies(project: dict[str, Any], where: str) -> tuple[str, list[str]]:
    table = project.get("project")
    listed = table.get("dependencies", []) if isinstance(table, dict) else None
    if not isinstance(listed, list) or not all(isinstance(d, str) for d in listed):
        raise NotebookError(where, "pyproject.toml has no [project] dependencies list")
    for entry in listed:
        if parse_pip_requirement(entry) is None:
            raise NotebookError(where, f"pyproject.toml: not a requirement: {entry!r}")
    name = table.get("name", "") if isinstance(table, dict) else ""
    return (name if isinstance(name, str) else ""), listed


def _recorded(package_dir: Path) -> dict[str, str]:
    """``nb2prod.json``'s ``"recorded"`` versions, when it has them."""
    path = package_dir / "nb2prod.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found = data.get("recorded") if isinstance(data, dict) else None
    if not isinstance(found, dict):
        return {}
    return {str(k): str(v) for k, v in found.items() if isinstance(v, str) and v}
