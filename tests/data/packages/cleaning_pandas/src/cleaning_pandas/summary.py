"""Summary: notebook cell 23; id d5caecd28419 of cleaning_pandas.ipynb."""


def summary(n_raw, clean):
    """Summary (notebook cell 23; id d5caecd28419)."""
    # cell 23 (d5caecd28419)
    print(f"raw rows:       {n_raw}")
    print(f"clean rows:     {len(clean)}")
    print(f"removed:        {n_raw - len(clean)}")
    print(f"total spend:    {clean['total_spend'].sum():,.2f}")
    print()
    print("customers per city:")
    print(clean["city"].value_counts().sort_index().to_string())
