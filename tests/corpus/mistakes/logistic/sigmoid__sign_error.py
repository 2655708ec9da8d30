def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    result = np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))
    return float(result) if result.ndim == 0 else result
