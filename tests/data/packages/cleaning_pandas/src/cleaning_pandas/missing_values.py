"""Missing values: lifted from cleaning_pandas.ipynb.

Notebook cells 18, 19; ids 71bf632abb4a, 146fe7eca1ff.
"""

from cleaning_pandas._support import show_result


def missing_values(df):
    """Missing values (notebook cells 18, 19; ids 71bf632abb4a, 146fe7eca1ff)."""
    # cell 18 (71bf632abb4a)
    no_email = df["email"].isna()
    print(f"customers without email: {no_email.sum()}")
    clean = df[~no_email].copy()
    clean["city"] = clean["city"].fillna("Unknown")
    clean["total_spend"] = clean["total_spend"].fillna(0.0)
    clean["orders"] = clean["orders"].fillna(0)
    clean = clean.reset_index(drop=True)
    print("missing values left:", clean.isna().sum().sum())
    # cell 19 (146fe7eca1ff)
    show_result(clean.head())
    return clean
