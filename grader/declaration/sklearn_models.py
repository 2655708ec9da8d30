"""Declaration of the ``sklearn_models`` exercises: scikit-learn's probabilities, and the AUC against C.

Every example fits ``LogisticRegression`` in the child and again on the trusted
side, so searches are short (about ten examples) and the data small: 8 to 30
training rows, 1 to 3 features, both classes in the training and the test
split. The data come from a seeded logistic model with noise, so Hypothesis
shrinks the seed and the sizes, never towards degenerate all-zero features.

Students may build the model slightly differently from the reference
(scikit-learn's defaults, pandas or arrays, ``expit`` of the decision
function, their own ``roc_curve`` and ``auc``): the same estimator gives the
same numbers, so probabilities are compared to 1e-4 and AUCs, which depend
only on the ranking of the scores, to 1e-6. Another solver or a tighter
``tol`` does not: lbfgs stops up to about 2e-3 (in probability) away from the
exact optimum on these data, so the contract fixes the estimator and the hints
name it.
"""

import numpy as np
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from grader import references
from grader.checks import Mismatch, agrees, holds, returns_form, unchanged
from grader.declaration import Exercise, Mistake
from grader.protocol import PandasData
from grader.strategies import FORMATS, as_format, call, shuffled_index
from grader.values import Tolerance, compare, show, to_plain

ref_proba = references.function("sklearn_models.sklearn_predict_proba")
ref_auc_by_C = references.function("sklearn_models.auc_by_C")

PROBA_TOLERANCE = Tolerance(atol=1e-4)
AUC_TOLERANCE = Tolerance(atol=1e-6)


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------


def c_values():
    """Values of C: the usual grid, or log-uniform in [0.01, 100] (3 significant digits)."""
    return st.one_of(
        st.sampled_from([1.0, 0.01, 0.1, 10.0, 100.0]),
        st.floats(-2.0, 2.0).map(lambda exponent: float(f"{10.0**exponent:.3g}")),
    )


def _labels(rng, X, beta, shift):
    """0/1 labels drawn from a logistic model, with both classes present."""
    p = 1.0 / (1.0 + np.exp(-(X @ beta + shift)))
    y = (rng.random(len(X)) < p).astype(np.int64)
    if y.min() == y.max():
        y[rng.integers(len(y))] = 1 - y[0]
    return y


@st.composite
def classification_splits(draw, *, formats=FORMATS):
    """A dict with X_train, y_train, X_test, y_test in one input format (and their plain arrays).

    Features are rounded to 2 decimals (or to integers, with ties); labels are
    int, bool or float 0/1; pandas inputs get a shuffled index per split.
    """
    d = draw(st.integers(1, 3))
    n_train = draw(st.integers(8, 30))
    n_test = draw(st.integers(4, 15))
    rng = np.random.default_rng(draw(st.integers(0, 2**16 - 1)))
    beta = rng.normal(0.0, 1.5, d)
    shift = rng.normal(0.0, 0.5)
    X_train = rng.normal(0.0, 1.5, (n_train, d))
    X_test = rng.normal(0.0, 1.5, (n_test, d))
    y_train = _labels(rng, X_train, beta, shift)
    y_test = _labels(rng, X_test, beta, shift)
    if draw(st.sampled_from(["float", "int"])) == "int":
        X_train, X_test = np.round(X_train).astype(np.int64), np.round(X_test).astype(np.int64)
    else:
        X_train, X_test = np.round(X_train, 2), np.round(X_test, 2)
    label_type = draw(st.sampled_from([np.int64, np.bool_, np.float64]))
    y_train, y_test = y_train.astype(label_type), y_test.astype(label_type)
    fmt = draw(st.sampled_from(formats))
    train_index = draw(shuffled_index(n_train)) if fmt == "pandas" else None
    test_index = draw(shuffled_index(n_test)) if fmt == "pandas" else None
    return {
        "X_train": as_format(X_train, fmt, train_index), "y_train": as_format(y_train, fmt, train_index),
        "X_test": as_format(X_test, fmt, test_index), "y_test": as_format(y_test, fmt, test_index),
        "format": fmt,
    }


