def mse(X, y, w):
    residuals = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) - np.asarray(y, dtype=float)
    return float(np.mean(residuals) ** 2)
