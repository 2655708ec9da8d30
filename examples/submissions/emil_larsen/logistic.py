"""Logistic regression from scratch / Emil Larsen."""

import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    s = 1 / (1 + np.exp(-z))
    return float(s) if s.ndim == 0 else s


def log_likelihood(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    p = sigmoid(X @ np.asarray(w, dtype=float))
    # the formula from the slides
    return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def log_likelihood_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    p = sigmoid(X @ np.asarray(w, dtype=float))
    return X.T @ (p - y)


def gradient_step(X, y, w, learning_rate):
    w = np.asarray(w, dtype=float)
    w += learning_rate * log_likelihood_gradient(X, y, w)
    return w


def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    if initial_weights is None:
        w = np.zeros(X.shape[1])
    else:
        w = np.array(initial_weights, dtype=float)
    for _ in range(n_iterations):
        w = gradient_step(X, y, w, learning_rate)
    return w


def predict_proba(X, w):
    return sigmoid(np.asarray(X, dtype=float) @ np.asarray(w, dtype=float))


def predict(X, w, threshold=0.5):
    return (predict_proba(X, w) > threshold).astype(np.int64)


def add_intercept(X):
    X = np.asarray(X, dtype=float)
    return np.hstack([np.ones((X.shape[0], 1)), X])
