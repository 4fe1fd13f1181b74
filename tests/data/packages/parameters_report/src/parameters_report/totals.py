"""Totals: notebook cell 11; id 20ba4fcd798c of parameters_report.ipynb."""


def totals(selected, sales, region):
    """Totals (notebook cell 11; id 20ba4fcd798c)."""
    # cell 11 (20ba4fcd798c)
    total = selected["revenue_eur"].sum()
    share = total / sales["revenue_eur"].sum()
    print(f"{region} revenue: {total:,.2f} EUR ({share:.1%} of all regions)")
    print(f"units sold: {selected['units'].sum()}")
    return total, share
