"""Revenue by region: notebook cell 6; id e15d8790c846 of recorded_analysis.ipynb."""

from recorded_analysis._support import show_result


def revenue_by_region(sales):
    """Revenue by region (notebook cell 6; id e15d8790c846)."""
    # cell 6 (e15d8790c846)
    by_region = sales.groupby("region")["revenue"].sum().sort_values(ascending=False)
    show_result(by_region)
    return by_region
