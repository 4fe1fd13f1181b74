"""Evaluation: notebook cells 9, 10; ids b19189e59e6b, 93563697068f of iris_model.ipynb."""

from sklearn.metrics import accuracy_score, classification_report


def evaluation(model, X_test, y_test, iris):
    """Evaluation (notebook cells 9, 10; ids b19189e59e6b, 93563697068f)."""
    # cell 9 (b19189e59e6b)
    pred = model.predict(X_test)
    print(f"accuracy: {accuracy_score(y_test, pred):.3f}")
    # cell 10 (93563697068f)
    print(classification_report(y_test, pred, target_names=iris.target_names))
    return pred