@st.composite
def proba_calls(draw, *, formats=FORMATS):
    """sklearn_predict_proba calls: C positional, by keyword, or left to its default."""
    split = draw(classification_splits(formats=formats))
    args = (split["X_train"], split["y_train"], split["X_test"])
    how = draw(st.sampled_from(["positional", "keyword", "default"]))
    if how == "default":
        return call(*args)
    C = draw(c_values())
    return call(*args, C) if how == "positional" else call(*args, C=C)


@st.composite
def auc_calls(draw, *, formats=FORMATS):
    """auc_by_C calls with 1 to 4 distinct values of C, as a list, a tuple or an array."""
    split = draw(classification_splits(formats=formats))
    Cs = draw(st.lists(c_values(), min_size=1, max_size=4, unique=True))
    container = draw(st.sampled_from(["list", "tuple", "array"]))
    Cs = tuple(Cs) if container == "tuple" else np.array(Cs) if container == "array" else Cs
    return call(split["X_train"], split["y_train"], split["X_test"], split["y_test"], Cs)


# --------------------------------------------------------------------------
# Wrong models (on the trusted side), for recognising known mistakes
# --------------------------------------------------------------------------


def _fit(X, y, C, **options):
    options = {"solver": "lbfgs", "max_iter": 1000, **options}
    return LogisticRegression(C=C, **options).fit(np.asarray(X, dtype=float), np.asarray(y, dtype=float))


def _class_one(model, X):
    return model.predict_proba(np.asarray(X, dtype=float))[:, 1]


def _proba_model(wrong):
    def model(X_train, y_train, X_test, C=1.0):
        return wrong(X_train, y_train, X_test, C)
    return model


def _auc_model(scores_for):
    """A wrong auc_by_C from ``scores_for(X_train, y_train, X_test, y_test, C) -> (labels, scores)``."""
    def model(X_train, y_train, X_test, y_test, Cs):
        result = {}
        for C in Cs:
            labels, scores = scores_for(X_train, y_train, X_test, y_test, C)
            result[C] = float(roc_auc_score(np.asarray(labels, dtype=float), scores))
        return result
    return model


def _on_train_and_test(X_train, y_train, X_test, y_test, C):
    X = np.concatenate([np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)])
    y = np.concatenate([np.asarray(y_train, dtype=float), np.asarray(y_test, dtype=float)])
    return y_test, _class_one(_fit(X, y, C), X_test)


# --------------------------------------------------------------------------
# sklearn_predict_proba
# --------------------------------------------------------------------------

# Class 1 lies where the first feature is positive; the test rows are far on one side or the other.
EASY_PROBA = (
    call([[-3.0], [-2.0], [-1.0], [-0.5], [0.5], [1.0], [2.0], [3.0]], [0, 0, 0, 1, 0, 1, 1, 1],
         [[-4.0], [4.0], [-2.5], [2.5]]),
    call(np.array([[-2.0, 1.0], [-1.5, -1.0], [-1.0, 0.5], [-0.3, 0.2], [0.4, -0.5], [1.0, 1.0], [1.5, -0.2],
                   [2.0, 0.3]]), np.array([False, False, False, True, False, True, True, True]),
         np.array([[3.0, 0.0], [-3.0, 0.5]]), C=10.0),
)


def _check_easy_proba(function, example):
    got = function(*example.args, **example.kwargs).value
    X_test = np.asarray(to_plain(example.args[2]), dtype=float)
    class_one = X_test[:, 0] > 0
    try:
        p = np.asarray(got, dtype=float)
    except (ValueError, TypeError):
        p = None
    if p is None or p.shape != class_one.shape:
        raise Mismatch(example, f"expected one probability per test row, shape {class_one.shape}", got=got,
                       has_expected=False)
    wrong = np.flatnonzero((p > 0.5) != class_one)
    if wrong.size:
        row = int(wrong[0])
        side = "class 1" if class_one[row] else "class 0"
        raise Mismatch(example, f"test row {row} lies deep on the {side} side, yet its probability of class 1 "
                       f"is {show(float(p[row]))}", got=got, has_expected=False)


