"""Public checks of ``exercises/sklearn_models.py``: scikit-learn's model and its C.

The exercise contract fixes the estimator,
``LogisticRegression(C=C, solver="lbfgs", max_iter=1000)``, so these checks
compare with that estimator fitted here, and add properties: on an easy
problem the probability of class 1 rises with the feature; flipping the test
labels turns every test AUC into 1 - AUC (only the test set is scored).
"""

import warnings

import numpy as np
from hypothesis import strategies as st

from grader.checks import Mismatch, holds, returns_form, unchanged
from grader.declaration import Exercise, Mistake
from grader.library_cache import remembered
from grader.public.common import (PUBLIC_FORMATS, Expected, agree_with_any, expect_close, float_vector, numbers,
                                  own, plain_floats)
from grader.strategies import as_format, call
from grader.values import Tolerance, describe_type

# lbfgs stops at its own tolerance: implementations that set it up differently
# (a larger max_iter, say) land within about 1e-5 of each other.
PROBA_TOLERANCE = Tolerance(atol=1e-4)
AUC_TOLERANCE = Tolerance(atol=1e-6)
C_VALUES = (0.01, 0.1, 0.5, 2.0, 10.0, 100.0, 1.5**-4, 1.5**6)  # never 1.0: C and 1 / C must differ


def model_probabilities(X_train, y_train, X_test, C):
    """The contract's estimator, fitted on the training data: probabilities of class 1 on X_test."""
    return _fitted_probabilities(plain_floats(X_train), plain_floats(y_train).astype(np.int64),
                                 plain_floats(X_test), float(C))


@remembered  # the same fits come back while an example is shrunk, and in every later run
def _fitted_probabilities(X_train, y_train, X_test, C):
    from sklearn.linear_model import LogisticRegression

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes are not the student's business here
        model = LogisticRegression(C=C, solver="lbfgs", max_iter=1000).fit(X_train, y_train)
    return model.predict_proba(X_test)[:, list(model.classes_).index(1)]


@remembered
def auc_on(y_test, probabilities):
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(plain_floats(y_test).astype(np.int64), probabilities))


def _pool(count=8, seed=20_240_601):
    """Fixed training and test sets (features in [-3, 3], both classes in each): fitting is slow, so the
    checks pick among these rather than shrink generated data."""
    rng = np.random.default_rng(seed)
    pool = []
    for k in range(count):
        d, n_train, n_test = 1 + k % 3, 6 + 2 * k, 3 + k % 4
        y_train = rng.permutation(np.r_[0, 1, rng.integers(0, 2, n_train - 2)])
        y_test = rng.permutation(np.r_[0, 1, rng.integers(0, 2, n_test - 2)])
        # class 1 a little to the right, so that the fits are neither trivial nor separable
        X_train = np.round(rng.uniform(-3, 3, (n_train, d)) + 0.8 * y_train[:, None], 2)
        X_test = np.round(rng.uniform(-3, 3, (n_test, d)) + 0.8 * y_test[:, None], 2)
        pool.append((X_train, y_train, X_test, y_test))
    return tuple(pool)


POOL = _pool()


@st.composite
def split_problems(draw):
    """One of the fixed training and test sets, as arrays or lists."""
    X_train, y_train, X_test, y_test = draw(st.sampled_from(POOL))
    fmt = draw(st.sampled_from(PUBLIC_FORMATS))
    return {"X_train": as_format(X_train, fmt), "y_train": as_format(y_train, fmt),
            "X_test": as_format(X_test, fmt), "y_test": as_format(y_test, fmt)}


@st.composite
def proba_calls(draw):
    p = draw(split_problems())
    return call(p["X_train"], p["y_train"], p["X_test"], C=draw(st.sampled_from(C_VALUES)))


def _check_proba(function, example):
    got = function(*example.args, **example.kwargs).value
    expected = model_probabilities(*example.args, **example.kwargs)
    expect_close(example, got, expected, PROBA_TOLERANCE,
                 "compared with LogisticRegression(C=C, solver='lbfgs', max_iter=1000) fitted on the training "
                 "data, column of class 1 of predict_proba(X_test)",
                 mistakes=(("class_0_column", 1 - expected, PROBA_TOLERANCE),
                           ("inverse_C", model_probabilities(*example.args, C=1 / example.kwargs["C"]),
                            PROBA_TOLERANCE)))


