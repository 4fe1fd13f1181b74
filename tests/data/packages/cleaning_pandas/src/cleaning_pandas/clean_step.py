"""Clean: notebook cell 8; id 72acce9c5d8f of cleaning_pandas.ipynb."""


def clean_step(raw):
    """Clean (notebook cell 8; id 72acce9c5d8f)."""
    # cell 8 (72acce9c5d8f)
    n_raw = len(raw)
    df = raw.drop_duplicates().reset_index(drop=True)
    print(f"dropped {n_raw - len(df)} exact duplicate rows")
    return n_raw, df
