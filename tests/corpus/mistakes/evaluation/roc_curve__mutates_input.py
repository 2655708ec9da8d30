def roc_curve(y_true, y_score):
    y = y_true if isinstance(y_true, np.ndarray) else np.array(y_true)
    s = y_score if isinstance(y_score, np.ndarray) else np.array(y_score)
    if y.min() == y.max():
        raise ValueError("need both classes")
    order = np.argsort(-s, kind="stable")
    y[:] = y[order]  # sorts the caller's arrays in place
    s[:] = s[order]
    labels = y.astype(int)
    scores = s.astype(float)
    ends = np.r_[np.flatnonzero(np.diff(scores)), scores.size - 1]
    tp = np.r_[0, np.cumsum(labels)[ends]]
    fp = np.r_[0, (ends + 1) - tp[1:]]
    return fp / fp[-1], tp / tp[-1], np.r_[np.inf, scores[ends]]
