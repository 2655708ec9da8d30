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

# Fill in the functions below. Run `pytest` to check your work.
import numpy as np


__all__ = ["confusion_matrix", "roc_curve", "auc"]


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
    raise NotImplementedError("confusion_matrix is not implemented yet: replace this line with your code")


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
    raise NotImplementedError("roc_curve is not implemented yet: replace this line with your code")


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
    raise NotImplementedError("auc is not implemented yet: replace this line with your code")
