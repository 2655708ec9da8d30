"""scikit-learn's logistic regression and C  (L. Vogel)."""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    model = LogisticRegression(C=C, solver="lbfgs", max_iter=1000)
    model.fit(np.asarray(X_train), np.asarray(y_train))
    return model.predict_proba(np.asarray(X_test))[:, 1]


def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    result = {}
    for C in Cs:
        probabilities = sklearn_predict_proba(X_train, y_train, X_test, C)
        result[C] = float(roc_auc_score(y_test, probabilities))
    return result
