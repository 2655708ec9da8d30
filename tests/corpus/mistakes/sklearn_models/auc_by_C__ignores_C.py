def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    aucs = {}
    for C in Cs:
        scores = sklearn_predict_proba(X_train, y_train, X_test)
        aucs[C] = float(roc_auc_score(y_test, scores))
    return aucs
