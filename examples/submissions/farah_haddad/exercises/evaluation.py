# Farah Haddad: evaluating a classifier
import numpy as np


def confusion_matrix(y_true, y_pred):
    cm = np.zeros((2, 2), dtype=np.int64)
    for t, p in zip(np.asarray(y_true).tolist(), np.asarray(y_pred).tolist()):
        cm[int(p), int(t)] += 1
    return cm


def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(int)
    s = np.asarray(y_score, dtype=float)
    if y.sum() == 0 or y.sum() == len(y):
        raise ValueError("roc_curve needs positives and negatives")
    # scores are probabilities, so 101 thresholds from 1 down to 0 are plenty
    thresholds = np.r_[np.inf, np.linspace(1, 0, 101)]
    tpr = np.array([np.mean(s[y == 1] >= t) for t in thresholds])
    fpr = np.array([np.mean(s[y == 0] >= t) for t in thresholds])
    return fpr, tpr, thresholds


def auc(fpr, tpr):
    return float(np.trapezoid(fpr, tpr))
