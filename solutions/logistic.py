"""Logistic regression from scratch.

Logistic regression models the probability that example ``i`` belongs to
class 1 as

    pi_i = sigmoid(z_i),   z_i = x_i . w,   sigmoid(z) = 1 / (1 + e^{-z}).

The sigmoid squashes any real number into (0, 1): large positive ``z`` gives
probabilities near 1, large negative ``z`` near 0, and ``z = 0`` gives 0.5.

Treating the labels ``y_i`` in {0, 1} as independent Bernoulli outcomes (the
observations are independent, not the features), the likelihood of the weights
is ``prod_i pi_i^{y_i} (1 - pi_i)^{1 - y_i}``. Its logarithm simplifies to

    ll(w) = sum_i [ y_i z_i - ln(1 + e^{z_i}) ],   z = X w,

and its gradient is

    grad ll(w) = X^T (y - sigmoid(X w)).

Fitting climbs the log-likelihood by gradient *ascent*,
``w <- w + learning_rate * grad ll(w)``; that is the same as gradient descent
on the negative log-likelihood, the cost that scikit-learn minimizes.

Numerical care. ``e^{-z}`` overflows to ``inf`` once ``z < -709``, and
``1 - sigmoid(z)`` is exactly 0.0 from ``z`` around 37, so ``log(1 - p)``
becomes ``-inf``. The stable forms below never exponentiate a large positive
number: ``sigmoid`` picks ``1 / (1 + e^{-z})`` or ``e^{z} / (1 + e^{z})``
depending on the sign of ``z``, and ``ln(1 + e^{z})`` is ``np.logaddexp(0, z)``.

No function here adds an intercept on its own: ``add_intercept`` puts a column
of ones in front of ``X`` when you want one.
"""

import numpy as np

__all__ = [
    "sigmoid",
    "log_likelihood",
    "log_likelihood_gradient",
    "gradient_step",
    "fit",
    "predict_proba",
    "predict",
    "add_intercept",
]


