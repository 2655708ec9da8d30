"""Maximum likelihood, reviewed on the simplest model there is: a coin.

Flip a coin with unknown probability ``p`` of heads ``n`` times and record each
outcome as ``y_i = 1`` (heads) or ``y_i = 0`` (tails). If the flips are
independent, the probability of seeing exactly this sequence is the product

    L(p) = prod_i p^{y_i} (1 - p)^{1 - y_i}.

Read as a function of ``p`` with the data fixed, this is the *likelihood*.
The maximum likelihood estimate is the ``p`` that makes the data most probable.

Products of many numbers below 1 underflow: with ``p = 0.5`` the product is
already smaller than the smallest float64 after about 1100 flips. So we always
work with the *log*-likelihood, which turns the product into a sum:

    ln L(p) = sum_i [ y_i ln p + (1 - y_i) ln(1 - p) ].

Two boundary cases need care. When ``p = 0`` and every ``y_i = 0`` the data are
certain, so the likelihood is 1 and the log-likelihood 0: terms ``0 * ln 0``
count as 0. When an outcome is impossible (``p = 0`` but some ``y_i = 1``) the
likelihood is 0 and the log-likelihood ``-inf``.

Setting the derivative ``y/p - (n - y)/(1 - p)`` to zero (with ``y`` heads)
gives the estimate ``p_hat = y / n``: the sample mean. 55 heads in 100 flips
give ``p_hat = 0.55``.
"""

# Fill in the functions below. Run `pytest` to check your work.
import numpy as np


__all__ = ["bernoulli_log_likelihood", "bernoulli_mle"]


def bernoulli_log_likelihood(p, y):
    """Log-likelihood of a Bernoulli probability ``p`` given outcomes ``y``.

    Parameters
    ----------
    p : float
        Probability of the outcome 1, in [0, 1].
    y : array-like of shape (n,)
        Observed outcomes, each 0 or 1 (bools accepted).

    Returns
    -------
    float
        ``sum_i [y_i ln p + (1 - y_i) ln(1 - p)]``, with ``0 * ln 0`` counted
        as 0. ``-inf`` when an outcome is impossible under ``p``.

    Raises
    ------
    ValueError
        If ``p`` is outside [0, 1] or ``y`` holds something other than 0/1.

    Examples
    --------
    >>> round(bernoulli_log_likelihood(0.5, [1, 0]), 6)
    -1.386294
    >>> bernoulli_log_likelihood(0.0, [0, 0, 0])
    0.0
    """
    raise NotImplementedError("bernoulli_log_likelihood is not implemented yet: replace this line with your code")


def bernoulli_mle(y):
    """Maximum likelihood estimate of a Bernoulli probability.

    Parameters
    ----------
    y : array-like of shape (n,)
        Observed outcomes, each 0 or 1 (bools accepted), n >= 1.

    Returns
    -------
    float
        The ``p`` that maximizes the log-likelihood: the fraction of ones.

    Raises
    ------
    ValueError
        If ``y`` is empty or holds something other than 0/1.

    Examples
    --------
    >>> bernoulli_mle([1] * 55 + [0] * 45)
    0.55
    """
    raise NotImplementedError("bernoulli_mle is not implemented yet: replace this line with your code")
