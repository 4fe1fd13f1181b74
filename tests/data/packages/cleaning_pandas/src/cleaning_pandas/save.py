"""Save: notebook cell 21; id a1d199a581a5 of cleaning_pandas.ipynb."""

import os

from cleaning_pandas.customer_list_cleanup import OUT_DIR


def save(clean):
    """Save (notebook cell 21; id a1d199a581a5)."""
    # cell 21 (a1d199a581a5)
    os.makedirs(OUT_DIR, exist_ok=True)
    out_path = os.path.join(OUT_DIR, "customers_clean.csv")
    clean.to_csv(out_path, index=False, date_format="%Y-%m-%d")
    print("wrote", out_path)
