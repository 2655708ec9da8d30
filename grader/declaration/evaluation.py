"""Declaration of the ``evaluation`` exercises: confusion matrix, ROC curve and AUC.

Besides agreement with the reference (and scikit-learn on hand-computed
cases), the checks state the properties a student can reason about without an
oracle: a confusion matrix is always 2 x 2 and counts every sample once; an
ROC curve runs from (0, 0) to (1, 1) with strictly decreasing thresholds and
depends only on the ranking of the scores (not on sample order, not on a
strictly increasing transform of the scores); its area is the Mann-Whitney
pairwise count. Failures are matched to the known mistakes of
``docs/mistakes.md`` by inspecting what came back (layout, threshold order,
duplicated thresholds, a threshold grid, ...), so that each gets its own hint.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader import references
from grader.checks import Mismatch, holds, raises, returns_form, unchanged
from grader.declaration import Exercise, Mistake
from grader.protocol import Opaque, PandasData
from grader.strategies import FORMATS, as_format, call, label_arrays, shuffled_index
from grader.values import Tolerance, as_number_array, compare, describe_type, show, show_call, to_plain

ref_confusion_matrix = references.function("evaluation.confusion_matrix")
ref_roc_curve = references.function("evaluation.roc_curve")
ref_auc = references.function("evaluation.auc")

COUNTS_EXACT = Tolerance()
# Rates are ratios of integer counts: any sound computation lands within
# rounding of the reference. Thresholds are the scores themselves (or +inf),
# so they agree to the last bit in practice; the same bound costs nothing.
CURVE_TOLERANCE = Tolerance(rtol=1e-12, atol=1e-12)
AUC_TOLERANCE = Tolerance(rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------


def _plain_labels(values):
    return np.asarray(to_plain(values)).astype(float).astype(np.int64)


def _plain_scores(values):
    return np.asarray(to_plain(values), dtype=float)


@st.composite
def _pair_in_formats(draw, first, second, *, names=("y_true", "y_score")):
    """Two 1-D arrays of the same length, each in its own format; pandas ones share a shuffled index."""
    formats = (draw(st.sampled_from(FORMATS)), draw(st.sampled_from(FORMATS)))
    index = draw(shuffled_index(len(first))) if "pandas" in formats else None
    return (as_format(first, formats[0], index, name=names[0]),
            as_format(second, formats[1], index, name=names[1]))


# --------------------------------------------------------------------------
# confusion_matrix
# --------------------------------------------------------------------------


@st.composite
def confusion_calls(draw, *, absent_class=False, max_size=20):
    """confusion_matrix(y_true, y_pred): 0/1 labels (int, bool or float), any formats.

    With ``absent_class``, y_true or y_pred (or both) holds a single class.
    """
    n = draw(st.integers(1, max_size))
    y_true = draw(label_arrays(n))
    y_pred = draw(label_arrays(n))
    if absent_class:
        which = draw(st.sampled_from(["both", "true", "pred"]))
        value = draw(st.integers(0, 1))
        if which in ("both", "true"):
            y_true = np.full(n, value).astype(y_true.dtype)
        if which in ("both", "pred"):
            y_pred = np.full(n, draw(st.integers(0, 1)) if which == "both" else value).astype(y_pred.dtype)
    return call(*draw(_pair_in_formats(y_true, y_pred, names=("y_true", "y_pred"))))


@references.remembered  # every submission meets the same examples: computed once per process
def _sklearn_confusion_matrix(y_true, y_pred):
    """scikit-learn's matrix with both labels forced (trusted side only)."""
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(_plain_labels(y_true), _plain_labels(y_pred), labels=[0, 1])


def _transposed(y_true, y_pred):
    return ref_confusion_matrix(y_pred, y_true)


def _textbook(y_true, y_pred):
    return ref_confusion_matrix(y_true, y_pred)[::-1, ::-1]


def _present_labels_only(y_true, y_pred):
    """What a matrix sized by the labels present looks like (1 x 1 when one class occurs)."""
    t, p = _plain_labels(y_true), _plain_labels(y_pred)
    labels = np.unique(np.r_[t, p])
    return np.array([[np.sum((t == a) & (p == b)) for b in labels] for a in labels], dtype=np.int64)


