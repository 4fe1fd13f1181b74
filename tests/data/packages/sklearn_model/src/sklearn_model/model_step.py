"""Model: notebook cell 8; id 0dd745dcb58b of sklearn_model.ipynb."""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def make_pipeline(C=1.0):
    """Scaler + logistic regression with regularisation strength ``C``."""
    return Pipeline(
        [
            ("scale", StandardScaler()),
            ("clf", LogisticRegression(C=C, max_iter=1000)),
        ]
    )


def report(name, scores):
    """One line per model: mean and spread of the fold scores."""
    print(f"{name:<8} accuracy {np.mean(scores):.3f} +/- {np.std(scores):.3f}")
