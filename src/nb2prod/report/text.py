"""The human rendering: ``path:cell:line: kind: message``, the hint under it, a summary last."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from nb2prod.findings import Finding, Report, Severity

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


@dataclass(frozen=True)
class Style:
    """ANSI colours, or none."""

    colour: bool = False

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text


def render_finding(path: str, finding: Finding, style: Style) -> str:
    where = f"{path}:{finding.cell}:{finding.line}" if finding.cell is not None else path
    kind = style.paint(finding.kind, "1;" + _COLOURS[finding.severity])
    severity = style.paint(f"[{finding.severity.value}]", _COLOURS[finding.severity])
    hint = style.paint(f"    hint: {finding.hint}", "2")
    proof = style.paint("(recorded) ", "35") if finding.proof == "recorded" else ""
    return f"{where}: {kind}: {severity} {proof}{finding.message}\n{hint}"


def render_report(report: Report, level: Severity, style: Style) -> str:
    lines = [render_finding(report.path, f, style) for f in report.at_least(level)]
    errors = sum(f.severity is Severity.ERROR for f in report.findings)
    if report.reproducible:
        verdict = style.paint("reproducible", "32")
        detail = "a fresh kernel running it top to bottom should give the stored outputs"
    else:
        verdict = style.paint("NOT reproducible", "1;31")
        detail = f"{errors} error finding(s) above"
    lines.append(f"{report.path}: {verdict}: {detail}")
    return "\n".join(lines)


def render_summary(reports: Sequence[Report], unusable: int, level: Severity) -> str:
    counts: Counter[Severity] = Counter(f.severity for r in reports for f in r.at_least(level))
    good = sum(r.reproducible for r in reports)
    parts = [
        f"checked {len(reports)} notebook(s): {good} reproducible, {len(reports) - good} not",
        f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.INFO]} info",
    ]
    ignored = sum(r.ignored for r in reports)
    if ignored:
        parts.append(f"{ignored} ignored on purpose (configuration, cell comments or tags)")
    if unusable:
        parts.append(f"{unusable} file(s) could not be read")
    return "; ".join(parts)
