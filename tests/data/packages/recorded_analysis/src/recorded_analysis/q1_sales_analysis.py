"""Q1 sales analysis: notebook cell 2; id b37a9eaab700 of recorded_analysis.ipynb."""

from pathlib import Path

from recorded_analysis._support import data_path


def q1_sales_analysis():
    """Q1 sales analysis (notebook cell 2; id b37a9eaab700)."""
    # cell 2 (b37a9eaab700)
    DATA = Path(data_path()) / "sales.csv"
    return DATA
