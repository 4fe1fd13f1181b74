"""Filter: notebook cell 6; id 3e6d1c34b9d1 of parameters_report.ipynb."""


def filter_step(sales, region, min_units):
    """Filter (notebook cell 6; id 3e6d1c34b9d1)."""
    # cell 6 (3e6d1c34b9d1)
    selected = sales[(sales["region"] == region) & (sales["units"] >= min_units)]
    print(f"{region}: {len(selected)} of {len(sales)} orders with at least {min_units} units")
    return selected
