"""Dates: notebook cell 14; id 89ce11e4e6e7 of cleaning_pandas.ipynb."""

import pandas as pd


def dates(df):
    """Dates (notebook cell 14; id 89ce11e4e6e7)."""
    # cell 14 (89ce11e4e6e7)
    iso = pd.to_datetime(df["signup_date"], format="%Y-%m-%d", errors="coerce")
    day_first = pd.to_datetime(df["signup_date"], format="%d/%m/%Y", errors="coerce")
    df["signup_date"] = iso.fillna(day_first)
    # every date should have parsed with one of the two formats
    print("unparsed dates:", df["signup_date"].isna().sum())
