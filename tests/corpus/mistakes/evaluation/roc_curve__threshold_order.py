def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(int)
    s = np.asarray(y_score, dtype=float)
    if y.min() == y.max():
        raise ValueError("need both classes")
    thresholds = np.r_[np.inf, np.unique(s)]  # unique sorts increasing
    fpr = np.array([np.sum((s >= t) & (y == 0)) / np.sum(y == 0) for t in thresholds])
    tpr = np.array([np.sum((s >= t) & (y == 1)) / np.sum(y == 1) for t in thresholds])
    return fpr, tpr, thresholds
