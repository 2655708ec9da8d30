def predict(X, w, threshold=0.5):
    return [1 if p >= threshold else 0 for p in predict_proba(X, w)]
