def confusion_matrix(y_true, y_pred):
    t = np.asarray(y_true).astype(np.int64)
    p = np.asarray(y_pred).astype(np.int64)
    return np.bincount(2 * t + p, minlength=4).reshape(2, 2)


def roc_curve(y_true, y_score):
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(y_score, dtype=float)
    if len(np.unique(y)) < 2:
        raise ValueError("only one class in y_true")
    order = np.argsort(s)[::-1]          # not stable: ties are grouped below anyway
    s, y = s[order], y[order]
    distinct = np.where(np.diff(s) != 0)[0]
    last = np.r_[distinct, y.size - 1]
    tps = np.cumsum(y)[last]
    fps = 1 + last - tps
    tps = np.r_[0.0, tps]
    fps = np.r_[0.0, fps]
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, s[last]]


def auc(fpr, tpr):
    x = np.asarray(fpr, dtype=float)
    y = np.asarray(tpr, dtype=float)
    return float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1])) / 2)
