"""The values a diff compares: what one side (a notebook, a package folder, either at a git
revision) says about its environment, dependencies, data, steps, outputs and findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from nb2prod.records import Environment

SideKind = Literal["notebook", "package", "none"]


@dataclass(frozen=True)
class Pin:
    """One locked distribution: its version, its hashes, whether ``requirements.in`` names it."""

    version: str
    hashes: frozenset[str] = frozenset()
    direct: bool = False


@dataclass(frozen=True)
class DataFile:
    """A data file the notebook read (as recorded) or the package ships."""

    sha256: str | None
    size: int | None


@dataclass(frozen=True)
class Step:
    """One generated step: its function, the cells it came from, its code and interface."""

    name: str
    module: str
    cells: tuple[str, ...]
    code: str
    parameters: tuple[str, ...] = ()
    returns: tuple[str, ...] = ()


@dataclass(frozen=True)
class CellOutput:
    """A code cell's stored text output; ``label``: ``cell 4 (e4db652afe07)``."""

    label: str
    text: str


@dataclass(frozen=True)
class FindingFact:
    """A finding, keyed by its kind and its cell's code (cells move, code stays)."""

    kind: str
    code: str
    cell: int | None
    severity: str
    message: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.code)


@dataclass(frozen=True)
class Side:
    """Everything one side says; ``None`` where that kind of side cannot say (a package has no
    stored outputs, a notebook no lock)."""

    label: str
    kind: SideKind
    environment: Environment | None = None
    distributions: frozenset[str] = frozenset()
    lock: Mapping[str, Pin] | None = None
    data: Mapping[str, DataFile] = field(default_factory=dict)
    steps: Mapping[str, Step] = field(default_factory=dict)
    outputs: Mapping[str, CellOutput] | None = None
    findings: tuple[FindingFact, ...] | None = None


def empty(label: str) -> Side:
    """A side that does not exist (a file added or deleted): everything on the other is new."""
    return Side(label, "none", outputs={}, findings=(), lock={})
