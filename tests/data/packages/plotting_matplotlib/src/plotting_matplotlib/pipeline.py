"""The steps of plotting_matplotlib.ipynb, in notebook order."""

from __future__ import annotations

from typing import Any

from plotting_matplotlib.figure_1_the_raw_series import figure_1_the_raw_series
from plotting_matplotlib.figure_2_how_different_are_the import figure_2_how_different_are_the
from plotting_matplotlib.sensor_readings_a_first_look import sensor_readings_a_first_look
from plotting_matplotlib.simulate_the_readings import simulate_the_readings
from plotting_matplotlib.summary_table import summary_table


def run() -> dict[str, Any]:
    """Run the notebook's steps in order; returns what they produced, by name."""
    rng = sensor_readings_a_first_look()
    hours, sensor_a, sensor_b = simulate_the_readings(rng)
    figure_1_the_raw_series(hours, sensor_a, sensor_b)
    hourly_mean = figure_2_how_different_are_the(sensor_a, sensor_b)
    summary = summary_table(sensor_a, sensor_b, hourly_mean)
    return {
        "rng": rng,
        "hours": hours,
        "sensor_a": sensor_a,
        "sensor_b": sensor_b,
        "hourly_mean": hourly_mean,
        "summary": summary,
    }