def _confusion_agrees(oracle):
    """Equal to ``oracle`` exactly; a matrix that is not 2 x 2 is the absent-class mistake."""

    def prop(function, example):
        got = function(*example.args, **example.kwargs).value
        expected = oracle(*to_plain(example.args))
        reason = compare(got, expected, COUNTS_EXACT)
        if reason:
            array = as_number_array(got)
            mistake = None
            if array is not None and array.ndim == 2 and array.shape != (2, 2) and array.size < 4:
                mistake = "absent_class"
            raise Mismatch(example, reason, got=got, expected=expected, mistake=mistake)

    return prop


def _confusion_form(example, value):
    n = len(to_plain(example.args[0]))
    if isinstance(value, PandasData):
        return "returned a pandas DataFrame, expected a NumPy array (use .to_numpy() or build an array)"
    if not isinstance(value, np.ndarray):
        return f"returned {describe_type(value)}, expected a NumPy array of shape (2, 2)"
    if value.shape != (2, 2):
        return f"the shape is {value.shape}, expected (2, 2)"
    if value.dtype.kind not in "iu":
        return None  # reported with its own mistake by _confusion_form_prop
    if int(value.sum()) != n:
        return f"the counts add up to {int(value.sum())}, expected n = {n} (each sample is counted once)"
    return None


def _confusion_form_prop(function, example):
    got = function(*example.args, **example.kwargs).value
    problem = _confusion_form(example, got)
    if problem:
        smaller = isinstance(got, np.ndarray) and got.ndim == 2 and got.size < 4
        raise Mismatch(example, problem, got=got, has_expected=False, mistake="absent_class" if smaller else None)
    if got.dtype.kind not in "iu":
        raise Mismatch(example, f"the counts have dtype {got.dtype}, expected an integer dtype", got=got,
                       has_expected=False, mistake="float_counts")


# All four counts differ, so any other layout (transpose, textbook) shows.
DISTINCT_COUNTS = call([0, 0, 0, 0, 0, 0, 1, 1, 1, 1], [0, 1, 0, 0, 1, 0, 1, 1, 0, 1])  # TN 4, FP 2, FN 1, TP 3

CONFUSION_MATRIX = Exercise(
    module="evaluation",
    name="confusion_matrix",
    points=6,
    checks=(
        holds(
            "confusion_matrix(y_true, y_pred) equals the reference's [[TN, FP], [FN, TP]] for 0/1 labels "
            "given as ints, bools, floats, lists or pandas Series with a shuffled index.",
            name="agrees with the reference", points=2, strategy=confusion_calls(),
            prop=_confusion_agrees(ref_confusion_matrix), tolerance=COUNTS_EXACT, max_examples=30,
            examples=(DISTINCT_COUNTS, call([0, 1, 1], [0, 0, 1])),
            hint="Count each (true, predicted) pair of labels: rows are the true class, columns the "
                 "predicted class, class 0 before class 1. Convert the inputs with np.asarray first.",
        ),
        holds(
            "The layout is scikit-learn's (confusion_matrix(y_true, y_pred, labels=[0, 1])): rows are the "
            "true class, columns the predicted class; all true 1 and all predicted 0 gives [[0, 0], [n, 0]].",
            name="scikit-learn's layout", points=1.5, strategy=confusion_calls(max_size=8),
            prop=_confusion_agrees(_sklearn_confusion_matrix), tolerance=COUNTS_EXACT, max_examples=10,
            examples=(DISTINCT_COUNTS, call([1, 1, 1, 1], [0, 0, 0, 0]), call([0, 0, 1, 1, 1], [1, 0, 1, 1, 0])),
            hint="Row i, column j counts the samples whose TRUE label is i and PREDICTED label is j, with "
                 "class 0 first: [[TN, FP], [FN, TP]].",
        ),
        holds(
            "The matrix is 2 x 2 even when a class never occurs (e.g. all labels 1 gives [[0, 0], [0, n]]).",
            name="absent class", points=1, strategy=confusion_calls(absent_class=True), max_examples=20,
            prop=_confusion_agrees(ref_confusion_matrix), tolerance=COUNTS_EXACT,
            examples=(call([1, 1, 1], [1, 1, 1]), call([0, 0], [0, 0]), call([1], [0]),
                      call(np.array([0, 0, 0]), np.array([1, 1, 0]))),
            hint="Size the matrix by the two possible labels (0 and 1), not by the labels that happen to "
                 "occur: a class that never occurs gets a row or column of zeros.",
        ),
        holds(
            "Returns a NumPy array of shape (2, 2) with an integer dtype whose entries add up to n.",
            name="returns the right type", kind="form", points=1, strategy=confusion_calls(), max_examples=15,
            prop=_confusion_form_prop, examples=(call([0, 1, 1], [0, 0, 1]),), public=True,
            hint="Return np.ndarray counts of shape (2, 2) with an integer dtype, one count per sample.",
        ),
        unchanged(points=0.5, strategy=confusion_calls(),
                  hint="Work on converted copies (np.asarray(...).astype(int)); never modify y_true or y_pred."),
    ),
    mistakes=(
        Mistake("swapped_arguments", "Your matrix is the transpose of the expected one: rows must be the TRUE "
                "class and columns the PREDICTED class. Check the order of the arguments (y_true first) "
                "wherever you count or call the function.", model=_transposed),
        Mistake("textbook_layout", "You use the textbook layout with the positive class first "
                "([[TP, FN], [FP, TN]]). The contract uses scikit-learn's: class 0 before class 1 on both "
                "axes.", model=_textbook),
        Mistake("absent_class", "When a class never occurs your matrix is smaller than 2 x 2 (or the code "
                "crashes). Size it by the two possible labels 0 and 1, not by the labels present in the data.",
                model=_present_labels_only,
                error=r"cannot reshape array of size [0-3] into shape \(2, ?2\)|"
                      r"index [12] is out of bounds for axis [01] with size 1"),
        Mistake("float_counts", "Your counts are floats (np.zeros gives float64 by default). Counts are "
                "whole numbers: use an integer dtype."),
        Mistake("mutates_input", "The function changed an argument in place. Convert to a new array "
                "(np.asarray(...).astype(int) or .copy()) before modifying anything."),
    ),
)


