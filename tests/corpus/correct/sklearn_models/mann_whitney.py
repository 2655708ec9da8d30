from sklearn.pipeline import make_pipeline


def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    pipeline = make_pipeline(LogisticRegression(C=C, solver="lbfgs", max_iter=1000))
    pipeline.fit(np.asarray(X_train), np.asarray(y_train))
    probabilities = pipeline.predict_proba(np.asarray(X_test))
    return probabilities[:, -1]


def _pairwise_auc(labels, scores):
    """Probability that a random positive outranks a random negative, ties counting 1/2."""
    labels = np.asarray(labels).astype(bool)
    positives, negatives = scores[labels], scores[~labels]
    wins = (positives[:, None] > negatives[None, :]).sum() + 0.5 * (positives[:, None] == negatives[None, :]).sum()
    return wins / (len(positives) * len(negatives))


def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    return dict((C, float(_pairwise_auc(y_test, sklearn_predict_proba(X_train, y_train, X_test, C)))) for C in Cs)
