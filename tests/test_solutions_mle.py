"""The reference ``solutions.mle`` against independent oracles and the contract's edge cases."""

import ast
import copy
import inspect
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import xlogy

from solutions import mle

# ---------------------------------------------------------------------------
# Strategies and helpers
# ---------------------------------------------------------------------------


def outcomes(min_size=0, max_size=40):
    """0/1 outcomes as an int64 array."""
    return hnp.arrays(np.int64, st.integers(min_size, max_size), elements=st.integers(0, 1))


def probabilities():
    """Any p in [0, 1], with the boundaries and near-boundary values included."""
    return st.one_of(
        st.sampled_from([0.0, 1.0, 0.5, 1e-300, 1.0 - 2.0**-53]),
        st.floats(0.0, 1.0, allow_nan=False),
    )


def oracle_log_likelihood(p, y):
    """sum_i [y_i ln p + (1 - y_i) ln(1 - p)] term by term, with xlogy's 0 * ln 0 = 0."""
    y = np.asarray(y, dtype=float)
    return float(np.sum(xlogy(y, p) + xlogy(1.0 - y, 1.0 - p)))


def shuffled_series(values, seed):
    """A pandas Series holding ``values`` in order, under a shuffled integer index."""
    index = np.random.default_rng(seed).permutation(len(values)) + 100
    return pd.Series(values, index=index)


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
# bernoulli_log_likelihood
# ---------------------------------------------------------------------------


@given(probabilities(), outcomes())
def test_log_likelihood_matches_xlogy_oracle(p, y):
    """For any p in [0, 1] and 0/1 outcomes, the value equals the term-by-term xlogy sum
    (0 * ln 0 = 0, -inf for an impossible outcome) to 1e-9 relative, as a Python float."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = mle.bernoulli_log_likelihood(p, y)
    expected = oracle_log_likelihood(p, y)
    assert type(got) is float
    if math.isinf(expected):
        assert got == expected
    else:
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9)
    assert got <= 0.0


@given(st.floats(1e-6, 1 - 1e-6), outcomes(min_size=1))
def test_log_likelihood_is_a_sum_over_outcomes(p, y):
    """Appending a second sample adds its log-likelihood: ll(y ++ y) == 2 ll(y)."""
    doubled = np.concatenate([y, y])
    assert math.isclose(mle.bernoulli_log_likelihood(p, doubled), 2 * mle.bernoulli_log_likelihood(p, y), rel_tol=1e-12)


@pytest.mark.parametrize("p", [0.5, 0.3, 1e-3])
def test_log_likelihood_large_n_is_finite_and_exact(p):
    """n = 10**6 outcomes (a probability product would underflow to 0): the value is finite
    and equals the count formula k ln p + (n - k) ln(1 - p) to 1e-12 relative."""
    n = 10**6
    k = 123_457
    y = np.zeros(n, dtype=np.int64)
    y[::8][: k] = 1  # k ones spread through the sample
    assert y.sum() == k
    got = mle.bernoulli_log_likelihood(p, y)
    expected = k * math.log(p) + (n - k) * math.log1p(-p)
    assert math.isfinite(got)
    assert math.isclose(got, expected, rel_tol=1e-12)


def test_log_likelihood_half_for_a_million_flips():
    """p = 0.5 and any 10**6 outcomes: exactly -n ln 2 (to 1e-12 relative), not -inf."""
    y = np.tile([0, 1], 500_000)
    assert math.isclose(mle.bernoulli_log_likelihood(0.5, y), -(10**6) * math.log(2), rel_tol=1e-12)


@pytest.mark.parametrize(
    ("p", "y", "expected"),
    [
        (0.0, [0, 0, 0], 0.0),  # certain data: 0 * ln 0 counts as 0
        (1.0, [1, 1, 1], 0.0),
        (0.0, [0, 1, 0], -math.inf),  # an impossible outcome
        (1.0, [1, 0, 1], -math.inf),
        (0.0, [], 0.0),
    ],
)
def test_log_likelihood_at_the_boundaries(p, y, expected):
    """At p in {0, 1}: 0.0 when every outcome is certain, -inf when one is impossible; no warning, no nan."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = mle.bernoulli_log_likelihood(p, y)
    assert type(got) is float
    assert got == expected


@pytest.mark.parametrize("p", [-0.1, 1.5, math.nan])
def test_log_likelihood_rejects_a_non_probability(p):
    """A p outside [0, 1] raises ValueError (the reference's friendly error)."""
    with pytest.raises(ValueError):
        mle.bernoulli_log_likelihood(p, [0, 1])


@given(probabilities(), outcomes(min_size=1), st.integers(0, 2**32 - 1))
def test_log_likelihood_input_types(p, y, seed):
    """Lists, bools, floats, a pandas Series with a shuffled index and a NumPy scalar p give the same
    value as the int array, and no input is changed."""
    expected = mle.bernoulli_log_likelihood(p, y)
    variants = [(p, y.tolist()), (p, y.astype(bool)), (p, y.astype(float)), (p, shuffled_series(y, seed))]
    variants += [(np.float64(p), y), (np.array(p), y)]
    for args in variants:
        before = copy.deepcopy(args)
        assert mle.bernoulli_log_likelihood(*args) == expected
        assert_unchanged(before, args)


# ---------------------------------------------------------------------------
# bernoulli_mle
# ---------------------------------------------------------------------------


def test_mle_55_of_100():
    """55 ones in 100 outcomes give exactly 0.55 (no integer division), as a Python float."""
    got = mle.bernoulli_mle([1] * 55 + [0] * 45)
    assert type(got) is float
    assert got == 0.55


@pytest.mark.parametrize("y", [[], np.array([]), pd.Series([], dtype=float)])
def test_mle_of_nothing_raises(y):
    """An empty sample has no estimate: ValueError."""
    with pytest.raises(ValueError):
        mle.bernoulli_mle(y)


@given(outcomes(min_size=1))
def test_mle_is_the_sample_mean_and_maximizes_the_likelihood(y):
    """The estimate equals the sample mean (to 1e-15), and no p on a grid of [0, 1] has a larger log-likelihood."""
    p_hat = mle.bernoulli_mle(y)
    assert type(p_hat) is float
    assert math.isclose(p_hat, float(np.mean(y)), rel_tol=1e-15, abs_tol=0.0)
    best = mle.bernoulli_log_likelihood(p_hat, y)
    for p in np.linspace(0.0, 1.0, 41):
        assert mle.bernoulli_log_likelihood(p, y) <= best + 1e-9 * (1 + abs(best))


@given(outcomes(min_size=1), st.integers(0, 2**32 - 1))
def test_mle_input_types(y, seed):
    """Lists, bools, floats and a pandas Series with a shuffled index give the same estimate; no input is changed."""
    expected = mle.bernoulli_mle(y)
    for variant in (y.tolist(), y.astype(bool), y.astype(float), shuffled_series(y, seed), tuple(y.tolist())):
        before = copy.deepcopy(variant)
        assert mle.bernoulli_mle(variant) == expected
        assert_unchanged([before], [variant])


def test_mle_module_is_from_scratch():
    """The reference imports nothing from scikit-learn (the contract's "from scratch" rule)."""
    tree = ast.parse(inspect.getsource(mle))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(alias.name.split(".")[0] == "sklearn" for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "sklearn"
