import math


def confusion_matrix(y_true, y_pred):
    counts = [[0, 0], [0, 0]]
    for t, p in zip(np.asarray(y_true).tolist(), np.asarray(y_pred).tolist()):
        counts[int(t)][int(p)] += 1
    return np.array(counts, dtype=np.int64)


def roc_curve(y_true, y_score):
    labels = [int(v) for v in np.asarray(y_true).tolist()]
    scores = [float(v) for v in np.asarray(y_score).tolist()]
    positives = sum(labels)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        raise ValueError("y_true must contain both classes")
    fpr, tpr, thresholds = [0.0], [0.0], [math.inf]
    for threshold in sorted(set(scores), reverse=True):
        tp = sum(1 for label, score in zip(labels, scores) if score >= threshold and label == 1)
        fp = sum(1 for label, score in zip(labels, scores) if score >= threshold and label == 0)
        fpr.append(fp / negatives)
        tpr.append(tp / positives)
        thresholds.append(threshold)
    return np.array(fpr), np.array(tpr), np.array(thresholds)


def auc(fpr, tpr):
    xs = [float(v) for v in np.asarray(fpr)]
    ys = [float(v) for v in np.asarray(tpr)]
    return math.fsum((xs[k] - xs[k - 1]) * (ys[k] + ys[k - 1]) / 2 for k in range(1, len(xs)))
