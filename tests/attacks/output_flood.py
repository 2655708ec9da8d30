# prints a gigabyte, and writes another straight to the file descriptors
import numpy as np


def bernoulli_log_likelihood(p, y):
    y = np.asarray(y, dtype=float)
    ones = y.sum()
    zeros = y.size - ones
    with np.errstate(divide="ignore"):
        return float((ones * np.log(p) if ones else 0.0) + (zeros * np.log1p(-p) if zeros else 0.0))


def bernoulli_mle(y):
    import os
    chunk = "x" * 1_000_000
    for _ in range(500):
        print(chunk)
        os.write(1, chunk.encode())
        os.write(2, chunk.encode())
    y = np.asarray(y, dtype=float)
    if y.size == 0:
        raise ValueError("y is empty")
    return float(y.mean())
