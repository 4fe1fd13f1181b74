"""Summary table: lifted from plotting_matplotlib.ipynb.

Notebook cells 10, 11; ids b57888c83724, f91818da8840.
"""

import pandas as pd


def summary_table(sensor_a, sensor_b, hourly_mean):
    """Summary table (notebook cells 10, 11; ids b57888c83724, f91818da8840)."""
    # cell 10 (b57888c83724)
    summary = pd.DataFrame(
        {"sensor A": sensor_a, "sensor B": sensor_b}
    ).agg(["mean", "std", "min", "max"]).T.round(2)
    print(summary.to_string())
    # cell 11 (f91818da8840)
    print(f"warmest hour for A vs B: {hourly_mean.argmax()}:00 ({hourly_mean.max():.2f} °C warmer)")
    return summary
