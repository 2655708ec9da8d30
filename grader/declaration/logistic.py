"""Declaration of the ``logistic`` exercises: logistic regression from scratch.

Eight functions: ``sigmoid``, ``log_likelihood``, ``log_likelihood_gradient``,
``gradient_step``, ``fit``, ``predict_proba``, ``predict``, ``add_intercept``.

Each function is compared with the reference (``sigmoid`` with
``scipy.special.expit``) on generated inputs, and checked for the
reference-free properties a student can reason about (symmetry of the
sigmoid, duplicated data doubling a sum, flipping labels and weights
together, finite differences, one small step climbing the log-likelihood,
exactly ``n_iterations`` steps, ``>=`` at the threshold), so that the
feedback names the property that breaks.

Sizes are chosen so that every check is cheap and numerically clean:

- problems have at most 12 rows, 4 columns and features in [-5, 5], so
  ``||X||_2^2 <= 1200`` and the log-likelihood's gradient is Lipschitz with a
  constant of at most 300. Learning rates of at most 2e-3 keep every gradient
  step contracting (``learning_rate * L < 2``): a small step always climbs, and
  two correct implementations that round differently cannot drift apart over
  30 iterations;
- finite differences use weights in [-2, 2] (``|z| <= 40``) and h = 1e-5, whose
  error (about 1e-8) is far inside their tolerance (1e-5);
- ``predict`` is compared exactly, so generated inputs keep every probability
  at least 1e-9 away from the threshold; exact ties are built on purpose
  (``X @ w == 0`` with threshold 0.5), where every correct formula agrees.
"""

import math

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import expit

from grader import references
from grader.checks import Mismatch, StudentRaised, agrees, holds, no_warnings, returns_new, unchanged
from grader.declaration import Exercise, Mistake
from grader.protocol import Opaque, PandasData
from grader.strategies import (FORMATS, as_format, call, design_matrices, floats, logistic_problems, logit_inputs,
                               logits, shuffled_index)
from grader.values import EXACT, Tolerance, compare, describe_type, show, to_plain

ref_sigmoid = references.function("logistic.sigmoid")
ref_log_likelihood = references.function("logistic.log_likelihood")
ref_gradient = references.function("logistic.log_likelihood_gradient")
ref_gradient_step = references.function("logistic.gradient_step")
ref_fit = references.function("logistic.fit")
ref_predict_proba = references.function("logistic.predict_proba")
ref_predict = references.function("logistic.predict")
ref_add_intercept = references.function("logistic.add_intercept")

SIGMOID_TOLERANCE = Tolerance(rtol=1e-9, atol=1e-12)  # clipping z at |z| >= 500 stays inside
SYMMETRY_TOLERANCE = Tolerance(atol=1e-12)
LL_TOLERANCE = Tolerance(rtol=1e-9, atol=1e-9)
GRADIENT_TOLERANCE = Tolerance(rtol=1e-9, atol=1e-9)
FINITE_DIFFERENCE_TOLERANCE = Tolerance(rtol=1e-5, atol=1e-5)
FIT_TOLERANCE = Tolerance(rtol=1e-7, atol=1e-9)

NO_ASARRAY = r"unsupported operand type\(s\) for [@*]: 'list'|can't multiply sequence by non-int"
MATMUL_MISMATCH = (r"mismatch in its core dimension|shapes \(.*\) and \(.*\) not aligned|"
                   r"matrices are not aligned|operands could not be broadcast together")


INPUT_FORMATS = FORMATS
NUMPY_FORMATS = tuple(f for f in INPUT_FORMATS if f != "list")


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------


def _recognise(mistakes, example, got, tolerance):
    """The key of the first mistake whose model returns ``got`` on ``example``."""
    args, kwargs = to_plain(example.args), to_plain(example.kwargs)
    for mistake in mistakes:
        if mistake.model is None:
            continue
        try:
            wrong = mistake.model(*args, **kwargs)
        except Exception:  # noqa: BLE001 - the mistake does not apply to this input
            continue
        if compare(got, wrong, tolerance) is None:
            return mistake.key
    return None


def _is_pandas(value):
    return isinstance(value, PandasData) or (isinstance(value, Opaque) and "pandas" in value.type_name)


def _as_vector(value):
    """``value`` as a float ndarray, or None when it is not an array of numbers."""
    if isinstance(value, (Opaque, PandasData, dict, str)) or value is None:
        return None
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return None
    if array.dtype.kind not in "biuf":
        return None
    return array.astype(float)


def _plain_problem(example):
    """(X, y, w) of an ``f(X, y, w, ...)`` call as float arrays."""
    X, y, w = to_plain(example.args[:3])
    return np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)


def _like(template, array):
    """``array`` in the input format of ``template`` (list, ndarray or pandas with a fresh index)."""
    if isinstance(template, list):
        return array.tolist()
    if isinstance(template, PandasData):
        index = np.arange(100, 100 + array.shape[0])[::-1].copy()
        columns = template.columns
        return PandasData(template.kind, array, index, columns)
    return array


def _doubled_rows(value):
    """Every row of ``value`` twice (same format)."""
    plain = np.asarray(to_plain(value))
    return _like(value, np.concatenate([plain, plain]))


def _doubled(example):
    """The same call with every row of X and y appearing twice."""
    X, y = example.args[:2]
    return call(_doubled_rows(X), _doubled_rows(y), *example.args[2:], **example.kwargs)


def _flipped(example):
    """The call with every label flipped (1 - y) and the weights negated."""
    X, y, w = example.args[:3]
    labels = np.asarray(to_plain(y))
    flipped = ~labels if labels.dtype == np.bool_ else 1 - labels
    if isinstance(y, PandasData):
        flipped_y = PandasData(y.kind, flipped, y.index, y.columns)
    else:
        flipped_y = flipped.tolist() if isinstance(y, list) else flipped
    weights = -np.asarray(to_plain(w), dtype=float)
    return call(X, flipped_y, weights.tolist() if isinstance(w, list) else weights)


def _float_scalar(example, value):
    """None when ``value`` is a Python float (np.float64 is one), else what is wrong."""
    if isinstance(value, float):
        return None
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return "returned a 0-d NumPy array, expected a float", "returns_0d_array"
    return f"returned {describe_type(value)}, expected a float", None


def _array_form(shape_of, *, kinds="f", what="a float array"):
    """A form expectation: a plain ndarray of the dtype kinds ``kinds`` and shape ``shape_of(example)``."""

    def expect(example, value):
        if _is_pandas(value):
            return f"returned {describe_type(value)}, expected a plain NumPy array", "returns_pandas"
        if isinstance(value, list):
            return "returned a list, expected a NumPy array", "returns_list"
        if not isinstance(value, np.ndarray):
            return f"returned {describe_type(value)}, expected {what}", None
        shape = shape_of(example)
        if value.shape != shape:
            return f"the shape is {value.shape}, expected {shape}", "wrong_shape"
        if value.dtype.kind not in kinds:
            key = {"b": "returns_bools", "f": "returns_floats"}.get(value.dtype.kind)
            return f"the dtype is {value.dtype}, expected {what}", key
        return None

    return expect


def form_check(statement, *, points, strategy, expect, hint, examples=(), max_examples=15,
               name="returns the right type"):
    """A form check whose ``expect(example, value)`` returns None or (problem, mistake key or None)."""

    def prop(function, example):
        value = function(*example.args, **example.kwargs).value
        problem = expect(example, value)
        if problem:
            reason, key = problem
            raise Mismatch(example, reason, got=value, has_expected=False, mistake=key)

    return holds(statement, name=name, points=points, strategy=strategy, prop=prop, hint=hint,
                 examples=examples, kind="form", max_examples=max_examples, public=True)


def _n_rows(example):
    return np.asarray(to_plain(example.args[0])).shape[0]


def _n_cols(example):
    return np.asarray(to_plain(example.args[0])).shape[1]


