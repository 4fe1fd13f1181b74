"""Figure 1: the raw series: notebook cell 6; id a2ff7c22282e of plotting_matplotlib.ipynb."""

import matplotlib.pyplot as plt

from plotting_matplotlib._support import save_figure


def figure_1_the_raw_series(hours, sensor_a, sensor_b):
    """Figure 1: the raw series (notebook cell 6; id a2ff7c22282e)."""
    # cell 6 (a2ff7c22282e)
    first = hours < 3 * 24
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.plot(hours[first] / 24, sensor_a[first], label="sensor A")
    ax.plot(hours[first] / 24, sensor_b[first], label="sensor B")
    ax.set_title("Greenhouse temperature, hourly (days 0-3)")
    ax.set_xlabel("day")
    ax.set_ylabel("temperature (°C)")
    ax.legend()
    save_figure('cell-6')
