import math


def _sigmoid_number(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def sigmoid(z):
    if isinstance(z, (int, float)):
        return _sigmoid_number(float(z))
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for index in np.ndindex(z.shape):
        out[index] = _sigmoid_number(float(z[index]))
    return float(out) if out.ndim == 0 else out


def _rows(X):
    return [[float(v) for v in row] for row in np.asarray(X, dtype=float)]


def _dot(row, w):
    return sum(a * b for a, b in zip(row, w))


def _log1p_exp(v):
    # ln(1 + e^v) without overflow
    return v + math.log1p(math.exp(-v)) if v > 0 else math.log1p(math.exp(v))


def log_likelihood(X, y, w):
    w = [float(v) for v in np.asarray(w, dtype=float)]
    total = 0.0
    for row, label in zip(_rows(X), np.asarray(y, dtype=float)):
        z = _dot(row, w)
        total += float(label) * z - _log1p_exp(z)
    return total


def log_likelihood_gradient(X, y, w):
    w = [float(v) for v in np.asarray(w, dtype=float)]
    gradient = [0.0] * len(w)
    for row, label in zip(_rows(X), np.asarray(y, dtype=float)):
        error = float(label) - _sigmoid_number(_dot(row, w))
        for j, value in enumerate(row):
            gradient[j] += error * value
    return np.array(gradient)


def gradient_step(X, y, w, learning_rate):
    gradient = log_likelihood_gradient(X, y, w)
    return np.array([float(a) + learning_rate * g for a, g in zip(np.asarray(w, dtype=float), gradient)])


def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    d = np.asarray(X).shape[1]
    w = np.zeros(d) if initial_weights is None else np.array([float(v) for v in np.asarray(initial_weights)])
    done = 0
    while done < n_iterations:
        w = gradient_step(X, y, w, learning_rate)
        done += 1
    return w


def predict_proba(X, w):
    w = [float(v) for v in np.asarray(w, dtype=float)]
    return np.array([_sigmoid_number(_dot(row, w)) for row in _rows(X)], dtype=float)


def predict(X, w, threshold=0.5):
    labels = [1 if p >= threshold else 0 for p in predict_proba(X, w)]
    return np.array(labels, dtype=np.int64)


def add_intercept(X):
    return np.array([[1.0] + row for row in _rows(X)])