def _check_rising(function, example):
    """On an easy 1-D problem (labels 1 at large x), the probability of class 1 rises with x."""
    got = function(*example.args, **example.kwargs).value
    values = numbers(got)
    if values is None or values.shape != (2,):
        raise Mismatch(example, f"returned {describe_type(got)}, expected two probabilities", got=got,
                       has_expected=False)
    if not values[0] < 0.5 < values[1]:
        raise Mismatch(example, "the training data put class 1 at large x, so x = -5 must get a probability of "
                       "class 1 below 0.5 and x = 8 one above 0.5", got=got, has_expected=False,
                       mistake="class_0_column" if values[0] > 0.5 > values[1] else None)


EASY = ([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]], [0, 0, 0, 1, 1, 1])

SKLEARN_PREDICT_PROBA = Exercise(
    module="sklearn_models",
    name="sklearn_predict_proba",
    points=4,
    checks=(
        holds(
            "On an easy problem (class 1 at large x) the probability of class 1 is below 0.5 at x = -5 and "
            "above 0.5 at x = 8.",
            name="probability of class 1", points=1, prop=_check_rising,
            examples=(call(*EASY, [[-5.0], [8.0]]), call(*EASY, [[-5.0], [8.0]], C=10.0)),
            hint="predict_proba returns one column per class, in the order of model.classes_: column 1 is the "
                 "probability of class 1.",
        ),
        holds(
            "sklearn_predict_proba(X_train, y_train, X_test, C) equals the probabilities of class 1 of "
            "LogisticRegression(C=C, solver='lbfgs', max_iter=1000) fitted on the training data.",
            name="agrees with scikit-learn", points=2, strategy=proba_calls(), prop=_check_proba,
            tolerance=PROBA_TOLERANCE, max_examples=6, examples=(call(*EASY, [[-1.0], [2.5]], C=0.1),),
            hint="Fit LogisticRegression(C=C, solver='lbfgs', max_iter=1000) on the training data only and take "
                 "the column of class 1 of predict_proba(X_test).",
        ),
        returns_form("Returns a float ndarray of shape (n_test,).", points=0.5, strategy=proba_calls(),
                     expect=float_vector(lambda example: len(plain_floats(example.args[2])),
                                         what="one probability per test row"), max_examples=3,
                     hint="predict_proba(X_test)[:, 1] is already a float array of shape (n_test,)."),
        unchanged(points=0.5, strategy=proba_calls(), max_examples=3, hint="Never modify the data you are given."),
    ),
    mistakes=(
        Mistake("class_0_column", "These are the probabilities of class 0: predict_proba has one column per "
                "class, and column 1 is class 1."),
        Mistake("inverse_C", "C is the inverse of the regularization strength: pass it to LogisticRegression as "
                "it is (C=C), not 1 / C."),
    ),
)


@st.composite
def auc_calls(draw):
    p = draw(split_problems())
    Cs = draw(st.lists(st.sampled_from(C_VALUES), min_size=1, max_size=3, unique=True))
    return call(p["X_train"], p["y_train"], p["X_test"], p["y_test"], Cs)


def expected_aucs(X_train, y_train, X_test, y_test, Cs):
    return {C: auc_on(y_test, model_probabilities(X_train, y_train, X_test, C)) for C in Cs}


def _own_aucs(function, X_train, y_train, X_test, y_test, Cs):
    """The test AUCs of the student's own sklearn_predict_proba (so that its mistakes are charged to it only)."""
    aucs = {}
    for C in Cs:
        probabilities = numbers(own(function, "sklearn_predict_proba", X_train, y_train, X_test, C))
        if probabilities is None or probabilities.shape != (len(plain_floats(y_test)),):
            return None
        aucs[C] = auc_on(y_test, probabilities)
    return aucs


def _check_aucs(function, example):
    got = function(*example.args).value
    expected = expected_aucs(*example.args)
    X_train, y_train, X_test, y_test, Cs = example.args

    def mistakes():
        on_train = {C: auc_on(y_train, model_probabilities(X_train, y_train, X_train, C)) for C in Cs}
        return (("class_0_column", {C: 1 - v for C, v in expected.items()}, AUC_TOLERANCE),
                ("training_auc", on_train, AUC_TOLERANCE))

    agree_with_any(example, got, [
        Expected(expected, AUC_TOLERANCE, "roc_auc_score(y_test, probabilities of class 1 on X_test) for each C, "
                 "with LogisticRegression(C=C, solver='lbfgs', max_iter=1000) fitted on the training data"),
        lambda: Expected(_own_aucs(function, *example.args), AUC_TOLERANCE,
                         "the test AUC of your sklearn_predict_proba for each C"),
    ], what="the AUCs", mistakes=mistakes)


