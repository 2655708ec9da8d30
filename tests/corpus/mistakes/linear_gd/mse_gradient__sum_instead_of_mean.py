def mse_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    return 2 * X.T @ (X @ np.asarray(w, dtype=float) - np.asarray(y, dtype=float))