def no_asarray(function_name):
    return Mistake("no_asarray", f"{function_name} was given plain Python lists and used them as arrays. Convert "
                   "every array-like input with np.asarray (with dtype=float) before doing arithmetic.",
                   error=NO_ASARRAY)


RETURNS_PANDAS = Mistake("returns_pandas", "Given pandas inputs you returned a pandas object. Return a plain NumPy "
                         "array: convert the inputs with np.asarray first, and the index can never get in the way.")


# --------------------------------------------------------------------------
# Problems: X, y, w
# --------------------------------------------------------------------------


@st.composite
def problems(draw, *, formats=INPUT_FORMATS, weights="any", min_rows=1, max_rows=12, max_cols=4):
    """A logistic problem dict (see ``strategies.logistic_problems``) in one of ``formats``.

    ``weights`` is ``"any"`` (small, now and then huge), ``"small"`` (|w| <= 2),
    ``"huge"`` (every sigmoid saturates) or ``"zero"``.
    """
    p = draw(logistic_problems(min_rows=min_rows, max_rows=max_rows, max_cols=max_cols, formats=formats))
    if weights != "any":
        d = p["d"]
        if weights == "small":
            w = draw(hnp.arrays(np.float64, d, elements=floats(2.0)))
        elif weights == "zero":
            w = np.zeros(d)
        else:
            signs = draw(hnp.arrays(np.float64, d, elements=st.sampled_from([-1.0, 1.0])))
            w = signs * draw(hnp.arrays(np.float64, d, elements=st.floats(40.0, 1000.0)))
        p["w"] = w.tolist() if p["format"] == "list" else w
    return p


def problem_calls(**options):
    """``f(X, y, w)`` calls."""
    return problems(**options).map(lambda p: call(p["X"], p["y"], p["w"]))


# --------------------------------------------------------------------------
# sigmoid
# --------------------------------------------------------------------------


@st.composite
def series_logits(draw):
    """A pandas Series of logits with a shuffled index."""
    values = draw(hnp.arrays(np.float64, draw(st.integers(1, 6)), elements=logits()))
    return as_format(values, "pandas", draw(shuffled_index(values.size)))


def sigmoid_calls(*, pandas=True):
    inputs = logit_inputs()
    if pandas and "pandas" in INPUT_FORMATS:
        inputs = st.one_of(inputs, series_logits())
    return inputs.map(call)


@st.composite
def sorted_logits(draw):
    """A sorted 1-d array of logits holding 0.0 and at least one other value."""
    values = draw(hnp.arrays(np.float64, draw(st.integers(1, 8)), elements=logits()))
    return call(np.unique(np.concatenate([values, [0.0]])))


def _sigmoid_oracle(z):
    return expit(np.asarray(to_plain(z), dtype=float))


def _sign_error_sigmoid(z):
    return expit(-np.asarray(z, dtype=float))


