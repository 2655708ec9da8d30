"""scikit-learn part (Dana O.)"""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    raise NotImplementedError("sklearn_predict_proba")


def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    raise NotImplementedError("auc_by_C")
