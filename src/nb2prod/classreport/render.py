"""One notebook as an HTML fragment of the class report, rendered by nbconvert's HTML exporter
with the findings beside the cells they concern.

A notebook is untrusted: its markdown, its ``text/html`` and ``text/markdown`` outputs go through
nbconvert's sanitizer with a short list of harmless tags (no script, style, iframe, form, img,
no event attribute, links only to http, https and mailto; anything else is stripped, its text
kept as text); JavaScript and widget outputs are dropped (``sanitize_html``); code is highlighted
by Pygments, which escapes it; execution counts are numbers or nothing. The template is the
lightest (nbconvert's ``basic``: no head, no script, no stylesheet); the page carries one shared
stylesheet. :func:`inert` is the last look: a fragment holding a script, a frame, an event
attribute or a ``javascript:`` link is never shown.

nbconvert is imported here only, when the first notebook is rendered.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nb2prod.classreport.findings_html import cell_marks

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

    from nb2prod.findings import Finding, Report

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "nb2prod_class"

#: What notebook HTML may keep: text structure and tables, nothing that runs or loads.
SAFE_TAGS = (
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li",
    "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
)  # fmt: skip
_SAFE_ATTRIBUTES = frozenset({"title", "colspan", "rowspan", "align", "valign", "start"})

#: Markup that must never reach the page from a notebook (see :func:`inert`).
_ACTIVE = re.compile(
    r"<\s*/?\s*(script|iframe|frame|object|embed|link|meta|base|style|form|svg|math|template)\b"
    r"|<[^>]*\s(on[a-z]+|formaction|srcdoc|xlink:href)\s*="
    r"|<[^>]*\s(href|src|action|data|poster|background)\s*=\s*[\"']?\s*"
    r"(javascript:|vbscript:|data:(?!image/(png|jpeg|gif|svg\+xml)[;,]))",
    re.IGNORECASE,
)

#: Identical cells recur across a class (the assignment's own text and code): each distinct
#: one is highlighted or sanitized once per worker.
_CACHED = 8192


@dataclass(frozen=True)
class Rendered:
    """A notebook's HTML fragment, or why there is none; ``loose``: its findings that name no
    cell of it (shown above the notebook instead)."""

    html: str | None
    problem: str | None
    loose: tuple[Finding, ...] = ()


def render_notebook(text: str, report: Report | None, anchor: str) -> Rendered:
    """The notebook whose JSON is ``text`` as HTML, each cell anchored ``{anchor}-c{N}`` with
    ``report``'s findings about it beside it; never raises."""
    with warnings.catch_warnings():  # nbformat's warnings about the notebook: not the user's
        warnings.simplefilter("ignore")
        try:
            notebook = _parse(text)
        except Exception as error:  # nbformat's reasons are many; the findings are still shown
            return Rendered(None, f"nbconvert cannot read it ({_reason(error)})", _all(report))
        marks = cell_marks(report.findings if report else (), len(notebook.cells))
        resources = {"nbp_anchor": anchor, "nbp_asides": marks.asides, "nbp_css": marks.css}
        try:
            html, _ = exporter().from_notebook_node(notebook, resources=resources)
        except Exception as error:  # a notebook nbconvert cannot render is still in the report
            return Rendered(None, f"nbconvert cannot render it ({_reason(error)})", _all(report))
    if not inert(html):
        return Rendered(None, "not shown: its rendering held markup that could run", marks.loose)
    return Rendered(html, None, marks.loose)


def inert(html: str) -> bool:
    """Whether ``html`` holds nothing that runs or loads: no script, frame, object, style or
    form element, no event attribute, no ``javascript:`` link, no ``data:`` one but an image."""
    return _ACTIVE.search(html) is None


def _all(report: Report | None) -> tuple[Finding, ...]:
    return report.findings if report is not None else ()


