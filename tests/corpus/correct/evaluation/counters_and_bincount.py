from collections import Counter


def confusion_matrix(y_true, y_pred):
    pairs = Counter(zip(np.asarray(y_true).astype(int).tolist(), np.asarray(y_pred).astype(int).tolist()))
    return np.array([[pairs[(0, 0)], pairs[(0, 1)]], [pairs[(1, 0)], pairs[(1, 1)]]], dtype=np.int64)


def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(float)
    s = np.asarray(y_score).astype(float)
    if not (0 < y.sum() < y.size):
        raise ValueError("roc_curve needs positives and negatives in y_true")
    distinct, group = np.unique(s, return_inverse=True)     # increasing
    positives = np.bincount(group, weights=y, minlength=distinct.size)[::-1]
    negatives = np.bincount(group, weights=1 - y, minlength=distinct.size)[::-1]
    tpr = np.concatenate([[0.0], np.cumsum(positives) / y.sum()])
    fpr = np.concatenate([[0.0], np.cumsum(negatives) / (y.size - y.sum())])
    return fpr, tpr, np.concatenate([[np.inf], distinct[::-1]])


def auc(fpr, tpr):
    x = np.asarray(fpr, dtype=float)
    y = np.asarray(tpr, dtype=float)
    order = np.lexsort((y, x))      # sort the points by fpr, then tpr (a habit from ROC curves)
    return float(np.trapezoid(y[order], x[order]))
