"""Judging a binary classifier: confusion matrices, ROC curves and AUC.

A classifier that outputs a *score* per example (say a probability of class 1)
becomes a labeller once we pick a threshold: score >= threshold means "1".
Comparing those labels with the truth gives four counts,

                    predicted 0   predicted 1
    true 0              TN            FP
    true 1              FN            TP

laid out as scikit-learn does: rows are the true class, columns the predicted
class, 0 before 1. From them, the true positive rate ``TPR = TP / (TP + FN)``
(the share of real positives we catch) and the false positive rate
``FPR = FP / (FP + TN)`` (the share of real negatives we wrongly flag; not
``FP / (TP + FP)``, which is the false discovery rate).

The ROC curve shows every threshold at once. Sort the distinct scores from
high to low and use each one as a threshold in turn: start above every score
(threshold ``+inf``, nothing flagged, the point (0, 0)) and end at the lowest
score (everything flagged, the point (1, 1)). Examples with tied scores cross
the threshold together, so they form one point, and the curve does not depend
on the order of the examples or on the scale of the scores, only on their
ranking.

The area under the curve (AUC) adds it up in one number, by the trapezoidal
rule. It equals the probability that a random positive example scores higher
than a random negative one, counting ties as one half: 1.0 for a perfect
ranking, 0.5 for a constant score.
"""

import numpy as np

__all__ = ["confusion_matrix", "roc_curve", "auc"]


def _as_binary(values, name):
    """Return ``values`` as a 1-D int64 array of 0/1 labels, or raise ValueError."""
    values = np.asarray(values)
    if values.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got shape {values.shape} instead")
    as_float = values.astype(float)
    if not np.all((as_float == 0) | (as_float == 1)):
        raise ValueError(f"{name} must contain only 0/1 (or False/True) labels")
    return as_float.astype(np.int64)


def confusion_matrix(y_true, y_pred):
    """Counts of true and predicted classes, in scikit-learn's layout.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels in {0, 1} (bools accepted).
    y_pred : array-like of shape (n,)
        Predicted labels in {0, 1} (bools accepted).

    Returns
    -------
    ndarray of shape (2, 2), dtype int64
        ``[[TN, FP], [FN, TP]]``: rows are the true class, columns the
        predicted class. Always 2 x 2, even when a class is absent.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 0, 1])
    array([[1, 0],
           [1, 1]])
    """
    y_true = _as_binary(y_true, "y_true")
    y_pred = _as_binary(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {y_true.size} labels but y_pred has {y_pred.size}")
    # Each (true, predicted) pair gets a cell number 2 * true + predicted,
    # 0..3 in reading order; counting cell numbers fills the matrix at once.
    # minlength=4 keeps it 2 x 2 when a class never occurs.
    counts = np.bincount(2 * y_true + y_pred, minlength=4)
    return counts.reshape(2, 2).astype(np.int64)


def roc_curve(y_true, y_score):
    """Receiver operating characteristic curve, one point per distinct score.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels in {0, 1} (bools accepted); both classes must occur.
    y_score : array-like of shape (n,)
        Scores, higher meaning "more likely 1"; any finite real numbers.

    Returns
    -------
    fpr : ndarray
        False positive rates, non-decreasing from 0 to 1.
    tpr : ndarray
        True positive rates, non-decreasing from 0 to 1.
    thresholds : ndarray
        ``+inf``, then the distinct scores in decreasing order. Point ``k``
        counts ``score >= thresholds[k]`` as positive.

    Raises
    ------
    ValueError
        If the lengths differ, a score is not finite, or ``y_true`` holds a
        single class (a rate would divide by zero).

    Examples
    --------
    >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr
    array([0. , 0. , 0.5, 0.5, 1. ])
    >>> tpr
    array([0. , 0.5, 0.5, 1. , 1. ])
    >>> thresholds
    array([ inf, 0.8 , 0.4 , 0.35, 0.1 ])
    """
    y_true = _as_binary(y_true, "y_true")
    y_score = np.asarray(y_score, dtype=float)
    if y_score.shape != y_true.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_score has shape {y_score.shape}")
    if not np.all(np.isfinite(y_score)):
        raise ValueError("y_score must be finite; it contains nan or inf")
    n_positive = y_true.sum()
    if n_positive == 0 or n_positive == y_true.size:
        raise ValueError("y_true must contain both classes: the ROC curve needs positives and negatives")

    # Sort by decreasing score (stable, so the result never depends on luck).
    order = np.argsort(-y_score, kind="stable")
    scores = y_score[order]
    labels = y_true[order]
    # The last position of each run of tied scores: tied examples cross the
    # threshold together and form a single point.
    group_ends = np.r_[np.flatnonzero(np.diff(scores)), scores.size - 1]
    # Integer cumulative sums are exact: how many positives (negatives) score
    # at or above each distinct threshold.
    true_positives = np.cumsum(labels)[group_ends]
    false_positives = (group_ends + 1) - true_positives

    # Threshold +inf flags nothing: the curve starts at (0, 0).
    true_positives = np.r_[0, true_positives]
    false_positives = np.r_[0, false_positives]
    thresholds = np.r_[np.inf, scores[group_ends]]
    fpr = false_positives / false_positives[-1]
    tpr = true_positives / true_positives[-1]
    return fpr, tpr, thresholds


def auc(fpr, tpr):
    """Area under a curve by the trapezoidal rule.

    Parameters
    ----------
    fpr : array-like of shape (m,)
        x coordinates (false positive rates), non-decreasing, m >= 2.
    tpr : array-like of shape (m,)
        y coordinates (true positive rates).

    Returns
    -------
    float
        The area under the polyline through the points ``(fpr[k], tpr[k])``.

    Examples
    --------
    >>> auc([0.0, 0.0, 1.0], [0.0, 1.0, 1.0])  # a perfect ranking
    1.0
    >>> auc([0.0, 1.0], [0.0, 1.0])  # a constant score
    0.5
    """
    x = np.asarray(fpr, dtype=float)
    y = np.asarray(tpr, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"fpr and tpr must be 1-D of the same length; got shapes {x.shape} and {y.shape}")
    if x.size < 2:
        raise ValueError(f"an area needs at least 2 points; got {x.size}")
    if np.any(np.diff(x) < 0):
        raise ValueError("fpr must be non-decreasing (sorted from 0 to 1)")
    # Each trapezoid: width times the mean of its two heights. (np.trapezoid
    # does the same; mind that it takes y first, then x.)
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0))
