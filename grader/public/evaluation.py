"""Public checks of ``exercises/evaluation.py``: confusion matrix, ROC curve, AUC.

Expected values come from scikit-learn (``confusion_matrix(labels=[0, 1])``,
``roc_curve(drop_intermediate=False)``, ``roc_auc_score``) and NumPy
(``np.trapezoid``), which a from-scratch function may not call but a check
may; and from properties: a confusion matrix counts every sample once; an ROC
curve runs from (0, 0) to (1, 1) and depends only on the ranking of the
scores, not on the order of the samples.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.checks import Mismatch, holds, raises, returns_form, unchanged
from grader.declaration import Exercise, Mistake
from grader.library_cache import remembered
from grader.public.common import (PUBLIC_FORMATS, examples_of, expect_close, float_scalar, grid, grid_arrays,
                                  hand_computed, numbers, plain)
from grader.strategies import as_format, call, label_arrays
from grader.values import Tolerance, compare, describe_type, show

COUNTS_EXACT = Tolerance()
# Hidden: 1e-12. Rates are ratios of integer counts, so any sound computation is far closer.
CURVE_TOLERANCE = Tolerance(rtol=1e-10, atol=1e-10)
AUC_TOLERANCE = Tolerance(rtol=1e-10, atol=1e-10)


def labels(value):
    """0/1 labels (ints, bools or floats, list or array) as an int64 array."""
    return plain(value).astype(float).astype(np.int64)


def scores(value):
    return plain(value).astype(float)


def _pair(draw, first, second):
    fmt = draw(st.sampled_from(PUBLIC_FORMATS))
    return as_format(first, fmt), as_format(second, fmt)


# --------------------------------------------------------------------------
# confusion_matrix
# --------------------------------------------------------------------------


@st.composite
def confusion_calls(draw, *, absent_class=False):
    """confusion_matrix(y_true, y_pred) on 0/1 labels; with ``absent_class`` one side holds a single class."""
    n = draw(st.integers(1, 12))
    y_true, y_pred = draw(label_arrays(n)), draw(label_arrays(n))
    if absent_class:
        value = draw(st.integers(0, 1))
        if draw(st.booleans()):
            y_true = np.full(n, value).astype(y_true.dtype)
        else:
            y_pred = np.full(n, value).astype(y_pred.dtype)
    return call(*_pair(draw, y_true, y_pred))


@remembered
def library_confusion_matrix(y_true, y_pred):
    """scikit-learn's matrix with both labels forced (always 2 x 2)."""
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(labels(y_true), labels(y_pred), labels=[0, 1])


def _check_confusion(function, example):
    got = function(*example.args).value
    expected = library_confusion_matrix(*example.args)
    mistakes = [("swapped_arguments", expected.T, COUNTS_EXACT),
                ("textbook_layout", expected[::-1, ::-1], COUNTS_EXACT)]
    array = numbers(got)
    if array is not None and array.ndim == 2 and array.size < 4:
        mistakes.append(("absent_class", got, COUNTS_EXACT))
    expect_close(example, got, expected, COUNTS_EXACT,
                 "compared with sklearn.metrics.confusion_matrix(y_true, y_pred, labels=[0, 1])", mistakes=mistakes)


def _confusion_form(example, value):
    n = len(labels(example.args[0]))
    if not isinstance(value, np.ndarray):
        return f"returned {describe_type(value)}, expected a NumPy array of shape (2, 2)"
    if value.shape != (2, 2):
        return f"the shape is {value.shape}, expected (2, 2)"
    if value.dtype.kind not in "iu":
        return f"the counts have dtype {value.dtype}, expected an integer dtype"
    if int(value.sum()) != n:
        return f"the counts add up to {int(value.sum())}, expected n = {n} (each sample is counted once)"
    return None


# TN 4, FP 2, FN 1, TP 3: all four counts differ, so any other layout shows.
DISTINCT_COUNTS = call([0, 0, 0, 0, 0, 0, 1, 1, 1, 1], [0, 1, 0, 0, 1, 0, 1, 1, 0, 1])
CONFUSION_CASES = (
    (DISTINCT_COUNTS, np.array([[4, 2], [1, 3]])),
    (call([1, 1, 1, 1], [0, 0, 0, 0]), np.array([[0, 0], [4, 0]])),
    (call(np.array([1, 1, 1]), np.array([1, 1, 1])), np.array([[0, 0], [0, 3]])),
)

