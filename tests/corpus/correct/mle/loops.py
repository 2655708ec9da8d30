import math


def bernoulli_log_likelihood(p, y):
    total = 0.0
    for outcome in list(np.asarray(y)):
        if outcome:
            total += math.log(p) if p > 0 else -math.inf
        else:
            total += math.log1p(-p) if p < 1 else -math.inf
    return total


def bernoulli_mle(y):
    values = [float(v) for v in np.asarray(y)]
    if not values:
        raise ValueError("y is empty")
    return sum(values) / len(values)
