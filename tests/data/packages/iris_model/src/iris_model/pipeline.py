"""The steps of iris_model.ipynb, in notebook order."""

from __future__ import annotations

from typing import Any

from iris_model.data_step import data_step
from iris_model.evaluation import evaluation
from iris_model.model_step import model_step


def run() -> dict[str, Any]:
    """Run the notebook's steps in order; returns what they produced, by name."""
    iris, X_train, X_test, y_train, y_test = data_step()
    model = model_step(X_train, y_train)
    pred = evaluation(model, X_test, y_test, iris)
    return {
        "iris": iris,
        "X_train": X_train,
        "X_test": X_test,
        "y_train": y_train,
        "y_test": y_test,
        "model": model,
        "pred": pred,
    }
