"""Public checks of ``exercises/mle.py``: the Bernoulli log-likelihood and its maximum."""

import math

import numpy as np
from hypothesis import strategies as st

from grader.checks import Mismatch, holds, raises, returns_form, unchanged
from grader.declaration import Exercise, Mistake
from grader.public.common import (PUBLIC_FORMATS, examples_of, expect_close, float_scalar, grid, hand_computed, like,
                                  plain, plain_floats, twice)
from grader.strategies import as_format, call, label_arrays
from grader.values import Tolerance

# The hidden checks allow 1e-9; these are looser so that they never fail what those pass.
LL_TOLERANCE = Tolerance(rtol=1e-8, atol=1e-8)
MLE_TOLERANCE = Tolerance(rtol=1e-10, atol=1e-10)


@st.composite
def outcomes(draw, *, min_size=0, max_size=12):
    """0/1 outcomes as an int, bool or float array, or a list."""
    y = draw(label_arrays(draw(st.integers(min_size, max_size))))
    return as_format(y, draw(st.sampled_from(PUBLIC_FORMATS)))


@st.composite
def log_likelihood_calls(draw):
    """bernoulli_log_likelihood(p, y) with p in [0, 1], often exactly 0, 1 or 0.5."""
    p = draw(st.one_of(st.sampled_from([0.5, 0.0, 1.0]), grid(1.0, 0.05, low=0.0)))
    return call(p, draw(outcomes()))


# Hand-computed: k ones and m zeros give k ln p + m ln(1 - p).
LL_CASES = (
    (call(0.5, [1, 0, 1]), 3 * math.log(0.5)),
    (call(0.2, np.array([0, 0, 1])), 2 * math.log(0.8) + math.log(0.2)),
    (call(0.9, [True, True, False]), 2 * math.log(0.9) + math.log(0.1)),
)
BOUNDARY_CASES = (
    (call(0.0, [0, 0, 0]), 0.0),
    (call(1.0, [1, 1]), 0.0),
    (call(0.0, [0, 1]), -math.inf),
    (call(1.0, [1, 0]), -math.inf),
    (call(0.0, np.array([], dtype=np.int64)), 0.0),
)
LARGE_CASES = (
    (call(0.5, np.array([1, 0] * 1000)), -1386.2943611198905),  # 2000 ln 0.5
    (call(0.5, np.array([1, 0] * 50_000)), -69314.71805599453),  # 100000 ln 0.5
)


def _check_doubling(function, example):
    """Every outcome twice doubles the log-likelihood."""
    p, y = example.args
    once = function(p, y).value
    doubled = call(p, twice(y))
    got = function(*doubled.args).value
    if not isinstance(once, (int, float)):
        raise Mismatch(example, "the result is not a number", got=once, has_expected=False)
    expect_close(doubled, got, 2 * float(once), LL_TOLERANCE,
                 "with every outcome twice, the log-likelihood must double (a log of a product is a sum)")


def _check_order(function, example):
    """Reversing the outcomes changes nothing."""
    p, y = example.args
    once = function(p, y).value
    reversed_call = call(p, like(y, plain(y)[::-1]))
    got = function(*reversed_call.args).value
    expect_close(reversed_call, got, once, LL_TOLERANCE,
                 "the same outcomes in another order must give the same log-likelihood")


def _check_sum(function, example):
    _check_doubling(function, example)
    _check_order(function, example)


def _product_then_log(p, y):
    """The mistake: multiply the probabilities, then take the log (underflows)."""
    outcomes = plain_floats(y)
    with np.errstate(all="ignore"):
        return float(np.log(np.prod(np.where(outcomes == 1, p, 1 - p))))


def _naive_terms(p, y):
    """The mistake: 0 * log 0 computed as nan at p = 0 or 1."""
    outcomes = plain_floats(y)
    with np.errstate(all="ignore"):
        return float(np.sum(outcomes * np.log(p) + (1 - outcomes) * np.log(1 - p)))


