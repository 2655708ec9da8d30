"""Gradient descent on a linear regression / Emil Larsen."""

import numpy as np


def _arrays(X, y, w):
    return np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)


def mse(X, y, w):
    X, y, w = _arrays(X, y, w)
    r = X @ w - y
    return float(np.mean(r ** 2))


def mse_gradient(X, y, w):
    X, y, w = _arrays(X, y, w)
    n = X.shape[0]
    return 2.0 / n * (X.T @ (X @ w - y))


def linear_regression_gd(X, y, learning_rate=0.01, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if initial_weights is None:
        w = np.zeros(X.shape[1])
    else:
        w = np.array(initial_weights, dtype=float)  # a copy, so the caller's array stays as it was
    for _ in range(n_iterations):
        w = w - learning_rate * mse_gradient(X, y, w)
    return w
