def confusion_matrix(y_true, y_pred):
    t = np.asarray(y_true).astype(int)
    p = np.asarray(y_pred).astype(int)
    labels = np.unique(np.concatenate([t, p]))
    matrix = np.zeros((labels.size, labels.size), dtype=np.int64)
    for i, a in enumerate(labels):
        for j, b in enumerate(labels):
            matrix[i, j] = np.sum((t == a) & (p == b))
    return matrix