def _is_probability_vector(example, value):
    n_test = len(np.asarray(to_plain(example.args[2])))
    if not isinstance(value, np.ndarray):
        return f"returned {type(value).__name__}, expected a NumPy array of shape ({n_test},)"
    if value.shape != (n_test,):
        return f"the shape is {value.shape}, expected ({n_test},): one probability per test row"
    if value.dtype.kind != "f":
        return f"the dtype is {value.dtype}, expected float probabilities"
    return None


SKLEARN_PREDICT_PROBA = Exercise(
    module="sklearn_models",
    name="sklearn_predict_proba",
    points=4,
    checks=(
        agrees(
            "sklearn_predict_proba(X_train, y_train, X_test, C) equals the probability of class 1 from "
            'LogisticRegression(C=C, solver="lbfgs", max_iter=1000) fit on the training data (C defaults to 1.0).',
            points=2.5, strategy=proba_calls(), oracle=ref_proba, tolerance=PROBA_TOLERANCE, max_examples=10,
            examples=(call([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], [[-5.0], [8.0], [1.5]]),
                      call(EASY_PROBA[1].args[0], EASY_PROBA[1].args[1], EASY_PROBA[1].args[2], 0.05)),
            hint='Fit LogisticRegression(C=C, solver="lbfgs", max_iter=1000) on the training data (another '
                 "solver or tolerance stops at slightly different weights), then take the probability column of "
                 "class 1 for the test rows.",
        ),
        holds(
            "On an easy problem, test rows deep on the class-1 side get a probability of class 1 above 0.5, "
            "and rows deep on the class-0 side below 0.5.",
            name="easy problem", points=0.5, prop=_check_easy_proba, examples=EASY_PROBA, public=True,
            hint="predict_proba returns one column per class, in the order of model.classes_: which column "
                 "belongs to class 1?",
        ),
        returns_form("Returns a float NumPy array of shape (n_test,).", points=0.5,
                     strategy=proba_calls(), expect=_is_probability_vector, max_examples=6,
                     hint="Return one column of predict_proba (a 1-D slice), not the whole table or a list."),
        unchanged(points=0.5, strategy=proba_calls(), max_examples=6,
                  hint="Pass the inputs to scikit-learn (or np.asarray copies); never modify them."),
    ),
    mistakes=(
        Mistake("class_zero_proba", "These are the probabilities of class 0 (1 - p): predict_proba has one "
                "column per class, in the order of model.classes_, and class 1 is the second.",
                model=_proba_model(lambda Xa, ya, Xb, C: 1.0 - _class_one(_fit(Xa, ya, C), Xb))),
        Mistake("hard_labels", "You return predicted labels (0 or 1), not probabilities: use predict_proba, "
                "not predict.",
                model=_proba_model(lambda Xa, ya, Xb, C: _fit(Xa, ya, C).predict(np.asarray(Xb, dtype=float)))),
        Mistake("inverse_C", "You pass 1 / C: in scikit-learn, C is already the inverse of the regularization "
                "strength (a large C means little regularization). Pass C as it is.",
                model=_proba_model(lambda Xa, ya, Xb, C: _class_one(_fit(Xa, ya, 1.0 / C), Xb))),
        Mistake("ignores_C", "Your model does not use the C it was given: pass C=C to LogisticRegression.",
                model=_proba_model(lambda Xa, ya, Xb, C: _class_one(_fit(Xa, ya, 1.0), Xb))),
        Mistake("no_intercept", "Your model has no intercept (fit_intercept=False, as in the from-scratch lab): "
                "the estimator here keeps scikit-learn's default intercept.",
                model=_proba_model(lambda Xa, ya, Xb, C: _class_one(_fit(Xa, ya, C, fit_intercept=False), Xb))),
        Mistake("mutates_input", "Your function changes one of its inputs; hand scikit-learn the data (or a copy) "
                "and leave the caller's arrays alone.", error=r"read-only"),
    ),
    depends_on=("logistic.sigmoid",),  # sigmoid(model.decision_function(X)) is the same probability
)


