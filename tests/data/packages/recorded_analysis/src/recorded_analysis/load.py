"""Load: notebook cell 4; id e4db652afe07 of recorded_analysis.ipynb."""

import pandas as pd

from recorded_analysis._support import show_result


def load(DATA):
    """Load (notebook cell 4; id e4db652afe07)."""
    # cell 4 (e4db652afe07)
    sales = pd.read_csv(DATA, parse_dates=["date"])
    sales["revenue"] = sales["units"] * sales["unit_price"]
    show_result(sales.head())
    return sales
