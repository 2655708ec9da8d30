def bernoulli_mle(y):
    y = np.asarray(y).astype(int)
    if y.size == 0:
        raise ValueError("empty")
    return float(y.sum() // y.size)
