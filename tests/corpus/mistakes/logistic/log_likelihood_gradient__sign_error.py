def log_likelihood_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    return X.T @ (sigmoid(X @ np.asarray(w, dtype=float)) - y)
