"""Cross-validation: lifted from sklearn_model.ipynb.

Notebook cells 10, 11; ids 9b55e2119f36, b6f5b662f6f2.
"""

from sklearn.model_selection import StratifiedKFold, cross_val_score

from sklearn_model._support import show_result
from sklearn_model.model_step import make_pipeline, report
from sklearn_model.wine_cultivar_classifier import SEED


def cross_validation(X_train, y_train):
    """Cross-validation (notebook cells 10, 11; ids 9b55e2119f36, b6f5b662f6f2)."""
    # cell 10 (9b55e2119f36)
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    cv_means = {}
    for C in [0.1, 1.0, 10.0]:
        scores = cross_val_score(make_pipeline(C), X_train, y_train, cv=cv)
        cv_means[C] = scores.mean()
        report(f"C={C}", scores)
    # cell 11 (b6f5b662f6f2)
    # the C with the best mean fold accuracy
    best_C = max(cv_means, key=cv_means.get)
    show_result(best_C)
    return best_C