# --------------------------------------------------------------------------
# roc_curve
# --------------------------------------------------------------------------

TIE_POOL = (0.2, 0.5, 0.8)


@st.composite
def score_arrays(draw, n, *, kinds=("ties", "probabilities", "wide", "integers")):
    """n finite scores: from a tiny pool (ties), in [0, 1], in [-100, 100], or small integers."""
    kind = draw(st.sampled_from(kinds))
    if kind == "ties":
        return draw(hnp.arrays(np.float64, n, elements=st.sampled_from(TIE_POOL)))
    if kind == "integers":
        return draw(hnp.arrays(np.int64, n, elements=st.integers(-3, 3)))
    bound = (0.0, 1.0) if kind == "probabilities" else (-100.0, 100.0)
    return draw(hnp.arrays(np.float64, n, elements=st.floats(*bound, allow_nan=False, allow_subnormal=False)))


@st.composite
def roc_problems(draw, *, min_size=2, max_size=16, kinds=("ties", "probabilities", "wide", "integers")):
    """(y_true, y_score) as int64/bool/float labels with both classes and float or int scores (ndarrays)."""
    n = draw(st.integers(min_size, max_size))
    y = draw(label_arrays(n, both_classes=True))
    return y, draw(score_arrays(n, kinds=kinds))


@st.composite
def roc_calls(draw, **options):
    """roc_curve(y_true, y_score) in any formats (pandas ones share a shuffled index)."""
    y, s = draw(roc_problems(**options))
    return call(*draw(_pair_in_formats(y, s)))


@st.composite
def single_class_calls(draw):
    n = draw(st.integers(1, 8))
    y = np.full(n, draw(st.integers(0, 1))).astype(draw(st.sampled_from([np.int64, np.bool_, np.float64])))
    return call(*draw(_pair_in_formats(y, draw(score_arrays(n)))))


def _curve(value):
    """(fpr, tpr, thresholds) as three 1-D float arrays of one length, or None."""
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        return None
    parts = [as_number_array(part) for part in value]
    if any(p is None or p.ndim != 1 for p in parts) or len({p.size for p in parts}) != 1 or parts[0].size == 0:
        return None
    return parts


