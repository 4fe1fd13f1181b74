"""Q1 sales analysis: recorded_analysis.ipynb as a package, made by nb2prod 0.1.0."""

from recorded_analysis.pipeline import run

__all__ = ["run"]
