def mse(X, y, w):
    X = np.asarray(X)
    y = np.asarray(y)
    return float(((X @ np.asarray(w) - y) ** 2).mean())


def mse_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    residuals = X @ np.asarray(w, dtype=float) - np.asarray(y, dtype=float)
    # Each row contributes 2 * residual * x_i; the gradient is their mean.
    return np.mean(2 * residuals[:, None] * X, axis=0)


def linear_regression_gd(X, y, learning_rate=0.01, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1])
    if initial_weights is not None:
        w = w + np.asarray(initial_weights, dtype=float)
    history = [w]
    for _ in range(n_iterations):
        history.append(history[-1] - learning_rate * mse_gradient(X, y, history[-1]))
    return history[-1]
