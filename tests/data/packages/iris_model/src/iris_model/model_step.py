"""Model: notebook cell 7; id d4d40bfdc466 of iris_model.ipynb."""

from sklearn.linear_model import LogisticRegression


def model_step(X_train, y_train):
    """Model (notebook cell 7; id d4d40bfdc466)."""
    # cell 7 (d4d40bfdc466)
    model = LogisticRegression(max_iter=500).fit(X_train, y_train)
    return model
