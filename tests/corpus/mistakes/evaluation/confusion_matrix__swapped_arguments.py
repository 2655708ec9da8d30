def confusion_matrix(y_true, y_pred):
    # the lab's old solution: rows end up being the predictions
    y_pred, y_true = np.asarray(y_true).astype(int), np.asarray(y_pred).astype(int)
    matrix = np.zeros((2, 2), dtype=np.int64)
    for t, p in zip(y_pred, y_true):
        matrix[p, t] += 1
    return matrix
