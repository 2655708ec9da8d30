"""The reference ``solutions.sklearn_models`` against direct scikit-learn computations."""

import copy
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

from solutions import sklearn_models

C_VALUES = [0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1e4]

# ---------------------------------------------------------------------------
# Strategies and helpers
# ---------------------------------------------------------------------------


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Fit on one BLAS/OpenMP thread: the problems are tiny, and spare threads only spin on a busy CI machine."""
    with threadpool_limits(limits=1):
        yield


def both_classes(size):
    """0/1 labels of the given size with both classes present (a 0 and a 1 at drawn positions)."""
    return hnp.arrays(np.int64, size, elements=st.integers(0, 1)).flatmap(
        lambda y: st.permutations(range(size)).map(lambda order: np.r_[0, 1, y[2:]][list(order)])
    )


@st.composite
def splits(draw):
    """(X_train, y_train, X_test, y_test): small float features in [-3, 3], both classes in each split."""
    d = draw(st.integers(1, 3))
    n_train = draw(st.integers(6, 30))
    n_test = draw(st.integers(4, 20))
    elements = st.floats(-3.0, 3.0, allow_nan=False)
    X_train = draw(hnp.arrays(np.float64, (n_train, d), elements=elements))
    X_test = draw(hnp.arrays(np.float64, (n_test, d), elements=elements))
    return X_train, draw(both_classes(n_train)), X_test, draw(both_classes(n_test))


def direct_proba(X_train, y_train, X_test, C):
    """The contract's estimator, fit and asked for the probability of class 1, without the reference."""
    model = LogisticRegression(C=C, solver="lbfgs", max_iter=1000).fit(X_train, y_train)
    return model.predict_proba(X_test)[:, list(model.classes_).index(1)]


def shuffled_frame(X, seed):
    """X as a DataFrame whose index is a shuffled range (rows keep their positions)."""
    index = np.random.default_rng(seed).permutation(X.shape[0]) + 50
    return pd.DataFrame(X, index=index, columns=[f"x{j}" for j in range(X.shape[1])])


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


# ---------------------------------------------------------------------------
# sklearn_predict_proba
# ---------------------------------------------------------------------------


@settings(max_examples=20)
@given(splits(), st.sampled_from(C_VALUES))
def test_predict_proba_matches_direct_sklearn(split, C):
    """sklearn_predict_proba equals LogisticRegression(C=C, solver="lbfgs", max_iter=1000) fit on the
    training data, probability of class 1 on the test data (to 1e-10), as a float array of shape (n_test,)."""
    X_train, y_train, X_test, _ = split
    got = sklearn_models.sklearn_predict_proba(X_train, y_train, X_test, C)
    assert type(got) is np.ndarray and got.shape == (X_test.shape[0],) and got.dtype == np.float64
    np.testing.assert_allclose(got, direct_proba(X_train, y_train, X_test, C), rtol=1e-10, atol=1e-12)


def test_predict_proba_default_C_is_one():
    """Omitting C is the same as C = 1.0, and the probability is of class 1 (not class 0)."""
    X = np.array([[0.0], [1.0], [2.0], [3.0], [0.5], [2.5]])
    y = np.array([0, 0, 1, 1, 1, 0])
    X_test = np.array([[-5.0], [8.0]])
    got = sklearn_models.sklearn_predict_proba(X, y, X_test)
    np.testing.assert_allclose(got, direct_proba(X, y, X_test, 1.0), rtol=1e-12)
    assert got[0] < 0.5 < got[1]


@settings(max_examples=15)
@given(splits(), st.integers(0, 2**32 - 1))
def test_predict_proba_input_types(split, seed):
    """DataFrames and Series with (different) shuffled indexes, lists, bool labels and int features give
    the array result; no input is changed."""
    X_train, y_train, X_test, _ = split
    expected = sklearn_models.sklearn_predict_proba(X_train, y_train, X_test, 1.0)
    variants = [
        (shuffled_frame(X_train, seed), shuffled_series(y_train, seed + 1), shuffled_frame(X_test, seed + 2)),
        (X_train.tolist(), y_train.tolist(), X_test.tolist()),
        (X_train, y_train.astype(bool), X_test),
    ]
    for args in variants:
        before = copy.deepcopy(args)
        got = sklearn_models.sklearn_predict_proba(*args, 1.0)
        assert type(got) is np.ndarray
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
        assert_unchanged(before, args)
    Xi_train, Xi_test = np.round(X_train).astype(np.int64), np.round(X_test).astype(np.int64)
    np.testing.assert_allclose(
        sklearn_models.sklearn_predict_proba(Xi_train, y_train, Xi_test),
        direct_proba(Xi_train.astype(float), y_train, Xi_test.astype(float), 1.0),
        rtol=1e-10,
        atol=1e-12,
    )


