"""The reference ``solutions.logistic`` against independent oracles and the contract's edge cases."""

import ast
import contextlib
import copy
import inspect
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import expit, log_expit
from sklearn.linear_model import LogisticRegression

from solutions import logistic

# ---------------------------------------------------------------------------
# Strategies and helpers
# ---------------------------------------------------------------------------

FINITE = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw, max_n=30, max_d=4, bound=3.0):
    """A logistic-regression problem (X, y, w): X (n, d) floats, y (n,) 0/1 ints, w (d,) floats."""
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, max_d))
    elements = st.floats(-bound, bound, allow_nan=False)
    X = draw(hnp.arrays(np.float64, (n, d), elements=elements))
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    w = draw(hnp.arrays(np.float64, d, elements=elements))
    return X, y, w


@st.composite
def non_separable_problems(draw):
    """(X, y) that no hyperplane separates, even weakly, and with X.T X well conditioned.

    X is [c * I_d ; B] (B entries in [-1, 1], c**2 = rows of B times d, so the condition number of
    X.T X is at most 2). Every distinct row occurs with label 1 (1 to 3 times) and with label 0
    (1 to 3 times): any w with X w != 0 misclassifies a copy, so the maximum-likelihood weights
    exist, are unique and are moderate.
    """
    d = draw(st.integers(1, 3))
    m = draw(st.integers(d, 10))
    B = draw(hnp.arrays(np.float64, (m, d), elements=st.floats(-1.0, 1.0)))
    base = np.vstack([math.sqrt(m * d) * np.eye(d), B]) / math.sqrt(m * d)
    ones = draw(hnp.arrays(np.int64, m + d, elements=st.integers(1, 3)))
    zeros = draw(hnp.arrays(np.int64, m + d, elements=st.integers(1, 3)))
    X = np.vstack([np.repeat(base, ones, axis=0), np.repeat(base, zeros, axis=0)])
    y = np.r_[np.ones(ones.sum(), dtype=np.int64), np.zeros(zeros.sum(), dtype=np.int64)]
    return X, y


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


@contextlib.contextmanager
def strict_floating_point(underflow=True):
    """Every warning is an error, and so is every floating-point exception NumPy can flag."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if underflow:
            with np.errstate(all="raise"):
                yield
        else:
            with np.errstate(over="raise", divide="raise", invalid="raise"):
                yield


def oracle_log_likelihood(X, y, w):
    """sum_i [y_i ln sigmoid(z_i) + (1 - y_i) ln sigmoid(-z_i)] with scipy's log_expit."""
    z = X @ w
    return float(np.sum(y * log_expit(z) + (1 - y) * log_expit(-z)))


def central_difference(f, w, h):
    """Central finite-difference gradient of f at w with step h."""
    grad = np.empty_like(w)
    for j in range(w.size):
        e = np.zeros_like(w)
        e[j] = h
        grad[j] = (f(w + e) - f(w - e)) / (2 * h)
    return grad


# ---------------------------------------------------------------------------
# sigmoid
# ---------------------------------------------------------------------------


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, max_side=8), elements=FINITE))
def test_sigmoid_matches_expit(z):
    """For any finite z of any shape (0-d, 1-d, 2-d), sigmoid equals scipy.special.expit to 1e-12
    relative (1e-300 absolute), keeps the shape, is float64, and raises no warning or floating-point error."""
    with strict_floating_point():
        got = logistic.sigmoid(z)
    assert np.shape(got) == z.shape
    assert np.asarray(got).dtype == np.float64
    np.testing.assert_allclose(got, expit(z), rtol=1e-12, atol=1e-300)


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=8), elements=FINITE))
def test_sigmoid_array_in_array_out(z):
    """A 1-d or 2-d array gives an np.ndarray (not a list, not a scalar) of the same shape."""
    got = logistic.sigmoid(z)
    assert type(got) is np.ndarray and got.shape == z.shape and got.dtype == np.float64


@given(st.one_of(FINITE, st.integers(-(10**6), 10**6), st.booleans()))
def test_sigmoid_scalar_gives_python_float(z):
    """A Python or NumPy scalar (float, int, bool, float32) gives a Python float equal to expit."""
    for scalar in (z, np.float64(z), np.float32(z) if abs(float(z)) < 1e38 else np.float64(z)):
        got = logistic.sigmoid(scalar)
        assert type(got) is float
        assert math.isclose(got, float(expit(float(scalar))), rel_tol=1e-12, abs_tol=1e-300)


