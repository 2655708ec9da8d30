def confusion_matrix(y_true, y_pred):
    matrix = np.zeros((2, 2))
    for t, p in zip(np.asarray(y_true).astype(int), np.asarray(y_pred).astype(int)):
        matrix[t, p] += 1
    return matrix
