"""What a diff found: sections in the order a reviewer reads them, each a sorted list of
changes. Plain values; :mod:`nb2prod.diff.render` shows them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

#: The sections, in the order they are shown, with their titles.
SECTIONS: Final = (
    ("environment", "Environment"),
    ("dependencies", "Dependencies"),
    ("data", "Data inputs"),
    ("steps", "Steps"),
    ("outputs", "Outputs"),
    ("findings", "Findings"),
)


@dataclass(frozen=True)
class Change:
    """One change: ``subject`` (a package, a file, a step, a cell) went from ``old`` to ``new``;
    ``kind`` says how (``changed``, ``added``, ``removed``, ``upgraded``, ...); ``note`` adds
    what a reviewer should know (a major version move, the cells a step came from); ``diff``
    is a short unified diff, when there is text to compare."""

    subject: str
    kind: str
    old: str | None = None
    new: str | None = None
    note: str = ""
    diff: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
            "note": self.note,
            "diff": list(self.diff),
        }


@dataclass(frozen=True)
class Section:
    """One section; ``unavailable`` says why it was not compared (neither side can say)."""

    name: str
    title: str
    changes: tuple[Change, ...] = ()
    unavailable: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "changes": [c.to_dict() for c in self.changes],
            "unavailable": self.unavailable,
        }


@dataclass(frozen=True)
class Diff:
    """The whole comparison of ``old`` with ``new`` (as the user named them)."""

    old: str
    new: str
    sections: tuple[Section, ...]

    @property
    def changed(self) -> bool:
        return any(section.changes for section in self.sections)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "changed": self.changed,
            "sections": [s.to_dict() for s in self.sections],
        }
