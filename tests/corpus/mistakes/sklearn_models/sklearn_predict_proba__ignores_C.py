def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    model = LogisticRegression(solver="lbfgs", max_iter=1000).fit(X_train, y_train)
    return model.predict_proba(X_test)[:, 1]
