import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    model = LogisticRegression(C=C, solver="lbfgs", max_iter=1000).fit(X_train, y_train)
    return model.predict_proba(X_test)[:, 1]


def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    aucs = {}
    for C in Cs:
        aucs[C] = float(roc_auc_score(y_test, sklearn_predict_proba(X_train, y_train, X_test, C=C)))
    return aucs
