"""Figure 2: how different are the sensors?: lifted from plotting_matplotlib.ipynb.

Notebook cell 8; id 0e2a59fd0921.
"""

import matplotlib.pyplot as plt
import numpy as np

from plotting_matplotlib._support import save_figure


def figure_2_how_different_are_the(sensor_a, sensor_b):
    """Figure 2: how different are the sensors? (notebook cell 8; id 0e2a59fd0921)."""
    # cell 8 (0e2a59fd0921)
    diff = (sensor_a - sensor_b).reshape(14, 24)
    hourly_mean = diff.mean(axis=0)

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(np.arange(24), hourly_mean, color="tab:orange")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_title("Mean difference A - B by hour of day")
    ax.set_xlabel("hour of day")
    ax.set_ylabel("difference (°C)")
    save_figure('cell-8')
    return hourly_mean
