"""Data: lifted from sklearn_model.ipynb.

Notebook cells 4, 5, 6; ids 5b46a66e1b90, 98bb21d574af, ff60c4354268.
"""

from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

from sklearn_model._support import show_result
from sklearn_model.wine_cultivar_classifier import SEED


def data_step():
    """Data (notebook cells 4, 5, 6; ids 5b46a66e1b90, 98bb21d574af, ff60c4354268)."""
    # cell 4 (5b46a66e1b90)
    wine = load_wine(as_frame=True)
    X, y = wine.data, wine.target
    print(X.shape)
    show_result(y.value_counts().sort_index())
    # cell 5 (98bb21d574af)
    show_result(X.iloc[:, :5].describe().round(2))
    # cell 6 (ff60c4354268)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=SEED, stratify=y
    )
    print(f"train: {len(X_train)}  test: {len(X_test)}")
    return X_train, X_test, y_train, y_test
