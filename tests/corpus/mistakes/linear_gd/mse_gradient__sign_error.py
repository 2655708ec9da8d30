def mse_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    errors = np.asarray(y, dtype=float) - X @ np.asarray(w, dtype=float)
    return 2 / len(X) * X.T @ errors
