"""Declaration of the ``mle`` exercises: Bernoulli log-likelihood and its estimate."""

import numpy as np
from hypothesis import strategies as st

from grader import references
from grader.checks import Mismatch, agrees, holds, raises, returns_form, unchanged
from grader.declaration import Exercise, Mistake
from grader.strategies import FORMATS, as_format, call, label_arrays, shuffled_index
from grader.values import Tolerance, compare

ref_log_likelihood = references.function("mle.bernoulli_log_likelihood")
ref_mle = references.function("mle.bernoulli_mle")

LL_TOLERANCE = Tolerance(rtol=1e-9, atol=1e-9)


@st.composite
def outcome_lists(draw, *, min_size=0, max_size=20):
    """0/1 outcomes in any input format (array, list, pandas Series)."""
    n = draw(st.integers(min_size, max_size))
    y = draw(label_arrays(n))
    fmt = draw(st.sampled_from(FORMATS))
    index = draw(shuffled_index(n)) if fmt == "pandas" else None
    return as_format(y, fmt, index)


@st.composite
def log_likelihood_calls(draw):
    """bernoulli_log_likelihood(p, y) with p in [0, 1], often exactly 0, 1 or 0.5."""
    p = draw(st.one_of(st.sampled_from([0.5, 0.0, 1.0]), st.floats(0.0, 1.0, allow_subnormal=False)))
    return call(p, draw(outcome_lists()))


@st.composite
def large_samples(draw):
    """Samples of 2,000 to 1,000,000 outcomes: a product of probabilities underflows."""
    n = draw(st.sampled_from([2000, 100_000, 1_000_000]))
    ones = draw(st.integers(1, n - 1))
    y = np.zeros(n, dtype=np.int64)
    y[:ones] = 1
    p = draw(st.sampled_from([0.5, 0.3, 0.9]))
    return call(p, y)


def _product_then_log(p, y):
    y = np.asarray(y, dtype=float)
    with np.errstate(all="ignore"):
        return float(np.log(np.prod(np.where(y == 1, p, 1 - p))))


def _naive_terms(p, y):
    y = np.asarray(y, dtype=float)
    with np.errstate(all="ignore"):
        return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _check_boundary(function, example):
    """0 ln 0 counts as 0: a certain outcome has log-likelihood 0, an impossible one -inf."""
    got = function(*example.args).value
    expected = ref_log_likelihood(*example.args)
    reason = compare(got, expected, LL_TOLERANCE)
    if reason:
        raise Mismatch(example, reason, got=got, expected=expected)


BERNOULLI_LOG_LIKELIHOOD = Exercise(
    module="mle",
    name="bernoulli_log_likelihood",
    points=6,
    checks=(
        agrees(
            "bernoulli_log_likelihood(p, y) equals sum of y ln p + (1 - y) ln(1 - p) for p in [0, 1] "
            "and 0/1 outcomes of any format.",
            points=3, strategy=log_likelihood_calls(), oracle=ref_log_likelihood, tolerance=LL_TOLERANCE,
            examples=(call(0.5, [1, 0, 1]), call(0.2, np.array([0, 0, 1]))),
            hint="Add up one log term per outcome: ln p for a 1, ln(1 - p) for a 0.",
        ),
        holds(
            "At p = 0 or p = 1, terms 0 * ln 0 count as 0: all-zero outcomes with p = 0 give 0.0, "
            "an impossible outcome gives -inf, never nan.",
            name="boundaries p = 0 and p = 1", points=1, prop=_check_boundary,
            examples=(call(0.0, [0, 0, 0]), call(1.0, [1, 1]), call(0.0, [0, 1]), call(1.0, [1, 0]),
                      call(0.0, np.array([], dtype=np.int64))),
            tolerance=LL_TOLERANCE,
            hint="0 * log(0) is nan in floating point, but the term it stands for is 0: only add "
                 "a log term for outcomes that actually occur.",
        ),
        agrees(
            "The log-likelihood of up to 1,000,000 outcomes is finite and exact.",
            name="large samples", points=1, strategy=large_samples(), oracle=ref_log_likelihood,
            tolerance=LL_TOLERANCE, max_examples=4,
            examples=(call(0.5, np.array([1, 0] * 1000)),),
            hint="Sum the logs; never multiply the probabilities first (the product underflows to 0).",
        ),
        returns_form(
            "Returns a Python float.", points=0.5, strategy=log_likelihood_calls(),
            expect=lambda example, value: None if isinstance(value, float) else
            f"returned {type(value).__name__}, expected a float",
            hint="Wrap the result in float(...).",
        ),
        unchanged(points=0.5, strategy=log_likelihood_calls(),
                  hint="Work on a converted copy (np.asarray(y, dtype=float)); never modify y."),
    ),
    mistakes=(
        Mistake("product_underflow", "You multiply the probabilities and take the log at the end: the "
                "product underflows to 0.0 for large samples and its log is -inf. Sum the logs instead.",
                model=_product_then_log),
        Mistake("zero_log_zero", "At p = 0 or p = 1 one of the log terms is 0 * log(0) = nan in floating "
                "point. The term stands for an outcome that did not occur, so it counts as 0.",
                model=_naive_terms),
    ),
)


@st.composite
def mle_calls(draw):
    """bernoulli_mle(y) on at least one outcome, any format."""
    return call(draw(outcome_lists(min_size=1)))


BERNOULLI_MLE = Exercise(
    module="mle",
    name="bernoulli_mle",
    points=4,
    checks=(
        agrees(
            "bernoulli_mle(y) equals the fraction of ones in y.",
            points=2, strategy=mle_calls(), oracle=ref_mle, tolerance=Tolerance(rtol=1e-12, atol=1e-12),
            examples=(call([1] * 55 + [0] * 45), call(np.array([True, False, False]))),
            hint="The maximum of the log-likelihood is at the sample mean: ones / n.",
        ),
        raises(
            "An empty y raises ValueError (there is nothing to estimate from).",
            points=1, examples=(call([]), call(np.array([], dtype=np.int64))),
            valid=call([0, 1, 1]),
            hint="Check for an empty y first and raise ValueError with a message saying so.",
        ),
        returns_form(
            "Returns a Python float.", points=0.5, strategy=mle_calls(),
            expect=lambda example, value: None if isinstance(value, float) else
            f"returned {type(value).__name__}, expected a float",
            hint="Wrap the result in float(...).",
        ),
        unchanged(points=0.5, strategy=mle_calls(), hint="Never modify y."),
    ),
    depends_on=("mle.bernoulli_log_likelihood",),
    mistakes=(
        Mistake("integer_division", "The estimate lost its fraction: integer arithmetic (// or an int dtype) "
                "rounds 0.55 down. Divide as floats.",
                model=lambda y: float(np.sum(np.asarray(y, dtype=float)) // max(len(np.asarray(y)), 1))),
    ),
)

EXERCISES = (BERNOULLI_LOG_LIKELIHOOD, BERNOULLI_MLE)
