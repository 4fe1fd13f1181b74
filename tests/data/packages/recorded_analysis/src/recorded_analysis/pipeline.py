"""The steps of recorded_analysis.ipynb, in notebook order."""

from __future__ import annotations

from typing import Any

from recorded_analysis.load import load
from recorded_analysis.monthly_trend import monthly_trend
from recorded_analysis.q1_sales_analysis import q1_sales_analysis
from recorded_analysis.revenue_by_region import revenue_by_region
from recorded_analysis.summary import summary


def run() -> dict[str, Any]:
    """Run the notebook's steps in order; returns what they produced, by name."""
    DATA = q1_sales_analysis()
    sales = load(DATA)
    by_region = revenue_by_region(sales)
    monthly_trend(sales)
    best_region = summary(by_region, sales)
    return {"DATA": DATA, "sales": sales, "by_region": by_region, "best_region": best_region}
