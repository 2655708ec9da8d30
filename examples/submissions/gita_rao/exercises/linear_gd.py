import numpy as np


def mse(X, y, w):
    """Mean squared error of X @ w."""
    residual = np.asarray(X, float).dot(np.asarray(w, float)) - np.asarray(y, float)
    return float(np.square(residual).mean())


def mse_gradient(X, y, w):
    """(2/n) X^T (Xw - y)."""
    X = np.asarray(X, float)
    residual = X.dot(np.asarray(w, float)) - np.asarray(y, float)
    return 2.0 * X.T.dot(residual) / len(residual)


def linear_regression_gd(X, y, learning_rate=0.01, n_iterations=1000, initial_weights=None):
    """Plain batch gradient descent."""
    X = np.asarray(X, float)
    w = np.zeros(X.shape[1]) if initial_weights is None else np.asarray(initial_weights).astype(float)
    for step in range(n_iterations):
        w = w - learning_rate * mse_gradient(X, y, w)
    return w
