"""nb2prod: find hidden state in Jupyter notebooks and turn them into production packages."""

__version__ = "0.1.0"
