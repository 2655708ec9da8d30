def auc(fpr, tpr):
    return float(np.trapezoid(fpr, tpr))
