def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(int)
    s = np.asarray(y_score, dtype=float)
    if y.min() == y.max():
        raise ValueError("need both classes")
    order = np.argsort(-s, kind="stable")
    labels = y[order]
    tp = np.r_[0, np.cumsum(labels)]
    fp = np.r_[0, np.cumsum(1 - labels)]
    return fp / fp[-1], tp / tp[-1], np.r_[np.inf, s[order]]
