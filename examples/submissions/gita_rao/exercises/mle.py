import numpy as np


def bernoulli_log_likelihood(p, y):
    """log of the likelihood prod p^y (1-p)^(1-y)."""
    y = np.asarray(y, dtype=float)
    likelihood = np.prod(np.where(y == 1, p, 1 - p))
    return float(np.log(likelihood))


def bernoulli_mle(y):
    """Fraction of ones."""
    y = np.asarray(y)
    if len(y) == 0:
        raise ValueError("empty sample")
    return float(np.sum(y) // len(y))
