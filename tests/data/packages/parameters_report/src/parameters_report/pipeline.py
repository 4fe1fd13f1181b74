"""The steps of parameters_report.ipynb, in notebook order."""

from __future__ import annotations

from typing import Any

from parameters_report.filter_step import filter_step
from parameters_report.load import load
from parameters_report.report import report
from parameters_report.totals import totals


def run(
    region: str = 'North',
    min_units: int = 5,
    fx_rate: float = 0.92,
    show_top: int = 3,
) -> dict[str, Any]:
    """Run the notebook's steps in order; returns what they produced, by name."""
    sales = load(fx_rate)
    selected = filter_step(sales, region, min_units)
    report(selected, show_top, region)
    total, share = totals(selected, sales, region)
    return {
        "region": region,
        "min_units": min_units,
        "fx_rate": fx_rate,
        "show_top": show_top,
        "sales": sales,
        "selected": selected,
        "total": total,
        "share": share,
    }
