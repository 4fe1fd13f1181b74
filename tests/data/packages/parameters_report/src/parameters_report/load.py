"""Load: notebook cell 4; id 0d6ff383647e of parameters_report.ipynb."""

import pandas as pd

from parameters_report._support import data_path, show_result


def load(fx_rate):
    """Load (notebook cell 4; id 0d6ff383647e)."""
    # cell 4 (0d6ff383647e)
    sales = pd.read_csv(data_path('sales.csv'), parse_dates=["date"])
    sales["revenue_eur"] = (sales["units"] * sales["unit_price"] * fx_rate).round(2)
    show_result(sales.head())
    return sales