# ---------------------------------------------------------------------------
# auc_by_C
# ---------------------------------------------------------------------------


@settings(max_examples=15)
@given(splits(), st.lists(st.sampled_from(C_VALUES), min_size=1, max_size=4, unique=True))
def test_auc_by_C_matches_direct_sklearn(split, Cs):
    """auc_by_C is a dict with the Cs as keys in their given order, each value a Python float equal
    (to 1e-12) to roc_auc_score(y_test, class-1 probabilities of the contract's estimator fit on train)."""
    X_train, y_train, X_test, y_test = split
    got = sklearn_models.auc_by_C(X_train, y_train, X_test, y_test, Cs)
    assert type(got) is dict and list(got) == Cs
    for C in Cs:
        expected = roc_auc_score(y_test, direct_proba(X_train, y_train, X_test, C))
        assert type(got[C]) is float
        assert math.isclose(got[C], expected, rel_tol=1e-12, abs_tol=1e-12)


def test_auc_by_C_easy_problem_is_high():
    """On an easy, well-separated problem the test AUC is high for every C (class-1 probabilities, not class 0)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] + 0.5 * X[:, 1] + 0.3 * rng.normal(size=80) > 0).astype(int)
    got = sklearn_models.auc_by_C(X[:50], y[:50], X[50:], y[50:], [0.01, 1.0, 100.0])
    assert list(got) == [0.01, 1.0, 100.0]
    assert all(value > 0.9 for value in got.values())


@settings(max_examples=15)
@given(splits(), st.integers(0, 2**32 - 1))
def test_auc_by_C_scores_on_the_test_set_only(split, seed):
    """The test set matters only through scoring: shuffling the test rows (with their labels) leaves every
    AUC unchanged, and the AUC equals roc_auc_score of sklearn_predict_proba on the test set."""
    X_train, y_train, X_test, y_test = split
    C = 0.1
    got = sklearn_models.auc_by_C(X_train, y_train, X_test, y_test, [C])
    order = np.random.default_rng(seed).permutation(y_test.size)
    shuffled = sklearn_models.auc_by_C(X_train, y_train, X_test[order], y_test[order], [C])
    assert math.isclose(shuffled[C], got[C], rel_tol=1e-12, abs_tol=1e-12)
    scores = sklearn_models.sklearn_predict_proba(X_train, y_train, X_test, C)
    assert math.isclose(got[C], roc_auc_score(y_test, scores), rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=15)
@given(splits(), st.integers(0, 2**32 - 1))
def test_auc_by_C_input_types(split, seed):
    """DataFrames and Series with (different) shuffled indexes, lists, a tuple of Cs and bool labels give
    the array result; no input is changed."""
    X_train, y_train, X_test, y_test = split
    Cs = [1.0, 0.01]
    expected = sklearn_models.auc_by_C(X_train, y_train, X_test, y_test, Cs)
    variants = [
        (shuffled_frame(X_train, seed), shuffled_series(y_train, seed + 1), shuffled_frame(X_test, seed + 2), shuffled_series(y_test, seed + 3), Cs),
        (X_train.tolist(), y_train.tolist(), X_test.tolist(), y_test.tolist(), tuple(Cs)),
        (X_train, y_train.astype(bool), X_test, y_test.astype(bool), np.array(Cs)),
    ]
    for args in variants:
        before = copy.deepcopy(args)
        got = sklearn_models.auc_by_C(*args)
        assert list(got) == Cs
        for C in Cs:
            assert math.isclose(got[C], expected[C], rel_tol=1e-12, abs_tol=1e-12)
        assert_unchanged(before, args)
