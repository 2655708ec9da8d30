"""Confusion matrix, ROC and AUC - Omar F.."""

import numpy as np


def confusion_matrix(y_true, y_pred):
    t = np.asarray(y_true).astype(int)
    p = np.asarray(y_pred).astype(int)
    tn = np.sum((t == 0) & (p == 0))
    fp = np.sum((t == 0) & (p == 1))
    fn = np.sum((t == 1) & (p == 0))
    tp = np.sum((t == 1) & (p == 1))
    return np.array([[tn, fp], [fn, tp]], dtype=np.int64)


def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(int)
    s = np.asarray(y_score, dtype=float)
    n_pos = y.sum()
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("y_true must contain both classes")
    thresholds = np.r_[np.inf, np.unique(s)[::-1]]
    tpr = np.array([np.sum((s >= t) & (y == 1)) for t in thresholds]) / n_pos
    fpr = np.array([np.sum((s >= t) & (y == 0)) for t in thresholds]) / n_neg
    return fpr, tpr, thresholds


def auc(fpr, tpr):
    x = np.asarray(fpr, dtype=float)
    y = np.asarray(tpr, dtype=float)
    return float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2))