def _as_design(X):
    """Return ``X`` as a 2-D float array, or raise ValueError."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n, d); got {X.ndim} dimension(s) instead")
    return X


def _as_weights(X, w):
    """Return ``w`` as a float array of shape (d,) matching ``X``."""
    w = np.asarray(w, dtype=float)
    if w.shape != (X.shape[1],):
        raise ValueError(f"X has {X.shape[1]} columns but w has shape {w.shape}; expected ({X.shape[1]},)")
    return w


def _as_labels(X, y):
    """Return ``y`` as a float array of shape (n,) of 0/1 labels matching ``X``."""
    y = np.asarray(y, dtype=float)
    if y.shape != (X.shape[0],):
        raise ValueError(f"X has {X.shape[0]} rows but y has shape {y.shape}; expected ({X.shape[0]},)")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must contain only 0/1 (or False/True) labels")
    return y


def sigmoid(z):
    """The logistic function ``1 / (1 + exp(-z))``, computed stably.

    Parameters
    ----------
    z : float or array-like
        Any real numbers, of any shape.

    Returns
    -------
    float or ndarray
        A float for a scalar ``z``; otherwise a float array of the same shape.
        Values lie in [0, 1]; ``sigmoid(-z) == 1 - sigmoid(z)``.

    Examples
    --------
    >>> sigmoid(0)
    0.5
    >>> sigmoid([-1e4, 0.0, 1e4])
    array([0. , 0.5, 1. ])
    """
    z = np.asarray(z, dtype=float)
    # exp(-|z|) is at most 1, so it never overflows. For z >= 0 use
    # 1 / (1 + e^{-z}); for z < 0 the algebraically equal e^{z} / (1 + e^{z}).
    # Beyond |z| of about 708 it underflows towards 0.0, which is the right
    # limit, so that harmless underflow must not raise even under
    # np.errstate(all="raise").
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
        result = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(result) if result.ndim == 0 else result


def log_likelihood(X, y, w):
    """Log-likelihood of logistic-regression weights.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Design matrix.
    y : array-like of shape (n,)
        Labels in {0, 1} (bools accepted).
    w : array-like of shape (d,)
        Weights.

    Returns
    -------
    float
        ``sum_i [y_i z_i - ln(1 + e^{z_i})]`` with ``z = X @ w``; always <= 0.

    Examples
    --------
    >>> round(log_likelihood([[1.0], [2.0]], [0, 1], [0.0]), 6)  # -2 ln 2
    -1.386294
    """
    X = _as_design(X)
    y = _as_labels(X, y)
    w = _as_weights(X, w)
    z = X @ w
    # ln(1 + e^z) as logaddexp(0, z): exact, and no overflow for large z,
    # unlike log(sigmoid(z)) and log(1 - sigmoid(z)), which hit log(0).
    return float(np.sum(y * z - np.logaddexp(0.0, z)))


def log_likelihood_gradient(X, y, w):
    """Gradient of the log-likelihood with respect to ``w``.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Design matrix.
    y : array-like of shape (n,)
        Labels in {0, 1} (bools accepted).
    w : array-like of shape (d,)
        Weights.

    Returns
    -------
    ndarray of shape (d,)
        ``X.T @ (y - sigmoid(X @ w))``: summed over examples, not averaged.

    Examples
    --------
    >>> log_likelihood_gradient([[1.0], [2.0]], [0, 1], [0.0])
    array([0.5])
    """
    X = _as_design(X)
    y = _as_labels(X, y)
    w = _as_weights(X, w)
    errors = y - sigmoid(X @ w)  # (n,): how far each probability is from its label
    return X.T @ errors


def gradient_step(X, y, w, learning_rate):
    """One gradient step up the log-likelihood.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Design matrix.
    y : array-like of shape (n,)
        Labels in {0, 1} (bools accepted).
    w : array-like of shape (d,)
        Current weights. Never modified.
    learning_rate : float
        Step size.

    Returns
    -------
    ndarray of shape (d,)
        A new array ``w + learning_rate * log_likelihood_gradient(X, y, w)``.

    Examples
    --------
    >>> gradient_step([[1.0], [2.0]], [0, 1], [0.0], 0.1)
    array([0.05])
    """
    w = np.asarray(w, dtype=float)
    # Plus: we climb the log-likelihood. "w = w + ..." builds a new array;
    # "w += ..." would change the caller's weights behind their back.
    return w + learning_rate * log_likelihood_gradient(X, y, w)


def fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=None):
    """Fit logistic-regression weights by gradient ascent on the log-likelihood.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Design matrix (add a column of ones with ``add_intercept`` for an
        intercept).
    y : array-like of shape (n,)
        Labels in {0, 1} (bools accepted).
    learning_rate : float, default 0.001
        Step size.
    n_iterations : int, default 1000
        Number of gradient steps, exactly.
    initial_weights : array-like of shape (d,), optional
        Starting weights; zeros when omitted. Never modified.

    Returns
    -------
    ndarray of shape (d,)
        The weights after ``n_iterations`` gradient steps.

    Examples
    --------
    >>> fit([[1.0], [2.0]], [0, 1], learning_rate=0.1, n_iterations=1)
    array([0.05])
    """
    X = _as_design(X)
    if int(n_iterations) != n_iterations or n_iterations < 0:
        raise ValueError(f"n_iterations must be a whole number >= 0; got {n_iterations!r} instead")
    # "is None", not "== None": comparing an array with None is elementwise.
    if initial_weights is None:
        w = np.zeros(X.shape[1])
    else:
        w = np.array(initial_weights, dtype=float)  # a float copy, never the caller's array
    for _ in range(int(n_iterations)):
        w = gradient_step(X, y, w, learning_rate)
    return w


def predict_proba(X, w):
    """Probability of class 1 for each row of ``X``.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Design matrix.
    w : array-like of shape (d,)
        Weights.

    Returns
    -------
    ndarray of shape (n,)
        ``sigmoid(X @ w)``.

    Examples
    --------
    >>> predict_proba([[0.0], [1.0]], [0.0])
    array([0.5, 0.5])
    """
    X = _as_design(X)
    w = _as_weights(X, w)
    return np.asarray(sigmoid(X @ w), dtype=float)


def predict(X, w, threshold=0.5):
    """Predicted class labels.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Design matrix.
    w : array-like of shape (d,)
        Weights.
    threshold : float, default 0.5
        A row is predicted 1 when its probability is at least this.

    Returns
    -------
    ndarray of shape (n,), dtype int64
        1 where ``predict_proba(X, w) >= threshold``, else 0.

    Examples
    --------
    >>> predict([[-1.0], [0.0], [1.0]], [1.0])
    array([0, 1, 1])
    """
    # ">=": a probability exactly at the threshold counts as class 1.
    return (predict_proba(X, w) >= threshold).astype(np.int64)


def add_intercept(X):
    """Put a column of ones in front of ``X``.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Design matrix.

    Returns
    -------
    ndarray of shape (n, d + 1)
        A float array: ones in column 0, then the columns of ``X``.

    Examples
    --------
    >>> add_intercept([[2], [3]])
    array([[1., 2.],
           [1., 3.]])
    """
    X = _as_design(X)
    return np.column_stack([np.ones(X.shape[0]), X])