def _exp_ratio(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(all="ignore"):
        return np.exp(z) / (1 + np.exp(z))


def _flattened_sigmoid(z):
    return np.ravel(expit(np.asarray(z, dtype=float)))


def _check_increasing(function, example):
    """sigmoid(0) == 0.5 and sorting z sorts sigmoid(z)."""
    z = np.asarray(example.args[0], dtype=float)
    got = function(*example.args).value
    values = _as_vector(got)
    if values is None or values.shape != z.shape:
        raise Mismatch(example, f"returned {describe_type(got)}, expected one probability per logit", got=got,
                       has_expected=False)
    at_zero = values[z == 0.0]
    if not np.all(np.abs(at_zero - 0.5) <= SYMMETRY_TOLERANCE.atol):
        raise Mismatch(example, f"sigmoid(0) is {show(at_zero[0].item())}, expected 0.5", got=got,
                       has_expected=False)
    steps = np.diff(values)
    down = steps < -SYMMETRY_TOLERANCE.atol  # rounding may wobble by an ulp; a real decrease is far larger
    if np.any(down) or np.any(np.isnan(values)):
        k = int(np.argmax(down | np.isnan(values[1:]) | np.isnan(values[:-1])))
        known = ~np.isnan(values)
        decreasing = np.max(values[(z < 0) & known], initial=-np.inf) > np.min(values[(z > 0) & known],
                                                                               initial=np.inf)
        raise Mismatch(example, f"z increases from {show(z[k].item())} to {show(z[k + 1].item())} but sigmoid goes "
                       f"from {show(values[k].item())} to {show(values[k + 1].item())}", got=got,
                       has_expected=False, mistake="sign_error" if decreasing else None)


def _check_symmetry(function, example):
    """sigmoid(-z) == 1 - sigmoid(z)."""
    z = np.asarray(example.args[0], dtype=float)
    got = function(z).value
    mirrored = call(-z)
    got_mirrored = function(-z).value
    values = _as_vector(got)
    if values is None or values.shape != z.shape:
        raise Mismatch(example, f"returned {describe_type(got)}, expected one probability per logit", got=got,
                       has_expected=False)
    expected = 1.0 - values
    reason = compare(got_mirrored, expected, SYMMETRY_TOLERANCE)
    if reason:
        raise Mismatch(mirrored, f"sigmoid(-z) should equal 1 - sigmoid(z) (shown as expected): {reason}",
                       got=got_mirrored, expected=expected)


def _sigmoid_form(example, value):
    z = example.args[0]
    if isinstance(z, (int, float)):
        if isinstance(value, np.ndarray) and value.ndim > 0:
            return f"returned an array of shape {value.shape} for a single number, expected a float", "loses_shape"
        return _float_scalar(example, value)
    if isinstance(z, np.ndarray) and z.ndim == 0:
        if isinstance(value, float) or (isinstance(value, np.ndarray) and value.shape == ()
                                        and value.dtype.kind == "f"):
            return None
        return f"returned {describe_type(value)}, expected a float", None
    shape = np.asarray(to_plain(z)).shape
    if isinstance(value, list):
        return "returned a list, expected a NumPy array", "returns_list"
    if not isinstance(value, np.ndarray):
        return f"returned {describe_type(value)}, expected a float array of shape {shape}", None
    if value.shape != shape:
        return f"the shape is {value.shape}, expected {shape} (the shape of z)", "loses_shape"
    if value.dtype.kind != "f":
        return f"the dtype is {value.dtype}, expected a float dtype", None
    return None


SIGMOID_MISTAKES = (
    Mistake("warning", "np.exp(-z) overflows for very negative z (below about -709): NumPy warns and "
            "computes 1 / (1 + inf). The value happens to be right, but the warning is a sign of a formula that "
            "breaks: only ever exponentiate numbers that are <= 0 (look at the sign of z)."),
    Mistake("exp_ratio_nan", "np.exp(z) / (1 + np.exp(z)) becomes inf / inf = nan for large z. Rewrite the "
            "formula so that it never exponentiates a large positive number.", model=_exp_ratio),
    Mistake("sign_error", "Your sigmoid decreases: check the sign inside the exponential. sigmoid(z) must "
            "be above 0.5 for positive z.", model=_sign_error_sigmoid),
    Mistake("scalar_only", "Your sigmoid handles one number at a time: math.exp, or an `if` on the value of z, "
            "fails on arrays and lists. Use NumPy's elementwise operations (np.exp, np.where, boolean masks), "
            "which work on arrays of any shape.",
            error=r"math\.\w+\(|only (0-dimensional|length-1|size-1) arrays can be converted|must be real number"
                  r"|truth value of an array with more than one element|not supported between instances of 'list'"),
    Mistake("returns_list", "You return a Python list. Build the result with NumPy operations on the whole "
            "array (or wrap it in np.array), so that it is an ndarray like the input."),
    Mistake("loses_shape", "The result does not have the shape of z: a 2-D input must give a 2-D output, and "
            "a number must give a number. Avoid flattening or looping over the rows; NumPy's elementwise "
            "operations keep the shape.", model=_flattened_sigmoid),
    Mistake("returns_0d_array", "For a single number z, return a Python float (wrap a 0-d result in "
            "float(...)); arrays stay arrays."),
)

SIGMOID = Exercise(
    module="logistic",
    name="sigmoid",
    points=7,
    checks=(
        agrees(
            "sigmoid(z) equals 1 / (1 + exp(-z)) (scipy.special.expit) elementwise, for numbers, lists and "
            "arrays of any shape, with z up to +-1e4.",
            points=3, strategy=sigmoid_calls(), oracle=_sigmoid_oracle, tolerance=SIGMOID_TOLERANCE,
            examples=(call(0.0), call(2.0), call(np.array([-1.0, 0.0, 1.0])), call(1000.0), call(-1000.0),
                      call([-3.0, 0.5]), call(np.array([[0.0, 1.0], [-2.0, 40.0]])),
                      call(np.array([-1e4, -745.0, 745.0, 1e4]))),
            hint="Start from 1 / (1 + e^(-z)) and make sure it works elementwise on arrays and stays exact "
                 "(no inf, no nan) when |z| is large.",
        ),
        holds(
            "sigmoid is increasing, with sigmoid(0) == 0.5.",
            name="increasing, 0.5 at 0", points=1, strategy=sorted_logits(), prop=_check_increasing,
            tolerance=SYMMETRY_TOLERANCE,
            examples=(call(np.array([-2.0, 0.0, 2.0])), call(np.array([-800.0, -40.0, 0.0, 40.0, 800.0]))),
            max_examples=20, public=True,
            hint="A larger z must never give a smaller probability, and z = 0 is exactly halfway.",
        ),
        holds(
            "sigmoid(-z) == 1 - sigmoid(z) for every z (within 1e-12).",
            name="symmetric", points=1, tolerance=SYMMETRY_TOLERANCE,
            strategy=st.builds(lambda z: call(z), hnp.arrays(np.float64, st.integers(1, 6), elements=logits())),
            prop=_check_symmetry, examples=(call(np.array([0.0, 3.0, -40.0, 800.0])),), max_examples=20,
            public=True,
            hint="The two halves of the curve mirror each other; a formula that is exact for large |z| of "
                 "either sign keeps this.",
        ),
        no_warnings(
            "sigmoid never warns (no overflow), for any z in [-1e4, 1e4].",
            points=1, strategy=sigmoid_calls(pandas=False),
            examples=(call(np.array([-1e4, 0.0, 1e4])), call(-1000.0), call(1000.0), call([-800.0, 800.0])),
            max_examples=15,
            hint="A warning (overflow in exp) means some step computes e^(large number). Only ever "
                 "exponentiate numbers that are <= 0.",
        ),
        form_check(
            "A number gives a float; an array or list gives a float ndarray of the same shape as z.",
            points=0.5, strategy=sigmoid_calls(pandas=False), expect=_sigmoid_form,
            examples=(call(np.array([0.0, 1.0])), call([0.0, 1.0]), call(1.0), call(np.array([[0.0], [2.0]]))),
            hint="Work on np.asarray(z, dtype=float) with NumPy's elementwise operations; for a plain number "
                 "return float(...).",
        ),
        unchanged(points=0.5, strategy=sigmoid_calls(pandas=False), max_examples=10,
                  examples=(call(np.array([-1.0, 0.0, 2.0])),),
                  hint="Compute into a new array; never assign into z or use in-place operators (z *= -1) on it."),
    ),
    mistakes=SIGMOID_MISTAKES,
)


# --------------------------------------------------------------------------
# log_likelihood
# --------------------------------------------------------------------------


def _logits_of(X, y, w):
    X, y, w = (np.asarray(a, dtype=float) for a in (X, y, w))
    return X @ w, y


def _ll_log_of_sigmoid(X, y, w):
    z, y = _logits_of(X, y, w)
    p = ref_sigmoid(z)
    with np.errstate(all="ignore"):
        return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _ll_exp_overflow(X, y, w):
    z, y = _logits_of(X, y, w)
    with np.errstate(all="ignore"):
        return float(np.sum(y * z - np.log(1 + np.exp(z))))


def _ll_typo(X, y, w):
    z, y = _logits_of(X, y, w)
    p = ref_sigmoid(z)
    with np.errstate(all="ignore"):
        return float(np.sum(y * np.log(p) + (1 - y) * np.log(p)))


LL_MISTAKES = (
    Mistake("exp_overflow", "np.log(1 + np.exp(z)) overflows to inf once z is above about 709. Compute "
            "ln(1 + e^z) with a function made for it (np.logaddexp(0, z)) instead.", model=_ll_exp_overflow),
    Mistake("log_of_sigmoid", "log(sigmoid(z)) and log(1 - sigmoid(z)) fail once predictions saturate: "
            "1 - sigmoid(z) is exactly 0.0 from z of about 37, its log is -inf, and 0 * -inf is nan. Rewrite "
            "each term with z directly: y z - ln(1 + e^z), with np.logaddexp(0, z) for the logarithm.",
            model=_ll_log_of_sigmoid),
    Mistake("typo_log_p", "Look again at the term for the rows labelled 0: the log of which probability "
            "does it need? Rows labelled 0 and rows labelled 1 must not use the same one.", model=_ll_typo),
    Mistake("negative_log_likelihood", "Your value has the wrong sign: that is the negative log-likelihood, "
            "the cost a minimiser uses. The log-likelihood is a sum of logs of probabilities, so it is never "
            "positive.", model=lambda X, y, w: -ref_log_likelihood(X, y, w)),
    Mistake("mean_instead_of_sum", "You average over the rows. The log-likelihood of independent rows is the "
            "log of a product, i.e. a sum: twice the data must give twice the log-likelihood.",
            model=lambda X, y, w: ref_log_likelihood(X, y, w) / len(np.asarray(y))),
    no_asarray("log_likelihood"),
)


def _check_finite(function, example):
    """Huge weights: the value is finite and equals the stable form."""
    got = function(*example.args).value
    expected = ref_log_likelihood(*to_plain(example.args))
    reason = compare(got, expected, LL_TOLERANCE)
    if reason:
        values = _as_vector(got)
        if values is not None and values.shape == () and not np.isfinite(values):
            reason = f"returned {show(float(values))} for saturated predictions, expected a finite number"
        raise Mismatch(example, reason, got=got, expected=expected,
                       mistake=_recognise(LL_MISTAKES, example, got, LL_TOLERANCE))


@st.composite
def nonpositive_calls(draw):
    """Problems, half of them with w = 0."""
    return draw(problem_calls(weights=draw(st.sampled_from(["zero", "any"]))))


def _check_nonpositive(function, example):
    """ll <= 0, and w = 0 gives -n ln 2."""
    got = function(*example.args).value
    X, y, w = _plain_problem(example)
    value = _as_vector(got)
    if value is None or value.shape != ():
        raise Mismatch(example, f"returned {describe_type(got)}, expected one number", got=got, has_expected=False)
    key = _recognise(LL_MISTAKES, example, got, LL_TOLERANCE)
    if not np.any(w):
        expected = -len(y) * math.log(2)
        reason = compare(got, expected, LL_TOLERANCE)
        if reason:
            raise Mismatch(example, f"with w = 0 every probability is 1/2, so the log-likelihood is n ln(1/2) = "
                           f"{expected!r}; {reason}", got=got, expected=expected, mistake=key)
    elif np.isnan(value):
        raise Mismatch(example, "returned nan, expected a number <= 0", got=got, has_expected=False, mistake=key)
    elif float(value) > 1e-9:
        raise Mismatch(example, "a log-likelihood is a sum of logs of probabilities, so it cannot be positive",
                       got=got, has_expected=False, mistake=key)


def _check_doubling_ll(function, example):
    """ll of every row twice == 2 * ll."""
    once = function(*example.args).value
    doubled = _doubled(example)
    twice = function(*doubled.args).value
    values = _as_vector(once)
    if values is None or values.shape != ():
        raise Mismatch(example, f"returned {describe_type(once)}, expected one number", got=once,
                       has_expected=False)
    expected = 2.0 * float(values)
    reason = compare(twice, expected, LL_TOLERANCE)
    if reason:
        key = "mean_instead_of_sum" if compare(twice, once, LL_TOLERANCE) is None else None
        raise Mismatch(doubled, f"with every row duplicated the log-likelihood should double, from "
                       f"{show(float(values))} to {show(expected)} ({reason})", got=twice, expected=expected,
                       mistake=key)


def _check_flip(function, example):
    """ll(X, 1 - y, -w) == ll(X, y, w)."""
    original = function(*example.args).value
    flipped = _flipped(example)
    got = function(*flipped.args).value
    reason = compare(got, original, LL_TOLERANCE)
    if reason:
        key = _recognise(LL_MISTAKES, example, original, LL_TOLERANCE)
        raise Mismatch(flipped, "flipping every label (y -> 1 - y) and negating the weights describes the same "
                       "model, so the log-likelihood must not change; the value before flipping is shown as "
                       f"expected ({reason})", got=got, expected=original, mistake=key)


LOG_LIKELIHOOD = Exercise(
    module="logistic",
    name="log_likelihood",
    points=7,
    checks=(
        agrees(
            "log_likelihood(X, y, w) equals sum_i [y_i z_i - ln(1 + e^(z_i))] with z = X @ w, for inputs of "
            "any format and weights from small to huge.",
            points=2, strategy=problem_calls(), oracle=ref_log_likelihood, tolerance=LL_TOLERANCE,
            examples=(call(np.array([[1.0], [2.0]]), np.array([0, 1]), np.array([0.0])),
                      call([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.0]], [1, 0, 1], [0.3, -0.2])),
            hint="Add up one term per row: y_i z_i - ln(1 + e^(z_i)), with z = X @ w.",
        ),
        holds(
            "With huge weights (saturated predictions) the log-likelihood stays finite and exact.",
            name="finite for saturated predictions", points=1, tolerance=LL_TOLERANCE,
            strategy=problem_calls(weights="huge"), prop=_check_finite, max_examples=20,
            examples=(call(np.array([[1.0], [-1.0]]), np.array([1, 0]), np.array([100.0])),
                      call(np.array([[1.0], [2.0]]), np.array([0, 1]), np.array([1000.0])),
                      call(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1, 1]), np.array([-50.0, 800.0]))),
            hint="Write each term with z directly (y z - ln(1 + e^z)) and compute ln(1 + e^z) with "
                 "np.logaddexp(0, z). Taking logs of probabilities, or clipping them away from 0 and 1, is "
                 "not exact once they saturate.",
        ),
        holds(
            "The log-likelihood is never positive, and w = 0 gives exactly -n ln 2.",
            name="at most 0, -n ln 2 at w = 0", points=1, tolerance=LL_TOLERANCE, strategy=nonpositive_calls(),
            prop=_check_nonpositive, max_examples=20,
            examples=(call(np.array([[1.0], [2.0], [3.0]]), np.array([0, 1, 1]), np.zeros(1)),
                      call([[1.0, 2.0], [-1.0, 0.5]], [1, 0], [0.5, -0.25])),
            hint="Every probability is at most 1, so each log term is at most 0; with w = 0 each row "
                 "contributes ln(1/2).",
        ),
        holds(
            "Duplicating every row doubles the log-likelihood (it is a sum over rows, not a mean).",
            name="doubles with duplicated data", points=1, tolerance=LL_TOLERANCE,
            strategy=problem_calls(min_rows=2), prop=_check_doubling_ll, max_examples=20,
            examples=(call(np.array([[1.0], [2.0]]), np.array([0, 1]), np.array([0.5])),),
            hint="Independent rows multiply their likelihoods, so their logs add up.",
        ),
        holds(
            "Flipping every label and negating the weights leaves it unchanged: ll(X, 1 - y, -w) == ll(X, y, w).",
            name="symmetric in labels and weights", points=1, tolerance=LL_TOLERANCE,
            strategy=problem_calls(), prop=_check_flip, max_examples=20,
            examples=(call(np.array([[1.0], [2.0], [-1.0]]), np.array([1, 1, 0]), np.array([0.7])),),
            hint="A row labelled 1 contributes ln p and a row labelled 0 ln(1 - p); check that each label "
                 "uses its own probability.",
        ),
        form_check(
            "Returns a Python float.", points=0.5, strategy=problem_calls(), expect=_float_scalar,
            hint="Wrap the sum in float(...).",
        ),
        unchanged(points=0.5, strategy=problem_calls(), max_examples=10,
                  hint="Work on converted copies (np.asarray(..., dtype=float)); never modify X, y or w."),
    ),
    depends_on=("logistic.sigmoid", "logistic.predict_proba"),
    mistakes=LL_MISTAKES + (RETURNS_PANDAS, Mistake("returns_0d_array", "Return a Python float: wrap the result "
                                                    "in float(...).")),
)