def _looks_like_grid(thresholds, scores):
    """Evenly spaced thresholds that are not the scores: a fixed grid such as np.linspace(0, 1, 101)."""
    finite = np.sort(thresholds[np.isfinite(thresholds)])
    if finite.size < 5 or np.all(np.isin(finite, scores)):
        return False
    steps = np.diff(finite)
    return bool(steps[0] > 0 and np.allclose(steps, steps[0], rtol=1e-6, atol=1e-12))


def _order_mistake(thresholds):
    """'threshold_order' or 'ties_split' when the finite thresholds are not strictly decreasing."""
    steps = np.diff(thresholds[np.isfinite(thresholds)])
    if np.any(steps > 0):
        return "threshold_order"
    if np.any(steps == 0):
        return "ties_split"
    return None


def _false_discovery(y, expected):
    """The curve with FP / (TP + FP) in place of the FPR, where it is defined (nan elsewhere)."""
    negatives, positives = np.sum(y == 0), np.sum(y == 1)
    fp = np.rint(expected[0] * negatives)
    tp = np.rint(expected[1] * positives)
    flagged = fp + tp
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(flagged > 0, fp / flagged, np.nan)


def _diagnose_roc(y, s, got, expected):
    """The key of the known mistake a wrong curve shows, or None."""
    curve = _curve(got)
    if curve is None:
        return None
    fpr, tpr, thresholds = curve
    if _looks_like_grid(thresholds, s):
        return "fixed_grid"
    order = _order_mistake(thresholds)
    if order:
        return order
    if fpr.size == expected[0].size:
        rates_close = compare(tpr, expected[1], CURVE_TOLERANCE) is None
        if rates_close and compare(thresholds, expected[2], CURVE_TOLERANCE) is None:
            fdr = _false_discovery(y, expected)
            defined = np.isfinite(fdr)
            if np.allclose(fpr[defined], fdr[defined], rtol=1e-9, atol=1e-12):
                return "false_discovery_rate"
    if thresholds[0] != np.inf or fpr.size == expected[0].size - 1:
        return "no_start"
    return None


def _roc_agrees(oracle):
    """The curve equals ``oracle``'s (rates and thresholds within CURVE_TOLERANCE)."""

    def prop(function, example):
        got = function(*example.args, **example.kwargs).value
        y, s = _plain_labels(example.args[0]), _plain_scores(example.args[1])
        expected = tuple(np.asarray(part, dtype=float) for part in oracle(y, s))
        reason = compare(got, expected, CURVE_TOLERANCE)
        if reason:
            raise Mismatch(example, reason, got=got, expected=expected, mistake=_diagnose_roc(y, s, got, expected))

    return prop


@references.remembered
def _sklearn_roc_curve(y_true, y_score):
    from sklearn.metrics import roc_curve

    return roc_curve(y_true, y_score, drop_intermediate=False)


def _curve_or_mismatch(example, value):
    curve = _curve(value)
    if curve is None:
        raise Mismatch(example, f"returned {describe_type(value)}, expected a tuple (fpr, tpr, thresholds) of "
                       "three 1-D arrays of one length", got=value, has_expected=False)
    return curve


def _roc_shape(function, example):
    """Oracle-free: thresholds +inf then strictly decreasing; rates non-decreasing from (0, 0) to (1, 1)."""
    got = function(*example.args, **example.kwargs).value
    fpr, tpr, thresholds = _curve_or_mismatch(example, got)
    s = _plain_scores(example.args[1])

    def fail(reason, mistake=None):
        raise Mismatch(example, reason, got=got, has_expected=False, mistake=mistake)

    if _looks_like_grid(thresholds, s):
        fail("the thresholds are not the scores: they look like a fixed grid", "fixed_grid")
    order = _order_mistake(thresholds)
    if order == "threshold_order":
        fail("the thresholds are not in decreasing order", order)
    if order == "ties_split":
        fail("a threshold appears more than once: tied scores must form a single point", order)
    if thresholds[0] != np.inf:
        fail(f"the first threshold is {show(thresholds[0].item())}, expected np.inf (nothing flagged)", "no_start")
    if (fpr[0], tpr[0]) != (0.0, 0.0):
        fail(f"the curve starts at (fpr, tpr) = ({show(fpr[0].item())}, {show(tpr[0].item())}), expected (0.0, 0.0)")
    if not (np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)):
        fail("fpr and tpr must both be non-decreasing along the curve")
    if abs(fpr[-1] - 1) > 1e-12 or abs(tpr[-1] - 1) > 1e-12:
        fail(f"the curve ends at (fpr, tpr) = ({show(fpr[-1].item())}, {show(tpr[-1].item())}), expected (1.0, 1.0)")


