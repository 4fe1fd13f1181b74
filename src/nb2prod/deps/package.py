"""Locking a package folder written by ``nb2prod convert``: its ``pyproject.toml`` names the
direct dependencies (an exact ``==`` pin there counts as a ``pip install`` pin), its
``nb2prod.json`` may carry versions the notebook's kernel recorded (``"recorded"``:
name -> version, see ``recorded``): they pin the direct dependencies and hold the indirect ones;
the rest is pinned to what is installed here. Both files are read as untrusted: names, versions
and the Python pass the checks of ``metadata_values``, and what fails is left out with a notice
(:attr:`LockResult.notices`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nb2prod import metadata_values as mv
from nb2prod.deps.lock import (
    IN_FILE,
    LOCK_FILE,
    UNREACHABLE,
    Resolver,
    applied,
    choose_resolver,
    compile_lock,
    pins,
    render_requirements_in,
)
from nb2prod.deps.recorded import (
    PROVENANCE,
    held_back,
    kept,
    parse_provenance,
    read_provenance,
    recorded_python,
    recorded_versions,
    restrict,
)
from nb2prod.deps.requirement import Environment, Requirement
from nb2prod.deps.versions import parse_pip_requirement, pin_versions
from nb2prod.errors import NotebookError
from nb2prod.progress import Report, quiet

PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class LockResult:
    """The two files' texts, the direct requirements behind them, the recorded versions of
    the distributions the lock pins (canonical name, version), and one line per value of the
    package's files that was left out (``PATH: ignored ...``)."""

    requirements: tuple[Requirement, ...]
    requirements_in: str
    lock: str
    recorded: tuple[tuple[str, str], ...] = ()
    notices: tuple[str, ...] = ()

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
    progress: Report = quiet,
) -> LockResult:
    """Pin and lock the direct dependencies of the package in ``package_dir`` (nothing written).

    Raises :class:`NotebookError` when it is not a package folder or resolution fails.
    """
    return _lock_project(
        _read_pyproject(package_dir),
        read_provenance(package_dir),
        str(package_dir),
        resolver=resolver,
        recorded=recorded,
        env=env,
        timeout=timeout,
        find_links=find_links,
        no_index=no_index,
        progress=progress,
    )


def _lock_project(
    project: dict[str, Any],
    provenance: Mapping[str, Any],
    where: str,
    *,
    resolver: Resolver = "auto",
    recorded: Mapping[str, str] | None = None,
    env: Environment | None = None,
    timeout: float = 600,
    find_links: Sequence[str] = (),
    no_index: bool = False,
    progress: Report = quiet,
) -> LockResult:
    """``lock_package`` of a package's parsed ``pyproject.toml`` and ``nb2prod.json``."""
    ignored: list[mv.Ignored] = []
    name, listed = _project_dependencies(project, where)
    versions = {**recorded_versions(provenance, ignored), **mv.versions(recorded, ignored)}
    names = [p[0] for p in map(parse_pip_requirement, listed) if p is not None]
    requirements = tuple(pin_versions(names, listed, recorded=versions, env=env))
    held = held_back(versions, requirements)
    python = recorded_python(provenance, ignored)
    notices = tuple(n.line(f"{where}/{PROVENANCE}") for n in mv.unique(ignored))
    if name and not mv.is_good(name, mv.distribution_name):
        bad = mv.Ignored("project name", name, "not a distribution name")
        notices, name = (*notices, bad.line(f"{where}/{PYPROJECT}")), ""

    def compile_with(constraints: Sequence[Requirement]) -> str:
        return compile_lock(
            render_requirements_in(requirements, name),
            requirements,
            where=where,
            resolver=resolver,
            timeout=timeout,
            find_links=find_links,
            no_index=no_index,
            constraints=constraints,
            python=python,
            progress=progress,
        )

    lock, notes = _compile_held(compile_with, held)
    notes += _python_notes(python, resolver)
    text_in = render_requirements_in(
        requirements, name, constraints=applied(held, lock), notes=notes
    )
    return LockResult(requirements, text_in, lock, kept(versions, pins(lock)), notices)


def _compile_held(
    compile_with: Callable[[Sequence[Requirement]], str], held: Sequence[Requirement]
) -> tuple[str, list[str]]:
    """The lock with the recorded versions of indirect dependencies held; when they cannot all
    be had together, the lock without them, and a note saying why."""
    try:
        return compile_with(held), []
    except NotebookError as error:
        if not held or UNREACHABLE in error.reason:
            raise
        reason = error.reason
    lock = compile_with(())
    note = f"Their recorded dependencies could not be held ({reason}): resolved freely."
    return lock, [note]


def _python_notes(python: str | None, resolver: Resolver) -> list[str]:
    """pip-tools resolves for the Python it runs on: say so when the kernel ran another one."""
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if python is None or python == here or choose_resolver(resolver) != "pip-tools":
        return []
    return [
        f"Resolved by pip-tools for Python {here}, the one it ran on; the kernel ran {python}"
        " (`nb2prod lock --resolver uv` resolves for it)."
    ]


def with_lock(
    files: Mapping[str, str | bytes], notebook: str, *, hint: str = ""
) -> dict[str, str | bytes]:
    """The package's files (as ``convert`` makes them) plus ``requirements.in`` and
    ``requirements.lock``, resolved from the files in memory before anything is written, so that
    a failure writes nothing.

    Raises :class:`NotebookError` naming ``notebook`` when resolution fails; ``hint``, when given,
    is added to its reason in parentheses (what the caller can do instead).
    """
    provenance = files.get(PROVENANCE)
    try:
        locked = _lock_project(
            _parse_pyproject(_text(files.get(PYPROJECT, b"")), notebook),
            parse_provenance(_text(provenance)) if provenance is not None else {},
            notebook,
        )
    except NotebookError as error:
        reason = f"{error.reason} ({hint})" if hint else error.reason
        raise NotebookError(notebook, reason) from None
    done = {**files, IN_FILE: locked.requirements_in, LOCK_FILE: locked.lock}
    if isinstance(provenance, str):  # the recorded versions the lock does not use are dropped
        done[PROVENANCE] = restrict(provenance, dict(locked.recorded))
    return done


def write_lock(package_dir: Path, result: LockResult) -> None:
    """Write ``requirements.in`` and ``requirements.lock`` atomically (temp file, then replace)."""
    from nb2prod.output import write_file

    for name, text in ((IN_FILE, result.requirements_in), (LOCK_FILE, result.lock)):
        try:
            write_file(package_dir / name, text)
        except OSError as error:
            raise NotebookError(
                str(package_dir), f"cannot write {name}: {error.strerror or error}"
            ) from None


def _read_pyproject(package_dir: Path) -> dict[str, Any]:
    path = package_dir / PYPROJECT
    if not path.is_file():
        raise NotebookError(str(package_dir), "not a package folder: no pyproject.toml")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(str(path), f"not valid TOML: {error}") from None
    return _parse_pyproject(text, str(path))


def _parse_pyproject(text: str, where: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - pip-tools brings tomli there
        import tomli as tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise NotebookError(where, f"not valid TOML: {error}") from None


def _text(content: str | bytes) -> str:
    return content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content


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