# --------------------------------------------------------------------------
# auc_by_C
# --------------------------------------------------------------------------

# Two features: the direction of the weights, hence the ranking and the AUC, depends on C here
# (0.111..., 0.222..., 0.555... for C = 0.01, 1, 100), so every known mistake gives other values.
C_SENSITIVE = call(
    np.array([[-1.2, 0.4], [-2.5, 1.0], [1.7, -0.7], [0.6, 0.4], [-0.6, -1.3], [-3.0, 2.1], [-0.1, 3.8],
              [1.2, 0.4]]),
    np.array([1, 0, 1, 0, 1, 0, 0, 1]),
    np.array([[0.3, -2.3], [3.5, -0.1], [-0.6, 1.2], [-1.3, 1.2], [-1.8, 0.8], [-1.6, -2.8]]),
    np.array([0, 0, 0, 1, 1, 1]),
    [0.01, 1.0, 100.0],
)

# Class 1 where the first feature is positive, and a test set ranked perfectly by any sensible model.
EASY_AUC = (
    call([[-3.0], [-2.0], [-1.0], [-0.5], [0.5], [1.0], [2.0], [3.0]], [0, 0, 0, 1, 0, 1, 1, 1],
         [[-4.0], [4.0], [-2.5], [2.5], [-3.5]], [0, 1, 0, 1, 0], [0.1, 1.0, 10.0]),
    call(EASY_PROBA[1].args[0], EASY_PROBA[1].args[1], np.array([[3.0, 0.0], [-3.0, 0.5], [2.5, -1.0]]),
         np.array([1, 0, 1]), [1.0]),
)


def _check_easy_auc(function, example):
    got = function(*example.args).value
    expected = {C: 1.0 for C in example.args[4]}
    reason = compare(got, expected, AUC_TOLERANCE)
    if reason:
        raise Mismatch(example, f"the test rows are ranked perfectly by the fitted model, so each AUC is 1.0 "
                       f"({reason})", got=got, expected=expected)


def _flip_labels(y):
    """1 - y in the same input format (bool labels are negated)."""
    if isinstance(y, PandasData):
        return PandasData(y.kind, _flip_labels(y.values), y.index, y.columns)
    if isinstance(y, list):
        return [1 - v if not isinstance(v, bool) else not v for v in y]
    y = np.asarray(y)
    return ~y if y.dtype == np.bool_ else 1 - y


def _check_flipped_test_labels(function, example):
    X_train, y_train, X_test, y_test, Cs = example.args
    got = function(*example.args).value
    flipped = call(X_train, y_train, X_test, _flip_labels(y_test), Cs)
    got_flipped = function(*flipped.args).value
    if not isinstance(got, dict):
        raise Mismatch(example, f"returned {type(got).__name__}, expected a dict", got=got, has_expected=False)
    try:
        expected = {C: 1.0 - float(value) for C, value in got.items()}
    except (TypeError, ValueError):
        raise Mismatch(example, "the AUCs are not numbers", got=got, has_expected=False) from None
    reason = compare(got_flipped, expected, AUC_TOLERANCE)
    if reason:
        raise Mismatch(flipped, "with the test labels flipped (0 <-> 1) each test AUC should become 1 - AUC: "
                       f"the models never see the test labels ({reason}); the expected value is 1 - each AUC "
                       "before the flip", got=got_flipped, expected=expected)


def _is_auc_dict(example, value):
    Cs = list(to_plain(example.args[4]))
    if not isinstance(value, dict):
        return f"returned {type(value).__name__}, expected a dict {{C: AUC}}"
    if list(value) != Cs:
        return f"the keys are {show(list(value))}, expected the Cs in their order: {show(Cs)}"
    wrong = [C for C, auc in value.items() if not isinstance(auc, float)]
    if wrong:
        return f"the AUC for C = {show(wrong[0])} is {type(value[wrong[0]]).__name__}, expected a float"
    return None


