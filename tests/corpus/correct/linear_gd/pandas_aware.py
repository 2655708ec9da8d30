import math


def _values(data):
    """Plain float values of an array, list, Series or DataFrame (ignoring any index)."""
    if hasattr(data, "to_numpy"):
        data = data.to_numpy()
    return np.array(data, dtype=np.float64)


def mse(X, y, w):
    errors = _values(X).dot(_values(w)) - _values(y)
    return math.fsum(e * e for e in errors) / len(errors)


def mse_gradient(X, y, w):
    X = _values(X)
    errors = X.dot(_values(w)) - _values(y)
    return np.einsum("ij,i->j", X, errors) * (2 / len(errors))


def linear_regression_gd(X, y, learning_rate=0.01, n_iterations=1000, initial_weights=None):
    X, y = _values(X), _values(y)
    w = np.zeros(X.shape[1], dtype=np.float64) if initial_weights is None else _values(initial_weights)
    for _ in range(int(n_iterations)):
        w = w - learning_rate * mse_gradient(X, y, w)
    return w
