"""Customer list cleanup: notebook cell 2; id 6c9d36bcca5d of cleaning_pandas.ipynb."""

from cleaning_pandas._support import data_path

OUT_DIR = "output"


def customer_list_cleanup():
    """Customer list cleanup (notebook cell 2; id 6c9d36bcca5d)."""
    # cell 2 (6c9d36bcca5d)
    RAW_PATH = data_path('customers_raw.csv')
    return RAW_PATH
