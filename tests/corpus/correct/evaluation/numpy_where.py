def confusion_matrix(y_true, y_pred):
    t = np.asarray(y_true) == 1
    p = np.asarray(y_pred) == 1
    tn = np.sum(np.where(~t & ~p, 1, 0))
    fp = np.sum(np.where(~t & p, 1, 0))
    fn = np.sum(np.where(t & ~p, 1, 0))
    tp = np.sum(np.where(t & p, 1, 0))
    return np.array([[tn, fp], [fn, tp]])


def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(y_score, dtype=np.float64)
    if y.all() or not y.any():
        raise ValueError("both classes are needed")
    thresholds = np.concatenate([[np.inf], np.unique(s)[::-1]])
    flagged = s[None, :] >= thresholds[:, None]          # one row per threshold
    tpr = (flagged & y).sum(axis=1) / y.sum()
    fpr = (flagged & ~y).sum(axis=1) / (~y).sum()
    return fpr, tpr, thresholds


def auc(fpr, tpr):
    return float(np.trapezoid(np.asarray(tpr), np.asarray(fpr)))
