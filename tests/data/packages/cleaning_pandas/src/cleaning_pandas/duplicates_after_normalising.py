"""Duplicates after normalising: notebook cell 16; id f72206ac7bd7 of cleaning_pandas.ipynb."""


def duplicates_after_normalising(df):
    """Duplicates after normalising (notebook cell 16; id f72206ac7bd7)."""
    # cell 16 (f72206ac7bd7)
    dupes = df.duplicated(subset="customer_id", keep="first")
    print("duplicate ids after cleaning:", ", ".join(df.loc[dupes, "customer_id"]))
    df = df[~dupes].reset_index(drop=True)
    return df
