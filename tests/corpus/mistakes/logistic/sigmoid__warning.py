def sigmoid(z):
    z = np.asarray(z, dtype=float)
    result = 1 / (1 + np.exp(-z))
    return float(result) if result.ndim == 0 else result
