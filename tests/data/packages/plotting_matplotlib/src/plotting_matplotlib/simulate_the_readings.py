"""Simulate the readings: notebook cell 4; id 6da0e2b54c0b of plotting_matplotlib.ipynb."""

import numpy as np


def simulate_the_readings(rng):
    """Simulate the readings (notebook cell 4; id 6da0e2b54c0b)."""
    # cell 4 (6da0e2b54c0b)
    hours = np.arange(14 * 24)
    daily_cycle = np.sin(2 * np.pi * (hours - 9) / 24)

    # sensor A sits in the sun, sensor B near the door
    sensor_a = 22 + 4.0 * daily_cycle + rng.normal(0, 0.6, hours.size)
    sensor_b = 20 + 2.5 * daily_cycle + rng.normal(0, 1.1, hours.size)
    print(hours.size, "readings per sensor")
    return hours, sensor_a, sensor_b