def test_sigmoid_0d_array_keeps_shape():
    """A 0-d array gives a float of shape () (a Python float or a 0-d float64 array)."""
    got = logistic.sigmoid(np.array(0.25))
    assert np.shape(got) == () and np.asarray(got).dtype == np.float64
    assert float(got) == pytest.approx(float(expit(0.25)), rel=1e-12)


@given(st.lists(FINITE, min_size=1, max_size=20))
def test_sigmoid_symmetry(values):
    """sigmoid(-z) == 1 - sigmoid(z) to 1e-12 absolute, for any finite z."""
    z = np.array(values)
    np.testing.assert_allclose(logistic.sigmoid(-z), 1.0 - logistic.sigmoid(z), rtol=0, atol=1e-12)


@given(st.lists(FINITE, min_size=2, max_size=20))
def test_sigmoid_is_non_decreasing_in_0_1(values):
    """sigmoid is non-decreasing and lies in [0, 1]."""
    z = np.sort(np.array(values))
    s = logistic.sigmoid(z)
    assert np.all(np.diff(s) >= 0)
    assert np.all((s >= 0) & (s <= 1))


@pytest.mark.parametrize("z", [1e4, -1e4, 1000.0, -1000.0, 710.0, -710.0, 746.0, -746.0, 1e308, -1e308])
def test_sigmoid_extremes_are_quiet(z):
    """At huge |z| there is no overflow, nan or warning, even with warnings as errors and
    np.errstate(all="raise"): 0.0 or 1.0 at the far ends, and the symmetry still holds."""
    with strict_floating_point():
        got = logistic.sigmoid(z)
        arr = logistic.sigmoid(np.array([z, -z]))
    assert type(got) is float and not math.isnan(got)
    assert got == pytest.approx(float(expit(z)), rel=1e-12, abs=1e-300)
    np.testing.assert_allclose(arr, expit([z, -z]), rtol=1e-12, atol=1e-300)
    if abs(z) >= 1000:
        assert got == (1.0 if z > 0 else 0.0)


def test_sigmoid_hand_values():
    """sigmoid(0) == 0.5, sigmoid(2) > 0.5 (not the sign-flipped version), sigmoid(1000) == 1.0."""
    assert logistic.sigmoid(0) == 0.5
    assert logistic.sigmoid(2.0) > 0.5
    assert logistic.sigmoid(1000.0) == 1.0
    np.testing.assert_array_equal(logistic.sigmoid([-1e4, 0.0, 1e4]), [0.0, 0.5, 1.0])


# ---------------------------------------------------------------------------
# log_likelihood
# ---------------------------------------------------------------------------


@given(problems())
def test_log_likelihood_matches_log_expit_oracle(problem):
    """log_likelihood equals sum_i [y ln expit(z) + (1 - y) ln expit(-z)] (scipy's log_expit) to
    1e-12 * (1 + sum |z|), is a Python float and is <= 0."""
    X, y, w = problem
    got = logistic.log_likelihood(X, y, w)
    assert type(got) is float
    expected = oracle_log_likelihood(X, y, w)
    assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12 * (1 + np.abs(X @ w).sum()))
    assert got <= 0.0


@given(problems(bound=10.0), st.floats(1e2, 1e6))
def test_log_likelihood_huge_weights_finite(problem, scale):
    """Weights scaled up to 1e6 (probabilities saturate at exactly 0 or 1): the value stays finite, <= 0,
    matches the log_expit oracle to 1e-12 * (1 + sum |z|), and no overflow/divide/invalid warning occurs."""
    X, y, w = problem
    w = w * scale
    with strict_floating_point(underflow=False):
        got = logistic.log_likelihood(X, y, w)
    assert math.isfinite(got) and got <= 0.0
    expected = oracle_log_likelihood(X, y, w)
    assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12 * (1 + np.abs(X @ w).sum()))


def test_log_likelihood_saturated_hand_case():
    """A correctly classified point at z = 1e4 adds ~0, a misclassified one adds -1e4 (not -inf, not nan)."""
    X = np.array([[1.0], [1.0]])
    assert logistic.log_likelihood(X[:1], [1], [1e4]) == 0.0
    assert logistic.log_likelihood(X[:1], [0], [1e4]) == pytest.approx(-1e4, rel=1e-12)
    assert logistic.log_likelihood(X, [1, 0], [1e4]) == pytest.approx(-1e4, rel=1e-12)


