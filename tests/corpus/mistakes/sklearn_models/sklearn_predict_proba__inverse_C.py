def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    # C read as the regularization strength lambda, so scikit-learn gets 1 / lambda
    model = LogisticRegression(C=1 / C, solver="lbfgs", max_iter=1000).fit(X_train, y_train)
    return model.predict_proba(X_test)[:, 1]
