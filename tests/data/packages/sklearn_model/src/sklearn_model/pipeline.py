"""The steps of sklearn_model.ipynb, in notebook order."""

from __future__ import annotations

from typing import Any

from sklearn_model.cross_validation import cross_validation
from sklearn_model.data_step import data_step
from sklearn_model.final_model_on_the_test_set import final_model_on_the_test_set


def run() -> dict[str, Any]:
    """Run the notebook's steps in order; returns what they produced, by name."""
    X_train, X_test, y_train, y_test = data_step()
    best_C = cross_validation(X_train, y_train)
    model, pred = final_model_on_the_test_set(best_C, X_train, y_train, X_test, y_test)
    return {
        "X_train": X_train,
        "X_test": X_test,
        "y_train": y_train,
        "y_test": y_test,
        "best_C": best_C,
        "model": model,
        "pred": pred,
    }
