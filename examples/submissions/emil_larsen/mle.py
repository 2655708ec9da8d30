"""MLE review / Emil Larsen, lab 6."""

import numpy as np


def bernoulli_log_likelihood(p, y):
    y = np.asarray(y, dtype=float)
    k = y.sum()          # number of ones
    m = y.size - k       # number of zeros
    total = 0.0
    # count first, then one log per outcome type (no product -> no underflow)
    with np.errstate(divide="ignore"):
        if k > 0:
            total += k * np.log(p)
        if m > 0:
            total += m * np.log1p(-p)
    return float(total)


def bernoulli_mle(y):
    y = np.asarray(y, dtype=float)
    if y.size == 0:
        raise ValueError("need at least one observation")
    return float(y.mean())
