def linear_regression_gd(X, y, learning_rate=0.01, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1]) if initial_weights is None else np.array(initial_weights, dtype=float)
    for _ in range(n_iterations + 1):
        w = w - learning_rate * mse_gradient(X, y, w)
    return w
