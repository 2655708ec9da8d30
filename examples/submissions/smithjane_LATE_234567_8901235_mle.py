# Jane Smith -- HW6 (mle)
import numpy as np


def bernoulli_log_likelihood(p, y):
    y = np.asarray(y, dtype=float)
    ones = np.sum(y == 1)
    zeros = np.sum(y == 0)
    with np.errstate(divide="ignore"):
        a = ones * np.log(p) if ones else 0.0
        b = zeros * np.log(1 - p) if zeros else 0.0
    return float(a + b)


def bernoulli_mle(y):
    y = np.asarray(y, dtype=float)
    if not len(y):
        raise ValueError("no data")
    return float(np.sum(y) / len(y))
