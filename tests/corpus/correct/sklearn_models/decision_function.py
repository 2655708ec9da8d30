from scipy.special import expit
from sklearn import metrics


def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    model = LogisticRegression(C=float(C), solver="lbfgs", max_iter=1000)
    model.fit(np.asarray(X_train, dtype=float), np.asarray(y_train, dtype=float))
    return expit(model.decision_function(np.asarray(X_test, dtype=float)))


def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    out = {}
    for C in Cs:
        scores = sklearn_predict_proba(X_train, y_train, X_test, C)
        fpr, tpr, _ = metrics.roc_curve(np.asarray(y_test, dtype=int), scores)
        out[C] = float(metrics.auc(fpr, tpr))
    return out
