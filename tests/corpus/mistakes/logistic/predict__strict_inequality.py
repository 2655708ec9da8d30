def predict(X, w, threshold=0.5):
    return (predict_proba(X, w) > threshold).astype(np.int64)
