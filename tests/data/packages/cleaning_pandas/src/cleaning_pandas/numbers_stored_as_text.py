"""Numbers stored as text: notebook cell 12; id d286b16ec9a9 of cleaning_pandas.ipynb."""

import pandas as pd

from cleaning_pandas._support import show_result


def numbers_stored_as_text(df):
    """Numbers stored as text (notebook cell 12; id d286b16ec9a9)."""
    # cell 12 (d286b16ec9a9)
    df["total_spend"] = pd.to_numeric(df["total_spend"].str.replace(",", "", regex=False))
    df["orders"] = df["orders"].astype("Int64")
    show_result(df[["total_spend", "orders"]].describe().round(2))
