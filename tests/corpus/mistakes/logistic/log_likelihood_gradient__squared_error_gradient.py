def log_likelihood_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    p = sigmoid(X @ np.asarray(w, dtype=float))
    return X.T @ ((p - y) * p * (1 - p))
