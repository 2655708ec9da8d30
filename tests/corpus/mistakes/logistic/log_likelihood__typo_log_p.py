from scipy.special import log_expit


def log_likelihood(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    z = X @ np.asarray(w, dtype=float)
    return float(np.sum(y * log_expit(z) + (1 - y) * log_expit(z)))