def _reason(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    text = " ".join(lines[0].split()) if lines else ""
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


def _parse(text: str) -> Any:
    """The notebook as nbformat reads it (version 4), mended where nb2prod reads a notebook
    nbformat's schema refuses (a cell without metadata or outputs, a count that is no number),
    without what would run or load."""
    import nbformat

    try:
        notebook = nbformat.reads(text, as_version=4, capture_validation_error={})  # type: ignore[no-untyped-call]
    except Exception:  # try once more with the keys nbformat needs to read it
        notebook = nbformat.reads(_mended(text), as_version=4, capture_validation_error={})  # type: ignore[no-untyped-call]
    for cell in notebook.cells:
        cell.pop("attachments", None)
        cell.setdefault("metadata", {})
        if cell.get("cell_type") == "code":
            cell.setdefault("outputs", [])
            if count(cell.get("execution_count")) == "&nbsp;":
                cell["execution_count"] = None
        for output in cell.get("outputs", ()):
            _quiet(output)
    notebook.metadata.pop("widgets", None)
    return notebook


def _mended(text: str) -> str:
    raw = json.loads(text)
    sheets = raw.get("worksheets") if isinstance(raw, dict) else None
    cells = raw.get("cells") if isinstance(raw, dict) else None
    cells = list(cells if isinstance(cells, list) else [])
    for sheet in sheets if isinstance(sheets, list) else []:
        cells += sheet.get("cells", []) if isinstance(sheet, dict) else []
    for cell in cells:
        if isinstance(cell, dict):
            cell.setdefault("metadata", {})
            if cell.get("cell_type") == "code":
                cell.setdefault("outputs", [])
    return json.dumps(raw)


def _quiet(output: Any) -> None:
    """An output without what would run (JavaScript, widgets) or load (files it names), so
    that its next representation (HTML, text) is the one shown."""
    if isinstance(output.get("metadata"), dict):
        output.metadata.pop("filenames", None)
    data = output.get("data")
    if isinstance(data, dict):
        for mimetype in [m for m in data if "javascript" in m or "widget" in m]:
            del data[mimetype]


@cache
def exporter() -> HTMLExporter:
    """nbconvert's HTML exporter with the report's template and filters, made once per process."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    class ReportExporter(HTMLExporter):
        """nbconvert's HTML export without its last pass (a BeautifulSoup parse of the whole
        page to add image alt texts and lab-template tab stops: most of the time it takes);
        outputs' types are chosen by nbconvert's plain type filter (widgets are dropped)."""

        def from_notebook_node(  # type: ignore[override]
            self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[str, dict[str, Any]]:
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    filters = {
        "nbp_clean": clean,
        "nbp_highlight": highlight,
        "highlight_code": _highlight_code,  # nbconvert's own blocks name it
        "nbp_count": count,
    }
    return ReportExporter(  # type: ignore[no-untyped-call]
        log=_silent(),
        template_name=TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES)],
        filters=filters,
        sanitize_html=True,
        exclude_anchor_links=True,
        optimistic_validation=True,
    )


def _silent() -> logging.Logger:
    """nbconvert's log: its complaints about a notebook become the notebook's problem line."""
    log = logging.getLogger("nb2prod.classreport.nbconvert")
    log.addHandler(logging.NullHandler())
    log.propagate = False
    return log


@lru_cache(maxsize=_CACHED)
def clean(html: str) -> str:
    """Notebook HTML with only :data:`SAFE_TAGS` and harmless attributes left."""
    return _sanitizer().sanitize_html_tags(html)  # type: ignore[no-any-return]


@cache
def _sanitizer() -> Any:
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    return SanitizeHTML(  # type: ignore[no-untyped-call]
        tags=list(SAFE_TAGS), attributes=_allowed, strip=True, strip_comments=True
    )


def _allowed(tag: str, name: str, value: str) -> bool:
    if name == "class":  # the report's own classes (nbp-...) are not the notebook's to use
        return "nbp" not in value.lower()
    if name == "href":
        return tag == "a"
    return name in _SAFE_ATTRIBUTES


@lru_cache(maxsize=_CACHED)
def highlight(source: str) -> str:
    """A cell's code, highlighted (and escaped) by Pygments as IPython."""
    from pygments import highlight as pygmentize  # type: ignore[import-untyped]

    lexer, formatter = _pygments()
    return pygmentize(source, lexer, formatter)  # type: ignore[no-any-return]


def _highlight_code(source: str, language: object = None, metadata: object = None) -> str:
    return highlight(source)


@cache
def _pygments() -> tuple[Any, Any]:
    from IPython.lib.lexers import IPython3Lexer
    from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]

    return IPython3Lexer(), HtmlFormatter()


def count(value: object) -> str:
    """An execution count as shown in a prompt: a number, or a blank."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return "&nbsp;"
