def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1]) if initial_weights is None else np.array(initial_weights)
    for _ in range(n_iterations):
        w[:] = gradient_step(X, y, w, learning_rate)
    return w
