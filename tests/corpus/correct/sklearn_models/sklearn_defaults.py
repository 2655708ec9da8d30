def _plain(data):
    return data.to_numpy() if hasattr(data, "to_numpy") else np.asarray(data)


def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    # scikit-learn's defaults are solver="lbfgs"; max_iter left at its default
    model = LogisticRegression(C=C).fit(_plain(X_train), _plain(y_train).astype(int))
    return model.predict_proba(_plain(X_test))[:, 1]


def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    aucs = {}
    for C in list(Cs):
        model = LogisticRegression(C=C, max_iter=500).fit(_plain(X_train), _plain(y_train))
        aucs[C] = float(roc_auc_score(_plain(y_test), model.predict_proba(_plain(X_test))[:, 1]))
    return aucs