def _points_split(value, scores):
    """'ties_split' when the curve has more points than distinct scores + 1."""
    curve = _curve(value)
    if curve is not None and curve[0].size > np.unique(scores).size + 1:
        return "ties_split"
    return None


def _orders(n):
    """Two fixed reorderings of n samples: reversed, and a seeded shuffle."""
    return (np.arange(n)[::-1], np.random.default_rng(20_240_601 + n).permutation(n))


def _roc_shuffle(function, example):
    """Oracle-free: reordering the samples leaves the curve unchanged."""
    y, s = example.args
    first = function(y, s).value
    _curve_or_mismatch(example, first)
    for order in _orders(len(y)):
        moved = call(y[order], s[order])
        second = function(*moved.args).value
        reason = compare(second, tuple(_curve(first)), CURVE_TOLERANCE)
        if reason:
            raise Mismatch(moved, f"the same samples in another order gave another curve ({reason}); in the "
                           f"order {show_call('roc_curve', example.args, {})} the result was {show(first)}",
                           got=second, has_expected=False, mistake=_points_split(second, s) or _points_split(first, s))


TRANSFORMS = (("3 * y_score + 7", lambda s: 3 * s + 7), ("np.exp(y_score / 10)", lambda s: np.exp(s / 10)))


@st.composite
def rankable_calls(draw):
    """roc_curve(y, s) with scores on a coarse grid, so that 3 s + 7 and exp(s / 10) keep them distinct."""
    n = draw(st.integers(2, 12))
    y = draw(label_arrays(n, both_classes=True))
    if draw(st.booleans()):
        s = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 20))) / 20.0  # probabilities
    else:
        s = draw(hnp.arrays(np.int64, n, elements=st.integers(-20, 20))) / 4.0
    return call(y, s)


def _roc_transform(function, example):
    """Oracle-free: (fpr, tpr) depend only on the ranking of the scores."""
    y, s = example.args
    first = _curve_or_mismatch(example, function(y, s).value)
    for name, transform in TRANSFORMS:
        moved = call(y, transform(s))
        got = function(*moved.args).value
        second = _curve_or_mismatch(moved, got)
        reason = compare((second[0], second[1]), (first[0], first[1]), CURVE_TOLERANCE)
        if reason:
            grid = _looks_like_grid(second[2], moved.args[1]) or _looks_like_grid(first[2], s)
            raise Mismatch(moved, f"the scores here are {name} for y_score = {show(s)}, a strictly increasing "
                           f"transform, yet (fpr, tpr) changed ({reason}); with the original scores they were "
                           f"{show(first[0])} and {show(first[1])}", got=got, has_expected=False,
                           mistake="fixed_grid" if grid else None)


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


