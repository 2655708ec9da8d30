def predict_proba(X, w):
    X = np.asarray(X, dtype=float)
    return np.asarray(sigmoid(-(X @ np.asarray(w, dtype=float))), dtype=float)
