"""Text columns: whitespace and case: notebook cell 10; id 0848c3b07c1f of cleaning_pandas.ipynb."""

from cleaning_pandas._support import show_result


def text_columns_whitespace_and_case(df):
    """Text columns: whitespace and case (notebook cell 10; id 0848c3b07c1f)."""
    # cell 10 (0848c3b07c1f)
    text_cols = ["customer_id", "name", "email", "city"]
    for col in text_cols:
        df[col] = df[col].str.strip()

    df["name"] = df["name"].str.title()
    df["email"] = df["email"].str.lower()
    df["city"] = df["city"].str.title()
    show_result(df["city"].value_counts(dropna=False))
