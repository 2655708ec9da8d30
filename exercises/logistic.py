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

# Fill in the functions below. Run `pytest` to check your work.
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
    raise NotImplementedError("sigmoid is not implemented yet: replace this line with your code")


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
    raise NotImplementedError("log_likelihood is not implemented yet: replace this line with your code")


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
    raise NotImplementedError("log_likelihood_gradient is not implemented yet: replace this line with your code")


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
    raise NotImplementedError("gradient_step is not implemented yet: replace this line with your code")


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
    raise NotImplementedError("fit is not implemented yet: replace this line with your code")


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
    raise NotImplementedError("predict_proba is not implemented yet: replace this line with your code")


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
    raise NotImplementedError("predict is not implemented yet: replace this line with your code")


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
    raise NotImplementedError("add_intercept is not implemented yet: replace this line with your code")