@given(problems())
def test_log_likelihood_structure(problem):
    """w = 0 gives -n ln 2; duplicating the data doubles the value (a sum, not a mean);
    flipping labels and weights together changes nothing: ll(X, 1 - y, -w) == ll(X, y, w)."""
    X, y, w = problem
    n, d = X.shape
    assert math.isclose(logistic.log_likelihood(X, y, np.zeros(d)), -n * math.log(2), rel_tol=1e-12)
    ll = logistic.log_likelihood(X, y, w)
    tol = 1e-12 * (1 + np.abs(X @ w).sum())
    assert math.isclose(logistic.log_likelihood(np.vstack([X, X]), np.r_[y, y], w), 2 * ll, rel_tol=1e-12, abs_tol=2 * tol)
    assert math.isclose(logistic.log_likelihood(X, 1 - y, -w), ll, rel_tol=1e-12, abs_tol=2 * tol)


# ---------------------------------------------------------------------------
# log_likelihood_gradient and gradient_step
# ---------------------------------------------------------------------------


@given(problems())
def test_gradient_matches_central_differences(problem):
    """log_likelihood_gradient equals central finite differences of log_likelihood (step 1e-5;
    rtol 1e-5, atol 1e-6 * (1 + |ll|)), with shape (d,) and dtype float64."""
    X, y, w = problem
    grad = logistic.log_likelihood_gradient(X, y, w)
    assert type(grad) is np.ndarray and grad.shape == w.shape and grad.dtype == np.float64
    value = logistic.log_likelihood(X, y, w)
    numeric = central_difference(lambda v: logistic.log_likelihood(X, y, v), w, h=1e-5)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6 * (1 + abs(value)))


@given(problems())
def test_gradient_matches_expit_formula_and_is_a_sum(problem):
    """The gradient equals X.T (y - expit(X w)) to 1e-12, and duplicating the data doubles it."""
    X, y, w = problem
    grad = logistic.log_likelihood_gradient(X, y, w)
    expected = X.T @ (y - expit(X @ w))
    atol = 1e-12 * (1 + np.abs(X).sum())
    np.testing.assert_allclose(grad, expected, rtol=1e-12, atol=atol)
    np.testing.assert_allclose(logistic.log_likelihood_gradient(np.vstack([X, X]), np.r_[y, y], w), 2 * grad, rtol=1e-12, atol=2 * atol)


@given(problems(), st.floats(0.0, 1.0))
def test_gradient_step_is_one_step_up(problem, learning_rate):
    """gradient_step returns a new array w + lr * X.T (y - expit(X w)) (to 1e-12), leaving w unchanged."""
    X, y, w = problem
    w_before = w.copy()
    got = logistic.gradient_step(X, y, w, learning_rate)
    assert type(got) is np.ndarray and got.shape == w.shape and got is not w
    expected = w + learning_rate * (X.T @ (y - expit(X @ w)))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * (1 + np.abs(X).sum()))
    np.testing.assert_array_equal(w, w_before)


@given(problems())
def test_gradient_step_raises_the_log_likelihood(problem):
    """A step of 1 / L (L = ||X||_2**2 / 4, the gradient's Lipschitz constant) never lowers the
    log-likelihood: ll(step) >= ll(w) + ||grad||**2 / (2 L), up to rounding."""
    X, y, w = problem
    L = np.linalg.norm(X, 2) ** 2 / 4
    assume(L > 1e-6)
    before = logistic.log_likelihood(X, y, w)
    grad = logistic.log_likelihood_gradient(X, y, w)
    after = logistic.log_likelihood(X, y, logistic.gradient_step(X, y, w, 1.0 / L))
    assert after >= before + grad @ grad / (2 * L) - 1e-9 * (1 + abs(before))


# ---------------------------------------------------------------------------
# fit
# ---------------------------------------------------------------------------


@settings(max_examples=20)
@given(non_separable_problems())
def test_fit_reaches_the_sklearn_optimum(problem):
    """On well-conditioned, non-separable data, 1000 steps of 1 / L (L = ||X||_2**2 / 4) reach the
    log-likelihood of scikit-learn's unpenalized optimum LogisticRegression(C=np.inf,
    fit_intercept=False) to 1e-8 * (1 + |ll|), and never exceed it by more than that."""
    X, y = problem
    L = np.linalg.norm(X, 2) ** 2 / 4
    w = logistic.fit(X, y, learning_rate=1.0 / L, n_iterations=1000)
    oracle = LogisticRegression(C=np.inf, fit_intercept=False, solver="lbfgs", tol=1e-12, max_iter=10_000).fit(X, y)
    best = oracle_log_likelihood(X, y, oracle.coef_.ravel())
    got = logistic.log_likelihood(X, y, w)
    tol = 1e-8 * (1 + abs(best))
    assert abs(got - best) <= tol
    np.testing.assert_allclose(logistic.log_likelihood_gradient(X, y, w), 0.0, atol=1e-5)


