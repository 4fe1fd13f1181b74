"""The class report as one self-contained, offline HTML page: inline CSS and inline SVG only,
no script; a Content-Security-Policy forbids the page to load or run anything, in case a
notebook's text ever got past the sanitizer (:mod:`.render`). Every text is escaped here."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from nb2prod import __version__
from nb2prod.classreport import anchor
from nb2prod.classreport.chart import bar_chart
from nb2prod.classreport.model import ClassReport, KindCount, NotebookResult
from nb2prod.classreport.render import Rendered
from nb2prod.classreport.sections import lessons_section, notebook_section
from nb2prod.classreport.style import stylesheet
from nb2prod.findings import Severity

#: Nothing may load from anywhere (images only from data: URLs), nothing may run.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'"
)
_MARKS = {"reproducible": ("nbp-ok", "✓"), "not reproducible": ("nbp-bad", "✗")}
_UNUSABLE = ("nbp-unusable", "!")


def render_page(report: ClassReport, rendered: Sequence[Rendered | None]) -> str:
    """The whole page; ``rendered`` holds each notebook's rendering, in the report's order."""
    title = f"Class report: {report.folder}"
    counts = report.kind_counts()
    lessons = report.mistakes()
    body = "".join(
        [
            _header(report),
            _notes(report.notes),
            _grid(report),
            _kinds(counts, {lesson.kind for lesson in lessons}),
            lessons_section(lessons, counts),
            '<section id="notebooks"><h2>Notebooks</h2>',
            *(
                notebook_section(n, anchor(i), rendered[i] if i < len(rendered) else None)
                for i, n in enumerate(report.notebooks)
            ),
            "</section>",
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="nb2prod {escape(__version__)}">\n'
        f"<title>{escape(title)}</title>\n<style>{stylesheet()}</style>\n</head>\n"
        f'<body>\n<main id="top">\n{body}\n</main>\n</body>\n</html>\n'
    )


def _header(report: ClassReport) -> str:
    counts = report.verdicts()
    layout = "an nbgrader course" if report.layout == "nbgrader" else "a folder of notebooks"
    totals = [
        (len(report.notebooks), "notebooks"),
        (len(report.students), "students"),
        (len(report.assignments), "assignments"),
        (counts["reproducible"], "reproducible"),
        (counts["not reproducible"], "not reproducible"),
        (counts["unusable"], "unusable"),
    ]
    items = "".join(f"<li><strong>{n}</strong>{label}</li>" for n, label in totals)
    return (
        f"<h1>Class report: {escape(report.folder)}</h1>"
        f'<p class="nbp-lede">{len(report.notebooks)} notebooks of {layout}, checked by '
        f"nb2prod {escape(__version__)} without running them. A notebook is reproducible "
        "when a fresh kernel running it top to bottom should give its stored outputs.</p>"
        f'<ul class="nbp-totals">{items}</ul>'
    )


def _notes(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{escape(note)}</li>" for note in notes)
    return f'<ul class="nbp-notes" aria-label="notes">{items}</ul>'


def _grid(report: ClassReport) -> str:
    cells: dict[tuple[str, str], list[int]] = {}
    for index, notebook in enumerate(report.notebooks):
        key = (notebook.submission.student, notebook.submission.assignment)
        cells.setdefault(key, []).append(index)
    head = "".join(f'<th scope="col">{escape(a)}</th>' for a in report.assignments)
    rows = []
    for student in report.students:
        row = [f'<th scope="row">{escape(student)}</th>']
        for assignment in report.assignments:
            found = cells.get((student, assignment), [])
            links = "".join(_verdict(report.notebooks[i], i) for i in found)
            row.append(f"<td>{links}</td>" if found else '<td class="nbp-none">—</td>')
        rows.append(f"<tr>{''.join(row)}</tr>")
    return (
        '<section id="students"><h2>Students and assignments</h2>'
        '<table class="nbp-grid"><thead><tr><th scope="col">student</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _verdict(notebook: NotebookResult, index: int) -> str:
    css, mark = _MARKS.get(notebook.verdict, _UNUSABLE)
    if notebook.report is None:
        detail = escape(notebook.error or "could not be used")
    else:
        errors, warnings = notebook.count(Severity.ERROR), notebook.count(Severity.WARNING)
        detail = f"{errors} error(s) · {warnings} warning(s)"
    return (
        f'<a class="nbp-verdict {css}" href="#{anchor(index)}" '
        f'title="{escape(notebook.verdict)}">{mark} {escape(notebook.submission.name)}'
        f"<small>{escape(notebook.verdict)}: {detail}</small></a>"
    )


def _kinds(counts: Sequence[KindCount], explained: set[str]) -> str:
    rows = "".join(
        f"<tr><td>{_title(c, explained)}</td>"
        f"<td><code>{escape(c.kind)}</code></td><td>{escape(c.code)}</td>"
        f'<td class="nbp-n">{c.notebooks}</td><td class="nbp-n">{c.students}</td>'
        f'<td class="nbp-n">{c.error}</td><td class="nbp-n">{c.warning}</td>'
        f'<td class="nbp-n">{c.info}</td></tr>'
        for c in counts
    )
    table = (
        '<table class="nbp-counts"><thead><tr><th>finding</th><th>kind</th><th>code</th>'
        "<th>notebooks</th><th>students</th><th>errors</th><th>warnings</th><th>info</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        if counts
        else ""
    )
    return (
        '<section id="kinds"><h2>Findings across the class</h2>'
        f"{bar_chart(counts)}{table}</section>"
    )


def _title(count: KindCount, explained: set[str]) -> str:
    """The kind's title, a link to its lesson below when there is one."""
    if count.kind in explained:
        return f'<a href="#kind-{escape(count.kind)}">{escape(count.title)}</a>'
    return escape(count.title)
