"""Findings and per-notebook reports: the values every face of nb2prod shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Severity(str, Enum):
    """How much a finding matters; ordered from least to most."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Finding:
    """One thing nb2prod found in a notebook.

    ``cell`` is the cell's number counted from 1 over all cells (markdown included), as a reader
    counts them from the top; ``cell_id`` is the nbformat id when the notebook has ids; ``line``
    is 1-based within the cell's source, 0 when the finding is about the whole cell.
    """

    kind: str
    severity: Severity
    cell: int | None
    cell_id: str | None
    line: int
    message: str
    hint: str
    #: ``"recorded"`` when the kernel's record of what ran proves it, ``"inferred"`` when static
    #: analysis of the saved notebook found it.
    proof: str = "inferred"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity.value,
            "cell": self.cell,
            "cell_id": self.cell_id,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
            "proof": self.proof,
        }


@dataclass(frozen=True)
class Report:
    """One notebook's findings and the verdict: would a fresh top-to-bottom run reproduce it?"""

    path: str
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    reproducible: bool = True
    #: findings left out on purpose (configuration, a cell's comment or tag): counted, not shown
    ignored: int = 0

    def at_least(self, level: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity.rank >= level.rank)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def to_dict(self, min_severity: Severity = Severity.INFO) -> dict[str, Any]:
        found: dict[str, Any] = {
            "path": self.path,
            "reproducible": self.reproducible,
            "findings": [f.to_dict() for f in self.at_least(min_severity)],
        }
        if self.ignored:
            found["ignored"] = self.ignored
        return found
