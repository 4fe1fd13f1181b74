"""Wine cultivar classifier: notebook cell 2; id 30e223c000c8 of sklearn_model.ipynb."""

import numpy as np
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


SEED = 0


def wine_cultivar_classifier():
    """Wine cultivar classifier (notebook cell 2; id 30e223c000c8)."""
    # cell 2 (30e223c000c8): definitions only
    pass
