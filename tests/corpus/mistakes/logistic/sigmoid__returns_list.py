import math


def _one(v):
    if v >= 0:
        return 1 / (1 + math.exp(-v))
    return math.exp(v) / (1 + math.exp(v))


def sigmoid(z):
    if np.ndim(z) == 0:
        return _one(float(z))
    return [_one(float(v)) for v in np.ravel(z)]