# --------------------------------------------------------------------------
# log_likelihood_gradient
# --------------------------------------------------------------------------


def _squared_error_gradient(X, y, w):
    z, y = _logits_of(X, y, w)
    X = np.asarray(X, dtype=float)
    p = ref_sigmoid(z)
    return X.T @ ((p - y) * p * (1 - p))


def _finite_differences(X, y, w, h=1e-5):
    """Central differences of the reference log-likelihood."""
    gradient = np.empty_like(w)
    for j in range(w.size):
        step = np.zeros_like(w)
        step[j] = h
        gradient[j] = (ref_log_likelihood(X, y, w + step) - ref_log_likelihood(X, y, w - step)) / (2 * h)
    return gradient


GRADIENT_MISTAKES = (
    Mistake("sign_error", "Your gradient points the wrong way: it is the gradient of the negative "
            "log-likelihood. Differentiate y z - ln(1 + e^z) with respect to z again and watch the sign.",
            model=lambda X, y, w: -ref_gradient(X, y, w)),
    Mistake("mean_instead_of_sum", "You average over the rows. The log-likelihood is a sum over rows, so its "
            "gradient is a sum too: twice the data must give twice the gradient.",
            model=lambda X, y, w: ref_gradient(X, y, w) / len(np.asarray(y))),
    Mistake("squared_error_gradient", "That is the gradient of the squared error (p - y)^2 through the "
            "sigmoid, not of the log-likelihood. Differentiate y z - ln(1 + e^z): the factor p (1 - p) "
            "cancels out.", model=_squared_error_gradient),
    Mistake("missing_transpose", "The gradient needs one entry per weight (shape (d,)), combining the "
            "rows' errors (shape (n,)) with X of shape (n, d). Check which side of the matrix product X "
            "goes on, and whether it must be transposed.", error=MATMUL_MISMATCH),
    no_asarray("log_likelihood_gradient"),
    RETURNS_PANDAS,
)


def _check_finite_differences(function, example):
    """The gradient equals central differences of the log-likelihood."""
    got = function(*example.args).value
    X, y, w = _plain_problem(example)
    expected = _finite_differences(X, y, w)
    reason = compare(got, expected, FINITE_DIFFERENCE_TOLERANCE)
    if reason:
        values = _as_vector(got)
        key = _recognise(GRADIENT_MISTAKES, example, got, FINITE_DIFFERENCE_TOLERANCE)
        if key is None and values is not None and values.shape == (X.shape[0],) != (X.shape[1],):
            key = "missing_transpose"
        raise Mismatch(example, f"the slope of log_likelihood measured along each weight (central differences, "
                       f"shown as expected) differs: {reason}", got=got, expected=expected, mistake=key)


def _check_doubling_gradient(function, example):
    """The gradient of every row twice == 2 * gradient."""
    once = function(*example.args).value
    doubled = _doubled(example)
    twice = function(*doubled.args).value
    values = _as_vector(once)
    if values is None:
        raise Mismatch(example, f"returned {describe_type(once)}, expected an array", got=once, has_expected=False)
    expected = 2.0 * values
    reason = compare(twice, expected, GRADIENT_TOLERANCE)
    if reason:
        key = "mean_instead_of_sum" if compare(twice, once, GRADIENT_TOLERANCE) is None else None
        raise Mismatch(doubled, "with every row duplicated the gradient should double (twice the value for the "
                       f"original rows is shown as expected): {reason}", got=twice, expected=expected, mistake=key)


