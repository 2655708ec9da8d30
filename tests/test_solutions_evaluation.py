"""The reference ``solutions.evaluation`` against scikit-learn and the contract's edge cases."""

import ast
import copy
import inspect
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from solutions import evaluation

# ---------------------------------------------------------------------------
# Strategies and helpers
# ---------------------------------------------------------------------------


def labels(min_size=1, max_size=40):
    """0/1 labels as an int64 array."""
    return hnp.arrays(np.int64, st.integers(min_size, max_size), elements=st.integers(0, 1))


@st.composite
def scored_labels(draw, max_size=40):
    """(y_true, y_score): both classes present, scores with plenty of ties (drawn from a small pool
    part of the time) and magnitudes up to 1e6."""
    y = draw(labels(min_size=0, max_size=max_size - 2))
    y = np.r_[0, 1, y]
    order = draw(st.permutations(range(y.size)))
    y = y[list(order)]
    pool = st.sampled_from([-1.0, 0.0, 0.25, 0.5, 0.75, 1.0, 3.0])
    wide = st.floats(-1e6, 1e6, allow_nan=False)
    scores = draw(hnp.arrays(np.float64, y.size, elements=st.one_of(pool, wide)))
    return y, scores


def mann_whitney_auc(y, scores):
    """Share of (positive, negative) pairs where the positive scores higher, ties counting 1/2."""
    pos, neg = scores[y == 1], scores[y == 0]
    higher = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return (higher + 0.5 * ties) / (pos.size * neg.size)


def shuffled_series(v, seed):
    """v as a Series whose index is a shuffled range (values keep their positions)."""
    index = np.random.default_rng(seed).permutation(len(v)) + 7
    return pd.Series(v, index=index)


def assert_unchanged(before, after):
    """Inputs compare equal (values, dtype, index) to their deep copies taken before the call."""
    for old, new in zip(before, after):
        if isinstance(old, (pd.Series, pd.DataFrame)):
            assert old.equals(new) and old.index.equals(new.index)
        elif isinstance(old, np.ndarray):
            assert old.dtype == new.dtype
            np.testing.assert_array_equal(old, new)
        else:
            assert old == new


def assert_same_curve(got, expected):
    """Two (fpr, tpr, thresholds) tuples agree: rates to 1e-12, thresholds exactly."""
    assert isinstance(got, tuple) and len(got) == 3
    for array in got:
        assert type(array) is np.ndarray and array.dtype == np.float64 and array.ndim == 1
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(got[2], expected[2])


# ---------------------------------------------------------------------------
# confusion_matrix
# ---------------------------------------------------------------------------


@given(st.data(), st.integers(1, 40))
def test_confusion_matrix_matches_sklearn(data, n):
    """confusion_matrix equals sklearn.metrics.confusion_matrix(..., labels=[0, 1]) exactly: a 2 x 2
    int64 array [[TN, FP], [FN, TP]] whose entries sum to n, even when a class is absent."""
    y_true = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    y_pred = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    got = evaluation.confusion_matrix(y_true, y_pred)
    assert type(got) is np.ndarray and got.shape == (2, 2) and got.dtype == np.int64
    np.testing.assert_array_equal(got, sklearn.metrics.confusion_matrix(y_true, y_pred, labels=[0, 1]))
    assert got.sum() == n


@pytest.mark.parametrize(
    ("y_true", "y_pred", "expected"),
    [
        ([1, 1, 1], [1, 1, 1], [[0, 0], [0, 3]]),  # only class 1: still 2 x 2
        ([0, 0], [0, 0], [[2, 0], [0, 0]]),  # only class 0
        ([1, 1, 1, 1], [0, 0, 0, 0], [[0, 0], [4, 0]]),  # rows are the truth (not the transpose)
        ([0, 1, 1], [0, 0, 1], [[1, 0], [1, 1]]),  # the docstring example
        ([0, 0, 1, 1, 1], [1, 0, 1, 1, 0], [[1, 1], [1, 2]]),
    ],
)
def test_confusion_matrix_hand_cases(y_true, y_pred, expected):
    """Hand-counted matrices, including absent classes: always 2 x 2 int64 in scikit-learn's layout."""
    got = evaluation.confusion_matrix(y_true, y_pred)
    assert got.shape == (2, 2) and got.dtype == np.int64
    np.testing.assert_array_equal(got, expected)


