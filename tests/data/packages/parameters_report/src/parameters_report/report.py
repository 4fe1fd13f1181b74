"""Report: notebook cells 8, 9; ids ab5d04d468ec, 7469580de216 of parameters_report.ipynb."""

from parameters_report._support import show_result


def report(selected, show_top, region):
    """Report (notebook cells 8, 9; ids ab5d04d468ec, 7469580de216)."""
    # cell 8 (ab5d04d468ec)
    by_product = selected.groupby("product")["revenue_eur"].sum().sort_values(ascending=False)
    show_result(by_product)
    # cell 9 (7469580de216)
    cols = ["date", "product", "units", "revenue_eur"]
    top = selected.nlargest(show_top, "revenue_eur")[cols]
    print(f"Top {show_top} orders in {region} (EUR):")
    print(top.to_string(index=False))
