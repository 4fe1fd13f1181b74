"""The steps of cleaning_pandas.ipynb, in notebook order."""

from __future__ import annotations

from typing import Any

from cleaning_pandas.clean_step import clean_step
from cleaning_pandas.customer_list_cleanup import customer_list_cleanup
from cleaning_pandas.dates import dates
from cleaning_pandas.duplicates_after_normalising import duplicates_after_normalising
from cleaning_pandas.load_and_inspect import load_and_inspect
from cleaning_pandas.missing_values import missing_values
from cleaning_pandas.numbers_stored_as_text import numbers_stored_as_text
from cleaning_pandas.save import save
from cleaning_pandas.summary import summary
from cleaning_pandas.text_columns_whitespace_and_case import text_columns_whitespace_and_case


def run() -> dict[str, Any]:
    """Run the notebook's steps in order; returns what they produced, by name."""
    RAW_PATH = customer_list_cleanup()
    raw = load_and_inspect(RAW_PATH)
    n_raw, df = clean_step(raw)
    text_columns_whitespace_and_case(df)
    numbers_stored_as_text(df)
    dates(df)
    df = duplicates_after_normalising(df)
    clean = missing_values(df)
    save(clean)
    summary(n_raw, clean)
    return {"RAW_PATH": RAW_PATH, "raw": raw, "n_raw": n_raw, "df": df, "clean": clean}