CONFUSION_MATRIX = Exercise(
    module="evaluation",
    name="confusion_matrix",
    points=6,
    checks=(
        holds(
            "Hand-computed values: rows are the true class, columns the predicted class, 0 before 1: "
            "[[TN, FP], [FN, TP]].",
            name="hand-computed values", points=1, prop=hand_computed(CONFUSION_CASES, COUNTS_EXACT),
            examples=examples_of(CONFUSION_CASES), tolerance=COUNTS_EXACT,
            hint="Row i, column j counts the samples whose TRUE label is i and PREDICTED label is j, class 0 first.",
        ),
        holds(
            "confusion_matrix(y_true, y_pred) equals sklearn.metrics.confusion_matrix(y_true, y_pred, "
            "labels=[0, 1]) for labels given as ints, bools, floats or lists.",
            name="agrees with scikit-learn", points=2.5, strategy=confusion_calls(), prop=_check_confusion,
            tolerance=COUNTS_EXACT, max_examples=8,
            hint="Count each (true, predicted) pair of labels: rows are the true class, columns the predicted "
                 "class, class 0 before class 1. Convert the inputs with np.asarray first.",
        ),
        holds(
            "The matrix is 2 x 2 even when a class never occurs (all labels 1 gives [[0, 0], [0, n]]).",
            name="absent class", points=1, strategy=confusion_calls(absent_class=True), prop=_check_confusion,
            tolerance=COUNTS_EXACT, max_examples=6,
            examples=(call([1, 1, 1], [1, 1, 1]), call([0, 0], [0, 0]), call([1], [0])),
            hint="Size the matrix by the two possible labels (0 and 1), not by the labels that happen to occur.",
        ),
        returns_form("Returns a NumPy array of shape (2, 2) with an integer dtype whose entries add up to n.",
                     points=1, strategy=confusion_calls(), expect=_confusion_form, max_examples=3,
                     hint="Return np.ndarray counts of shape (2, 2) with an integer dtype, one count per sample."),
        unchanged(points=0.5, strategy=confusion_calls(), max_examples=3,
                  examples=(call(np.array([0, 1, 1]), np.array([1, 1, 0])),),
                  hint="Work on converted copies (np.asarray(...).astype(int)); never modify y_true or y_pred."),
    ),
    mistakes=(
        Mistake("swapped_arguments", "Your matrix is the transpose of the expected one: rows must be the TRUE "
                "class and columns the PREDICTED class. Check the order of the arguments (y_true first)."),
        Mistake("textbook_layout", "You use the textbook layout with the positive class first ([[TP, FN], "
                "[FP, TN]]). The contract uses scikit-learn's: class 0 before class 1 on both axes."),
        Mistake("absent_class", "When a class never occurs your matrix is smaller than 2 x 2 (or the code "
                "crashes). Size it by the two possible labels 0 and 1, not by the labels present in the data.",
                error=r"cannot reshape array of size [0-3] into shape \(2, ?2\)|"
                      r"index [12] is out of bounds for axis [01] with size 1"),
    ),
)


# --------------------------------------------------------------------------
# roc_curve
# --------------------------------------------------------------------------

TIE_POOL = (0.2, 0.5, 0.8)


@st.composite
def roc_problems(draw, *, kinds=("ties", "probabilities", "wide", "integers")):
    """(y_true, y_score) arrays: both classes, scores tied, in [0, 1], in [-100, 100] or small integers."""
    n = draw(st.integers(2, 10))
    y = draw(label_arrays(n, both_classes=True))
    kind = draw(st.sampled_from(kinds))
    if kind == "ties":
        s = draw(hnp.arrays(np.float64, n, elements=st.sampled_from(TIE_POOL)))
    elif kind == "integers":
        s = draw(hnp.arrays(np.int64, n, elements=st.integers(-3, 3)))
    elif kind == "probabilities":
        s = draw(grid_arrays(n, 1.0, 0.05, low=0.0))
    else:
        s = draw(grid_arrays(n, 100.0, 0.5))
    return y, s


