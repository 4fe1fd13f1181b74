"""Iris species classifier: notebook cell 2; id 6afe4e0d7bde of iris_model.ipynb."""

from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, classification_report
from sklearn.model_selection import train_test_split


def iris_species_classifier():
    """Iris species classifier (notebook cell 2; id 6afe4e0d7bde)."""
    # cell 2 (6afe4e0d7bde): definitions only
    pass