def _check_flipped_test_labels(function, example):
    """Flipping the test labels turns each test AUC into 1 - AUC: only the test set is scored."""
    X_train, y_train, X_test, y_test, Cs = example.args
    before = function(*example.args).value
    flipped_labels = 1 - np.asarray(y_test)
    flipped = call(X_train, y_train, X_test, flipped_labels.tolist() if isinstance(y_test, list) else flipped_labels,
                   Cs)
    after = function(*flipped.args).value
    if not isinstance(before, dict) or any(numbers(v) is None for v in before.values()):
        raise Mismatch(example, f"returned {describe_type(before)}, expected a dict of AUCs", got=before,
                       has_expected=False)
    expected = {C: 1.0 - float(numbers(v)) for C, v in before.items()}
    expect_close(flipped, after, expected, AUC_TOLERANCE,
                 "with the test labels flipped (y_test -> 1 - y_test) the model is the same, so each test AUC "
                 "must become 1 - AUC (shown as expected); the test labels may only be used for scoring",
                 mistakes=(("training_auc", before, AUC_TOLERANCE),))


def _dict_form(example, value):
    Cs = list(example.args[4])
    if not isinstance(value, dict):
        return f"returned {describe_type(value)}, expected a dict {{C: test AUC}}"
    if list(value) != Cs:
        return f"the keys are {list(value)}, expected the values of Cs in their order: {Cs}"
    for key, auc in value.items():
        if not isinstance(auc, float) or not 0.0 <= auc <= 1.0:
            return f"the value for C = {key} is {describe_type(auc)}, expected a float AUC in [0, 1]"
    return None


AUC_BY_C = Exercise(
    module="sklearn_models",
    name="auc_by_C",
    points=6,
    checks=(
        holds(
            "auc_by_C(X_train, y_train, X_test, y_test, Cs) gives, for each C, roc_auc_score(y_test, "
            "probabilities of class 1 on X_test) of the model fitted on the training data.",
            name="agrees with scikit-learn", points=3, strategy=auc_calls(), prop=_check_aucs,
            tolerance=AUC_TOLERANCE, max_examples=3,
            examples=(call(*EASY, [[-1.0], [2.5], [4.0], [0.5], [3.0]], [0, 1, 1, 0, 0], [0.1, 10.0]),),
            hint="For each C: fit on (X_train, y_train) only, take the probabilities of class 1 on X_test, and "
                 "score them against y_test with the AUC.",
        ),
        holds(
            "Flipping the test labels turns every test AUC into 1 - AUC (the test labels are only used for "
            "scoring).",
            name="scored on the test set", points=1, strategy=auc_calls(), prop=_check_flipped_test_labels,
            tolerance=AUC_TOLERANCE, max_examples=3,
            hint="Fit on the training data only and score on the test data only: neither fit on the test set nor "
                 "score on the training set.",
        ),
        returns_form("Returns a dict {C: test AUC} with the values of Cs as keys, in order, and float AUCs.",
                     points=1, strategy=auc_calls(), expect=_dict_form, max_examples=3,
                     hint="Build the dict in a loop over Cs (dicts keep their insertion order); wrap each AUC "
                          "in float(...)."),
        unchanged(points=1, strategy=auc_calls(), max_examples=3, hint="Never modify the data you are given."),
    ),
    mistakes=(
        Mistake("class_0_column", "Your AUCs are 1 - AUC: you scored the probabilities of class 0. predict_proba's "
                "column 1 is class 1."),
        Mistake("training_auc", "Your AUC is scored on the training data: score each model on the test set "
                "(X_test, y_test)."),
        Mistake("hard_labels", "Score the AUC with probabilities (predict_proba), not with predict's hard 0/1 "
                "labels, which collapse the ROC curve to three points."),
    ),
)

EXERCISES = (SKLEARN_PREDICT_PROBA, AUC_BY_C)
