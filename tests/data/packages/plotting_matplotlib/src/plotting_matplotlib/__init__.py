"""Sensor readings: a first look: plotting_matplotlib.ipynb as a package, made by nb2prod 0.1.0."""

from plotting_matplotlib.pipeline import run

__all__ = ["run"]