@st.composite
def roc_calls(draw, **options):
    return call(*_pair(draw, *draw(roc_problems(**options))))


@remembered
def library_roc_curve(y_true, y_score):
    from sklearn.metrics import roc_curve

    return tuple(np.asarray(part, dtype=float)
                 for part in roc_curve(labels(y_true), scores(y_score), drop_intermediate=False))


def _curve(value):
    """(fpr, tpr, thresholds) as three 1-D float arrays of one length, or None."""
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        return None
    parts = [numbers(part) for part in value]
    if any(p is None or p.ndim != 1 for p in parts) or len({p.size for p in parts}) != 1 or parts[0].size == 0:
        return None
    return parts


def _curve_or_mismatch(example, value):
    curve = _curve(value)
    if curve is None:
        raise Mismatch(example, f"returned {describe_type(value)}, expected a tuple (fpr, tpr, thresholds) of three "
                       "1-D arrays of one length", got=value, has_expected=False)
    return curve


def _diagnose(got, s):
    """The key of a known mistake a wrong curve shows, or None."""
    curve = _curve(got)
    if curve is None:
        return None
    thresholds = curve[2]
    steps = np.diff(thresholds[np.isfinite(thresholds)])
    if np.any(steps > 0):
        return "threshold_order"
    if np.any(steps == 0) or curve[0].size > np.unique(s).size + 1:
        return "ties_split"
    if thresholds[0] != np.inf:
        return "no_start"
    return None


def _check_roc_library(function, example):
    got = function(*example.args).value
    expected = library_roc_curve(*example.args)
    reason = compare(got, expected, CURVE_TOLERANCE)
    if reason:
        raise Mismatch(example, f"compared with sklearn.metrics.roc_curve(y_true, y_score, drop_intermediate=False): "
                       f"{reason}", got=got, expected=expected, mistake=_diagnose(got, scores(example.args[1])))


def _check_roc_shape(function, example):
    """Thresholds +inf then strictly decreasing; rates non-decreasing from (0, 0) to (1, 1)."""
    got = function(*example.args).value
    fpr, tpr, thresholds = _curve_or_mismatch(example, got)

    def fail(reason, mistake=None):
        raise Mismatch(example, reason, got=got, has_expected=False, mistake=mistake)

    mistake = _diagnose(got, scores(example.args[1]))
    if mistake == "threshold_order":
        fail("the thresholds are not in decreasing order", mistake)
    if mistake == "ties_split":
        fail("a threshold appears more than once: tied scores must form a single point", mistake)
    if thresholds[0] != np.inf:
        fail(f"the first threshold is {show(thresholds[0].item())}, expected np.inf (nothing flagged)", "no_start")
    if (fpr[0], tpr[0]) != (0.0, 0.0):
        fail(f"the curve starts at (fpr, tpr) = ({show(fpr[0].item())}, {show(tpr[0].item())}), expected (0.0, 0.0)")
    if not (np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)):
        fail("fpr and tpr must both be non-decreasing along the curve")
    if abs(fpr[-1] - 1) > 1e-10 or abs(tpr[-1] - 1) > 1e-10:
        fail(f"the curve ends at (fpr, tpr) = ({show(fpr[-1].item())}, {show(tpr[-1].item())}), expected (1.0, 1.0)")


def _check_shuffle(function, example):
    """Reordering the samples leaves the curve unchanged."""
    y, s = (plain(a) for a in example.args)
    first = function(y, s).value
    _curve_or_mismatch(example, first)
    order = np.arange(len(y))[::-1]
    moved = call(y[order], s[order])
    second = function(*moved.args).value
    reason = compare(second, tuple(_curve(first)), CURVE_TOLERANCE)
    if reason:
        raise Mismatch(moved, f"the same samples in reverse order gave another curve ({reason}); in the original "
                       f"order the result was {show(first)}", got=second, has_expected=False,
                       mistake=_diagnose(second, s) or _diagnose(first, s))


