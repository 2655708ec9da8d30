# returns objects that lie about equality, shape and type, and run code in __repr__/__array__
import numpy as np


def bernoulli_log_likelihood(p, y):
    y = np.asarray(y, dtype=float)
    ones = y.sum()
    zeros = y.size - ones
    with np.errstate(divide="ignore"):
        return float((ones * np.log(p) if ones else 0.0) + (zeros * np.log1p(-p) if zeros else 0.0))


class Liar(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __repr__(self):
        open("/tmp/lrg-attack-repr-ran", "w").write("ran")
        return "0.55"

    def __array__(self, dtype=None, copy=None):
        open("/tmp/lrg-attack-array-ran", "w").write("ran")
        return np.array(0.55)


class Shape:
    shape = ()
    dtype = np.float64

    def __eq__(self, other):
        return True

    def __float__(self):
        return 0.55


def bernoulli_mle(y):
    return Shape() if len(np.asarray(y)) % 2 else Liar(0.0)
