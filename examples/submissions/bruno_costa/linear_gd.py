# Bruno Costa - gradient descent, written with loops so I can follow every step
import numpy as np


def mse(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    n = len(y)
    total = 0.0
    for i in range(n):
        err = X[i] @ w - y[i]
        total += err * err
    return float(total / n)


def mse_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    n = len(y)
    grad = np.zeros(X.shape[1])
    for i in range(n):
        grad += (X[i] @ w - y[i]) * X[i]
    return 2 * grad / n


def linear_regression_gd(X, y, learning_rate=0.01, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    if initial_weights is None:
        w = np.zeros(X.shape[1])
    else:
        w = np.asarray(initial_weights, dtype=float).copy()
    for it in range(n_iterations):
        w = w - learning_rate * mse_gradient(X, y, w)
    return w