@given(st.data(), st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_confusion_matrix_input_types(data, n, seed):
    """Bools, lists, floats and pandas Series with (different) shuffled indexes give the int-array result;
    no input is changed."""
    y_true = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    y_pred = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    expected = evaluation.confusion_matrix(y_true, y_pred)
    variants = [
        (y_true.astype(bool), y_pred.astype(bool)),
        (y_true.tolist(), y_pred.tolist()),
        (y_true.astype(float), y_pred),
        (shuffled_series(y_true, seed), shuffled_series(y_pred, seed + 1)),
        (shuffled_series(y_true.astype(bool), seed), y_pred),
    ]
    for args in variants:
        before = copy.deepcopy(args)
        got = evaluation.confusion_matrix(*args)
        assert type(got) is np.ndarray and got.dtype == np.int64
        np.testing.assert_array_equal(got, expected)
        assert_unchanged(before, args)


def test_confusion_matrix_rejects_bad_labels():
    """Labels other than 0/1, or lengths that differ, raise ValueError (the reference's friendly errors)."""
    with pytest.raises(ValueError):
        evaluation.confusion_matrix([0, 2], [0, 1])
    with pytest.raises(ValueError):
        evaluation.confusion_matrix([0, 1, 1], [0, 1])


# ---------------------------------------------------------------------------
# roc_curve
# ---------------------------------------------------------------------------


@given(scored_labels())
def test_roc_curve_matches_sklearn(problem):
    """roc_curve equals sklearn.metrics.roc_curve(..., drop_intermediate=False): rates to 1e-12,
    thresholds exactly (+inf, then the distinct scores in decreasing order)."""
    y, scores = problem
    got = evaluation.roc_curve(y, scores)
    assert_same_curve(got, sklearn.metrics.roc_curve(y, scores, drop_intermediate=False))


@given(scored_labels())
def test_roc_curve_shape_of_the_curve(problem):
    """fpr and tpr are non-decreasing from (0, 0) to (1, 1); thresholds start at +inf, are strictly
    decreasing and are exactly the distinct scores; point k counts score >= thresholds[k] as positive."""
    y, scores = problem
    fpr, tpr, thresholds = evaluation.roc_curve(y, scores)
    assert fpr.shape == tpr.shape == thresholds.shape
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0.0, 0.0, 1.0, 1.0)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    assert thresholds[0] == np.inf and np.all(np.diff(thresholds) < 0)
    np.testing.assert_array_equal(thresholds[1:], np.unique(scores)[::-1])
    positives, negatives = (y == 1).sum(), (y == 0).sum()
    for k, t in enumerate(thresholds):
        flagged = scores >= t
        assert fpr[k] == pytest.approx((flagged & (y == 0)).sum() / negatives, abs=1e-12)
        assert tpr[k] == pytest.approx((flagged & (y == 1)).sum() / positives, abs=1e-12)


@given(scored_labels(), st.randoms(use_true_random=False))
def test_roc_curve_ignores_order_and_scale(problem, rnd):
    """Shuffling the examples changes nothing, and a strictly increasing transform of the scores
    (here: their ranks times 2, minus 5) changes only the thresholds, not the rates."""
    y, scores = problem
    fpr, tpr, thresholds = evaluation.roc_curve(y, scores)
    order = list(range(y.size))
    rnd.shuffle(order)
    assert_same_curve(evaluation.roc_curve(y[order], scores[order]), (fpr, tpr, thresholds))
    ranks = np.searchsorted(np.unique(scores), scores) * 2.0 - 5.0
    fpr2, tpr2, _ = evaluation.roc_curve(y, ranks)
    np.testing.assert_array_equal(fpr2, fpr)
    np.testing.assert_array_equal(tpr2, tpr)


