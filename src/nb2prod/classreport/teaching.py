"""What the class report teaches about a kind of finding: the registry's title and summary, and
its teaching text (why it matters, how to fix, a minimal bad and good notebook) where the
registry has one."""

from __future__ import annotations

from dataclasses import dataclass

from nb2prod.kinds import BY_NAME


@dataclass(frozen=True)
class Lesson:
    """One kind, explained; the teaching parts are None where the registry has none for it."""

    kind: str
    code: str
    title: str
    summary: str
    why: str | None = None
    fix: str | None = None
    bad: str | None = None
    good: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "code": self.code,
            "title": self.title,
            "summary": self.summary,
            "why": self.why,
            "fix": self.fix,
            "bad": self.bad,
            "good": self.good,
        }


def lesson(name: str) -> Lesson:
    """The lesson for the kind ``name`` (a kind the registry lacks is named, and no more)."""
    kind = BY_NAME.get(name)
    if kind is None:
        return Lesson(name, "", name, "")
    try:
        teaching = kind.teaching
    except KeyError:  # the registry has no teaching text for this kind
        return Lesson(kind.name, kind.code, kind.title, kind.summary)
    return Lesson(
        kind.name,
        kind.code,
        kind.title,
        kind.summary,
        teaching.why,
        teaching.fix,
        teaching.bad.text(),
        teaching.good.text(),
    )