@given(problems(max_n=15, max_d=3), st.integers(0, 6), st.floats(1e-3, 0.5))
def test_fit_takes_exactly_n_iterations(problem, k, learning_rate):
    """fit with k iterations equals k hand-written steps w <- w + lr X.T (y - expit(X w)) from the same
    start (to 1e-10), and k calls of gradient_step exactly."""
    X, y, w0 = problem
    expected = w0.copy()
    chained = w0.copy()
    for _ in range(k):
        expected = expected + learning_rate * (X.T @ (y - expit(X @ expected)))
        chained = logistic.gradient_step(X, y, chained, learning_rate)
    got = logistic.fit(X, y, learning_rate=learning_rate, n_iterations=k, initial_weights=w0)
    assert type(got) is np.ndarray and got.shape == w0.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10 * (1 + np.abs(X).sum()))
    np.testing.assert_array_equal(got, chained)


@given(problems())
def test_fit_zero_iterations_returns_a_copy_of_the_start(problem):
    """n_iterations = 0 returns initial_weights as a new array sharing no memory, and zeros(d) by default."""
    X, y, w0 = problem
    got = logistic.fit(X, y, n_iterations=0, initial_weights=w0)
    np.testing.assert_array_equal(got, w0)
    assert got is not w0 and not np.shares_memory(got, w0)
    default = logistic.fit(X, y, n_iterations=0)
    assert type(default) is np.ndarray and default.dtype == np.float64
    np.testing.assert_array_equal(default, np.zeros(X.shape[1]))


@given(problems(max_n=15, max_d=3))
def test_fit_default_start_and_integer_start(problem):
    """The default start is zeros; integer initial weights take fractional steps like their float copy."""
    X, y, w = problem
    np.testing.assert_array_equal(logistic.fit(X, y, 0.1, 3), logistic.fit(X, y, 0.1, 3, np.zeros(X.shape[1])))
    w_int = np.round(w).astype(np.int64)
    np.testing.assert_array_equal(logistic.fit(X, y, 0.1, 3, w_int), logistic.fit(X, y, 0.1, 3, w_int.astype(float)))


@pytest.mark.parametrize("n_iterations", [-1, 1.5])
def test_fit_rejects_a_bad_iteration_count(n_iterations):
    """A negative or fractional n_iterations raises ValueError (the reference's friendly error)."""
    with pytest.raises(ValueError):
        logistic.fit([[1.0]], [1], n_iterations=n_iterations)


# ---------------------------------------------------------------------------
# predict_proba, predict, add_intercept
# ---------------------------------------------------------------------------


@given(problems(bound=50.0))
def test_predict_proba_matches_expit(problem):
    """predict_proba equals expit(X @ w) to 1e-12 relative, as a float64 array of shape (n,)."""
    X, _, w = problem
    got = logistic.predict_proba(X, w)
    assert type(got) is np.ndarray and got.shape == (X.shape[0],) and got.dtype == np.float64
    np.testing.assert_allclose(got, expit(X @ w), rtol=1e-12, atol=1e-300)


@given(problems(), st.floats(0.0, 1.0))
def test_predict_thresholds_the_probabilities(problem, threshold):
    """predict is an int64 array of shape (n,) equal to 1 exactly where expit(X w) >= threshold
    (rows within 1e-12 of the threshold are not compared)."""
    X, _, w = problem
    got = logistic.predict(X, w, threshold)
    assert type(got) is np.ndarray and got.shape == (X.shape[0],) and got.dtype == np.int64
    p = expit(X @ w)
    clear = np.abs(p - threshold) > 1e-12
    np.testing.assert_array_equal(got[clear], (p >= threshold)[clear].astype(np.int64))
    assert set(np.unique(got)) <= {0, 1}


@given(problems())
def test_predict_at_the_threshold_is_one(problem):
    """A probability exactly equal to the threshold predicts 1 (>=, not >), for every row used as the threshold."""
    X, _, w = problem
    p = logistic.predict_proba(X, w)
    for k in range(X.shape[0]):
        assert logistic.predict(X, w, threshold=p[k])[k] == 1
    np.testing.assert_array_equal(logistic.predict(X, w), (p >= 0.5).astype(np.int64))


def test_predict_hand_case():
    """z = 0 gives probability 0.5 exactly, which counts as class 1 at the default threshold."""
    got = logistic.predict([[-1.0], [0.0], [1.0]], [1.0])
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, [0, 1, 1])


