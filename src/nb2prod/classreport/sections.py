"""Two parts of the class report page: the most common mistakes, each explained with a minimal
bad and good example, and each notebook's section (its verdict, then the notebook as nbconvert
rendered it with the findings beside its cells). Every text is escaped here."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from nb2prod.classreport.findings_html import aside, prose
from nb2prod.classreport.model import KindCount, NotebookResult
from nb2prod.classreport.render import Rendered
from nb2prod.classreport.teaching import Lesson
from nb2prod.findings import Finding, Severity

_STATUS = {"reproducible": "nbp-ok", "not reproducible": "nbp-bad", "unusable": "nbp-unusable"}


def lessons_section(lessons: Sequence[Lesson], counts: Sequence[KindCount]) -> str:
    """The most common mistakes, the most widespread first."""
    if not lessons:
        body = "<p>No notebook has an error or warning finding.</p>"
    else:
        by_kind = {c.kind: c for c in counts}
        body = "".join(_lesson(lesson, by_kind.get(lesson.kind)) for lesson in lessons)
    return f'<section id="mistakes"><h2>The most common mistakes</h2>{body}</section>'


def _lesson(lesson: Lesson, count: KindCount | None) -> str:
    where = (
        f'<p class="nbp-lede">In {count.notebooks} notebook(s) of {count.students} student(s).</p>'
        if count is not None
        else ""
    )
    code = f" · {escape(lesson.code)}" if lesson.code else ""
    parts = [
        f'<article class="nbp-lesson" id="kind-{escape(lesson.kind)}">',
        f"<h3>{escape(lesson.title)} <small><code>{escape(lesson.kind)}</code>{code}</small></h3>",
        where,
        f"<p>{prose(lesson.summary)}</p>" if lesson.summary else "",
    ]
    if lesson.why:
        parts.append(f"<h4>Why it matters</h4><p>{prose(lesson.why)}</p>")
    if lesson.bad is not None and lesson.good is not None:
        parts.append(
            '<div class="nbp-examples">'
            f'<figure class="nbp-bad-example"><figcaption>Bad</figcaption>'
            f"<pre>{escape(lesson.bad)}</pre></figure>"
            f'<figure class="nbp-good-example"><figcaption>Good</figcaption>'
            f"<pre>{escape(lesson.good)}</pre></figure></div>"
        )
    if lesson.fix:
        parts.append(f"<h4>How to fix it</h4><p>{prose(lesson.fix)}</p>")
    parts.append("</article>")
    return "".join(parts)


def notebook_section(notebook: NotebookResult, anchor: str, rendered: Rendered | None) -> str:
    """One notebook's section, with the id ``anchor``."""
    submission = notebook.submission
    heading = " · ".join(escape(p) for p in (submission.student, submission.assignment))
    parts = [
        f'<section class="nbp-notebook" id="{anchor}" aria-label="{escape(submission.relative)}">',
        f"<h3>{heading} · {escape(submission.name)}</h3>",
        f'<p><span class="nbp-status {_STATUS[notebook.verdict]}">{notebook.verdict}</span>'
        f"{_tally(notebook)} · <code>{escape(submission.relative)}</code></p>",
    ]
    if notebook.error is not None:
        parts.append(f'<p class="nbp-problem">Could not be used: {escape(notebook.error)}</p>')
    elif rendered is None:
        parts.append(_loose(notebook.findings, "Findings"))
    else:
        if rendered.problem is not None:
            parts.append(f'<p class="nbp-problem">Not shown: {escape(rendered.problem)}</p>')
        parts.append(_loose(rendered.loose, "About the whole notebook"))
        if rendered.html is not None:
            parts.append(f'<div class="nbp-render">{rendered.html}</div>')
    parts.append('<p class="nbp-top"><a href="#students">back to the table</a></p></section>')
    return "".join(parts)


def _tally(notebook: NotebookResult) -> str:
    if notebook.report is None:
        return ""
    numbers = (notebook.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    errors, warnings, info = numbers
    return f": {errors} error(s), {warnings} warning(s), {info} info"


def _loose(findings: Sequence[Finding], heading: str) -> str:
    if not findings:
        return ""
    return f'<div class="nbp-loose"><h4>{escape(heading)}</h4>{aside(findings)}</div>'