@st.composite
def rankable_calls(draw):
    """roc_curve(y, s) with scores on a coarse grid, so that 3 s + 7 and exp(s / 10) keep them distinct."""
    n = draw(st.integers(2, 10))
    y = draw(label_arrays(n, both_classes=True))
    s = draw(hnp.arrays(np.int64, n, elements=st.integers(-20, 20))) / 4.0
    return call(y, s)


TRANSFORMS = (("3 * y_score + 7", lambda s: 3 * s + 7), ("np.exp(y_score / 10)", lambda s: np.exp(s / 10)))


def _check_transform(function, example):
    """(fpr, tpr) depend only on the ranking of the scores."""
    y, s = example.args
    first = _curve_or_mismatch(example, function(y, s).value)
    for name, transform in TRANSFORMS:
        moved = call(y, transform(s))
        got = function(*moved.args).value
        second = _curve_or_mismatch(moved, got)
        reason = compare((second[0], second[1]), (first[0], first[1]), CURVE_TOLERANCE)
        if reason:
            raise Mismatch(moved, f"the scores here are {name} for y_score = {show(s)}, a strictly increasing "
                           f"transform, yet (fpr, tpr) changed ({reason}); with the original scores they were "
                           f"{show(first[0])} and {show(first[1])}", got=got, has_expected=False,
                           mistake="fixed_grid")


def _roc_form(example, value):
    if not isinstance(value, tuple) or len(value) != 3:
        return f"returned {describe_type(value)}, expected a tuple of 3 arrays (fpr, tpr, thresholds)"
    lengths = set()
    for name, part in zip(("fpr", "tpr", "thresholds"), value):
        if not isinstance(part, np.ndarray) or part.ndim != 1 or part.dtype.kind != "f":
            return f"{name} is {describe_type(part)}, expected a 1-D NumPy array of floats"
        lengths.add(part.size)
    if len(lengths) != 1:
        return "fpr, tpr and thresholds must have the same length"
    return None


