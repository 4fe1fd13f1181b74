"""``[tool.nb2prod]`` in ``pyproject.toml``, or ``nb2prod.toml``: which findings a team wants.

Keys (``nb2prod.toml`` holds them at the top level)::

    select = ["NB1", "unseeded-random"]   # kinds to report: names, codes or code prefixes, "ALL"
    ignore = ["star-import"]              # kinds never to report
    min-severity = "warning"              # hide findings below this level
    extra-secret-patterns = ["acme_[0-9a-f]{32}"]   # more credentials to report
    [per-path-ignores]                    # glob (relative to the config's folder) -> kinds
    "scratch/*.ipynb" = ["out-of-order"]

The nearest file up from the folder that holds the checked paths wins, as ruff finds its
configuration; ``nb2prod.toml`` before ``pyproject.toml`` in the same folder, and a
``pyproject.toml`` counts only when it has a ``[tool.nb2prod]`` table. A value nb2prod cannot
use is one line naming the file, the key and why (exit status 2), never silently dropped.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from nb2prod.errors import NotebookError
from nb2prod.findings import Severity
from nb2prod.kinds import KINDS

_KEYS = frozenset({"select", "ignore", "min-severity", "extra-secret-patterns", "per-path-ignores"})


@dataclass(frozen=True)
class Config:
    """What to report. ``select`` None: every kind. Globs in ``per_path`` are relative to
    ``root`` (the configuration file's folder)."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    min_severity: Severity = Severity.INFO
    secret_patterns: tuple[str, ...] = ()
    per_path: tuple[tuple[str, frozenset[str]], ...] = ()
    root: str = "."
    source: str | None = None  # the file it came from

    def wanted(self, kind: str, path: str) -> bool:
        """Whether findings of ``kind`` in the notebook at ``path`` are reported."""
        if kind in self.ignore or (self.select is not None and kind not in self.select):
            return False
        relative = _relative(path, self.root)
        return not any(kind in kinds and _matches(relative, glob) for glob, kinds in self.per_path)

    def with_options(
        self, select: Iterable[str] = (), ignore: Iterable[str] = (), where: str = "command line"
    ) -> Config:
        """This configuration with ``--select`` (replaces) and ``--ignore`` (adds) applied."""
        chosen = list(select)
        found = self
        if chosen:
            found = replace(found, select=kinds_of(chosen, where, "--select"))
        dropped = list(ignore)
        if dropped:
            found = replace(found, ignore=found.ignore | kinds_of(dropped, where, "--ignore"))
        return found


def kinds_of(selectors: Iterable[str], where: str, key: str) -> frozenset[str]:
    """Kind names from names, codes, code prefixes (``NB1``) or ``ALL``."""
    found: set[str] = set()
    for selector in selectors:
        text = selector.strip()
        if text.upper() == "ALL":
            found |= {k.name for k in KINDS}
            continue
        matched = {
            k.name for k in KINDS if k.name == text.lower() or k.code.startswith(text.upper())
        }
        if not text or not matched:
            raise NotebookError(
                where, f"{key}: unknown finding kind {text!r} (see nb2prod explain)"
            )
        found |= matched
    return frozenset(found)


def find_config(paths: Iterable[str], stop: str | None = None) -> Path | None:
    """The configuration file nearest above the folder holding ``paths`` (or the cwd), never
    above ``stop`` (a server's root)."""
    folders = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths]
    start = Path(os.path.commonpath(folders)) if folders else Path.cwd()
    chain = [start, *start.parents]
    if stop is not None:
        top = Path(os.path.abspath(stop))
        chain = [f for f in chain if f == top or top in f.parents]
    for folder in chain:
        own = folder / "nb2prod.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file() and _has_table(project):
            return project
    return None


def load_config(path: Path) -> Config:
    """The configuration in ``path`` (``nb2prod.toml`` or a ``pyproject.toml``)."""
    table = _read(path)
    if path.name == "pyproject.toml":
        tool = table.get("tool")
        table = tool.get("nb2prod", {}) if isinstance(tool, Mapping) else {}
        if not isinstance(table, Mapping):
            raise NotebookError(str(path), "[tool.nb2prod] must be a table")
    return parse(table, str(path), str(path.parent))


def parse(table: Mapping[str, Any], where: str, root: str) -> Config:
    """A configuration from its TOML table; ``where`` names it in errors."""
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise NotebookError(
            where, f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})"
        )
    select = table.get("select")
    level = table.get("min-severity", "info")
    if level not in {s.value for s in Severity}:
        raise NotebookError(where, f"min-severity: {level!r} is not info, warning or error")
    return Config(
        select=kinds_of(_strings(select, where, "select"), where, "select")
        if select is not None
        else None,
        ignore=kinds_of(_strings(table.get("ignore", []), where, "ignore"), where, "ignore"),
        min_severity=Severity(level),
        secret_patterns=_patterns(table.get("extra-secret-patterns", []), where),
        per_path=_per_path(table.get("per-path-ignores", {}), where),
        root=root,
        source=where,
    )


def _per_path(value: Any, where: str) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(value, Mapping):
        raise NotebookError(where, "per-path-ignores must be a table of glob = [kinds]")
    key = "per-path-ignores"
    return tuple(
        (str(glob), kinds_of(_strings(kinds, where, f"{key}.{glob}"), where, f"{key}.{glob}"))
        for glob, kinds in sorted(value.items())
    )


def _patterns(value: Any, where: str) -> tuple[str, ...]:
    found = []
    for pattern in _strings(value, where, "extra-secret-patterns"):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise NotebookError(where, f"extra-secret-patterns: {pattern!r}: {exc}") from None
        found.append(pattern)
    return tuple(found)


def _strings(value: Any, where: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise NotebookError(where, f"{key} must be a list of strings")
    return list(value)


def _read(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise NotebookError(str(path), f"cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NotebookError(str(path), f"not valid TOML: {exc}") from None


def _has_table(project: Path) -> bool:
    try:
        text = project.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "[tool.nb2prod" in text


def _relative(path: str, root: str) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _matches(path: str, glob: str) -> bool:
    return fnmatch.fnmatchcase(path, glob) or fnmatch.fnmatchcase(Path(path).name, glob)