ROC_CURVE = Exercise(
    module="evaluation",
    name="roc_curve",
    points=9,
    checks=(
        holds(
            "roc_curve(y_true, y_score) equals the reference (scikit-learn's roc_curve with "
            "drop_intermediate=False) for labels and scores of any format, with ties and scores outside [0, 1].",
            name="agrees with the reference", points=2.5, strategy=roc_calls(), prop=_roc_agrees(ref_roc_curve),
            tolerance=CURVE_TOLERANCE, max_examples=30,
            examples=(call([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),),
            hint="Use +inf, then every distinct score from the highest down, as thresholds; at each one count "
                 "the scores >= threshold among the positives (TPR) and among the negatives (FPR).",
        ),
        holds(
            "On hand-computed cases the curve equals sklearn.metrics.roc_curve(y_true, y_score, "
            "drop_intermediate=False).",
            name="hand-computed cases", points=1, prop=_roc_agrees(_sklearn_roc_curve), tolerance=CURVE_TOLERANCE,
            strategy=roc_calls(max_size=8), max_examples=8,
            examples=(call([0, 1, 1, 0, 1], [0.9, 0.8, 0.7, 0.3, 0.1]),
                      call([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),
                      call([1, 0, 1, 0, 0], [-3.0, -7.5, 12.0, 0.0, 40.0]),
                      call([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]),
                      call(np.array([True, False, True]), np.array([2, 2, 5]))),
            hint="Work the example by hand: FPR = FP / (number of negatives), TPR = TP / (number of "
                 "positives), thresholds +inf then the distinct scores from high to low.",
        ),
        holds(
            "The curve starts at (0, 0) with threshold +inf, its thresholds strictly decrease, and fpr and "
            "tpr never decrease up to (1, 1).",
            name="from (0, 0) to (1, 1)", points=1, strategy=roc_calls(), prop=_roc_shape, max_examples=20,
            examples=(call([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), call([1, 0, 1], [0.5, 0.5, 0.9])), public=True,
            hint="Threshold +inf flags nothing, so the curve starts at (0, 0); lowering the threshold through "
                 "the scores from high to low can only flag more samples, up to (1, 1).",
        ),
        holds(
            "Tied scores form a single point: the curve has one point per distinct score, plus the start.",
            name="ties form one point", points=1, prop=_roc_agrees(ref_roc_curve), tolerance=CURVE_TOLERANCE,
            strategy=roc_calls(kinds=("ties",)), max_examples=20,
            examples=(call([0, 1], [0.5, 0.5]), call([0, 1, 0, 1, 1], [0.2, 0.8, 0.8, 0.2, 0.5])),
            hint="Samples with the same score cross any threshold together: step through the distinct "
                 "scores, not through the samples one at a time.",
        ),
        holds(
            "Shuffling the samples (the same pairs of label and score in another order) leaves the curve "
            "unchanged.",
            name="independent of sample order", points=1,
            strategy=roc_problems(kinds=("ties", "integers")).map(lambda ys: call(*ys)),
            prop=_roc_shuffle, tolerance=CURVE_TOLERANCE, max_examples=20, public=True,
            examples=(call(np.array([0, 1, 1, 0]), np.array([0.5, 0.5, 0.8, 0.2])),),
            hint="The curve depends only on which scores are >= each threshold, never on the order of the "
                 "samples: group tied scores and count them together.",
        ),
        holds(
            "A strictly increasing transform of the scores (3 s + 7, exp(s / 10)) leaves fpr and tpr unchanged.",
            name="depends only on the ranking", points=1, strategy=rankable_calls(), prop=_roc_transform,
            tolerance=CURVE_TOLERANCE, max_examples=15, public=True,
            examples=(call(np.array([0, 1, 0, 1]), np.array([0.1, 0.35, 0.4, 0.8])),),
            hint="Scores can be any real numbers, not only probabilities in [0, 1]: take the thresholds from "
                 "the scores themselves.",
        ),
        raises(
            "y_true holding a single class raises ValueError (a rate would divide by zero).",
            points=0.5, strategy=single_class_calls(), max_examples=8,
            valid=call([0, 1, 1, 0], [0.1, 0.4, 0.35, 0.8]),
            examples=(call([0, 0, 0], [0.1, 0.2, 0.3]), call([1, 1], [0.5, 0.7])),
            hint="Check that y_true holds both classes before dividing, and raise ValueError with a message "
                 "saying so.",
        ),
        returns_form(
            "Returns a tuple (fpr, tpr, thresholds) of three 1-D float NumPy arrays of the same length.",
            points=0.5, strategy=roc_calls(), expect=_roc_form, max_examples=10,
            hint="return fpr, tpr, thresholds as NumPy float arrays (np.array(..., dtype=float)).",
        ),
        unchanged(points=0.5, strategy=roc_calls(),
                  hint="Sort copies (y_score[order] makes one), never the caller's arrays in place."),
    ),
    depends_on=("evaluation.confusion_matrix",),
    mistakes=(
        Mistake("threshold_order", "Your thresholds are not in decreasing order. Go from the highest score "
                "down, so that the curve moves from (0, 0) to (1, 1)."),
        Mistake("no_start", "The curve must start at (0, 0) with threshold +inf (nothing flagged) before the "
                "highest score."),
        Mistake("ties_split", "You make one point per sample: tied scores cross every threshold together, so "
                "they must form one point, and the curve must not depend on the order of the samples."),
        Mistake("fixed_grid", "Your thresholds come from a fixed grid, not from the scores: scores can be any "
                "real numbers (not only in [0, 1]), and every distinct score is a threshold."),
        Mistake("false_discovery_rate", "Your false positive rate divides by the number of predicted positives "
                "(TP + FP): that is the false discovery rate. The FPR is the share of the real negatives that "
                "are flagged."),
        Mistake("mutates_input", "The function changed an argument in place (an in-place sort?). Sort copies: "
                "y_score[order] and np.sort make new arrays."),
    ),
)


# --------------------------------------------------------------------------
# auc
# --------------------------------------------------------------------------


@st.composite
def curve_points(draw):
    """(fpr, tpr): fpr non-decreasing from 0 to 1, tpr in [0, 1].

    ROC-like curves (tpr non-decreasing from 0 to 1) may repeat fpr values
    (vertical steps); other curves have strictly increasing fpr, so that an
    implementation that sorts the points by fpr (a harmless habit on ROC
    curves) is never failed on an input no ROC curve produces.
    """
    m = draw(st.integers(2, 12))
    coordinate = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 1.0]),
                           st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False))
    tpr = draw(hnp.arrays(np.float64, m, elements=coordinate))
    if draw(st.booleans()):  # ROC-like: non-decreasing from 0 to 1
        inner = sorted(draw(st.lists(coordinate, min_size=m - 2, max_size=m - 2)))
        tpr = np.sort(tpr)
        tpr[0], tpr[-1] = 0.0, 1.0
    else:
        interior = st.one_of(st.sampled_from([0.25, 0.5]), st.floats(0.0, 1.0, exclude_min=True, exclude_max=True,
                                                                      allow_subnormal=False))
        inner = sorted(draw(st.lists(interior, min_size=m - 2, max_size=m - 2, unique=True)))
    return np.array([0.0, *inner, 1.0]), tpr


