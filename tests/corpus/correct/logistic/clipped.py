def sigmoid(z):
    # Clipping at +-500 changes the result by far less than 1e-12, and exp(500) is finite.
    clipped = np.clip(np.asarray(z, dtype=float), -500, 500)
    result = 1.0 / (1.0 + np.exp(-clipped))
    if result.ndim == 0:
        return float(result)
    return result


def log_likelihood(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(float)
    z = X @ np.asarray(w, dtype=float)
    # ln(1 + e^z) = max(z, 0) + ln(1 + e^-|z|)
    softplus = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))
    return float((y * z).sum() - softplus.sum())


def log_likelihood_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(float)
    p = sigmoid(X @ np.asarray(w, dtype=float))
    return np.einsum("ij,i->j", X, y - p)


def gradient_step(X, y, w, learning_rate):
    new = np.array(w, dtype=float)
    new = new + learning_rate * log_likelihood_gradient(X, y, new)
    return new


def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if initial_weights is not None:
        w = np.asarray(initial_weights).astype(float)
    else:
        w = np.zeros(X.shape[1])
    for _ in range(int(n_iterations)):
        w = w + learning_rate * (X.T @ (y - sigmoid(X @ w)))
    return w.copy()


def predict_proba(X, w):
    return np.asarray(sigmoid(np.asarray(X, dtype=float) @ np.asarray(w, dtype=float)), dtype=float)


def predict(X, w, threshold=0.5):
    return np.where(predict_proba(X, w) >= threshold, 1, 0).astype(np.int32)


def add_intercept(X):
    return np.insert(np.asarray(X, dtype=float), 0, 1.0, axis=1)
