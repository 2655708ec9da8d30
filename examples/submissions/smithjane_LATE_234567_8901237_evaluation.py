# Jane Smith -- HW6 (evaluation)
import numpy as np


def confusion_matrix(y_true, y_pred):
    t = np.asarray(y_true).astype(np.int64)
    p = np.asarray(y_pred).astype(np.int64)
    counts = np.zeros(4, dtype=np.int64)
    np.add.at(counts, 2 * t + p, 1)
    return counts.reshape(2, 2)


def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(float)
    s = np.asarray(y_score, float)
    if y.min() == y.max():
        raise ValueError("only one class in y_true")
    distinct, inverse = np.unique(-s, return_inverse=True)   # ascending in -s = descending in s
    pos_per_score = np.bincount(inverse, weights=y, minlength=len(distinct))
    all_per_score = np.bincount(inverse, minlength=len(distinct))
    tp = np.r_[0, np.cumsum(pos_per_score)]
    fp = np.r_[0, np.cumsum(all_per_score - pos_per_score)]
    return fp / fp[-1], tp / tp[-1], np.r_[np.inf, -distinct]


def auc(fpr, tpr):
    return float(np.trapezoid(np.asarray(tpr, float), np.asarray(fpr, float)))
