def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    model = LogisticRegression(C=C, fit_intercept=False, solver="lbfgs", max_iter=1000)
    model.fit(np.asarray(X_train), np.asarray(y_train))
    return model.predict_proba(np.asarray(X_test))[:, 1]
