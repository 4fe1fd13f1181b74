"""Data: notebook cells 4, 5; ids f995bdc894bb, fe12e484d879 of iris_model.ipynb."""

from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split


def data_step():
    """Data (notebook cells 4, 5; ids f995bdc894bb, fe12e484d879)."""
    # cell 4 (f995bdc894bb)
    iris = load_iris()
    X, y = iris.data, iris.target
    print(X.shape, ", ".join(iris.target_names))
    # cell 5 (fe12e484d879)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=42, stratify=y
    )
    print(len(X_train), len(X_test))
    return iris, X_train, X_test, y_train, y_test
