# Bruno Costa - logistic regression from scratch
import math

import numpy as np


def _sig(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    values = [_sig(v) for v in z.ravel().tolist()]
    out = np.array(values, dtype=float).reshape(z.shape)
    if out.ndim == 0:
        return float(out)
    return out


def log_likelihood(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    total = 0.0
    for i in range(len(y)):
        z = X[i] @ w
        total += y[i] * z - np.logaddexp(0.0, z)
    return float(total)


def log_likelihood_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    grad = np.zeros(X.shape[1])
    for i in range(len(y)):
        grad += (y[i] - _sig(X[i] @ w)) * X[i]
    return grad


def gradient_step(X, y, w, learning_rate):
    w = np.asarray(w, dtype=float)
    return w + learning_rate * log_likelihood_gradient(X, y, w)


def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    if initial_weights is None:
        w = np.zeros(X.shape[1])
    else:
        w = np.asarray(initial_weights, dtype=float).copy()
    for it in range(n_iterations):
        w = gradient_step(X, y, w, learning_rate)
    return w


def predict_proba(X, w):
    X = np.asarray(X, dtype=float)
    w = np.asarray(w, dtype=float)
    return np.array([_sig(row @ w) for row in X], dtype=float)


def predict(X, w, threshold=0.5):
    probs = predict_proba(X, w)
    return np.array([1 if p >= threshold else 0 for p in probs], dtype=np.int64)


def add_intercept(X):
    X = np.asarray(X, dtype=float)
    return np.column_stack([np.ones(X.shape[0]), X])
