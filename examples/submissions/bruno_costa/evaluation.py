# Bruno Costa - evaluating a classifier
import numpy as np


def confusion_matrix(y_true, y_pred):
    cm = np.zeros((2, 2), dtype=np.int64)
    for t, p in zip(np.asarray(y_true).tolist(), np.asarray(y_pred).tolist()):
        cm[int(t), int(p)] += 1
    return cm


def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(int)
    s = np.asarray(y_score, dtype=float)
    if y.sum() == 0 or y.sum() == len(y):
        raise ValueError("roc_curve needs positives and negatives")
    order = np.argsort(-s, kind="mergesort")
    s = s[order]
    y = y[order]
    tps, fps, thresholds = [0], [0], [np.inf]
    tp = fp = 0
    i = 0
    while i < len(s):
        j = i
        # all samples with the same score cross the threshold together
        while j < len(s) and s[j] == s[i]:
            if y[j] == 1:
                tp += 1
            else:
                fp += 1
            j += 1
        tps.append(tp)
        fps.append(fp)
        thresholds.append(s[i])
        i = j
    return np.array(fps) / fp, np.array(tps) / tp, np.array(thresholds)


def auc(fpr, tpr):
    area = 0.0
    for k in range(1, len(fpr)):
        area += (fpr[k] - fpr[k - 1]) * (tpr[k] + tpr[k - 1]) / 2
    return float(area)
