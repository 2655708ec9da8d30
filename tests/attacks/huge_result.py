# returns huge and endless results
import numpy as np


def bernoulli_log_likelihood(p, y):
    y = np.asarray(y, dtype=float)
    ones = y.sum()
    zeros = y.size - ones
    with np.errstate(divide="ignore"):
        return float((ones * np.log(p) if ones else 0.0) + (zeros * np.log1p(-p) if zeros else 0.0))


def bernoulli_mle(y):
    n = len(np.asarray(y))
    if n % 3 == 0:
        return np.zeros(40_000_000)
    if n % 3 == 1:
        deep = []
        for _ in range(100_000):
            deep = [deep]
        return deep
    return (i for i in iter(int, 1))
