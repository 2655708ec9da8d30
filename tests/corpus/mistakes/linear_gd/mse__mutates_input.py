def mse(X, y, w):
    errors = np.asarray(y, dtype=float)
    errors -= np.asarray(X, dtype=float) @ np.asarray(w, dtype=float)  # changes the caller's float y
    return float(np.mean(errors**2))
