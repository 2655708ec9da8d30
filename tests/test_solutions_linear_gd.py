"""The reference ``solutions.linear_gd`` against independent oracles and the contract's edge cases."""

import ast
import copy
import inspect
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from solutions import linear_gd

# ---------------------------------------------------------------------------
# Strategies and helpers
# ---------------------------------------------------------------------------

ELEMENTS = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw, max_n=30, max_d=5):
    """A linear-regression problem (X, y, w) of float arrays, X (n, d), y (n,), w (d,)."""
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, max_d))
    X = draw(hnp.arrays(np.float64, (n, d), elements=ELEMENTS))
    y = draw(hnp.arrays(np.float64, n, elements=ELEMENTS))
    w = draw(hnp.arrays(np.float64, d, elements=ELEMENTS))
    return X, y, w


@st.composite
def well_conditioned_problems(draw):
    """(X, y) with X = [c * I_d ; B], B entries in [-1, 1] and c**2 = (rows of B) * d,
    so that c**2 I <= X.T X <= 2 c**2 I: the condition number of X.T X is at most 2."""
    d = draw(st.integers(1, 4))
    m = draw(st.integers(d, 25))
    B = draw(hnp.arrays(np.float64, (m, d), elements=st.floats(-1.0, 1.0)))
    X = np.vstack([math.sqrt(m * d) * np.eye(d), B])
    y = draw(hnp.arrays(np.float64, m + d, elements=ELEMENTS))
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


def central_difference(f, w, h):
    """Central finite-difference gradient of f at w with step h."""
    grad = np.empty_like(w)
    for j in range(w.size):
        e = np.zeros_like(w)
        e[j] = h
        grad[j] = (f(w + e) - f(w - e)) / (2 * h)
    return grad


# ---------------------------------------------------------------------------
# mse and mse_gradient
# ---------------------------------------------------------------------------


@given(problems())
def test_mse_matches_the_squared_norm(problem):
    """mse equals ||X w - y||**2 / n (computed with np.linalg.norm) to 1e-12 relative, as a Python float."""
    X, y, w = problem
    got = linear_gd.mse(X, y, w)
    assert type(got) is float
    expected = np.linalg.norm(X @ w - y) ** 2 / X.shape[0]
    assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12)


@given(problems())
def test_mse_gradient_matches_central_differences(problem):
    """mse_gradient equals central finite differences of mse (exact for a quadratic up to rounding:
    atol 1e-9 * (1 + mse)), with shape (d,)."""
    X, y, w = problem
    grad = linear_gd.mse_gradient(X, y, w)
    assert isinstance(grad, np.ndarray) and grad.shape == w.shape and grad.dtype == np.float64
    value = linear_gd.mse(X, y, w)
    numeric = central_difference(lambda v: linear_gd.mse(X, y, v), w, h=1e-2)
    np.testing.assert_allclose(grad, numeric, rtol=1e-7, atol=1e-9 * (1 + value))


@given(problems())
def test_mse_gradient_is_a_mean(problem):
    """Duplicating every row leaves mse and its gradient unchanged (the 1/n factor, not a sum)."""
    X, y, w = problem
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])
    assert math.isclose(linear_gd.mse(X2, y2, w), linear_gd.mse(X, y, w), rel_tol=1e-12, abs_tol=1e-12)
    np.testing.assert_allclose(linear_gd.mse_gradient(X2, y2, w), linear_gd.mse_gradient(X, y, w), rtol=1e-12, atol=1e-10)


# ---------------------------------------------------------------------------
# linear_regression_gd
# ---------------------------------------------------------------------------


@given(well_conditioned_problems())
def test_gd_converges_to_least_squares(problem):
    """On well-conditioned data, with learning rate 1 / L (L the largest eigenvalue of the MSE Hessian
    2 X.T X / n), 300 iterations reach the np.linalg.lstsq solution to 1e-8."""
    X, y = problem
    n = X.shape[0]
    L = np.linalg.eigvalsh(2.0 * X.T @ X / n).max()
    w = linear_gd.linear_regression_gd(X, y, learning_rate=1.0 / L, n_iterations=300)
    expected, *_ = np.linalg.lstsq(X, y, rcond=None)
    np.testing.assert_allclose(w, expected, rtol=1e-8, atol=1e-8)


@given(problems(max_n=15, max_d=3), st.integers(0, 6), st.floats(1e-4, 1e-2))
def test_gd_takes_exactly_n_iterations(problem, k, learning_rate):
    """k iterations from w0 equal k hand-written updates w <- w - lr * (2 / n) X.T (X w - y) (to 1e-10)."""
    X, y, w0 = problem
    expected = w0.copy()
    for _ in range(k):
        expected = expected - learning_rate * (2.0 / X.shape[0]) * X.T @ (X @ expected - y)
    got = linear_gd.linear_regression_gd(X, y, learning_rate=learning_rate, n_iterations=k, initial_weights=w0)
    assert got.shape == w0.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


@given(problems())
def test_gd_zero_iterations_returns_a_copy_of_the_start(problem):
    """n_iterations = 0 returns the start: equal to initial_weights but a new array sharing no memory
    (and zeros of shape (d,) by default)."""
    X, y, w0 = problem
    got = linear_gd.linear_regression_gd(X, y, n_iterations=0, initial_weights=w0)
    np.testing.assert_array_equal(got, w0)
    assert got is not w0 and not np.shares_memory(got, w0)
    default = linear_gd.linear_regression_gd(X, y, n_iterations=0)
    assert default.dtype == np.float64
    np.testing.assert_array_equal(default, np.zeros(X.shape[1]))


