def add_intercept(X):
    return np.insert(np.asarray(X), 0, 1, axis=1)
