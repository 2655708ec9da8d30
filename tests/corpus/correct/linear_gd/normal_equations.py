def mse(X, y, w):
    residuals = np.subtract(np.dot(np.asarray(X, dtype=float), np.asarray(w, dtype=float)), np.asarray(y, dtype=float))
    return float(np.linalg.norm(residuals) ** 2 / residuals.size)


def mse_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    # Expanded form: (2 / n) (X^T X w - X^T y)
    return 2.0 * (X.T @ X @ w - X.T @ y) / X.shape[0]


def linear_regression_gd(X, y, learning_rate=0.01, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n = X.shape[0]
    gram = X.T @ X * (2.0 / n)
    moment = X.T @ y * (2.0 / n)
    w = np.zeros(X.shape[1]) if initial_weights is None else np.asarray(initial_weights, dtype=float).copy()
    for _ in range(n_iterations):
        w -= learning_rate * (gram @ w - moment)
    return w
