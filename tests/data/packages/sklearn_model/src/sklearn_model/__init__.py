"""Wine cultivar classifier: sklearn_model.ipynb as a package, made by nb2prod 0.1.0."""

from sklearn_model.pipeline import run

__all__ = ["run"]
