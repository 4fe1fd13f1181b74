"""The class report's one stylesheet, inline in the page: the report's own parts, the notebooks
as nbconvert's basic template marks them up, and Pygments' colours for code. No font, image or
anything else is fetched: system fonts only."""

from __future__ import annotations

PAGE_CSS = """
:root { --error: #c62828; --warning: #b36b00; --info: #1e63b0; --ok: #2e7d32;
  --line: #d9dde3; --soft: #f5f7fa; --text: #1d2330; --muted: #5b6475; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--text); background: #fff; }
main { max-width: 1280px; margin: 0 auto; padding: 1.5rem 2rem 4rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 .8rem; border-bottom: 1px solid var(--line);
  padding-bottom: .3rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: .95rem; margin: .9rem 0 .2rem; }
code, pre, kbd, samp { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: .88em; }
a { color: #1f5fa8; }
.nbp-lede { color: var(--muted); margin: 0 0 1rem; }
.nbp-totals { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; padding: 0; }
.nbp-totals li { list-style: none; background: var(--soft); border: 1px solid var(--line);
  border-radius: 6px; padding: .5rem .9rem; }
.nbp-totals strong { font-size: 1.3rem; display: block; }
.nbp-notes { background: #fff8e1; border: 1px solid #f0d98c; border-radius: 6px;
  padding: .5rem 1rem .5rem 2rem; }
.nbp-grid { border-collapse: collapse; width: 100%; }
.nbp-grid th, .nbp-grid td { border: 1px solid var(--line); padding: .35rem .5rem;
  vertical-align: top; text-align: left; }
.nbp-grid thead th { background: var(--soft); position: sticky; top: 0; }
.nbp-grid td.nbp-none { color: var(--muted); text-align: center; }
.nbp-verdict { display: block; text-decoration: none; border-radius: 4px; padding: .15rem .4rem;
  margin: .1rem 0; border-left: 4px solid; }
.nbp-verdict small { display: block; color: var(--muted); }
.nbp-verdict.nbp-ok { border-color: var(--ok); background: #edf7ee; color: #1b5e20; }
.nbp-verdict.nbp-bad { border-color: var(--error); background: #fdecec; color: #8e1b1b; }
.nbp-verdict.nbp-unusable { border-color: #6d6d6d; background: #eee; color: #333; }
.nbp-chart { max-width: 100%; height: auto; font-size: 13px; }
.nbp-chart text { fill: var(--text); }
.nbp-counts { border-collapse: collapse; margin-top: 1rem; }
.nbp-counts th, .nbp-counts td { border: 1px solid var(--line); padding: .25rem .6rem; }
.nbp-counts td.nbp-n { text-align: right; }
.nbp-lesson { border: 1px solid var(--line); border-radius: 8px; padding: .3rem 1.2rem 1rem;
  margin: 1rem 0; }
.nbp-examples { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.nbp-examples figure { margin: 0; }
.nbp-examples figcaption { font-weight: 600; }
.nbp-examples pre { background: var(--soft); border: 1px solid var(--line); padding: .6rem;
  overflow-x: auto; margin: .3rem 0 0; }
.nbp-bad-example pre { border-left: 4px solid var(--error); }
.nbp-good-example pre { border-left: 4px solid var(--ok); }
.nbp-notebook { border-top: 3px solid var(--line); margin-top: 2.5rem; padding-top: .5rem;
  content-visibility: auto; contain-intrinsic-size: auto 1200px; }
.nbp-notebook > p { margin: .2rem 0; }
.nbp-status.nbp-ok { color: var(--ok); font-weight: 600; }
.nbp-status.nbp-bad { color: var(--error); font-weight: 600; }
.nbp-status.nbp-unusable { color: #444; font-weight: 600; }
.nbp-problem { background: var(--soft); border-left: 4px solid #6d6d6d; padding: .4rem .8rem; }
.nbp-cell { display: grid; grid-template-columns: minmax(0, 1fr) 24rem; column-gap: 1rem;
  border-left: 4px solid transparent; padding: .2rem 0 .2rem .5rem; position: relative; }
.nbp-cell.nbp-has-error { border-left-color: var(--error); background: #fffafa; }
.nbp-cell.nbp-has-warning { border-left-color: var(--warning); background: #fffdf7; }
.nbp-cell.nbp-has-info { border-left-color: var(--info); }
.nbp-number { grid-column: 1 / -1; font-size: .75rem; color: var(--muted); }
.nbp-body { grid-column: 1; min-width: 0; }
.nbp-findings { grid-column: 2; font-size: .85rem; }
.nbp-findings ul { margin: 0; padding: 0; }
.nbp-finding { list-style: none; border: 1px solid var(--line); border-left: 4px solid;
  border-radius: 4px; padding: .3rem .5rem; margin: 0 0 .4rem; background: #fff; }
.nbp-finding p { margin: .2rem 0; }
.nbp-finding.nbp-error { border-left-color: var(--error); }
.nbp-finding.nbp-warning { border-left-color: var(--warning); }
.nbp-finding.nbp-info { border-left-color: var(--info); }
.nbp-severity { text-transform: uppercase; font-size: .7rem; font-weight: 700;
  letter-spacing: .04em; }
.nbp-error .nbp-severity { color: var(--error); }
.nbp-warning .nbp-severity { color: var(--warning); }
.nbp-info .nbp-severity { color: var(--info); }
.nbp-kind { display: block; color: var(--muted); font-size: .8rem; }
.nbp-hint { color: var(--muted); }
.nbp-loose .nbp-findings { max-width: 48rem; }
.nbp-top { font-size: .85rem; }
@media (max-width: 900px) { .nbp-cell { grid-template-columns: 1fr; }
  .nbp-findings { grid-column: 1; } .nbp-examples { grid-template-columns: 1fr; } }
"""

