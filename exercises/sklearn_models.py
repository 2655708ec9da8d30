"""scikit-learn's logistic regression, and what its parameter C does.

scikit-learn's ``LogisticRegression`` fits the same model as our ``fit``, with
an intercept and a penalty on large weights. It minimizes

    (1 / 2) ||w||^2  -  C * ll(w, b)

so ``C`` is the *inverse* of the regularization strength: a small ``C`` pulls
the weights hard towards 0 (simpler, smoother model), a large ``C`` lets the
data speak (``C = np.inf`` is no penalty at all). The intercept ``b`` is not
penalized by the lbfgs solver.

``predict_proba(X)`` returns one column per class, in the order of
``classes_``: column 1 is the probability of class 1. The AUC must be computed
from those probabilities, not from ``predict``'s hard 0/1 labels, which would
collapse the ROC curve to three points.

To see what C does, fit on a training split and score on a separate test split:
as C grows the training AUC keeps improving while the test AUC levels off or
drops, the signature of overfitting.
"""

# Fill in the functions below. Run `pytest` to check your work.
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score


__all__ = ["sklearn_predict_proba", "auc_by_C"]


def sklearn_predict_proba(X_train, y_train, X_test, C=1.0):
    """Probability of class 1 from scikit-learn's logistic regression.

    Parameters
    ----------
    X_train : array-like of shape (n_train, d)
        Training features.
    y_train : array-like of shape (n_train,)
        Training labels in {0, 1}; both classes must occur.
    X_test : array-like of shape (n_test, d)
        Features to predict.
    C : float, default 1.0
        Inverse regularization strength (larger means less regularization).

    Returns
    -------
    ndarray of shape (n_test,)
        The fitted model's probability of class 1 for each test row.

    Examples
    --------
    >>> p = sklearn_predict_proba([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], [[-5.0], [8.0]])
    >>> bool(p[0] < 0.5 < p[1])
    True
    """
    raise NotImplementedError("sklearn_predict_proba is not implemented yet: replace this line with your code")


def auc_by_C(X_train, y_train, X_test, y_test, Cs):
    """Test AUC of scikit-learn's logistic regression for each C.

    Parameters
    ----------
    X_train : array-like of shape (n_train, d)
        Training features.
    y_train : array-like of shape (n_train,)
        Training labels in {0, 1}.
    X_test : array-like of shape (n_test, d)
        Test features.
    y_test : array-like of shape (n_test,)
        Test labels in {0, 1}; both classes must occur.
    Cs : iterable of float
        Values of C to try.

    Returns
    -------
    dict
        ``{C: test AUC}`` in the order of ``Cs``; each model is fit on the
        training data only and scored by its probabilities of class 1.

    Examples
    --------
    >>> X = [[0.0], [1.0], [2.0], [3.0]]
    >>> auc_by_C(X, [0, 0, 1, 1], X, [0, 1, 0, 1], [1.0])
    {1.0: 0.75}
    """
    raise NotImplementedError("auc_by_C is not implemented yet: replace this line with your code")
