def auc(fpr, tpr):
    x = np.asarray(fpr, dtype=float)
    y = np.asarray(tpr, dtype=float)
    area = 0.0
    for k in range(1, x.size):
        area += (x[k] - x[k - 1]) * y[k - 1]
    return area