AUC_BY_C = Exercise(
    module="sklearn_models",
    name="auc_by_C",
    points=6,
    checks=(
        agrees(
            "auc_by_C(X_train, y_train, X_test, y_test, Cs) equals {C: test AUC} in the order of Cs, each model "
            "fit on the training data only and scored with its probabilities of class 1 on the test data.",
            points=3, strategy=auc_calls(), oracle=ref_auc_by_C, tolerance=AUC_TOLERANCE, max_examples=10,
            examples=(C_SENSITIVE,
                      call([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], [[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1],
                           [1.0])),
            hint='For each C: fit LogisticRegression(C=C, solver="lbfgs", max_iter=1000) on the training split, '
                 "take its probabilities of class 1 on the test split, and compute the AUC of those scores "
                 "against y_test.",
        ),
        holds(
            "Flipping the test labels (0 <-> 1) turns each test AUC into 1 - AUC: the models never see the test "
            "labels.",
            name="test labels only score", points=1, tolerance=AUC_TOLERANCE, strategy=auc_calls(),
            prop=_check_flipped_test_labels, max_examples=6, examples=(C_SENSITIVE,), public=True,
            hint="Fit every model on the training data only; the test split is for scoring.",
        ),
        holds(
            "When the fitted model ranks every test row correctly, each AUC is 1.0.",
            name="easy problem", points=0.5, tolerance=AUC_TOLERANCE, prop=_check_easy_auc, examples=EASY_AUC,
            public=True,
            hint="Score with the probability of class 1 (the second column of predict_proba).",
        ),
        returns_form(
            "Returns a dict whose keys are the Cs, in their order, each with a float AUC.", points=1,
            strategy=auc_calls(), expect=_is_auc_dict, max_examples=5, examples=(C_SENSITIVE,),
            hint="Build the dict in a loop over Cs, with each C itself as the key and float(...) of its AUC.",
        ),
        unchanged(points=0.5, strategy=auc_calls(), max_examples=5,
                  hint="Pass the inputs to scikit-learn (or np.asarray copies); never modify them."),
    ),
    depends_on=("sklearn_models.sklearn_predict_proba", "evaluation.roc_curve", "evaluation.auc",
                "evaluation.confusion_matrix"),
    own_dependencies_first=False,  # the stand-in's answers spare a fit per C: about 0.15 s a submission
    mistakes=(
        Mistake("class_zero_proba", "Your AUCs are 1 - AUC: you score with the probability of class 0. "
                "predict_proba has one column per class, in the order of model.classes_.",
                model=_auc_model(lambda Xa, ya, Xb, yb, C: (yb, 1.0 - _class_one(_fit(Xa, ya, C), Xb)))),
        Mistake("hard_labels", "You score with predicted labels (predict), which collapse the ROC curve to three "
                "points. The AUC needs the probabilities of class 1.",
                model=_auc_model(lambda Xa, ya, Xb, yb, C: (yb, _fit(Xa, ya, C).predict(np.asarray(Xb, float))))),
        Mistake("scored_on_training", "You compute the AUC on the training data. Fit on the training split, but "
                "score on the test split: that is the point of holding it out.",
                model=_auc_model(lambda Xa, ya, Xb, yb, C: (ya, _class_one(_fit(Xa, ya, C), Xa)))),
        Mistake("fit_on_train_and_test", "Your models also learn from the test data. Fit on the training split "
                "only; the test split is for scoring.", model=_auc_model(_on_train_and_test)),
        Mistake("inverse_C", "You pass 1 / C: in scikit-learn, C is already the inverse of the regularization "
                "strength (a large C means little regularization). Pass C as it is.",
                model=_auc_model(lambda Xa, ya, Xb, yb, C: (yb, _class_one(_fit(Xa, ya, 1.0 / C), Xb)))),
        Mistake("ignores_C", "Every AUC comes from the same model: pass each C to LogisticRegression(C=C, ...).",
                model=_auc_model(lambda Xa, ya, Xb, yb, C: (yb, _class_one(_fit(Xa, ya, 1.0), Xb)))),
        Mistake("mutates_input", "Your function changes one of its inputs; hand scikit-learn the data (or a copy) "
                "and leave the caller's arrays alone.", error=r"read-only"),
    ),
)

EXERCISES = (SKLEARN_PREDICT_PROBA, AUC_BY_C)
