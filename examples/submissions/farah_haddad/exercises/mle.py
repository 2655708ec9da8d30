# Farah Haddad: exercises for the MLE lecture
import math

import numpy as np


def bernoulli_log_likelihood(p, y):
    # count the outcomes first: sum of logs = (#ones) log p + (#zeros) log(1 - p)
    ones = 0
    zeros = 0
    for value in np.asarray(y).ravel().tolist():
        if value:
            ones += 1
        else:
            zeros += 1
    ll = 0.0
    if ones:
        ll += ones * math.log(p) if p > 0 else -math.inf
    if zeros:
        ll += zeros * math.log(1 - p) if p < 1 else -math.inf
    return float(ll)


def bernoulli_mle(y):
    values = np.asarray(y).ravel().tolist()
    if len(values) == 0:
        raise ValueError("bernoulli_mle needs a non-empty sample")
    return sum(1 for v in values if v) / len(values)
