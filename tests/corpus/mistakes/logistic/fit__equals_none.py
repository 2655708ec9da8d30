def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    X = np.asarray(X, dtype=float)
    if initial_weights == None:  # noqa: E711
        w = np.zeros(X.shape[1])
    else:
        w = np.array(initial_weights, dtype=float)
    for _ in range(n_iterations):
        w = gradient_step(X, y, w, learning_rate)
    return w
