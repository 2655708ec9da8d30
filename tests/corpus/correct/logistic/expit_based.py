from scipy.special import expit, log_expit


def sigmoid(z):
    result = expit(np.asarray(z, dtype=float))
    return float(result) if np.ndim(result) == 0 else np.asarray(result)


def log_likelihood(X, y, w):
    z = np.dot(np.asarray(X, dtype=float), np.asarray(w, dtype=float))
    y = np.asarray(y, dtype=float)
    return float(np.sum(y * log_expit(z) + (1 - y) * log_expit(-z)))


def log_likelihood_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    errors = np.asarray(y, dtype=float) - expit(np.dot(X, np.asarray(w, dtype=float)))
    return np.dot(errors, X)


def gradient_step(X, y, w, learning_rate):
    return np.asarray(w, dtype=float) + learning_rate * log_likelihood_gradient(X, y, w)


def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    if initial_weights is None:
        initial_weights = np.zeros(X.shape[1])
    w = np.array(initial_weights, dtype=float, copy=True)
    for _ in range(n_iterations):
        w = gradient_step(X, y, w, learning_rate)
    return w


def predict_proba(X, w):
    return expit(np.asarray(X, dtype=float) @ np.asarray(w, dtype=float))


def predict(X, w, threshold=0.5):
    return np.where(predict_proba(X, w) >= threshold, 1, 0)


def add_intercept(X):
    X = np.asarray(X, dtype=float)
    return np.c_[np.ones(len(X)), X]