@st.composite
def auc_calls(draw):
    """auc(fpr, tpr) in one format for both (pandas: the same shuffled index)."""
    fpr, tpr = draw(curve_points())
    fmt = draw(st.sampled_from(FORMATS))
    index = draw(shuffled_index(fpr.size)) if fmt == "pandas" else None
    return call(as_format(fpr, fmt, index), as_format(tpr, fmt, index))


def _swapped_axes(fpr, tpr):
    return float(np.trapezoid(np.asarray(fpr, dtype=float), np.asarray(tpr, dtype=float)))


def _left_rectangles(fpr, tpr):
    x, y = np.asarray(fpr, dtype=float), np.asarray(tpr, dtype=float)
    return float(np.sum(np.diff(x) * y[:-1]))


def _right_rectangles(fpr, tpr):
    x, y = np.asarray(fpr, dtype=float), np.asarray(tpr, dtype=float)
    return float(np.sum(np.diff(x) * y[1:]))


def _diagnose_auc(fpr, tpr, got):
    for key, model in (("swapped_axes", _swapped_axes), ("rectangles", _left_rectangles),
                       ("rectangles", _right_rectangles)):
        if compare(got, model(fpr, tpr), AUC_TOLERANCE) is None:
            return key
    return None


def _auc_agrees(oracle):
    def prop(function, example):
        got = function(*example.args, **example.kwargs).value
        fpr, tpr = to_plain(example.args)
        expected = oracle(fpr, tpr)
        reason = compare(got, expected, AUC_TOLERANCE)
        if reason:
            raise Mismatch(example, reason, got=got, expected=expected, mistake=_diagnose_auc(fpr, tpr, got))

    return prop


def _numpy_trapezoid(fpr, tpr):
    return float(np.trapezoid(np.asarray(tpr, dtype=float), np.asarray(fpr, dtype=float)))


def _mann_whitney(y, scores):
    """Share of (positive, negative) pairs where the positive scores higher, ties counting 1/2."""
    positive, negative = scores[y == 1], scores[y == 0]
    higher = np.sum(positive[:, None] > negative[None, :])
    ties = np.sum(positive[:, None] == negative[None, :])
    return float((higher + 0.5 * ties) / (positive.size * negative.size))


