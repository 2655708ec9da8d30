def bernoulli_log_likelihood(p, y):
    y = np.asarray(y, dtype=float)
    likelihood = np.prod(p ** y * (1 - p) ** (1 - y))
    return float(np.log(likelihood))
