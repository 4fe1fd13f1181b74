"""Findings as HTML for the class report: the list shown beside a cell, every text escaped."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from nb2prod.findings import Finding, Severity
from nb2prod.kinds import BY_NAME

_QUOTED = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class Marks:
    """What a notebook's cells carry, by cell number (from 1): the findings beside them and
    a CSS class; ``loose``: findings that name no cell of the notebook."""

    asides: dict[int, str] = field(default_factory=dict)
    css: dict[int, str] = field(default_factory=dict)
    loose: tuple[Finding, ...] = ()


def cell_marks(findings: Sequence[Finding], cells: int) -> Marks:
    """The marks of a notebook of ``cells`` cells with ``findings``."""
    by_cell: dict[int, list[Finding]] = {}
    loose: list[Finding] = []
    for finding in findings:
        if finding.cell is not None and 1 <= finding.cell <= cells:
            by_cell.setdefault(finding.cell, []).append(finding)
        else:
            loose.append(finding)
    asides = {cell: aside(found) for cell, found in by_cell.items()}
    css = {cell: f" nbp-has-{worst(found).value}" for cell, found in by_cell.items()}
    return Marks(asides, css, tuple(loose))


def worst(findings: Sequence[Finding]) -> Severity:
    return max((f.severity for f in findings), key=lambda s: s.rank)


def aside(findings: Sequence[Finding]) -> str:
    """The findings about one cell, most severe first."""
    ordered = sorted(findings, key=lambda f: -f.severity.rank)
    items = "".join(item(f) for f in ordered)
    return f'<aside class="nbp-findings" aria-label="findings"><ul>{items}</ul></aside>'


def item(finding: Finding) -> str:
    """One finding: severity, title, kind and code, where (line), message, hint."""
    known = BY_NAME.get(finding.kind)
    title = known.title if known is not None else finding.kind
    code = f" {known.code}" if known is not None else ""
    where = f" · line {finding.line}" if finding.line else ""
    proof = " · proven by the kernel's record" if finding.proof == "recorded" else ""
    severity = finding.severity.value
    return (
        f'<li class="nbp-finding nbp-{severity}">'
        f'<span class="nbp-severity">{severity}</span> '
        f'<strong class="nbp-title">{escape(title)}</strong> '
        f'<span class="nbp-kind">{escape(finding.kind)}{escape(code)}{where}{escape(proof)}</span>'
        f'<p class="nbp-message">{prose(finding.message)}</p>'
        f'<p class="nbp-hint">{prose(finding.hint)}</p></li>'
    )


def prose(text: str) -> str:
    """``text`` escaped, its `backquoted` names set as code."""
    return _QUOTED.sub(r"<code>\1</code>", escape(text))
