def mse(X, y, w):
    rows = np.asarray(X, dtype=float).tolist()
    targets = np.asarray(y, dtype=float).tolist()
    weights = np.asarray(w, dtype=float).tolist()
    total = 0.0
    for row, target in zip(rows, targets):
        prediction = sum(x * v for x, v in zip(row, weights))
        total += (prediction - target) ** 2
    return total / len(rows)


def mse_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    n, d = X.shape
    gradient = np.zeros(d)
    for i in range(n):
        error = float(np.dot(X[i], w)) - y[i]
        for j in range(d):
            gradient[j] += 2.0 * error * X[i, j] / n
    return gradient


def linear_regression_gd(X, y, learning_rate=0.01, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if initial_weights is None:
        w = np.zeros(X.shape[1])
    else:
        w = np.array([float(v) for v in np.asarray(initial_weights).ravel()])
    count = 0
    while count < n_iterations:
        w = w - learning_rate * mse_gradient(X, y, w)
        count += 1
    return w