@given(hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_]), st.tuples(st.integers(0, 20), st.integers(0, 5))))
def test_add_intercept(X):
    """add_intercept gives a float64 array of shape (n, d + 1): ones in column 0, then X unchanged."""
    got = logistic.add_intercept(X)
    assert type(got) is np.ndarray and got.dtype == np.float64 and got.shape == (X.shape[0], X.shape[1] + 1)
    np.testing.assert_array_equal(got[:, 0], np.ones(X.shape[0]))
    np.testing.assert_array_equal(got[:, 1:], X.astype(float))


# ---------------------------------------------------------------------------
# Every function: input types and no mutation
# ---------------------------------------------------------------------------


def all_calls(X, y, w):
    """One call of every function of the module on (X, y, w); sigmoid gets X @ w and X itself."""
    z = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float)
    return [
        ("sigmoid", (z,)),
        ("sigmoid", (X,)),
        ("log_likelihood", (X, y, w)),
        ("log_likelihood_gradient", (X, y, w)),
        ("gradient_step", (X, y, w, 0.1)),
        ("fit", (X, y, 0.1, 5, w)),
        ("fit", (X, y, 0.1, 0, w)),
        ("predict_proba", (X, w)),
        ("predict", (X, w, 0.5)),
        ("add_intercept", (X,)),
    ]


def assert_same_result(got, expected, rtol):
    """Same type of result and the same values (to rtol)."""
    if isinstance(expected, float):
        assert type(got) is float
        assert math.isclose(got, expected, rel_tol=rtol, abs_tol=rtol)
    else:
        assert type(got) is np.ndarray and got.dtype == expected.dtype and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol)


@given(problems(max_n=15, max_d=3), st.integers(0, 2**32 - 1))
def test_pandas_inputs_with_shuffled_index(problem, seed):
    """A DataFrame X and Series y, w (and a Series z for sigmoid) with different shuffled indexes give
    plain-ndarray results equal to the array results (to 1e-12): positions count, never labels."""
    X, y, w = problem
    Xp, yp, wp = shuffled_frame(X, seed), shuffled_series(y, seed + 1), shuffled_series(w, seed + 2)
    for (name, args), (_, pandas_args) in zip(all_calls(X, y, w), all_calls(Xp, yp, wp)):
        if name == "sigmoid" and args[0].ndim == 1:
            pandas_args = (shuffled_series(args[0], seed + 3),)
        function = getattr(logistic, name)
        assert_same_result(function(*pandas_args), function(*args), rtol=1e-12)


@given(problems(max_n=15, max_d=3))
def test_integer_and_boolean_inputs(problem):
    """Int and bool X, bool y, int w and lists give the results of their float-array copies."""
    X, y, w = problem
    Xi, wi = np.round(X).astype(np.int64), np.round(w).astype(np.int64)
    variants = [
        (Xi, y, wi),
        (Xi != 0, y.astype(bool), wi),
        (Xi.tolist(), y.tolist(), wi.tolist()),
    ]
    for Xv, yv, wv in variants:
        floats = all_calls(np.asarray(Xv, dtype=float), np.asarray(yv, dtype=float), np.asarray(wv, dtype=float))
        for (name, args), (_, float_args) in zip(all_calls(Xv, yv, wv), floats):
            function = getattr(logistic, name)
            assert_same_result(function(*args), function(*float_args), rtol=1e-12)


@given(problems(max_n=15, max_d=3), st.integers(0, 2**32 - 1), st.booleans())
def test_inputs_are_not_mutated(problem, seed, as_pandas):
    """Every function leaves its inputs (arrays or pandas) exactly as they were."""
    X, y, w = problem
    if as_pandas:
        X, y, w = shuffled_frame(X, seed), shuffled_series(y, seed), shuffled_series(w, seed)
    for name, args in all_calls(X, y, w):
        before = copy.deepcopy(args)
        getattr(logistic, name)(*args)
        assert_unchanged(before, args)


def test_bad_inputs_raise_value_error():
    """Wrong shapes and non-0/1 labels raise ValueError with a message (the reference's friendly errors)."""
    with pytest.raises(ValueError):
        logistic.log_likelihood([1.0, 2.0], [0, 1], [1.0])
    with pytest.raises(ValueError):
        logistic.log_likelihood([[1.0], [2.0]], [0, 2], [1.0])
    with pytest.raises(ValueError):
        logistic.log_likelihood_gradient([[1.0], [2.0]], [0, 1], [1.0, 2.0])
    with pytest.raises(ValueError):
        logistic.predict_proba([[1.0], [2.0]], [1.0, 2.0])


def test_logistic_module_is_from_scratch():
    """The reference imports nothing from scikit-learn (the contract's "from scratch" rule)."""
    tree = ast.parse(inspect.getsource(logistic))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(alias.name.split(".")[0] == "sklearn" for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "sklearn"
