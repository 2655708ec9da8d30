def log_likelihood(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    p = sigmoid(X @ np.asarray(w, dtype=float))
    return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
