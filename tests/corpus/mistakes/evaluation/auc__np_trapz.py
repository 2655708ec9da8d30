def auc(fpr, tpr):
    return float(np.trapz(tpr, fpr))