def _gradient_form(example, value):
    problem = _array_form(lambda e: (_n_cols(e),))(example, value)
    if problem and problem[1] == "wrong_shape" and np.shape(value) == (_n_rows(example),):
        return problem[0], "missing_transpose"
    return problem


LOG_LIKELIHOOD_GRADIENT = Exercise(
    module="logistic",
    name="log_likelihood_gradient",
    points=7,
    checks=(
        agrees(
            "log_likelihood_gradient(X, y, w) equals X.T @ (y - sigmoid(X @ w)), for inputs of any format "
            "and weights from small to huge.",
            points=2.5, strategy=problem_calls(), oracle=ref_gradient, tolerance=GRADIENT_TOLERANCE,
            examples=(call(np.array([[1.0], [2.0]]), np.array([0, 1]), np.array([0.0])),
                      call([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.0]], [1, 0, 1], [0.3, -0.2])),
            hint="Each row contributes its error (y_i - p_i) times its features x_i; add up the rows.",
        ),
        holds(
            "The gradient equals the slope of log_likelihood along each weight (central finite differences).",
            name="matches finite differences", points=2.5, tolerance=FINITE_DIFFERENCE_TOLERANCE,
            strategy=problem_calls(weights="small", formats=NUMPY_FORMATS),
            prop=_check_finite_differences, max_examples=20,
            examples=(call(np.array([[1.0, 0.5], [2.0, -1.0], [-1.0, 1.0]]), np.array([0, 1, 1]),
                           np.array([0.5, -0.5])),),
            hint="Differentiate y z - ln(1 + e^z) with respect to z, then use the chain rule through "
                 "z = X @ w.",
        ),
        holds(
            "Duplicating every row doubles the gradient (it is a sum over rows, not a mean).",
            name="doubles with duplicated data", points=1, tolerance=GRADIENT_TOLERANCE,
            strategy=problem_calls(min_rows=2), prop=_check_doubling_gradient, max_examples=20,
            examples=(call(np.array([[1.0], [2.0]]), np.array([0, 1]), np.array([0.5])),),
            hint="The log-likelihood is a sum over rows, so its gradient adds up the rows' contributions.",
        ),
        form_check(
            "Returns a float ndarray of shape (d,): one entry per weight.", points=0.5,
            strategy=problem_calls(), expect=_gradient_form,
            examples=(call(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), np.array([0, 1, 1]),
                           np.array([0.1, -0.1])),),
            hint="The gradient has as many entries as there are weights, whatever the number of rows.",
        ),
        unchanged(points=0.5, strategy=problem_calls(), max_examples=10,
                  hint="Work on converted copies (np.asarray(..., dtype=float)); never modify X, y or w."),
    ),
    depends_on=("logistic.sigmoid", "logistic.predict_proba"),
    mistakes=GRADIENT_MISTAKES,
)


# --------------------------------------------------------------------------
# gradient_step
# --------------------------------------------------------------------------


STEP_LEARNING_RATES = st.one_of(st.sampled_from([1e-3, 1e-4, 5e-4]), st.floats(1e-5, 2e-3))


@st.composite
def step_calls(draw, *, learning_rates=STEP_LEARNING_RATES, formats=INPUT_FORMATS, weights="any"):
    """gradient_step(X, y, w, learning_rate) calls."""
    p = draw(problems(formats=formats, weights=weights))
    return call(p["X"], p["y"], p["w"], draw(learning_rates))


def _minus_step(X, y, w, learning_rate):
    w = np.asarray(w, dtype=float)
    return w - learning_rate * ref_gradient(X, y, w)


STEP_MISTAKES = (
    Mistake("minus_instead_of_plus", "Your step goes down the log-likelihood. We maximise the log-likelihood: "
            "step along its gradient, not against it (descending the negative log-likelihood is the same "
            "thing).", model=_minus_step),
    Mistake("mutates_input", "Your step changes the caller's w: an in-place update (w += ..., or w[...] = ...) "
            "writes into the array that was passed in, even after np.asarray. Build a new array instead "
            "(w_new = w + ...)."),
    Mistake("returns_input", "You return the very array that was passed in as w (updated in place). Return a "
            "new array and leave w as it was."),
    no_asarray("gradient_step"),
    RETURNS_PANDAS,
)


def _check_climbs(function, example):
    """One small step does not lower the (reference) log-likelihood."""
    got = function(*example.args).value
    X, y, w = _plain_problem(example)
    new = _as_vector(got)
    if new is None or new.shape != w.shape or not np.all(np.isfinite(new)):
        raise Mismatch(example, f"returned {describe_type(got)}, expected new weights of shape {w.shape}",
                       got=got, has_expected=False)
    before = ref_log_likelihood(X, y, w)
    after = ref_log_likelihood(X, y, new)
    if after < before - 1e-9 * (1.0 + abs(before)):
        raise Mismatch(example, f"the step lowered the log-likelihood from {before!r} to {after!r}; a small step "
                       "must climb it", got=got, has_expected=False,
                       mistake=_recognise(STEP_MISTAKES, example, got, GRADIENT_TOLERANCE))


GRADIENT_STEP = Exercise(
    module="logistic",
    name="gradient_step",
    points=5,
    checks=(
        agrees(
            "gradient_step(X, y, w, learning_rate) equals w + learning_rate * log_likelihood_gradient(X, y, w).",
            points=2, strategy=step_calls(learning_rates=st.one_of(STEP_LEARNING_RATES, st.floats(0.01, 1.0))),
            oracle=ref_gradient_step, tolerance=GRADIENT_TOLERANCE,
            examples=(call(np.array([[1.0], [2.0]]), np.array([0, 1]), np.array([0.0]), 0.1),
                      call([[1.0, -1.0], [0.5, 2.0]], [1, 0], [0.3, -0.2], 1)),
            hint="One step moves w by learning_rate times the gradient of the log-likelihood.",
        ),
        holds(
            "A small step raises the log-likelihood (we climb it).",
            name="climbs the log-likelihood", points=1, strategy=step_calls(), prop=_check_climbs,
            max_examples=20,
            examples=(call(np.array([[1.0], [2.0], [-1.0]]), np.array([0, 1, 1]), np.array([0.2]), 0.01),),
            hint="Compare log_likelihood before and after your step: it must go up.",
        ),
        unchanged(points=1, strategy=step_calls(formats=("array",)), max_examples=15,
                  examples=(call(np.array([[1.0], [2.0]]), np.array([0, 1]), np.array([0.5]), 0.1),),
                  hint="Build the new weights as a new array (w + ...); never update w in place."),
        returns_new(points=0.5, strategy=step_calls(formats=("array",)),
                    examples=(call(np.array([[1.0], [2.0]]), np.array([0, 1]), np.array([0.5]), 0.1),),
                    hint="Return a new array, not the w you were given."),
        form_check(
            "Returns a float ndarray of shape (d,).", points=0.5, strategy=step_calls(),
            expect=_array_form(lambda e: (_n_cols(e),)),
            hint="The new weights have the shape of w; convert with np.asarray(w, dtype=float).",
        ),
    ),
    depends_on=("logistic.log_likelihood_gradient", "logistic.sigmoid", "logistic.predict_proba"),
    mistakes=STEP_MISTAKES,
)


# --------------------------------------------------------------------------
# fit
# --------------------------------------------------------------------------

FIT_NAMES = ("X", "y", "learning_rate", "n_iterations", "initial_weights")
FIT_DEFAULTS = (None, None, 0.001, 1000, None)
FIT_LEARNING_RATES = st.one_of(st.sampled_from([1e-3, 2e-3]), st.floats(1e-4, 2e-3))