BERNOULLI_LOG_LIKELIHOOD = Exercise(
    module="mle",
    name="bernoulli_log_likelihood",
    points=6,
    checks=(
        holds(
            "Hand-computed values: k ones and m zeros give k ln p + m ln(1 - p).",
            name="hand-computed values", points=2, prop=hand_computed(LL_CASES, LL_TOLERANCE),
            examples=examples_of(LL_CASES), tolerance=LL_TOLERANCE,
            hint="Add one log term per outcome: ln p for a 1, ln(1 - p) for a 0.",
        ),
        holds(
            "At p = 0 or p = 1, terms 0 * ln 0 count as 0: all-zero outcomes with p = 0 give 0.0, an "
            "impossible outcome gives -inf, never nan.",
            name="boundaries p = 0 and p = 1", points=1, prop=hand_computed(BOUNDARY_CASES, LL_TOLERANCE),
            examples=examples_of(BOUNDARY_CASES), tolerance=LL_TOLERANCE,
            hint="0 * log(0) is nan in floating point, but the term it stands for is 0: only add a log term "
                 "for outcomes that actually occur.",
        ),
        holds(
            "Large samples (2,000 and 100,000 outcomes) give a finite, exact log-likelihood.",
            name="large samples", points=1, prop=hand_computed(LARGE_CASES, LL_TOLERANCE),
            examples=examples_of(LARGE_CASES), tolerance=LL_TOLERANCE,
            hint="Sum the logs; never multiply the probabilities first (the product underflows to 0).",
        ),
        holds(
            "Every outcome twice doubles the log-likelihood, and the order of the outcomes does not matter.",
            name="duplicated and reordered outcomes", points=1, strategy=log_likelihood_calls(),
            prop=_check_sum,
            tolerance=LL_TOLERANCE, max_examples=6,
            hint="The log-likelihood is a sum over the outcomes, one term each.",
        ),
        returns_form("Returns a Python float.", points=0.5, strategy=log_likelihood_calls(), expect=float_scalar,
                     max_examples=3, hint="Wrap the result in float(...)."),
        unchanged(points=0.5, strategy=log_likelihood_calls(), max_examples=3,
                  hint="Work on a converted copy (np.asarray(y, dtype=float)); never modify y."),
    ),
    mistakes=(
        Mistake("product_underflow", "You multiply the probabilities and take the log at the end: the product "
                "underflows to 0.0 for large samples and its log is -inf. Sum the logs instead.",
                model=_product_then_log),
        Mistake("zero_log_zero", "At p = 0 or p = 1 one of the log terms is 0 * log(0) = nan in floating point. "
                "The term stands for an outcome that did not occur, so it counts as 0.", model=_naive_terms),
    ),
)


MLE_CASES = (
    (call([1] * 55 + [0] * 45), 0.55),
    (call(np.array([True, False, False])), 1 / 3),
    (call(np.array([0, 0, 0, 1])), 0.25),
    (call([1.0]), 1.0),
)


@st.composite
def mle_calls(draw):
    """bernoulli_mle(y) on at least one outcome."""
    return call(draw(outcomes(min_size=1)))


def _check_relabel(function, example):
    """Swapping the labels (y -> 1 - y) turns the estimate p into 1 - p; duplicating y changes nothing."""
    (y,) = example.args
    p = function(y).value
    flipped = call(like(y, 1 - plain(y).astype(float)))
    got = function(*flipped.args).value
    if not isinstance(p, (int, float)):
        raise Mismatch(example, "the result is not a number", got=p, has_expected=False)
    expect_close(flipped, got, 1.0 - float(p), MLE_TOLERANCE,
                 "swapping ones and zeros must turn the estimate p into 1 - p (the estimate for y is shown "
                 "subtracted from 1)")
    doubled = call(twice(y))
    expect_close(doubled, function(*doubled.args).value, p, MLE_TOLERANCE,
                 "the same outcomes twice must give the same estimate")


BERNOULLI_MLE = Exercise(
    module="mle",
    name="bernoulli_mle",
    points=4,
    checks=(
        holds(
            "Hand-computed values: 55 ones in 100 give 0.55; [True, False, False] gives 1/3.",
            name="hand-computed values", points=1.5, prop=hand_computed(MLE_CASES, MLE_TOLERANCE),
            examples=examples_of(MLE_CASES), tolerance=MLE_TOLERANCE,
            hint="Set the derivative of the log-likelihood to zero: the maximum is at the share of ones.",
        ),
        holds(
            "Swapping ones and zeros turns the estimate p into 1 - p; the same outcomes twice give the same "
            "estimate.",
            name="relabelled and duplicated outcomes", points=1, strategy=mle_calls(), prop=_check_relabel,
            tolerance=MLE_TOLERANCE, max_examples=6,
            hint="The estimate is a share: it depends on the fraction of ones, not on how many outcomes there are.",
        ),
        raises(
            "An empty y raises ValueError (there is nothing to estimate from).",
            points=0.5, examples=(call([]), call(np.array([], dtype=np.int64))),
            valid=call([0, 1, 1]),
            hint="Check for an empty y first and raise ValueError with a message saying so.",
        ),
        returns_form("Returns a Python float.", points=0.5, strategy=mle_calls(), expect=float_scalar,
                     max_examples=3, hint="Wrap the result in float(...)."),
        unchanged(points=0.5, strategy=mle_calls(), max_examples=3, hint="Never modify y."),
    ),
    mistakes=(
        Mistake("integer_division", "The estimate lost its fraction: integer arithmetic (// or an int dtype) "
                "rounds 0.55 down. Divide as floats.",
                model=lambda y: float(np.sum(np.asarray(y, dtype=float)) // max(len(np.asarray(y)), 1))),
    ),
)

EXERCISES = (BERNOULLI_LOG_LIKELIHOOD, BERNOULLI_MLE)
