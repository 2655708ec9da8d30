def predict(X, w, threshold=0.5):
    return np.where(predict_proba(X, w) >= threshold, 1.0, 0.0)
