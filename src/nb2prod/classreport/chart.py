"""The findings of a class counted by kind, as a horizontal bar chart in inline SVG: one bar per
kind, its parts the error, warning and info findings, its label the notebooks that show it."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from nb2prod.classreport.model import KindCount

LABEL_WIDTH = 250
BAR_WIDTH = 380
COUNT_WIDTH = 170
ROW = 26
TOP = 30
#: The colours of the parts of a bar, by severity (the page's own colours for them).
COLOURS = (("error", "#c62828"), ("warning", "#b36b00"), ("info", "#1e63b0"))


def bar_chart(counts: Sequence[KindCount]) -> str:
    """The chart of ``counts`` (in their order), an ``<svg>`` element."""
    width = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH
    height = TOP + ROW * max(len(counts), 1) + 6
    largest = max((c.total for c in counts), default=0) or 1
    rows = [_row(c, i, largest) for i, c in enumerate(counts)]
    if not counts:
        rows.append(f'<text x="0" y="{TOP + 17}">No findings in any notebook.</text>')
    return (
        f'<svg class="nbp-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="nbp-chart-title">'
        '<title id="nbp-chart-title">Findings across the class, by kind and severity</title>'
        f"{_legend()}{''.join(rows)}</svg>"
    )


def _legend() -> str:
    parts = []
    for index, (name, colour) in enumerate(COLOURS):
        x = LABEL_WIDTH + index * 90
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 17}" y="16" class="nbp-legend">{name}</text>'
        )
    return "".join(parts)


def _row(count: KindCount, index: int, largest: int) -> str:
    y = TOP + index * ROW
    label = escape(f"{count.title} ({count.code})" if count.code else count.title)
    parts = [
        f'<g class="nbp-bar" data-kind="{escape(count.kind)}">',
        f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{label}</text>',
    ]
    x = float(LABEL_WIDTH)
    for name, colour in COLOURS:
        value = getattr(count, name)
        if not value:
            continue
        length = BAR_WIDTH * value / largest
        parts.append(
            f'<rect class="nbp-part-{name}" x="{x:.1f}" y="{y + 4}" width="{max(length, 1.5):.1f}" '
            f'height="{ROW - 8}" fill="{colour}"><title>{value} {name} finding(s) of '
            f"{escape(count.kind)}</title></rect>"
        )
        x += length
    notebooks = f"{count.notebooks} notebook{'s' if count.notebooks != 1 else ''}"
    parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{count.total} in {notebooks}</text></g>')
    return "".join(parts)
