"""Customer list cleanup: cleaning_pandas.ipynb as a package, made by nb2prod 0.1.0."""

from cleaning_pandas.pipeline import run

__all__ = ["run"]
