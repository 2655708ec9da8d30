import pandas as pd


def _values(a):
    if isinstance(a, (pd.Series, pd.DataFrame)):
        return a.to_numpy(dtype=float)
    return np.array(a, dtype=float)


def sigmoid(z):
    z = _values(z)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out.item() if out.ndim == 0 else out


def log_likelihood(X, y, w):
    z = _values(X) @ _values(w)
    return np.logaddexp(0.0, z).__neg__().sum().item() + float(_values(y) @ z)


def predict_proba(X, w):
    return sigmoid(_values(X) @ _values(w))


def predict(X, w, threshold=0.5):
    return (predict_proba(X, w) >= threshold).astype("int64")


def add_intercept(X):
    X = _values(X)
    result = np.ones((X.shape[0], X.shape[1] + 1))
    result[:, 1:] = X
    return result
