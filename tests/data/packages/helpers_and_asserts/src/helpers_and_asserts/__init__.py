"""helpers_and_asserts.ipynb as a package.

Small helpers for the field reports: helpers_and_asserts.ipynb as a package, made by nb2prod 0.1.0.
"""

from helpers_and_asserts.pipeline import run

__all__ = ["run"]
