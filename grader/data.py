"""Small data sets for the lessons, generated deterministically (nothing is downloaded).

The handout ships this file as ``lessons/course_data.py``; every lesson
notebook imports it. Each data set is drawn from a seeded generator, so every
student sees the same numbers, and its story follows the course:

- :func:`coin_flips`: 100 flips of a coin with 55 heads (the MLE review);
- :func:`movies`: budgets and domestic grosses of 30 films, in $100M (the
  gradient-descent review, a linear model with no intercept);
- :func:`patients`: a heart-disease screening table, some columns
  informative and some pure noise (logistic regression, ROC curves, and what
  the regularization parameter C does);
- :func:`split`: a seeded train/test split.
"""

import numpy as np


def coin_flips(n=100, heads=55, seed=0):
    """``n`` outcomes (1 = heads) in a shuffled order, exactly ``heads`` of them 1.

    Returns
    -------
    ndarray of shape (n,), dtype int64
    """
    outcomes = np.zeros(n, dtype=np.int64)
    outcomes[:heads] = 1
    return np.random.default_rng(seed).permutation(outcomes)


def movies(n=30, seed=7):
    """Budget and domestic gross of ``n`` films, both in $100M; gross is about 1.08 x budget.

    Returns
    -------
    budget, gross : ndarray of shape (n,)
    """
    rng = np.random.default_rng(seed)
    budget = np.round(rng.uniform(0.1, 2.5, n), 3)
    gross = np.round(np.clip(1.08 * budget + rng.normal(0.0, 0.35, n), 0.01, None), 3)
    return budget, gross


PATIENT_FEATURES = ("age", "resting_bp", "cholesterol", "max_heart_rate")


def patients(n=300, n_noise=0, seed=42):
    """A standardized screening table and whether each patient has heart disease.

    Four informative columns (:data:`PATIENT_FEATURES`, standardized) drive the
    label through a logistic model; ``n_noise`` further columns are noise,
    which a weakly regularized model will fit anyway.

    Returns
    -------
    X : ndarray of shape (n, 4 + n_noise)
    y : ndarray of shape (n,), dtype int64
    names : list of str
    """
    rng = np.random.default_rng(seed)
    informative = rng.normal(size=(n, len(PATIENT_FEATURES)))
    true_weights = np.array([1.4, 0.8, 1.0, -1.6])
    logits = -0.3 + informative @ true_weights
    y = (rng.uniform(size=n) < 1.0 / (1.0 + np.exp(-logits))).astype(np.int64)
    noise = rng.normal(size=(n, n_noise))
    names = list(PATIENT_FEATURES) + [f"noise_{k}" for k in range(n_noise)]
    return np.column_stack([informative, noise]), y, names


def split(X, y, test_size=0.25, seed=0):
    """A seeded shuffle-and-split into training and test sets.

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
    """
    X, y = np.asarray(X), np.asarray(y)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = int(round(test_size * len(y)))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