@given(problems(max_n=15, max_d=3))
def test_gd_default_start_is_zeros(problem):
    """Omitting initial_weights is the same as starting from zeros."""
    X, y, _ = problem
    np.testing.assert_array_equal(
        linear_gd.linear_regression_gd(X, y, learning_rate=1e-3, n_iterations=5),
        linear_gd.linear_regression_gd(X, y, learning_rate=1e-3, n_iterations=5, initial_weights=np.zeros(X.shape[1])),
    )


@given(problems())
def test_one_small_step_lowers_the_mse(problem):
    """One update with learning rate 1 / L (L = largest eigenvalue of 2 X.T X / n) never raises the MSE."""
    X, y, w = problem
    L = np.linalg.eigvalsh(2.0 * X.T @ X / X.shape[0]).max()
    assume(L > 1e-6)  # otherwise the MSE barely depends on w and 1 / L overflows
    before = linear_gd.mse(X, y, w)
    after = linear_gd.mse(X, y, linear_gd.linear_regression_gd(X, y, 1.0 / L, 1, w))
    assert after <= before + 1e-12 * (1 + before)


@given(
    hnp.arrays(np.int64, st.tuples(st.integers(1, 10), st.integers(1, 3)), elements=st.integers(-5, 5)),
    st.data(),
)
def test_integer_and_boolean_inputs(X, data):
    """Int and bool X, y and initial weights work and give the float results of their float copies;
    integer initial weights take fractional steps."""
    n, d = X.shape
    y = data.draw(hnp.arrays(np.int64, n, elements=st.integers(-5, 5)))
    w = data.draw(hnp.arrays(np.int64, d, elements=st.integers(-5, 5)))
    Xf, yf, wf = X.astype(float), y.astype(float), w.astype(float)
    assert linear_gd.mse(X, y, w) == linear_gd.mse(Xf, yf, wf)
    np.testing.assert_array_equal(linear_gd.mse_gradient(X, y, w), linear_gd.mse_gradient(Xf, yf, wf))
    got = linear_gd.linear_regression_gd(X, y, 1e-3, 3, w)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, linear_gd.linear_regression_gd(Xf, yf, 1e-3, 3, wf))
    Xb = X > 0
    assert linear_gd.mse(Xb, y > 0, w) == linear_gd.mse(Xb.astype(float), (y > 0).astype(float), wf)


@given(problems(max_n=15, max_d=3), st.integers(0, 2**32 - 1))
def test_pandas_inputs_with_shuffled_index(problem, seed):
    """A DataFrame X and Series y, w with (different) shuffled indexes give the array results (to 1e-12):
    positions count, never index labels."""
    X, y, w = problem
    Xp, yp, wp = shuffled_frame(X, seed), shuffled_series(y, seed + 1), shuffled_series(w, seed + 2)
    assert math.isclose(linear_gd.mse(Xp, yp, wp), linear_gd.mse(X, y, w), rel_tol=1e-12, abs_tol=1e-12)
    np.testing.assert_allclose(linear_gd.mse_gradient(Xp, yp, wp), linear_gd.mse_gradient(X, y, w), rtol=1e-12, atol=1e-12)
    got = linear_gd.linear_regression_gd(Xp, yp, 1e-3, 20, wp)
    assert type(got) is np.ndarray
    np.testing.assert_allclose(got, linear_gd.linear_regression_gd(X, y, 1e-3, 20, w), rtol=1e-10, atol=1e-10)


@given(problems(max_n=15, max_d=3), st.integers(0, 2**32 - 1), st.booleans())
def test_inputs_are_not_mutated(problem, seed, as_pandas):
    """Every function leaves X, y and w (arrays or pandas) exactly as they were."""
    X, y, w = problem
    if as_pandas:
        X, y, w = shuffled_frame(X, seed), shuffled_series(y, seed), shuffled_series(w, seed)
    calls = [
        (linear_gd.mse, (X, y, w)),
        (linear_gd.mse_gradient, (X, y, w)),
        (linear_gd.linear_regression_gd, (X, y, 1e-3, 5, w)),
        (linear_gd.linear_regression_gd, (X, y, 1e-3, 0, w)),
    ]
    for function, args in calls:
        before = copy.deepcopy(args)
        function(*args)
        assert_unchanged(before, args)


@pytest.mark.parametrize("n_iterations", [-1, 2.5])
def test_gd_rejects_a_bad_iteration_count(n_iterations):
    """A negative or fractional n_iterations raises ValueError (the reference's friendly error)."""
    with pytest.raises(ValueError):
        linear_gd.linear_regression_gd([[1.0]], [1.0], n_iterations=n_iterations)


def test_shape_mismatch_raises():
    """Mismatched shapes raise ValueError with a message, not a broadcasting surprise."""
    with pytest.raises(ValueError):
        linear_gd.mse([[1.0, 2.0]], [1.0], [1.0])
    with pytest.raises(ValueError):
        linear_gd.mse_gradient([[1.0], [2.0]], [1.0], [1.0])


def test_docstring_example():
    """The docstring's worked example: y = 2x is fit exactly."""
    np.testing.assert_allclose(linear_gd.linear_regression_gd([[1.0], [2.0]], [2.0, 4.0], 0.1, 200), [2.0])


def test_linear_gd_module_is_from_scratch():
    """The reference imports nothing from scikit-learn (the contract's "from scratch" rule)."""
    tree = ast.parse(inspect.getsource(linear_gd))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(alias.name.split(".")[0] == "sklearn" for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "sklearn"
