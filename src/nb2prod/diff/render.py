"""A diff as text for a terminal, as Markdown for a pull-request comment, or as JSON. The
notebook's text is untrusted: Markdown escapes what could break out of its place (backticks,
HTML, table pipes) and every shown value is capped."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from nb2prod.diff.result import Change, Diff, Section

#: Characters kept of one shown value; changes shown of one section (JSON has them all).
MAX_VALUE = 120
MAX_CHANGES = 40
#: Control characters (a terminal's escape sequences among them), shown as escapes.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def render_json(diff: Diff) -> str:
    return json.dumps(diff.to_dict(), indent=2, sort_keys=True)


def render_text(diff: Diff) -> str:
    lines = [f"nb2prod diff {_cap(diff.old)} -> {_cap(diff.new)}"]
    if not diff.changed:
        lines.append("nothing of meaning changed")
    for section in diff.sections:
        if not section.changes:
            continue
        lines += ["", f"{section.title}:"]
        for change in section.changes[:MAX_CHANGES]:
            lines.append(f"  {_line(change, _cap)}")
            lines += [f"      {_cap(d, 200)}" for d in change.diff]
        lines += [f"  {_more(section)}"] if _more(section) else []
    lines += ["", _unavailable(diff)] if _unavailable(diff) else []
    return "\n".join(lines)


def render_markdown(diff: Diff) -> str:
    lines = [f"### nb2prod diff: {_md(diff.old)} → {_md(diff.new)}"]
    if not diff.changed:
        lines += ["", "Nothing of meaning changed."]
    for section in diff.sections:
        if section.changes:
            lines += ["", f"#### {section.title}", ""]
            for change in section.changes[:MAX_CHANGES]:
                lines.append(f"- {_line(change, _md, '→')}")
                if change.diff:
                    lines += ["", "  ```diff", *(f"  {_fenced(d)}" for d in change.diff),
                              "  ```"]  # fmt: skip
            lines += [f"- {_more(section)}"] if _more(section) else []
    if _unavailable(diff):
        lines += ["", f"<sub>{_md(_unavailable(diff))}</sub>"]
    return "\n".join(lines) + "\n"


def _more(section: Section) -> str:
    left = len(section.changes) - MAX_CHANGES
    return f"... and {left} more (see --format json)" if left > 0 else ""


def _line(change: Change, shown: Callable[[str], str], arrow: str = "->") -> str:
    """``numpy: upgraded 1.26.4 -> 2.0.0 (major version)``."""
    if change.old is not None and change.new is not None:
        values = f" {shown(change.old)} {arrow} {shown(change.new)}"
    elif change.new is not None:
        values = f" {shown(change.new)}"
    elif change.old is not None:
        values = f" (was {shown(change.old)})"
    else:
        values = ""
    note = f" ({shown(change.note)})" if change.note else ""
    return f"{shown(change.subject)}: {change.kind}{values}{note}"


def _unavailable(diff: Diff) -> str:
    parts = [f"{s.title.lower()}: {s.unavailable}" for s in diff.sections if _said(s)]
    return "not compared: " + "; ".join(parts) if parts else ""


def _said(section: Section) -> bool:
    return section.unavailable is not None


def _cap(value: str, limit: int = MAX_VALUE) -> str:
    flat = " ".join(value.split()) if "\n" in value else value
    flat = _CONTROL.sub(lambda m: ascii(m.group())[1:-1], flat)
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _md(value: str) -> str:
    """Untrusted text as inert Markdown: one line, capped, every special character escaped."""
    return _MD_SPECIAL.sub(r"\\\1", _cap(" ".join(value.split())))


def _fenced(line: str) -> str:
    """A diff line inside a ```` ```diff ```` fence: no run of backticks can close it."""
    return _cap(line, 200).replace("`", "'")
