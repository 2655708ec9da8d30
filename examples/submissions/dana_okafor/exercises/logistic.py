"""Logistic regression from scratch (Dana O.)."""

import numpy as np


def sigmoid(z):
    # clip so exp(-z) cannot overflow (exp(500) is still finite)
    z = np.clip(np.asarray(z, dtype=float), -500, 500)
    out = 1.0 / (1.0 + np.exp(-z))
    if out.ndim == 0:
        return float(out)
    return out


def log_likelihood(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    z = X @ np.asarray(w, dtype=float)
    return float(np.sum(y * z - np.logaddexp(0, z)))


def log_likelihood_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    p = sigmoid(X @ np.asarray(w, dtype=float))
    return X.T @ (y - p)


def gradient_step(X, y, w, learning_rate):
    # TODO
    raise NotImplementedError("gradient_step is not implemented yet")


def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    # TODO
    raise NotImplementedError("fit is not implemented yet")


def predict_proba(X, w):
    # TODO
    raise NotImplementedError("predict_proba is not implemented yet")


def predict(X, w, threshold=0.5):
    # TODO
    raise NotImplementedError("predict is not implemented yet")


def add_intercept(X):
    # TODO
    raise NotImplementedError("add_intercept is not implemented yet")