ROC_CASES = (
    (call([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),
     (np.array([0.0, 0.0, 0.5, 0.5, 1.0]), np.array([0.0, 0.5, 0.5, 1.0, 1.0]),
      np.array([np.inf, 0.8, 0.4, 0.35, 0.1]))),
    (call([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]),  # one tied score: one point after the start
     (np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([np.inf, 0.5]))),
)

ROC_CURVE = Exercise(
    module="evaluation",
    name="roc_curve",
    points=9,
    checks=(
        holds(
            "Hand-computed curves: thresholds +inf then each distinct score from high to low; at each, "
            "FPR = FP / negatives and TPR = TP / positives.",
            name="hand-computed values", points=1, prop=hand_computed(ROC_CASES, CURVE_TOLERANCE),
            examples=examples_of(ROC_CASES), tolerance=CURVE_TOLERANCE,
            hint="Work the example by hand: thresholds +inf then the distinct scores from high to low; a sample "
                 "is flagged when its score is >= the threshold.",
        ),
        holds(
            "roc_curve(y_true, y_score) equals sklearn.metrics.roc_curve(y_true, y_score, "
            "drop_intermediate=False), with ties and scores outside [0, 1].",
            name="agrees with scikit-learn", points=2.5, strategy=roc_calls(), prop=_check_roc_library,
            tolerance=CURVE_TOLERANCE, max_examples=8,
            hint="Use +inf, then every distinct score from the highest down, as thresholds; at each one count the "
                 "scores >= threshold among the positives (TPR) and among the negatives (FPR).",
        ),
        holds(
            "The curve starts at (0, 0) with threshold +inf, its thresholds strictly decrease, and fpr and tpr "
            "never decrease up to (1, 1).",
            name="from (0, 0) to (1, 1)", points=1, strategy=roc_calls(), prop=_check_roc_shape, max_examples=6,
            hint="Threshold +inf flags nothing, so the curve starts at (0, 0); lowering the threshold through the "
                 "scores from high to low can only flag more samples, up to (1, 1).",
        ),
        holds(
            "Tied scores form a single point (the curve equals scikit-learn's on heavily tied scores).",
            name="ties form one point", points=1, strategy=roc_calls(kinds=("ties",)), prop=_check_roc_library,
            tolerance=CURVE_TOLERANCE, max_examples=6,
            hint="Samples with the same score cross any threshold together: step through the distinct scores, "
                 "not through the samples one at a time.",
        ),
        holds(
            "Reversing the order of the samples (the same pairs of label and score) leaves the curve unchanged.",
            name="independent of sample order", points=1,
            strategy=roc_problems(kinds=("ties", "integers")).map(lambda ys: call(*ys)), prop=_check_shuffle,
            tolerance=CURVE_TOLERANCE, max_examples=6,
            hint="The curve depends only on which scores are >= each threshold, never on the order of the "
                 "samples: group tied scores and count them together.",
        ),
        holds(
            "A strictly increasing transform of the scores (3 s + 7, exp(s / 10)) leaves fpr and tpr unchanged.",
            name="depends only on the ranking", points=1, strategy=rankable_calls(), prop=_check_transform,
            tolerance=CURVE_TOLERANCE, max_examples=6,
            hint="Scores can be any real numbers, not only probabilities in [0, 1]: take the thresholds from the "
                 "scores themselves.",
        ),
        raises(
            "y_true holding a single class raises ValueError (a rate would divide by zero).",
            points=0.5, examples=(call([0, 0, 0], [0.1, 0.2, 0.3]), call([1, 1], [0.5, 0.7])),
            valid=call([0, 1, 1, 0], [0.1, 0.4, 0.35, 0.8]),
            hint="Check that y_true holds both classes before dividing, and raise ValueError saying so.",
        ),
        returns_form(
            "Returns a tuple (fpr, tpr, thresholds) of three 1-D float NumPy arrays of the same length.",
            points=0.5, strategy=roc_calls(), expect=_roc_form, max_examples=3,
            hint="return fpr, tpr, thresholds as NumPy float arrays (np.array(..., dtype=float)).",
        ),
        unchanged(points=0.5, strategy=roc_calls(), max_examples=3,
                  examples=(call(np.array([0, 1, 1, 0]), np.array([0.8, 0.1, 0.5, 0.3])),),
                  hint="Sort copies (y_score[order] makes one), never the caller's arrays in place."),
    ),
    mistakes=(
        Mistake("threshold_order", "Your thresholds are not in decreasing order. Go from the highest score down, "
                "so that the curve moves from (0, 0) to (1, 1)."),
        Mistake("no_start", "The curve must start at (0, 0) with threshold +inf (nothing flagged) before the "
                "highest score."),
        Mistake("ties_split", "You make one point per sample: tied scores cross every threshold together, so they "
                "must form one point, and the curve must not depend on the order of the samples."),
        Mistake("fixed_grid", "Your curve changes when the scores are transformed without changing their order: "
                "take the thresholds from the scores themselves, not from a fixed grid (scores can be any real "
                "numbers)."),
    ),
)


# --------------------------------------------------------------------------
# auc
# --------------------------------------------------------------------------


def trapezoid(y, x):
    """NumPy's trapezoidal rule (np.trapezoid; np.trapz before NumPy 2.0)."""
    rule = getattr(np, "trapezoid", None) or np.trapz
    return float(rule(y, x))


@st.composite
def auc_calls(draw):
    """auc(fpr, tpr): fpr non-decreasing from 0 to 1 (repeats allowed), tpr in [0, 1]."""
    m = draw(st.integers(2, 10))
    coordinate = grid(1.0, 0.05, low=0.0)
    fpr = np.array([0.0, *sorted(draw(st.lists(coordinate, min_size=m - 2, max_size=m - 2))), 1.0])
    tpr = draw(hnp.arrays(np.float64, m, elements=coordinate))
    if draw(st.booleans()):  # ROC-like: non-decreasing from 0 to 1
        tpr = np.sort(tpr)
        tpr[0], tpr[-1] = 0.0, 1.0
    return call(*_pair(draw, fpr, tpr))


def _check_trapezoid(function, example):
    got = function(*example.args).value
    fpr, tpr = (scores(a) for a in example.args)
    expect_close(example, got, trapezoid(tpr, fpr), AUC_TOLERANCE, "compared with np.trapezoid(tpr, fpr)",
                 mistakes=(("swapped_axes", trapezoid(fpr, tpr), AUC_TOLERANCE),
                           ("rectangles", float(np.sum(np.diff(fpr) * tpr[:-1])), AUC_TOLERANCE),
                           ("rectangles", float(np.sum(np.diff(fpr) * tpr[1:])), AUC_TOLERANCE)))


@remembered
def library_roc_auc_score(y_true, y_score):
    """scikit-learn's ROC AUC of the scores."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y_true, y_score))


def _check_roc_auc_score(function, problem):
    """The area under scikit-learn's ROC curve of (y, s) equals roc_auc_score(y, s)."""
    y, s = problem
    fpr, tpr, _ = library_roc_curve(y, s)
    example = call(fpr, tpr)
    got = function(fpr, tpr).value
    expect_close(example, got, library_roc_auc_score(y, s), AUC_TOLERANCE,
                 f"these points are sklearn.metrics.roc_curve({show(y)}, {show(s)}), whose area is "
                 "roc_auc_score: the share of (positive, negative) pairs where the positive scores higher, ties "
                 "counting 1/2")


AUC_CASES = (
    (call([0.0, 0.0, 1.0], [0.0, 1.0, 1.0]), 1.0),  # a perfect ranking
    (call([0.0, 1.0], [0.0, 1.0]), 0.5),  # a constant score
    (call(np.array([0.0, 0.0, 0.5, 1.0]), np.array([0.0, 0.5, 1.0, 1.0])), 0.875),  # 0.375 + 0.5
    (call([0.0, 0.25, 0.25, 1.0], [0.0, 0.5, 0.75, 1.0]), 0.71875),  # 0.0625 + 0 + 0.65625
)

AUC = Exercise(
    module="evaluation",
    name="auc",
    points=5,
    checks=(
        holds(
            "Hand-computed areas: a perfect ranking ([0, 0, 1], [0, 1, 1]) has area 1.0, a constant score "
            "([0, 1], [0, 1]) 0.5.",
            name="hand-computed values", points=1.5, prop=hand_computed(AUC_CASES, AUC_TOLERANCE),
            examples=examples_of(AUC_CASES), tolerance=AUC_TOLERANCE,
            hint="fpr is the x axis and tpr the height; each step adds its width times the mean of its two heights.",
        ),
        holds(
            "auc(fpr, tpr) equals the trapezoidal area np.trapezoid(tpr, fpr), for arrays and lists.",
            name="agrees with np.trapezoid", points=2, strategy=auc_calls(), prop=_check_trapezoid,
            tolerance=AUC_TOLERANCE, max_examples=8,
            hint="Add one trapezoid per pair of neighbouring points: its width along fpr times the mean of its "
                 "two heights (tpr).",
        ),
        holds(
            "For an ROC curve from labels and scores, the area equals sklearn.metrics.roc_auc_score.",
            name="equals roc_auc_score", points=0.5, strategy=roc_problems(kinds=("ties", "integers")),
            prop=_check_roc_auc_score, tolerance=AUC_TOLERANCE, max_examples=6,
            hint="Where tied scores make the curve rise diagonally, a rectangle misses half of the step: use the "
                 "mean of the two heights.",
        ),
        returns_form("Returns a Python float.", points=0.5, strategy=auc_calls(), expect=float_scalar,
                     max_examples=3, hint="Wrap the result in float(...)."),
        unchanged(points=0.5, strategy=auc_calls(), max_examples=3,
                  examples=(call(np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.75, 1.0])),),
                  hint="Never modify fpr or tpr; work on converted copies."),
    ),
    mistakes=(
        Mistake("swapped_axes", "Your area swaps the axes: fpr is the x axis and tpr the height. Mind the argument "
                "order of np.trapezoid(y, x): the heights come first."),
        Mistake("np_trapz", "np.trapz no longer exists (removed in NumPy 2.4): use np.trapezoid and mind the "
                "(y, x) order.", error=r"has no attribute 'trapz'"),
        Mistake("rectangles", "You add rectangles (one height per step). The trapezoidal rule takes the mean of "
                "the heights at both ends of each step."),
    ),
)

EXERCISES = (CONFUSION_MATRIX, ROC_CURVE, AUC)

