"""Homework 6: logistic regression from scratch.

Ivy Chen. Everything in one file (the instructions said that is fine).
"""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

# ---------------------------------------------------------------- MLE review


def bernoulli_log_likelihood(p, y):
    y = np.asarray(y, dtype=float)
    ones = np.sum(y == 1)
    zeros = np.sum(y == 0)
    with np.errstate(divide="ignore"):
        a = ones * np.log(p) if ones else 0.0
        b = zeros * np.log(1 - p) if zeros else 0.0
    return float(a + b)


def bernoulli_mle(y):
    y = np.asarray(y, dtype=float)
    if not len(y):
        raise ValueError("no data")
    return float(np.sum(y) / len(y))


# ---------------------------------------------------------- linear regression


def mse(X, y, w):
    err = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) - np.asarray(y, dtype=float)
    return float(err @ err / len(err))


def mse_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    err = X @ np.asarray(w, dtype=float) - np.asarray(y, dtype=float)
    return (2 / len(err)) * X.T @ err


def linear_regression_gd(X, y, learning_rate=0.01, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1]) if initial_weights is None else np.array(initial_weights, dtype=float)
    for _ in range(n_iterations):
        w = w - learning_rate * mse_gradient(X, y, w)
    return w


# -------------------------------------------------------- logistic regression


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return float(s) if s.ndim == 0 else s


def log_likelihood(X, y, w):
    z = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float)
    return float(np.sum(np.asarray(y, dtype=float) * z - np.logaddexp(0, z)))


def log_likelihood_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    return X.T @ (np.asarray(y, dtype=float) - sigmoid(X @ np.asarray(w, dtype=float)))


def gradient_step(X, y, w, learning_rate):
    return np.asarray(w, dtype=float) + learning_rate * log_likelihood_gradient(X, y, w)


def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1]) if initial_weights is None else np.array(initial_weights, dtype=float)
    for _ in range(n_iterations):
        w = gradient_step(X, y, w, learning_rate)
    return w


def predict_proba(X, w):
    return np.atleast_1d(sigmoid(np.asarray(X, dtype=float) @ np.asarray(w, dtype=float)))


def predict(X, w, threshold=0.5):
    return (predict_proba(X, w) >= threshold).astype(np.int64)


def add_intercept(X):
    X = np.asarray(X, dtype=float)
    return np.concatenate([np.ones((len(X), 1)), X], axis=1)


# ----------------------------------------------------------------- evaluation


def confusion_matrix(y_true, y_pred):
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    tp = np.sum(t & p)
    fn = np.sum(t & ~p)
    fp = np.sum(~t & p)
    tn = np.sum(~t & ~p)
    # layout from the lecture slides
    return np.array([[tp, fn], [fp, tn]], dtype=np.int64)


def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(int)
    s = np.asarray(y_score, dtype=float)
    if y.sum() in (0, len(y)):
        raise ValueError("need both classes")
    order = np.argsort(-s)
    tps = np.r_[0, np.cumsum(y[order])]
    fps = np.r_[0, np.cumsum(1 - y[order])]
    thresholds = np.r_[np.inf, s[order]]
    return fps / fps[-1], tps / tps[-1], thresholds


def auc(fpr, tpr):
    fpr = np.asarray(fpr, dtype=float)
    tpr = np.asarray(tpr, dtype=float)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1])) / 2)


# ------------------------------------------------------------- scikit-learn


def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    model = LogisticRegression(C=C, solver="lbfgs", max_iter=1000)
    model.fit(X_train, y_train)
    return model.predict_proba(X_test)[:, 1]


def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    return {C: float(roc_auc_score(y_test, sklearn_predict_proba(X_train, y_train, X_test, C))) for C in Cs}