# One dedicated example with the defaults (1000 iterations, learning rate 0.001).
FIXED_X = np.array([[1.0, -2.0], [1.0, -1.0], [1.0, -0.5], [1.0, 0.0], [1.0, 0.5], [1.0, 1.0], [1.0, 2.0],
                    [1.0, 3.0]])
FIXED_Y = np.array([0, 0, 1, 0, 1, 0, 1, 1])


@st.composite
def starts(draw, d, *, kinds=("none", "float", "int", "list")):
    """Initial weights: omitted, a float array, an int array or a list."""
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return None
    if kind == "int":
        return draw(hnp.arrays(np.int64, d, elements=st.integers(-3, 3)))
    w = draw(hnp.arrays(np.float64, d, elements=floats(3.0)))
    return w.tolist() if kind == "list" else w


@st.composite
def fit_calls(draw, *, iterations=st.integers(0, 30), kinds=("none", "float", "int", "list"),
              formats=INPUT_FORMATS, max_rows=10):
    """fit calls with few iterations, arguments passed positionally or by keyword."""
    p = draw(problems(formats=formats, max_rows=max_rows, max_cols=3))
    learning_rate = draw(FIT_LEARNING_RATES)
    n_iterations = draw(iterations)
    start = draw(starts(p["d"], kinds=kinds))
    X, y = p["X"], p["y"]
    if draw(st.booleans()):
        kwargs = {"learning_rate": learning_rate, "n_iterations": n_iterations}
        if start is not None:
            kwargs["initial_weights"] = start
        return call(X, y, **kwargs)
    if start is None:
        return call(X, y, learning_rate, n_iterations)
    return call(X, y, learning_rate, n_iterations, start)


def _fit_arguments(example):
    """(X, y, learning_rate, n_iterations, initial_weights), defaults filled in, as plain data."""
    values = dict(zip(FIT_NAMES, FIT_DEFAULTS))
    values.update(zip(FIT_NAMES, to_plain(example.args)))
    values.update(to_plain(example.kwargs))
    return tuple(values[name] for name in FIT_NAMES)


def _climb(X, y, learning_rate, n_iterations, start):
    """``n_iterations`` reference gradient steps from ``start``."""
    w = np.array(start, dtype=float)
    for _ in range(max(int(n_iterations), 0)):
        w = ref_gradient_step(X, y, w, learning_rate)
    return w


def _fit_model(start_of):
    """A wrong fit that climbs from ``start_of(d, initial_weights)``."""
    def model(*args, **kwargs):
        X, y, learning_rate, n_iterations, start = _fit_arguments(call(*args, **kwargs))
        d = np.asarray(X).shape[1]
        return _climb(X, y, learning_rate, n_iterations, start_of(d, start))
    return model


FIT_MISTAKES = (
    Mistake("starts_from_ones", "Without initial_weights the fit must start from zeros (all weights 0), not "
            "from ones.", model=_fit_model(lambda d, start: np.ones(d) if start is None else start)),
    Mistake("off_by_one", "Your fit takes one step too many or too few: n_iterations = k means exactly k "
            "gradient steps (and 0 steps returns the start). Check your loop's range."),
    Mistake("equals_none", "`initial_weights == None` compares an array elementwise, and `if` cannot decide "
            "on an array of booleans. Test for a missing argument with `is None`.",
            error=r"truth value of an array with more than one element is ambiguous"),
    Mistake("int_initial_weights", "Integer initial weights (say np.array([0, 1])) must still be updated by "
            "fractional steps: an integer array cannot hold them (assigning into it truncates, += raises). "
            "Copy the start into a float array first.", error=r"Cannot cast ufunc '\w+' output from dtype"),
    Mistake("mutates_input", "Your fit changes the caller's initial_weights: an in-place update (w += ...) on "
            "the array you were given writes into it. Start from a float copy (np.array(..., dtype=float))."),
    Mistake("returns_input", "With n_iterations = 0 you return the caller's initial_weights itself. Return a "
            "copy, so that changing the result cannot change the caller's array."),
    no_asarray("fit"),
    RETURNS_PANDAS,
)


def _given_start(example):
    """The initial_weights argument as passed (positionally or by keyword), or None."""
    if "initial_weights" in example.kwargs:
        return example.kwargs["initial_weights"]
    return example.args[4] if len(example.args) > 4 else None


def _with_start(example, start):
    """The same call with another initial_weights."""
    if "initial_weights" in example.kwargs:
        return call(*example.args, **dict(example.kwargs, initial_weights=start))
    return call(*example.args[:4], start, *example.args[5:], **example.kwargs)


def _fit_mistake(function, example, got):
    """Which known fit mistake explains ``got`` (an int start, a step too many or too few, a start of ones)."""
    X, y, learning_rate, n_iterations, start = _fit_arguments(example)
    start = np.zeros(np.asarray(X).shape[1]) if start is None else start
    expected = _climb(X, y, learning_rate, n_iterations, start)
    given = _given_start(example)
    if isinstance(given, np.ndarray) and given.dtype.kind in "iu":
        as_float = _with_start(example, given.astype(float))
        try:
            float_result = function(*as_float.args, **as_float.kwargs).value
        except StudentRaised:
            float_result = None
        if float_result is not None and compare(float_result, expected, FIT_TOLERANCE) is None:
            return "int_initial_weights"
    for extra in (1, -1):
        if n_iterations + extra >= 0 and compare(got, _climb(X, y, learning_rate, n_iterations + extra, start),
                                                 FIT_TOLERANCE) is None:
            return "off_by_one"
    return _recognise(FIT_MISTAKES, example, got, FIT_TOLERANCE)


def _check_fit(what):
    """fit equals n_iterations reference steps from the start (zeros by default)."""

    def prop(function, example):
        got = function(*example.args, **example.kwargs).value
        X, y, learning_rate, n_iterations, start = _fit_arguments(example)
        start = np.zeros(np.asarray(X).shape[1]) if start is None else start
        expected = _climb(X, y, learning_rate, n_iterations, start)
        reason = compare(got, expected, FIT_TOLERANCE)
        if reason:
            raise Mismatch(example, f"{n_iterations} gradient steps from {what} (shown as expected) give other "
                           f"weights: {reason}", got=got, expected=expected,
                           mistake=_fit_mistake(function, example, got))

    return prop


def _check_fit_agrees(function, example):
    """fit equals the reference fit."""
    got = function(*example.args, **example.kwargs).value
    expected = ref_fit(*to_plain(example.args), **to_plain(example.kwargs))
    reason = compare(got, expected, FIT_TOLERANCE)
    if reason:
        raise Mismatch(example, reason, got=got, expected=expected, mistake=_fit_mistake(function, example, got))


def _fit_form(example, value):
    problem = _array_form(lambda e: (_n_cols(e),))(example, value)
    if problem and isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return problem[0], "int_initial_weights"
    return problem


def _fit_examples_explicit():
    X = np.array([[1.0, 0.5], [1.0, -1.0], [1.0, 2.0]])
    y = np.array([1, 0, 1])
    return (call(X, y, learning_rate=0.01, n_iterations=3, initial_weights=np.array([0.5, -0.25])),
            call(X, y, learning_rate=0.01, n_iterations=3, initial_weights=np.array([1, -2])),
            call(X, y, learning_rate=0.01, n_iterations=3, initial_weights=[0.5, 1.0]),
            call(X, y, learning_rate=0.01, n_iterations=0, initial_weights=np.array([2, 1])))


