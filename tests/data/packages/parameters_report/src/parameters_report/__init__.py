"""Regional sales report: parameters_report.ipynb as a package, made by nb2prod 0.1.0."""

from parameters_report.pipeline import run

__all__ = ["run"]
