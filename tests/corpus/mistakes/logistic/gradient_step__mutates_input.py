def gradient_step(X, y, w, learning_rate):
    w = np.asarray(w, dtype=float)
    w += learning_rate * log_likelihood_gradient(X, y, w)
    return w
