import pandas as pd


def confusion_matrix(y_true, y_pred):
    table = pd.crosstab(np.asarray(y_true).astype(int), np.asarray(y_pred).astype(int))
    table = table.reindex(index=[0, 1], columns=[0, 1], fill_value=0)
    return table.to_numpy(dtype=np.int64)


def roc_curve(y_true, y_score):
    y = np.asarray(y_true).astype(int)
    s = np.asarray(y_score, dtype=float)
    if np.unique(y).size != 2:
        raise ValueError("y_true needs both classes")
    fpr, tpr = [], []
    thresholds = [np.inf] + sorted(set(s.tolist()), reverse=True)
    for threshold in thresholds:
        (tn, fp), (fn, tp) = confusion_matrix(y, (s >= threshold).astype(int))
        fpr.append(fp / (fp + tn))
        tpr.append(tp / (tp + fn))
    return np.array(fpr, dtype=float), np.array(tpr, dtype=float), np.array(thresholds, dtype=float)


def auc(fpr, tpr):
    x = pd.Series(np.asarray(fpr, dtype=float))
    y = pd.Series(np.asarray(tpr, dtype=float))
    widths = x.diff().iloc[1:].to_numpy()
    heights = y.rolling(2).mean().iloc[1:].to_numpy()
    return float(widths @ heights)