FIT = Exercise(
    module="logistic",
    name="fit",
    points=7,
    checks=(
        holds(
            "fit(X, y, learning_rate, n_iterations, initial_weights) equals n_iterations gradient steps from "
            "initial_weights (zeros by default); the defaults are learning_rate=0.001, n_iterations=1000.",
            name="agrees with the reference", points=2.5, strategy=fit_calls(), prop=_check_fit_agrees,
            tolerance=FIT_TOLERANCE, max_examples=20,
            examples=(call([[1.0, 2.0], [1.0, -1.0]], [1, 0], learning_rate=0.01, n_iterations=2),
                      call(FIXED_X, FIXED_Y)),
            hint="Start from the initial weights and apply gradient_step exactly n_iterations times.",
        ),
        holds(
            "n_iterations = k takes exactly k gradient steps (0 steps returns the start).",
            name="exactly n_iterations steps", points=1, strategy=fit_calls(iterations=st.integers(0, 6)),
            prop=_check_fit("the start"), max_examples=15, tolerance=FIT_TOLERANCE,
            examples=(call(np.array([[1.0], [2.0]]), np.array([0, 1]), learning_rate=0.1, n_iterations=0,
                           initial_weights=np.array([0.5])),
                      call(np.array([[1.0], [2.0]]), np.array([0, 1]), learning_rate=0.1, n_iterations=1),
                      call(np.array([[1.0, 0.0], [2.0, 1.0]]), np.array([0, 1]), 0.1, 2)),
            hint="Count the steps your loop takes for n_iterations = 0, 1 and 2.",
        ),
        holds(
            "An explicit initial_weights (float array, int array or list) is the starting point.",
            name="explicit initial weights", points=1, prop=_check_fit("the given initial_weights"),
            tolerance=FIT_TOLERANCE,
            examples=_fit_examples_explicit(),
            strategy=fit_calls(kinds=("float", "int", "list"), iterations=st.integers(0, 10)), max_examples=10,
            hint="Use the given initial weights (as a float copy) when they are given, zeros only when "
                 "initial_weights is None.",
        ),
        holds(
            "Without initial_weights the fit starts from zeros.",
            name="starts from zeros", points=1, tolerance=FIT_TOLERANCE,
            prop=_check_fit("zeros"),
            examples=(call(np.array([[1.0, 0.5], [1.0, -1.0]]), np.array([1, 0]), learning_rate=0.1,
                           n_iterations=1),
                      call(np.array([[1.0], [2.0]]), np.array([0, 1]), learning_rate=0.1, n_iterations=0)),
            strategy=fit_calls(kinds=("none",), iterations=st.integers(0, 10)), max_examples=10,
            hint="With no initial weights given, every weight starts at 0.",
        ),
        returns_new(points=0.5, strategy=fit_calls(kinds=("float",), iterations=st.integers(0, 3),
                                                   formats=("array",)),
                    examples=(call(np.array([[1.0, 2.0]]), np.array([1]), learning_rate=0.1, n_iterations=0,
                                   initial_weights=np.array([0.5, -0.5])),),
                    hint="Even after 0 steps, return a new array: copy the start."),
        unchanged(points=0.5, strategy=fit_calls(kinds=("float", "list"), iterations=st.integers(1, 5),
                                                 formats=("array",)), max_examples=10,
                  examples=(call(np.array([[1.0, 2.0], [1.0, -1.0]]), np.array([1, 0]), learning_rate=0.1,
                                 n_iterations=2, initial_weights=np.array([0.5, -0.5])),),
                  hint="Start from a float copy of initial_weights and never update the caller's arrays in place."),
        form_check(
            "Returns a float ndarray of shape (d,).", points=0.5, strategy=fit_calls(iterations=st.integers(0, 5)),
            expect=_fit_form,
            examples=(call(np.array([[1.0, 2.0]]), np.array([1]), learning_rate=0.1, n_iterations=0,
                           initial_weights=[1, 2]),),
            hint="Return the weights as a float NumPy array of shape (d,), even after 0 steps from a list or "
                 "integer start.",
        ),
    ),
    depends_on=("logistic.gradient_step", "logistic.log_likelihood_gradient", "logistic.log_likelihood",
                "logistic.sigmoid", "logistic.predict_proba"),
    mistakes=FIT_MISTAKES,
)


# --------------------------------------------------------------------------
# predict_proba
# --------------------------------------------------------------------------


@st.composite
def proba_calls(draw, *, formats=INPUT_FORMATS, weights="any"):
    p = draw(problems(formats=formats, weights=weights))
    return call(p["X"], p["w"])


def _proba_sign_error(X, w):
    X, w = np.asarray(X, dtype=float), np.asarray(w, dtype=float)
    return ref_sigmoid(-(X @ w))


PROBA_MISTAKES = (
    Mistake("sign_error", "Your probabilities go the wrong way: a larger score X @ w must give a larger "
            "probability of class 1. Check the sign of the score you pass to the sigmoid.",
            model=_proba_sign_error),
    no_asarray("predict_proba"),
    RETURNS_PANDAS,
)


def _check_proba_order(function, example):
    """Zero weights give 0.5; a larger score gives a larger (or equal) probability."""
    got = function(*example.args).value
    X, w = (np.asarray(a, dtype=float) for a in to_plain(example.args[:2]))
    values = _as_vector(got)
    if values is None or values.shape != (X.shape[0],):
        raise Mismatch(example, f"returned {describe_type(got)}, expected one probability per row", got=got,
                       has_expected=False)
    z = X @ w
    if not np.any(w) and not np.all(np.abs(values - 0.5) <= SYMMETRY_TOLERANCE.atol):
        raise Mismatch(example, "with w = 0 every score is 0, so every probability must be 0.5", got=got,
                       expected=np.full(X.shape[0], 0.5))
    order = np.argsort(z, kind="stable")
    steps = np.diff(values[order])
    down = steps < -SYMMETRY_TOLERANCE.atol  # rows whose scores differ by rounding only may wobble by an ulp
    if np.any(down) or np.any(np.isnan(values)):
        decreasing = bool(np.any(down)) and np.all(np.diff(z[order])[down] > 0)
        raise Mismatch(example, "a row with a larger score X @ w got a smaller probability", got=got,
                       has_expected=False, mistake="sign_error" if decreasing else None)


PREDICT_PROBA = Exercise(
    module="logistic",
    name="predict_proba",
    points=4,
    checks=(
        agrees(
            "predict_proba(X, w) equals sigmoid(X @ w), one probability per row, for inputs of any format.",
            points=2, strategy=proba_calls(), oracle=ref_predict_proba, tolerance=SIGMOID_TOLERANCE,
            examples=(call([[0.0], [1.0]], [0.0]), call(np.array([[1.0, 2.0], [-1.0, 0.5]]), np.array([0.5, 1.0]))),
            hint="Compute each row's score x_i . w, then turn the scores into probabilities.",
        ),
        holds(
            "Zero weights give 0.5 everywhere, and a larger score X @ w never gives a smaller probability.",
            name="increasing in the score", points=1, strategy=proba_calls(weights="small"),
            tolerance=SYMMETRY_TOLERANCE,
            prop=_check_proba_order, max_examples=20,
            examples=(call(np.array([[1.0], [2.0], [-1.0]]), np.zeros(1)),
                      call(np.array([[1.0, 0.0], [-2.0, 1.0], [3.0, 1.0]]), np.array([0.5, 0.1]))),
            hint="The probability of class 1 is the sigmoid of the row's score, and the sigmoid increases.",
        ),
        form_check(
            "Returns a float ndarray of shape (n,).", points=0.5, strategy=proba_calls(),
            expect=_array_form(lambda e: (_n_rows(e),)),
            examples=(call(np.array([[1.0, 2.0]]), np.array([0.5, 0.5])),),
            hint="One probability per row of X, as a float NumPy array of shape (n,).",
        ),
        unchanged(points=0.5, strategy=proba_calls(), max_examples=10,
                  hint="Work on converted copies; never modify X or w."),
    ),
    depends_on=("logistic.sigmoid",),
    mistakes=PROBA_MISTAKES,
)


# --------------------------------------------------------------------------
# predict
# --------------------------------------------------------------------------

THRESHOLDS = st.one_of(st.just(None), st.sampled_from([0.5, 0.3, 0.7]), st.floats(0.05, 0.95))


