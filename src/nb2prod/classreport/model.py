"""The class report as values: each notebook's result, the findings counted across the class,
the most common mistakes; :meth:`ClassReport.to_dict` is the ``--format json`` output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nb2prod import __version__
from nb2prod.classreport.layout import LayoutKind, Submission, natural
from nb2prod.classreport.teaching import Lesson, lesson
from nb2prod.findings import Finding, Report, Severity
from nb2prod.kinds import BY_NAME

#: How many of the most common mistakes the report explains.
MISTAKES_SHOWN = 5


@dataclass(frozen=True)
class NotebookResult:
    """One notebook: its findings and verdict, or ``error``, the one-line reason it could not be
    used (without its path)."""

    submission: Submission
    report: Report | None = None
    error: str | None = None

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.report.findings if self.report is not None else ()

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def verdict(self) -> str:
        """``reproducible``, ``not reproducible`` or ``unusable``."""
        if self.report is None:
            return "unusable"
        return "reproducible" if self.report.reproducible else "not reproducible"

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = self.submission.to_dict()
        if self.report is None:
            return {**found, "verdict": self.verdict, "error": self.error}
        return {
            **found,
            "verdict": self.verdict,
            "reproducible": self.report.reproducible,
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "info": self.count(Severity.INFO),
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class KindCount:
    """One kind of finding across the class: how many notebooks and students show it, and its
    findings by severity."""

    kind: str
    notebooks: int
    students: int
    error: int
    warning: int
    info: int

    @property
    def title(self) -> str:
        known = BY_NAME.get(self.kind)
        return known.title if known is not None else self.kind

    @property
    def code(self) -> str:
        known = BY_NAME.get(self.kind)
        return known.code if known is not None else ""

    @property
    def total(self) -> int:
        return self.error + self.warning + self.info

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "title": self.title,
            "notebooks": self.notebooks,
            "students": self.students,
            "error": self.error,
            "warning": self.warning,
            "info": self.info,
        }


@dataclass(frozen=True)
class ClassReport:
    """Every notebook of a class folder (as the user named it), in layout order."""

    folder: str
    layout: LayoutKind
    notebooks: tuple[NotebookResult, ...]
    notes: tuple[str, ...] = ()

    @property
    def students(self) -> tuple[str, ...]:
        return tuple(sorted({n.submission.student for n in self.notebooks}, key=natural))

    @property
    def assignments(self) -> tuple[str, ...]:
        return tuple(sorted({n.submission.assignment for n in self.notebooks}, key=natural))

    def verdicts(self) -> dict[str, int]:
        counts = {"reproducible": 0, "not reproducible": 0, "unusable": 0}
        for notebook in self.notebooks:
            counts[notebook.verdict] += 1
        return counts

    def kind_counts(self) -> tuple[KindCount, ...]:
        """Each kind found, the most widespread first (notebooks, then findings, then name)."""
        return tuple(sorted(_count_kinds(self.notebooks), key=_widest))

    def mistakes(self, limit: int = MISTAKES_SHOWN) -> tuple[Lesson, ...]:
        """The kinds with the most notebooks holding an error or warning of them, explained."""
        counted = _count_kinds(self.notebooks, at_least=Severity.WARNING)
        return tuple(lesson(c.kind) for c in sorted(counted, key=_widest)[:limit])

    def summary_line(self, out: str) -> str:
        counts = self.verdicts()
        unusable = f", {counts['unusable']} unusable" if counts["unusable"] else ""
        return (
            f"{out}: {len(self.notebooks)} notebook(s) of {len(self.students)} student(s), "
            f"{len(self.assignments)} assignment(s): {counts['reproducible']} reproducible, "
            f"{counts['not reproducible']} not{unusable}"
        )

    def to_dict(self) -> dict[str, Any]:
        counts = self.verdicts()
        return {
            "nb2prod": __version__,
            "folder": self.folder,
            "layout": self.layout,
            "students": list(self.students),
            "assignments": list(self.assignments),
            "summary": {
                "notebooks": len(self.notebooks),
                "reproducible": counts["reproducible"],
                "not_reproducible": counts["not reproducible"],
                "unusable": counts["unusable"],
            },
            "notes": list(self.notes),
            "kinds": [c.to_dict() for c in self.kind_counts()],
            "common_mistakes": [m.to_dict() for m in self.mistakes()],
            "notebooks": [n.to_dict() for n in self.notebooks],
        }


def _widest(count: KindCount) -> tuple[int, int, str]:
    return (-count.notebooks, -count.total, count.kind)


def _count_kinds(
    notebooks: tuple[NotebookResult, ...], at_least: Severity = Severity.INFO
) -> list[KindCount]:
    holders: dict[str, set[int]] = {}
    students: dict[str, set[str]] = {}
    levels: dict[str, dict[Severity, int]] = {}
    for index, notebook in enumerate(notebooks):
        for finding in notebook.findings:
            if finding.severity.rank < at_least.rank:
                continue
            holders.setdefault(finding.kind, set()).add(index)
            students.setdefault(finding.kind, set()).add(notebook.submission.student)
            by_level = levels.setdefault(finding.kind, dict.fromkeys(Severity, 0))
            by_level[finding.severity] += 1
    return [
        KindCount(
            kind,
            len(holders[kind]),
            len(students[kind]),
            levels[kind][Severity.ERROR],
            levels[kind][Severity.WARNING],
            levels[kind][Severity.INFO],
        )
        for kind in holders
    ]
