"""Customer list cleanup: cleaning_pandas.ipynb as a package, made by nb2prod 0.1.0."""

from __future__ import annotations

from typing import Any

__all__ = ["run"]


def __getattr__(name: str) -> Any:
    """``run``, imported when first asked for, so that ``python -m`` checks the machine
    before any step's imports run."""
    if name == "run":
        from cleaning_pandas.pipeline import run

        return run
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