NOTEBOOK_CSS = """
.cell { margin: .2rem 0; }
.input { display: flex; }
.prompt { min-width: 5.5rem; padding: .3rem .4rem 0 0; text-align: right; color: #303f9f;
  font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .8rem; flex: none; }
.output_prompt { color: #d84315; }
.inner_cell { flex: 1; min-width: 0; }
.input_area { background: var(--soft); border: 1px solid var(--line); border-radius: 3px; }
.input_area pre, .highlight pre { margin: 0; padding: .4rem .6rem; overflow-x: auto;
  white-space: pre; }
.output_area { display: flex; }
.output_subarea { flex: 1; min-width: 0; padding: .3rem .4rem; overflow-x: auto; }
.output_text pre, .output_subarea pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
.output_stderr { background: #fff5f5; }
.output_error pre { color: #8e1b1b; }
.output_png img, .output_jpeg img, .output_svg img { max-width: 100%; height: auto; }
.rendered_html h1, .rendered_html h2, .rendered_html h3, .rendered_html h4 {
  margin: .5rem 0 .3rem; border: 0; padding: 0; }
.rendered_html h1 { font-size: 1.45rem; } .rendered_html h2 { font-size: 1.25rem; }
.rendered_html h3 { font-size: 1.1rem; } .rendered_html h4 { font-size: 1rem; }
.rendered_html p { margin: .3rem 0; }
.text_cell_render { padding: .2rem .4rem .2rem 5.9rem; }
.rendered_html table { border-collapse: collapse; font-size: .85rem; margin: .3rem 0; }
.rendered_html th, .rendered_html td { border: 1px solid var(--line); padding: .15rem .45rem;
  text-align: right; }
.rendered_html thead th { background: var(--soft); }
.raw_cell pre { margin: 0 0 0 5.9rem; padding: .4rem; border: 1px dashed var(--line); }
.ansi-red-fg { color: #c62828; } .ansi-green-fg { color: #2e7d32; }
.ansi-yellow-fg { color: #a06c00; } .ansi-blue-fg { color: #1e63b0; }
.ansi-magenta-fg { color: #8e24aa; } .ansi-cyan-fg { color: #00838f; }
.ansi-bold { font-weight: bold; }
"""


def stylesheet() -> str:
    """The whole stylesheet: the report's, the notebooks', and Pygments' colours for code."""
    from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]

    code = HtmlFormatter().get_style_defs(".highlight")
    return f"{PAGE_CSS}{NOTEBOOK_CSS}{code}\n"
