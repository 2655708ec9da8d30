# allocates without end (bounded at 64 GiB in 256 MiB steps)
import numpy as np


def bernoulli_log_likelihood(p, y):
    y = np.asarray(y, dtype=float)
    ones = y.sum()
    zeros = y.size - ones
    with np.errstate(divide="ignore"):
        return float((ones * np.log(p) if ones else 0.0) + (zeros * np.log1p(-p) if zeros else 0.0))


def bernoulli_mle(y):
    hoard = []
    for _ in range(256):
        hoard.append(np.ones(32 * 1024 * 1024))
    return 0.5
