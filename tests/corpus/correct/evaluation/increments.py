def confusion_matrix(y_true, y_pred):
    t = np.asarray(y_true).astype(int)
    p = np.asarray(y_pred).astype(int)
    matrix = np.zeros((2, 2), dtype=int)
    np.add.at(matrix, (t, p), 1)
    return matrix


def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(int)
    s = np.asarray(y_score, dtype=float)
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("y_true holds one class only")
    order = np.lexsort((y, -s))  # by decreasing score
    fpr, tpr, thresholds = [0.0], [0.0], [np.inf]
    x = yv = 0.0
    for k, i in enumerate(order):
        # rates accumulated step by step, in floats
        if y[i]:
            yv += 1.0 / n_pos
        else:
            x += 1.0 / n_neg
        if k + 1 == len(order) or s[order[k + 1]] != s[i]:
            fpr.append(x)
            tpr.append(yv)
            thresholds.append(s[i])
    fpr[-1] = tpr[-1] = 1.0
    return np.array(fpr), np.array(tpr), np.array(thresholds)


def auc(fpr, tpr):
    x = np.asarray(fpr, dtype=float)
    y = np.asarray(tpr, dtype=float)
    area = 0.0
    for k in range(len(x) - 1):
        area += 0.5 * (x[k + 1] - x[k]) * (y[k + 1] + y[k])
    return area
