def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(int)
    s = np.asarray(y_score, dtype=float)
    if y.min() == y.max():
        raise ValueError("need both classes")
    thresholds = np.r_[np.inf, np.unique(s)[::-1]]
    fpr, tpr = [], []
    for t in thresholds:
        flagged = s >= t
        tp = np.sum(flagged & (y == 1))
        fp = np.sum(flagged & (y == 0))
        fpr.append(fp / (tp + fp) if tp + fp else 0.0)
        tpr.append(tp / np.sum(y == 1))
    return np.array(fpr), np.array(tpr), thresholds
