import math


def sigmoid(z):
    values = []
    for v in np.ravel(np.asarray(z, dtype=float)):
        values.append(1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v)))
    return np.array(values)
