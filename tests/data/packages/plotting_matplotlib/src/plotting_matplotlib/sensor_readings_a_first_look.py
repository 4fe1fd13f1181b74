"""Sensor readings: a first look: notebook cell 2; id 83eca649be2a of plotting_matplotlib.ipynb."""

import numpy as np


def sensor_readings_a_first_look():
    """Sensor readings: a first look (notebook cell 2; id 83eca649be2a)."""
    # cell 2 (83eca649be2a)
    rng = np.random.default_rng(2024)
    return rng
