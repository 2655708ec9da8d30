def log_likelihood(X, y, w):
    z = X @ w
    return float(np.sum(y * z - np.logaddexp(0, z)))
