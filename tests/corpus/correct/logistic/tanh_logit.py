def sigmoid(z):
    # tanh never overflows: sigmoid(z) = (1 + tanh(z / 2)) / 2
    if np.isscalar(z):
        return float(0.5 * (1.0 + np.tanh(0.5 * float(z))))
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def log_likelihood(X, y, w):
    z = np.asarray(X, dtype=float).dot(np.asarray(w, dtype=float))
    y = np.asarray(y, dtype=bool)
    # -ln(1 + e^-z) for the ones, -ln(1 + e^z) for the zeros
    return float(-np.logaddexp(0.0, -z[y]).sum() - np.logaddexp(0.0, z[~y]).sum())


def log_likelihood_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    residual = np.asarray(y, dtype=float) - predict_proba(X, w)
    return (X * residual[:, None]).sum(axis=0)


def gradient_step(X, y, w, learning_rate):
    step = learning_rate * log_likelihood_gradient(X, y, w)
    return np.add(np.asarray(w, dtype=float), step)


def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    n_columns = np.shape(X)[1]
    w = np.zeros(n_columns) if initial_weights is None else np.asarray(initial_weights, dtype=float).copy()
    for _ in range(n_iterations):
        w = gradient_step(X, y, w, learning_rate=learning_rate)
    return w


def predict_proba(X, w):
    scores = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float)
    return sigmoid(scores)


def predict(X, w, threshold=0.5):
    # p >= t  <=>  score >= logit(t), since the sigmoid increases
    scores = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float)
    return (scores >= np.log(threshold / (1 - threshold))).astype(int)


def add_intercept(X):
    X = np.asarray(X, dtype=float)
    return np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
