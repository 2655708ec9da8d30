def mse(X, y, w):
    X = np.asarray(X, dtype=float)
    residuals = X @ np.asarray(w, dtype=float) - np.asarray(y, dtype=float)
    return float(np.sum(residuals**2) / (2 * len(X)))
