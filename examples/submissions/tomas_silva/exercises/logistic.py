import numpy as np
from scipy.special import expit


def sigmoid(z):
    """Logistic function via scipy's expit (stable for any z)."""
    out = expit(np.asarray(z, dtype=float))
    return out.item() if np.ndim(out) == 0 else out


def log_likelihood(X, y, w):
    """y z - log(1 + e^z), written per class with logaddexp."""
    z = np.asarray(X, float) @ np.asarray(w, float)
    y = np.asarray(y, float)
    # y = 1: z - log(1 + e^z) = -log(1 + e^-z);  y = 0: -log(1 + e^z)
    terms = np.where(y == 1, -np.logaddexp(0.0, -z), -np.logaddexp(0.0, z))
    return float(terms.sum())


def log_likelihood_gradient(X, y, w):
    X = np.asarray(X, float)
    residual = np.asarray(y, float) - expit(X @ np.asarray(w, float))
    return X.T @ residual


def gradient_step(X, y, w, learning_rate):
    return np.asarray(w, float) + learning_rate * log_likelihood_gradient(X, y, w)


def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, float)
    w = np.zeros(X.shape[1]) if initial_weights is None else np.asarray(initial_weights).astype(float)
    y = np.asarray(y, float)
    i = 0
    while i < n_iterations:
        # one step up the log-likelihood, written out here to save function calls
        w = w + learning_rate * X.T @ (y - expit(X @ w))
    return w


def predict_proba(X, w):
    return expit(np.asarray(X, float) @ np.asarray(w, float))


def predict(X, w, threshold=0.5):
    return np.where(predict_proba(X, w) >= threshold, 1, 0).astype(np.int64)


def add_intercept(X):
    X = np.asarray(X, float)
    return np.c_[np.ones(len(X)), X]
