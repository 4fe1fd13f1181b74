"""Summary: notebook cell 10; id 61e7d861ddc0 of recorded_analysis.ipynb."""

import statistics


def summary(by_region, sales):
    """Summary (notebook cell 10; id 61e7d861ddc0)."""
    # cell 10 (61e7d861ddc0)
    best_region = by_region.index[0]
    print(f"Best region: {best_region} ({by_region.iloc[0]:.2f})")
    print(f"Median order value: {statistics.median(sales['revenue']):.2f}")
    return best_region
