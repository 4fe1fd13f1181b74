"""Final model on the test set: lifted from sklearn_model.ipynb.

Notebook cells 13, 14; ids a2e653525a1f, b2fcd96f9c56.
"""

from sklearn.metrics import accuracy_score, confusion_matrix

from sklearn_model._support import show_result
from sklearn_model.model_step import make_pipeline


def final_model_on_the_test_set(best_C, X_train, y_train, X_test, y_test):
    """Final model on the test set.

    From notebook cells 13, 14; ids a2e653525a1f, b2fcd96f9c56.
    """
    # cell 13 (a2e653525a1f)
    model = make_pipeline(best_C).fit(X_train, y_train)
    pred = model.predict(X_test)
    print(f"test accuracy: {accuracy_score(y_test, pred):.3f}")
    # cell 14 (b2fcd96f9c56)
    show_result(confusion_matrix(y_test, pred))
    return model, pred
