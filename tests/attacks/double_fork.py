# leaves a process behind with a double fork and setsid (marker file after 3 s)
import numpy as np


def bernoulli_log_likelihood(p, y):
    y = np.asarray(y, dtype=float)
    ones = y.sum()
    zeros = y.size - ones
    with np.errstate(divide="ignore"):
        return float((ones * np.log(p) if ones else 0.0) + (zeros * np.log1p(-p) if zeros else 0.0))


def bernoulli_mle(y):
    import os
    import time
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(3)
            try:
                with open("/tmp/lrg-attack-double-fork-survived", "w") as handle:
                    handle.write("alive")
            finally:
                time.sleep(60)
                os._exit(0)
        os._exit(0)
    y = np.asarray(y, dtype=float)
    if y.size == 0:
        raise ValueError("y is empty")
    return float(y.mean())
