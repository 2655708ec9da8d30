def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    return {C: float(roc_auc_score(y_train, sklearn_predict_proba(X_train, y_train, X_train, C))) for C in Cs}
