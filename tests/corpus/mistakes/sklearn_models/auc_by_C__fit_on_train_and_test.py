def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    X_all = np.concatenate([np.asarray(X_train), np.asarray(X_test)])
    y_all = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    return {C: float(roc_auc_score(y_test, sklearn_predict_proba(X_all, y_all, X_test, C))) for C in Cs}