def _clear_of_threshold(X, w, threshold):
    """True when every probability is exactly 0.5 at z == 0 with threshold 0.5, or >= 1e-9 from the threshold.

    Correct formulas (sigmoid then >=, or comparing scores with logit(threshold))
    agree on these; they may round differently within 1e-9 of the threshold.
    """
    z = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float)
    p = expit(z)
    exact_tie = (z == 0) & (threshold == 0.5)
    return bool(np.all(exact_tie | (np.abs(p - threshold) >= 1e-9)))


@st.composite
def predict_calls(draw, *, formats=INPUT_FORMATS, weights="any"):
    """predict(X, w[, threshold]) with no probability within 1e-9 of the threshold (but exact ties)."""
    p = draw(problems(formats=formats, weights=weights))
    threshold = draw(THRESHOLDS)
    assume(_clear_of_threshold(to_plain(p["X"]), to_plain(p["w"]), 0.5 if threshold is None else threshold))
    if threshold is None:
        return call(p["X"], p["w"])
    if draw(st.booleans()):
        return call(p["X"], p["w"], threshold=threshold)
    return call(p["X"], p["w"], threshold)


def _strict_predict(X, w, threshold=0.5):
    return (ref_predict_proba(X, w) > threshold).astype(np.int64)


PREDICT_MISTAKES = (
    Mistake("strict_inequality", "A probability exactly equal to the threshold must count as class 1: the "
            "rule is p >= threshold, not p > threshold.", model=_strict_predict),
    Mistake("returns_bools", "You return booleans (the result of a comparison). Labels are integers 0 and 1: "
            "convert the comparison's result to an integer dtype."),
    Mistake("returns_floats", "You return floats. Labels are integers 0 and 1: use an integer dtype."),
    Mistake("returns_list", "You return a Python list. Return a NumPy array of integer labels."),
    no_asarray("predict"),
    RETURNS_PANDAS,
)

def _check_predict_tie(function, example):
    got = function(*example.args, **example.kwargs).value
    expected = ref_predict(*to_plain(example.args), **to_plain(example.kwargs))
    reason = compare(got, expected, EXACT)
    if reason:
        raise Mismatch(example, f"some rows have a probability of exactly the threshold: {reason}", got=got,
                       expected=expected, mistake=_recognise(PREDICT_MISTAKES, example, got, EXACT))


TIE_X = np.array([[1.0, 1.0], [2.0, -3.0], [0.0, 0.0], [-1.0, 1.0], [3.0, -3.0]])


PREDICT = Exercise(
    module="logistic",
    name="predict",
    points=4,
    checks=(
        agrees(
            "predict(X, w, threshold) is 1 where predict_proba(X, w) >= threshold and 0 elsewhere "
            "(threshold 0.5 by default).",
            points=2, strategy=predict_calls(), oracle=ref_predict, tolerance=EXACT,
            examples=(call([[-1.0], [0.5], [1.0]], [1.0]), call(np.array([[2.0, 1.0], [-1.0, 0.0]]),
                                                                 np.array([1.0, 1.0]), 0.9)),
            hint="Compare each row's probability of class 1 with the threshold.",
        ),
        holds(
            "A probability exactly at the threshold counts as class 1 (>=, not >).",
            name="class 1 at the threshold", points=1, tolerance=EXACT,
            prop=_check_predict_tie,
            examples=(call(TIE_X, np.array([1.5, 1.5])), call([[1, -2], [3, 1]], [2.0, 1.0], threshold=0.5),
                      call(TIE_X, np.zeros(2), 0.5), call([[0.0], [1.0], [-1.0]], [0.0])),
            hint="Decide what happens when the probability equals the threshold exactly: that row is class 1.",
        ),
        form_check(
            "Returns an integer ndarray of shape (n,) (0 and 1 labels).", points=0.5, strategy=predict_calls(),
            expect=_array_form(lambda e: (_n_rows(e),), kinds="iu", what="an integer array"),
            examples=(call(np.array([[1.0], [-1.0]]), np.array([1.0])),),
            hint="Labels are integers: an integer NumPy array of shape (n,), not booleans, floats or a list.",
        ),
        unchanged(points=0.5, strategy=predict_calls(), max_examples=10,
                  hint="Work on converted copies; never modify X or w."),
    ),
    depends_on=("logistic.predict_proba", "logistic.sigmoid"),
    mistakes=PREDICT_MISTAKES,
)


# --------------------------------------------------------------------------
# add_intercept
# --------------------------------------------------------------------------


@st.composite
def intercept_calls(draw, *, formats=INPUT_FORMATS):
    """add_intercept(X) on small int or float matrices in any format."""
    n = draw(st.integers(1, 10))
    d = draw(st.integers(1, 4))
    X = draw(design_matrices(n, d))
    fmt = draw(st.sampled_from(formats))
    index = draw(shuffled_index(n)) if fmt == "pandas" else None
    return call(as_format(X, fmt, index))


def _ones_last(X):
    X = np.asarray(X, dtype=float)
    return np.column_stack([X, np.ones(X.shape[0])])


def _check_ones_first(function, example):
    """Column 0 is all ones, columns 1.. are X."""
    got = function(*example.args).value
    X = np.asarray(to_plain(example.args[0]), dtype=float)
    values = _as_vector(got)
    if values is None or values.shape != (X.shape[0], X.shape[1] + 1):
        raise Mismatch(example, f"returned {describe_type(got)}, expected an array of shape "
                       f"{(X.shape[0], X.shape[1] + 1)}", got=got, has_expected=False)
    if not (np.all(values[:, 0] == 1) and np.array_equal(values[:, 1:], X)):
        key = "ones_last" if np.all(values[:, -1] == 1) and np.array_equal(values[:, :-1], X) else None
        raise Mismatch(example, "column 0 must be all ones and the other columns X, in order", got=got,
                       has_expected=False, mistake=key)


def _intercept_form(example, value):
    problem = _array_form(lambda e: (_n_rows(e), _n_cols(e) + 1))(example, value)
    if problem and problem[1] is None and isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return problem[0], "keeps_int_dtype"
    return problem


INTERCEPT_MISTAKES = (
    Mistake("ones_last", "The column of ones must come first (column 0), before the columns of X.",
            model=_ones_last),
    Mistake("keeps_int_dtype", "For an integer X your result is an integer array. The design matrix is "
            "float: convert X with np.asarray(X, dtype=float) before adding the column."),
    no_asarray("add_intercept"),
    RETURNS_PANDAS,
)


ADD_INTERCEPT = Exercise(
    module="logistic",
    name="add_intercept",
    points=4,
    checks=(
        agrees(
            "add_intercept(X) equals X with a column of ones put in front, for X of any format.",
            points=2, strategy=intercept_calls(), oracle=ref_add_intercept, tolerance=EXACT, max_examples=20,
            examples=(call([[2], [3]]), call(np.array([[1.5, -2.0]])), call(np.array([[0.0], [4.0], [-1.0]]))),
            hint="Put a column of ones (one per row) in front of the columns of X.",
        ),
        holds(
            "Column 0 is all ones and the remaining columns are X, unchanged and in order.",
            name="ones column first", points=1, strategy=intercept_calls(), prop=_check_ones_first,
            max_examples=15, public=True, examples=(call(np.array([[2.0, 5.0], [3.0, 7.0]])),),
            hint="The intercept's column goes first, then X's columns in their order.",
        ),
        form_check(
            "Returns a float ndarray of shape (n, d + 1), also for integer X.", points=0.5,
            strategy=intercept_calls(), expect=_intercept_form,
            examples=(call(np.array([[2, 5], [3, 7]])), call([[1], [2]])),
            hint="The result is a float design matrix with one more column than X.",
        ),
        unchanged(points=0.5, strategy=intercept_calls(), max_examples=10,
                  hint="Build a new array; never insert the column into the X you were given."),
    ),
    mistakes=INTERCEPT_MISTAKES,
)


EXERCISES = (SIGMOID, LOG_LIKELIHOOD, LOG_LIKELIHOOD_GRADIENT, GRADIENT_STEP, FIT, PREDICT_PROBA, PREDICT,
             ADD_INTERCEPT)
