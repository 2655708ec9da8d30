# Jane Smith -- HW6 (logistic regression)
import numpy as np


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
