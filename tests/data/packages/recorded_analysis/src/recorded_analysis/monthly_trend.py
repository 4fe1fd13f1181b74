"""Monthly trend: notebook cell 8; id 40b1fd412e98 of recorded_analysis.ipynb."""


def monthly_trend(sales):
    """Monthly trend (notebook cell 8; id 40b1fd412e98)."""
    # cell 8 (40b1fd412e98)
    monthly = sales.groupby(sales["date"].dt.to_period("M"))["revenue"].sum()
    print(monthly.to_string())
