"""Gradient descent, reviewed on a linear regression.

A linear model predicts ``X @ w`` for a design matrix ``X`` of shape (n, d) and
weights ``w`` of shape (d,). (There is no intercept unless ``X`` has a column
of ones: see ``logistic.add_intercept``.) How wrong it is, on average, is the
mean squared error

    MSE(w) = (1 / n) * sum_i (x_i . w - y_i)^2.

Its gradient, the direction in which the MSE grows fastest, is

    grad MSE(w) = (2 / n) * X^T (X w - y).

Gradient descent starts somewhere (here: all weights zero) and repeatedly takes
a small step *against* the gradient:

    w  <-  w - learning_rate * grad MSE(w).

Too large a learning rate overshoots and diverges; too small a rate crawls.
Features on very different scales make both happen at once, which is why data
are usually standardized first.
"""

# Fill in the functions below. Run `pytest` to check your work.
import numpy as np


__all__ = ["mse", "mse_gradient", "linear_regression_gd"]


def mse(X, y, w):
    """Mean squared error of the linear model ``X @ w``.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Design matrix.
    y : array-like of shape (n,)
        Targets.
    w : array-like of shape (d,)
        Weights.

    Returns
    -------
    float
        ``mean((X @ w - y) ** 2)``.

    Examples
    --------
    >>> mse([[1.0], [2.0]], [1.0, 1.0], [1.0])
    0.5
    """
    raise NotImplementedError("mse is not implemented yet: replace this line with your code")


def mse_gradient(X, y, w):
    """Gradient of the mean squared error with respect to ``w``.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Design matrix.
    y : array-like of shape (n,)
        Targets.
    w : array-like of shape (d,)
        Weights.

    Returns
    -------
    ndarray of shape (d,)
        ``(2 / n) * X.T @ (X @ w - y)``.

    Examples
    --------
    >>> mse_gradient([[1.0], [2.0]], [1.0, 1.0], [1.0])
    array([2.])
    """
    raise NotImplementedError("mse_gradient is not implemented yet: replace this line with your code")


def linear_regression_gd(X, y, learning_rate=0.01, n_iterations=1000, initial_weights=None):
    """Fit a linear regression by gradient descent on the mean squared error.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Design matrix.
    y : array-like of shape (n,)
        Targets.
    learning_rate : float, default 0.01
        Step size.
    n_iterations : int, default 1000
        Number of updates, exactly.
    initial_weights : array-like of shape (d,), optional
        Starting weights; zeros when omitted. Never modified.

    Returns
    -------
    ndarray of shape (d,)
        The weights after ``n_iterations`` updates
        ``w <- w - learning_rate * mse_gradient(X, y, w)``.

    Examples
    --------
    >>> linear_regression_gd([[1.0], [2.0]], [2.0, 4.0], learning_rate=0.1, n_iterations=200)
    array([2.])
    """
    raise NotImplementedError("linear_regression_gd is not implemented yet: replace this line with your code")