def _auc_mann_whitney(function, problem):
    """The area under the reference ROC curve of (y, s) equals the Mann-Whitney pairwise count."""
    y, s = _plain_labels(problem[0]), _plain_scores(problem[1])
    fpr, tpr, _ = ref_roc_curve(y, s)
    example = call(fpr, tpr)
    got = function(fpr, tpr).value
    expected = _mann_whitney(y, s)
    reason = compare(got, expected, AUC_TOLERANCE)
    if reason:
        raise Mismatch(example, f"{reason}; these points are roc_curve({show(y)}, {show(s)}), whose area is the "
                       "share of (positive, negative) pairs where the positive scores higher, ties counting 1/2",
                       got=got, expected=expected, mistake=_diagnose_auc(fpr, tpr, got))


AUC = Exercise(
    module="evaluation",
    name="auc",
    points=5,
    checks=(
        holds(
            "auc(fpr, tpr) equals the trapezoidal area np.trapezoid(tpr, fpr) for points with fpr rising from "
            "0 to 1, given as arrays, lists or pandas Series.",
            name="agrees with the reference", points=2, strategy=auc_calls(), prop=_auc_agrees(ref_auc),
            tolerance=AUC_TOLERANCE, max_examples=30,
            examples=(call([0.0, 0.5, 1.0], [0.0, 1.0, 1.0]), call([0.0, 0.25, 0.25, 1.0], [0.0, 0.5, 0.75, 1.0])),
            hint="Add one trapezoid per pair of neighbouring points: its width along fpr times the mean of "
                 "its two heights (tpr).",
        ),
        holds(
            "A perfect ranking ([0, 0, 1], [0, 1, 1]) has area 1.0 and a constant score ([0, 1], [0, 1]) 0.5.",
            name="perfect and constant scores", points=1, prop=_auc_agrees(_numpy_trapezoid),
            tolerance=AUC_TOLERANCE, public=True,
            examples=(call([0.0, 0.0, 1.0], [0.0, 1.0, 1.0]), call([0.0, 1.0], [0.0, 1.0]),
                      call(np.array([0.0, 0.0, 0.5, 1.0]), np.array([0.0, 0.5, 1.0, 1.0])),
                      call([0, 0, 1], [0, 1, 1])),
            hint="fpr is the x axis and tpr the height; a perfect ranking goes straight up to tpr = 1 at "
                 "fpr = 0, so the whole unit square is under it.",
        ),
        holds(
            "For an ROC curve from labels and scores (with ties), the area equals the share of (positive, "
            "negative) pairs where the positive scores higher, ties counting 1/2.",
            name="equals the pairwise count", points=1, prop=_auc_mann_whitney, tolerance=AUC_TOLERANCE,
            strategy=roc_problems(kinds=("ties", "integers", "probabilities")), max_examples=20,
            examples=((np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.2, 0.8])),
                      (np.array([0, 1]), np.array([0.3, 0.3]))),
            hint="Where tied scores make the curve rise diagonally, a rectangle misses half of the step: use "
                 "the mean of the two heights.",
        ),
        returns_form(
            "Returns a Python float.", points=0.5, strategy=auc_calls(), max_examples=10,
            expect=lambda example, value: None if isinstance(value, float) else
            f"returned {describe_type(value)}, expected a float",
            hint="Wrap the result in float(...).",
        ),
        unchanged(points=0.5, strategy=auc_calls(), hint="Never modify fpr or tpr; work on converted copies."),
    ),
    mistakes=(
        Mistake("swapped_axes", "Your area swaps the axes: fpr is the x axis and tpr the height. Mind the "
                "argument order of np.trapezoid(y, x): the heights come first.", model=_swapped_axes),
        Mistake("np_trapz", "np.trapz no longer exists (removed in NumPy 2.4): use np.trapezoid and mind the "
                "(y, x) order.", error=r"has no attribute 'trapz'"),
        Mistake("rectangles", "You add rectangles (one height per step). The trapezoidal rule takes the mean of "
                "the heights at both ends of each step, which matters where the curve rises diagonally.",
                model=_left_rectangles),
    ),
)

EXERCISES = (CONFUSION_MATRIX, ROC_CURVE, AUC)
