from evaluation import auc, roc_curve


def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    model = LogisticRegression(C=C, solver="lbfgs", max_iter=1000)
    model.fit(X_train, y_train)
    column = list(model.classes_).index(1)
    return model.predict_proba(X_test)[:, column]


def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    result = {}
    for C in Cs:
        fpr, tpr, _ = roc_curve(y_test, sklearn_predict_proba(X_train, y_train, X_test, C))
        result[C] = float(auc(fpr, tpr))
    return result
