import numpy as np
from scipy.special import xlog1py, xlogy


def bernoulli_log_likelihood(p, y):
    """Sum of y log p + (1 - y) log(1 - p); xlogy makes 0 * log 0 = 0."""
    y = np.asarray(y, dtype=float)
    return float(np.sum(xlogy(y, p) + xlog1py(1.0 - y, -p)))


def bernoulli_mle(y):
    """Fraction of ones."""
    y = np.asarray(y)
    if len(y) == 0:
        raise ValueError("empty sample")
    return np.count_nonzero(y) / len(y)
