def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    model = LogisticRegression(C=C, solver="lbfgs", max_iter=1000).fit(X_train, y_train)
    return np.asarray(model.predict(X_test), dtype=float)