def test_roc_curve_docstring_example():
    """The hand-computed docstring example, with a tie-free ranking."""
    fpr, tpr, thresholds = evaluation.roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    np.testing.assert_allclose(fpr, [0.0, 0.0, 0.5, 0.5, 1.0])
    np.testing.assert_allclose(tpr, [0.0, 0.5, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(thresholds, [np.inf, 0.8, 0.4, 0.35, 0.1])


def test_roc_curve_ties_form_one_point():
    """Four examples with one score give a single step from (0, 0) to (1, 1)."""
    fpr, tpr, thresholds = evaluation.roc_curve([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3])
    np.testing.assert_array_equal(fpr, [0.0, 1.0])
    np.testing.assert_array_equal(tpr, [0.0, 1.0])
    np.testing.assert_array_equal(thresholds, [np.inf, 0.3])


@pytest.mark.parametrize("y_true", [[0, 0, 0], [1, 1, 1], [True, True], []])
def test_roc_curve_single_class_raises(y_true):
    """y_true with a single class (or none) raises ValueError: a rate would divide by zero."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError):
            evaluation.roc_curve(y_true, np.linspace(0, 1, len(y_true)))


def test_roc_curve_rejects_bad_input():
    """Non-finite scores and mismatched lengths raise ValueError (the reference's friendly errors)."""
    with pytest.raises(ValueError):
        evaluation.roc_curve([0, 1], [0.5, np.nan])
    with pytest.raises(ValueError):
        evaluation.roc_curve([0, 1, 1], [0.5, 0.2])


@given(scored_labels(max_size=30), st.integers(0, 2**32 - 1))
def test_roc_curve_input_types(problem, seed):
    """Bools, lists, integer scores and pandas Series with (different) shuffled indexes give the
    array result; no input is changed."""
    y, scores = problem
    expected = evaluation.roc_curve(y, scores)
    variants = [
        (y.astype(bool), scores),
        (y.tolist(), scores.tolist()),
        (shuffled_series(y, seed), shuffled_series(scores, seed + 1)),
        (shuffled_series(y.astype(bool), seed), scores),
    ]
    for args in variants:
        before = copy.deepcopy(args)
        assert_same_curve(evaluation.roc_curve(*args), expected)
        assert_unchanged(before, args)
    int_scores = np.round(scores).astype(np.int64)
    assert_same_curve(evaluation.roc_curve(y, int_scores), evaluation.roc_curve(y, int_scores.astype(float)))


# ---------------------------------------------------------------------------
# auc
# ---------------------------------------------------------------------------


@given(scored_labels())
def test_auc_of_roc_is_the_mann_whitney_count(problem):
    """auc(roc_curve(y, s)) equals the pairwise count of (positive, negative) pairs ranked correctly,
    ties counting 1/2, divided by (positives * negatives), and sklearn's roc_auc_score, to 1e-12."""
    y, scores = problem
    fpr, tpr, _ = evaluation.roc_curve(y, scores)
    got = evaluation.auc(fpr, tpr)
    assert type(got) is float
    assert math.isclose(got, mann_whitney_auc(y, scores), rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(got, sklearn.metrics.roc_auc_score(y, scores), rel_tol=1e-12, abs_tol=1e-12)


@given(
    st.integers(2, 30).flatmap(
        lambda m: st.tuples(
            hnp.arrays(np.float64, m, elements=st.floats(-100.0, 100.0)),
            hnp.arrays(np.float64, m, elements=st.floats(-100.0, 100.0)),
        )
    )
)
def test_auc_is_the_trapezoidal_rule(curve):
    """For any polyline with non-decreasing x, auc equals np.trapezoid(y, x) and sklearn.metrics.auc
    to 1e-9 relative (x first, then y: not np.trapz's (y, x) order)."""
    x, y = curve
    x = np.sort(x)
    got = evaluation.auc(x, y)
    assert type(got) is float
    scale = 1e-9 * (1 + np.abs(np.diff(x)).sum() * np.abs(y).max())
    assert math.isclose(got, float(np.trapezoid(y, x)), rel_tol=1e-9, abs_tol=scale)
    assert math.isclose(got, float(sklearn.metrics.auc(x, y)), rel_tol=1e-9, abs_tol=scale)


def test_auc_hand_cases():
    """A perfect ranking gives 1.0, a constant score 0.5, a reversed ranking 0.0."""
    assert evaluation.auc([0.0, 0.0, 1.0], [0.0, 1.0, 1.0]) == 1.0
    assert evaluation.auc([0.0, 1.0], [0.0, 1.0]) == 0.5
    assert evaluation.auc(*evaluation.roc_curve([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])[:2]) == 1.0
    assert evaluation.auc(*evaluation.roc_curve([0, 0, 1, 1], [0.5, 0.5, 0.5, 0.5])[:2]) == 0.5
    assert evaluation.auc(*evaluation.roc_curve([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])[:2]) == 0.0


@given(scored_labels(max_size=30), st.integers(0, 2**32 - 1))
def test_auc_input_types(problem, seed):
    """Lists, tuples and pandas Series with shuffled indexes give the array result; no input is changed."""
    y, scores = problem
    fpr, tpr, _ = evaluation.roc_curve(y, scores)
    expected = evaluation.auc(fpr, tpr)
    for args in [(fpr.tolist(), tpr.tolist()), (tuple(fpr), tuple(tpr)), (shuffled_series(fpr, seed), shuffled_series(tpr, seed + 1))]:
        before = copy.deepcopy(args)
        assert evaluation.auc(*args) == expected
        assert_unchanged(before, args)
    before = (fpr.copy(), tpr.copy())
    evaluation.auc(fpr, tpr)
    assert_unchanged(before, (fpr, tpr))


def test_auc_rejects_bad_curves():
    """Decreasing x, a single point or mismatched lengths raise ValueError (the reference's friendly errors)."""
    for fpr, tpr in [([1.0, 0.0], [0.0, 1.0]), ([0.0], [0.0]), ([0.0, 1.0], [0.0])]:
        with pytest.raises(ValueError):
            evaluation.auc(fpr, tpr)


def test_evaluation_module_is_from_scratch():
    """The reference imports nothing from scikit-learn (the contract's "from scratch" rule)."""
    tree = ast.parse(inspect.getsource(evaluation))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(alias.name.split(".")[0] == "sklearn" for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "sklearn"
