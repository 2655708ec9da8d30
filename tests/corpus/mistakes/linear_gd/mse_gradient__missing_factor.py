def mse_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    return X.T.dot(X.dot(np.asarray(w, dtype=float)) - np.asarray(y, dtype=float))
