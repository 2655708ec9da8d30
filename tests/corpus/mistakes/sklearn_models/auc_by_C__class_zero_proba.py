def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    result = {}
    for C in Cs:
        model = LogisticRegression(C=C, solver="lbfgs", max_iter=1000).fit(X_train, y_train)
        result[C] = float(roc_auc_score(y_test, model.predict_proba(X_test)[:, 0]))
    return result
