def mse_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    errors = X @ np.asarray(w, dtype=float) - np.asarray(y, dtype=float)
    return 2 / len(X) * (X @ errors)
