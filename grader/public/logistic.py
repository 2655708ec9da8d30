"""Public checks of ``exercises/logistic.py``: logistic regression from scratch.

Expected values come from SciPy's ``expit`` (the sigmoid, which a student may
use too), scikit-learn's ``log_loss`` (the negative log-likelihood, exact
while no prediction saturates), central finite differences, hand-computed
examples, and the student's own functions: ``predict_proba`` is compared with
their ``sigmoid``, ``gradient_step`` with their gradient, ``fit`` with their
``gradient_step``. A result that agrees with the library or with the
student's own dependency passes, so one mistake is charged once.
"""

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.checks import Mismatch, holds, no_warnings, returns_form, returns_new, unchanged
from grader.declaration import Exercise, Mistake
from grader.library_cache import remembered
from grader.public.common import (PUBLIC_FORMATS, Expected, agree_with_any, central_differences, columns,
                                  doubled_call, examples_of, expect_close, float_scalar, float_vector, grid_arrays,
                                  hand_computed, like, library_log_likelihood, matrices, numbers, own, plain,
                                  plain_floats, rows)
from grader.strategies import as_format, call, label_arrays, logit_inputs, logits
from grader.values import Tolerance, describe_type, show

# Never stricter than the hidden checks (sigmoid 1e-9 / 1e-12, symmetry 1e-12,
# log-likelihood and gradient 1e-9, finite differences 1e-5, fit 1e-7).
SIGMOID_TOLERANCE = Tolerance(rtol=1e-9, atol=1e-11)
SYMMETRY_TOLERANCE = Tolerance(atol=1e-11)
LL_TOLERANCE = Tolerance(rtol=1e-8, atol=1e-8)
GRADIENT_TOLERANCE = Tolerance(rtol=1e-8, atol=1e-8)
FD_TOLERANCE = Tolerance(rtol=1e-5, atol=1e-5)
FIT_TOLERANCE = Tolerance(rtol=1e-6, atol=1e-8)
FD_STEP = 1e-5


@remembered
def expit(z):
    """SciPy's sigmoid (imported on first use: SciPy takes a moment to load)."""
    from scipy.special import expit as scipy_expit

    return scipy_expit(z)


# --------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------


@st.composite
def problems(draw, *, max_rows=8):
    """(X, y, w) in one format: X on a grid (or small integers), labels, weights small or now and then huge."""
    n, d = draw(st.integers(1, max_rows)), draw(st.integers(1, 3))
    X = draw(matrices(n, d))
    y = draw(label_arrays(n))
    scale = draw(st.sampled_from([1.0, 50.0, 1000.0]))  # large weights saturate the sigmoid
    w = draw(grid_arrays(d, 3.0)) * scale
    fmt = draw(st.sampled_from(PUBLIC_FORMATS))
    return as_format(X, fmt), as_format(y, fmt), w.tolist() if fmt == "list" else w


def problem_calls():
    """``f(X, y, w)`` on logistic problems."""
    return problems().map(lambda p: call(*p))


@st.composite
def moderate_problems(draw, *, min_rows=1, max_rows=8):
    """``f(X, y, w)`` with |X @ w| <= 9: no prediction saturates, so scikit-learn's log loss is exact."""
    n = draw(st.integers(min_rows, max_rows))
    d = draw(st.integers(1, 3))
    X = draw(grid_arrays((n, d), 3.0))
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    w = draw(grid_arrays(d, 1.0, 0.125))
    fmt = draw(st.sampled_from(PUBLIC_FORMATS))
    return call(as_format(X, fmt), as_format(y, fmt), w.tolist() if fmt == "list" else w)


@st.composite
def huge_weight_calls(draw):
    """``f(X, y, w)`` with every |w_j| in [40, 1000]: predictions saturate."""
    X, y, _ = draw(problems())
    d = plain(X).shape[1]
    w = draw(hnp.arrays(np.float64, d, elements=st.sampled_from([40.0, -40.0, 100.0, -100.0, 1000.0, -1000.0])))
    return call(X, y, w)


def _problem(example):
    return tuple(plain_floats(a) for a in example.args[:3])


# --------------------------------------------------------------------------
# sigmoid
# --------------------------------------------------------------------------


@st.composite
def sorted_logits(draw):
    """A sorted 1-d array of distinct logits holding 0.0."""
    values = draw(hnp.arrays(np.float64, draw(st.integers(1, 8)), elements=logits()))
    return call(np.unique(np.concatenate([values, [0.0]])))


def _check_expit(function, example):
    got = function(*example.args).value
    expected = expit(plain_floats(example.args[0]))
    expect_close(example, got, expected, SIGMOID_TOLERANCE, "compared with scipy.special.expit(z)",
                 mistakes=(("sign_error", expit(-plain_floats(example.args[0])), SIGMOID_TOLERANCE),))


def _check_shape_of_curve(function, example):
    """In [0, 1], 0.5 at 0, increasing, and sigmoid(-z) == 1 - sigmoid(z)."""
    z = example.args[0]
    got = function(z).value
    values = numbers(got)
    if values is None or values.shape != z.shape:
        raise Mismatch(example, f"returned {describe_type(got)}, expected one probability per logit", got=got,
                       has_expected=False)
    if not np.all((values >= 0) & (values <= 1)):
        raise Mismatch(example, "a probability must lie in [0, 1] (nan does not)", got=got, has_expected=False)
    if not np.all(values[z == 0.0] == 0.5):
        raise Mismatch(example, "sigmoid(0) must be exactly 0.5", got=got, has_expected=False)
    steps = np.diff(values)
    if np.any(steps < 0):
        k = int(np.argmax(steps < 0))
        raise Mismatch(example, f"z increases from {show(z[k].item())} to {show(z[k + 1].item())} but sigmoid goes "
                       f"down from {show(values[k].item())} to {show(values[k + 1].item())}", got=got,
                       has_expected=False, mistake="sign_error")
    mirrored = call(-z)
    expect_close(mirrored, function(-z).value, 1.0 - values, SYMMETRY_TOLERANCE,
                 "sigmoid(-z) must equal 1 - sigmoid(z) (shown as expected)")


def _sigmoid_form(example, value):
    z = example.args[0]
    if isinstance(z, (int, float)):
        return float_scalar(example, value)
    if isinstance(z, np.ndarray) and z.ndim == 0:
        zero_d = isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind == "f"
        if isinstance(value, float) or zero_d:
            return None
        return f"returned {describe_type(value)}, expected a float"
    shape = plain(z).shape
    if not isinstance(value, np.ndarray):
        return f"returned {describe_type(value)}, expected a float NumPy array of shape {shape}"
    if value.shape != shape:
        return f"the shape is {value.shape}, expected {shape} (the shape of z)"
    if value.dtype.kind != "f":
        return f"the dtype is {value.dtype}, expected a float dtype"
    return None


SIGMOID_CASES = (
    (call(0.0), 0.5),
    (call(math.log(3.0)), 0.75),  # 1 / (1 + 1/3)
    (call(1000.0), 1.0),
    (call(-1000.0), 0.0),
    (call(np.array([-1e4, 0.0, 1e4])), np.array([0.0, 0.5, 1.0])),
)


def _exp_ratio(z):
    """The mistake: e^z / (1 + e^z), nan for large z."""
    with np.errstate(all="ignore"):
        return np.exp(plain_floats(z)) / (1 + np.exp(plain_floats(z)))


SIGMOID = Exercise(
    module="logistic",
    name="sigmoid",
    points=7,
    checks=(
        holds(
            "Hand-computed values: sigmoid(0) = 0.5, sigmoid(ln 3) = 0.75, sigmoid(1000) = 1.0, "
            "sigmoid(-1000) = 0.0.",
            name="hand-computed values", points=1,
            prop=hand_computed(SIGMOID_CASES, SIGMOID_TOLERANCE, mistakes=lambda example: (
                ("sign_error", expit(-plain_floats(example.args[0])), SIGMOID_TOLERANCE),)),
            examples=examples_of(SIGMOID_CASES), tolerance=SIGMOID_TOLERANCE,
            hint="sigmoid(z) = 1 / (1 + e^(-z)); it must stay exact (no nan) when |z| is large.",
        ),
        holds(
            "sigmoid(z) equals scipy.special.expit(z) elementwise, for numbers, lists and arrays of any shape, "
            "with z up to +-1e4.",
            name="agrees with scipy.special.expit", points=2, strategy=logit_inputs().map(call),
            prop=_check_expit, tolerance=SIGMOID_TOLERANCE, max_examples=6,
            hint="Start from 1 / (1 + e^(-z)) and make sure it works elementwise on arrays and stays exact "
                 "(no inf, no nan) when |z| is large.",
        ),
        holds(
            "sigmoid is increasing, lies in [0, 1], gives 0.5 at 0, and sigmoid(-z) == 1 - sigmoid(z).",
            name="the shape of the curve", points=1.5, strategy=sorted_logits(), prop=_check_shape_of_curve,
            tolerance=SYMMETRY_TOLERANCE, max_examples=6,
            examples=(call(np.array([-2.0, 0.0, 2.0])), call(np.array([-800.0, -40.0, 0.0, 40.0, 800.0]))),
            hint="A larger z must never give a smaller probability, z = 0 is exactly halfway, and the two "
                 "halves of the curve mirror each other.",
        ),
        no_warnings(
            "sigmoid never warns (no overflow), for any z in [-1e4, 1e4].",
            points=1, strategy=logit_inputs().map(call), max_examples=6,
            examples=(call(np.array([-1e4, 0.0, 1e4])), call(-1000.0), call(1000.0), call([-800.0, 800.0])),
            hint="A warning (overflow in exp) means some step computes e^(large number). Only ever "
                 "exponentiate numbers that are <= 0 (look at the sign of z), or use scipy.special.expit.",
        ),
        returns_form(
            "A number gives a float; an array or list gives a float ndarray of the same shape as z.",
            points=1, strategy=logit_inputs().map(call), expect=_sigmoid_form, max_examples=6,
            examples=(call(np.array([0.0, 1.0])), call([0.0, 1.0]), call(1.0), call(np.array([[0.0], [2.0]]))),
            hint="Work on np.asarray(z, dtype=float) with NumPy's elementwise operations; for a plain number "
                 "return float(...).",
        ),
        unchanged(points=0.5, strategy=logit_inputs().map(call), max_examples=3,
                  examples=(call(np.array([-1.0, 0.0, 2.0])),),
                  hint="Compute into a new array; never assign into z or use in-place operators (z *= -1) on it."),
    ),
    mistakes=(
        Mistake("warning", "np.exp(-z) overflows for very negative z (below about -709): NumPy warns and "
                "computes 1 / (1 + inf). Only ever exponentiate numbers that are <= 0 (look at the sign of z), "
                "or use scipy.special.expit."),
        Mistake("exp_ratio_nan", "np.exp(z) / (1 + np.exp(z)) becomes inf / inf = nan for large z. Rewrite the "
                "formula so that it never exponentiates a large positive number.", model=_exp_ratio),
        Mistake("sign_error", "Your sigmoid decreases: check the sign inside the exponential. sigmoid(z) must be "
                "above 0.5 for positive z."),
        Mistake("math_exp", "math.exp works on one number at a time: it fails on arrays and lists. Use NumPy's "
                "np.exp, which works elementwise on arrays of any shape.",
                error=r"math\.exp|only (0-dimensional|length-1|size-1) arrays can be converted|must be real number"),
    ),
)


# --------------------------------------------------------------------------
# log_likelihood
# --------------------------------------------------------------------------


def _check_log_loss(function, example):
    got = function(*example.args).value
    X, y, w = _problem(example)
    expected = library_log_likelihood(X, y, w)
    expect_close(example, got, expected, LL_TOLERANCE,
                 "compared with -sklearn.metrics.log_loss(y, sigmoid(X @ w), normalize=False)",
                 mistakes=(("negative_log_likelihood", -expected, LL_TOLERANCE),
                           ("mean_instead_of_sum", expected / len(y), LL_TOLERANCE)))


def _check_saturated(function, example):
    """Huge weights: the value is a finite number <= 0."""
    got = function(*example.args).value
    value = numbers(got)
    if value is None or value.shape != ():
        raise Mismatch(example, f"returned {describe_type(got)}, expected one number", got=got, has_expected=False)
    if not np.isfinite(value):
        raise Mismatch(example, f"returned {show(float(value))} for saturated predictions, expected a finite "
                       "number", got=got, has_expected=False, mistake="log_of_sigmoid")
    if not float(value) <= 1e-9:
        raise Mismatch(example, "a log-likelihood is a sum of logs of probabilities, so it cannot be positive",
                       got=got, has_expected=False, mistake="negative_log_likelihood")


def _check_doubling(function, example):
    """Every row twice doubles the log-likelihood."""
    once = numbers(function(*example.args).value)
    doubled = doubled_call(example)
    got = function(*doubled.args).value
    if once is None or once.shape != ():
        raise Mismatch(example, "the result is not one number", got=once, has_expected=False)
    expect_close(doubled, got, 2.0 * float(once), LL_TOLERANCE,
                 "with every row twice, the log-likelihood must double (the log of a product is a sum)",
                 mistakes=(("mean_instead_of_sum", float(once), LL_TOLERANCE),))


def _flipped(example):
    """The call with every label flipped (1 - y) and the weights negated."""
    X, y, w = example.args[:3]
    labels = plain(y)
    flipped = ~labels if labels.dtype == np.bool_ else 1 - labels
    return call(X, like(y, flipped), like(w, -plain_floats(w)))


def _check_flip(function, example):
    """ll(X, 1 - y, -w) == ll(X, y, w)."""
    original = function(*example.args).value
    flipped = _flipped(example)
    expect_close(flipped, function(*flipped.args).value, original, LL_TOLERANCE,
                 "flipping every label (y -> 1 - y) and negating the weights describes the same model, so the "
                 "log-likelihood must not change; the value before flipping is shown as expected")


LL_CASES = (
    (call([[1.0], [2.0]], [0, 1], [0.0]), -2 * math.log(2)),  # w = 0: every probability is 1/2
    (call(np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]]), np.array([1, 0, 1]), np.zeros(2)), -3 * math.log(2)),
    (call([[1.0]], [1], [2.0]), -0.1269280110429725),  # -ln(1 + e^-2)
    (call([[1.0]], [0], [2.0]), -2.1269280110429727),  # -ln(1 + e^2)
)

LOG_LIKELIHOOD = Exercise(
    module="logistic",
    name="log_likelihood",
    points=7,
    checks=(
        holds(
            "Hand-computed values: with w = 0 every probability is 1/2, so the log-likelihood is -n ln 2.",
            name="hand-computed values", points=1, prop=hand_computed(LL_CASES, LL_TOLERANCE),
            examples=examples_of(LL_CASES), tolerance=LL_TOLERANCE,
            hint="Each row adds y_i z_i - ln(1 + e^(z_i)) with z = X @ w.",
        ),
        holds(
            "log_likelihood(X, y, w) equals -sklearn.metrics.log_loss(y, sigmoid(X @ w), normalize=False) "
            "(for predictions that do not saturate).",
            name="agrees with scikit-learn's log loss", points=2, strategy=moderate_problems(),
            prop=_check_log_loss, tolerance=LL_TOLERANCE, max_examples=8,
            hint="Each row adds y_i z_i - ln(1 + e^(z_i)) with z = X @ w: the log of the probability of the "
                 "label it has.",
        ),
        holds(
            "With huge weights (saturated predictions) the value is still a finite number <= 0.",
            name="finite for saturated predictions", points=1, strategy=huge_weight_calls(),
            prop=_check_saturated, max_examples=6,
            hint="1 - sigmoid(z) is exactly 0.0 from z of about 37, and log(0) is -inf: write each term with z "
                 "directly, y z - ln(1 + e^z), using np.logaddexp(0, z) for the logarithm.",
        ),
        holds(
            "Flipping every label and negating the weights together leaves the log-likelihood unchanged.",
            name="symmetric in labels and weights", points=1, strategy=problem_calls(), prop=_check_flip,
            tolerance=LL_TOLERANCE, max_examples=6,
            hint="Look again at the term for the rows labelled 0: it must use the probability of class 0, "
                 "1 - p (or sigmoid(-z)), not p.",
        ),
        holds(
            "Duplicating every row of X and y doubles the log-likelihood (it is a sum over the rows).",
            name="doubles with duplicated data", points=1, strategy=problem_calls(), prop=_check_doubling,
            tolerance=LL_TOLERANCE, max_examples=6,
            hint="The log-likelihood of independent rows is the log of a product, i.e. a sum, not a mean.",
        ),
        returns_form("Returns a Python float.", points=0.5, strategy=problem_calls(), expect=float_scalar,
                     max_examples=3, hint="Wrap the result in float(...)."),
        unchanged(points=0.5, strategy=problem_calls(), max_examples=3,
                  hint="Work on converted copies (np.asarray(X, dtype=float), ...); never modify X, y or w."),
    ),
    mistakes=(
        Mistake("negative_log_likelihood", "Your value has the wrong sign: that is the negative log-likelihood, "
                "the cost a minimiser uses. The log-likelihood is a sum of logs of probabilities, so it is never "
                "positive."),
        Mistake("mean_instead_of_sum", "You average over the rows. The log-likelihood of independent rows is the "
                "log of a product, i.e. a sum: twice the data must give twice the log-likelihood."),
        Mistake("log_of_sigmoid", "log(sigmoid(z)) and log(1 - sigmoid(z)) fail once predictions saturate: "
                "1 - sigmoid(z) is exactly 0.0 from z of about 37, its log is -inf, and 0 * -inf is nan. Rewrite "
                "each term with z directly: y z - ln(1 + e^z), with np.logaddexp(0, z) for the logarithm."),
    ),
)


# --------------------------------------------------------------------------
# log_likelihood_gradient
# --------------------------------------------------------------------------


def _library_gradient(X, y, w):
    """Central finite differences of scikit-learn's log loss (error about 1e-7 on moderate problems)."""
    return central_differences(lambda v: library_log_likelihood(X, y, v), w, FD_STEP)


def _with_own_sigmoid(function, X, y, w):
    """The docstring's formula with the student's own sigmoid: a wrong sigmoid is charged to sigmoid only."""
    probabilities = numbers(own(function, "sigmoid", X @ w))
    if probabilities is None or probabilities.shape != y.shape:
        return None
    return X.T @ (y - probabilities)


def _check_finite_differences(function, example):
    got = function(*example.args).value
    X, y, w = _problem(example)
    library = _library_gradient(X, y, w)
    candidates = [
        Expected(library, FD_TOLERANCE, "the slopes of the log-likelihood along each weight (central finite "
                 "differences of scikit-learn's log loss)"),
        lambda: Expected(_with_own_sigmoid(function, X, y, w), GRADIENT_TOLERANCE,
                         "X.T @ (y - sigmoid(X @ w)) with your sigmoid"),
        lambda: Expected(central_differences(lambda v: own(function, "log_likelihood", X, y, v), w, FD_STEP),
                         FD_TOLERANCE, "the slopes of your log_likelihood along each weight"),
    ]
    mistakes = () if library is None else (("sign_error", -library, FD_TOLERANCE),
                                           ("mean_instead_of_sum", library / len(y), FD_TOLERANCE))
    agree_with_any(example, got, candidates, what="the gradient", mistakes=mistakes)


def _check_doubling_gradient(function, example):
    once = numbers(function(*example.args).value)
    doubled = doubled_call(example)
    got = function(*doubled.args).value
    if once is None:
        raise Mismatch(example, "the result is not an array of numbers", got=once, has_expected=False)
    expect_close(doubled, got, 2.0 * once, GRADIENT_TOLERANCE,
                 "with every row twice, the gradient of a sum must double",
                 mistakes=(("mean_instead_of_sum", once, GRADIENT_TOLERANCE),))


GRADIENT_CASES = (
    (call([[1.0], [2.0]], [0, 1], [0.0]), np.array([0.5])),
    (call(np.array([[1.0, 2.0], [1.0, -1.0]]), np.array([1, 0]), np.array([0.0, 0.0])), np.array([0.0, 1.5])),
)

LOG_LIKELIHOOD_GRADIENT = Exercise(
    module="logistic",
    name="log_likelihood_gradient",
    points=7,
    checks=(
        holds(
            "Hand-computed values: at w = 0 every probability is 1/2, so the gradient is X.T @ (y - 1/2).",
            name="hand-computed values", points=1.5,
            prop=hand_computed(GRADIENT_CASES, GRADIENT_TOLERANCE, alternative=lambda function, example: Expected(
                _with_own_sigmoid(function, *_problem(example)), GRADIENT_TOLERANCE,
                "X.T @ (y - sigmoid(X @ w)) with your sigmoid")),
            examples=examples_of(GRADIENT_CASES), tolerance=GRADIENT_TOLERANCE,
            hint="Each row contributes x_i (y_i - sigmoid(z_i)): summed, not averaged.",
        ),
        holds(
            "Each entry equals the slope of the log-likelihood along that weight (central finite differences "
            "of scikit-learn's log loss, or of your own log_likelihood).",
            name="matches finite differences", points=3, strategy=moderate_problems(),
            prop=_check_finite_differences, tolerance=FD_TOLERANCE, max_examples=6,
            hint="Compare your gradient with (ll(w + h e_j) - ll(w - h e_j)) / (2h) for a small h: the sign, the "
                 "sum over rows and the transpose must all be right.",
        ),
        holds(
            "Duplicating every row of X and y doubles the gradient (the log-likelihood is a sum).",
            name="doubles with duplicated data", points=1.5, strategy=problem_calls(),
            prop=_check_doubling_gradient, tolerance=GRADIENT_TOLERANCE, max_examples=6,
            hint="Sum the rows' contributions; do not average them.",
        ),
        returns_form("Returns a float ndarray of shape (d,): one entry per weight.", points=0.5,
                     strategy=problem_calls(), expect=float_vector(columns), max_examples=3,
                     hint="X has shape (n, d) and y - p shape (n,): X.T @ (y - p) has shape (d,)."),
        unchanged(points=0.5, strategy=problem_calls(), max_examples=3,
                  hint="Work on converted copies; never modify X, y or w."),
    ),
    mistakes=(
        Mistake("sign_error", "Your gradient points downhill: the gradient of the log-likelihood is "
                "X.T @ (y - p), not X.T @ (p - y)."),
        Mistake("mean_instead_of_sum", "You average over the rows: the log-likelihood is a sum, so its gradient "
                "is a sum too."),
        Mistake("missing_transpose", "The errors y - p have one entry per row (n,), the gradient one per weight "
                "(d,): multiply by X transposed.",
                error=r"mismatch in its core dimension|not aligned|could not be broadcast"),
    ),
)


# --------------------------------------------------------------------------
# gradient_step
# --------------------------------------------------------------------------


@st.composite
def step_calls(draw, *, moderate=False):
    """gradient_step(X, y, w, learning_rate) with learning rates from 1e-3 to 0.5."""
    base = draw(moderate_problems() if moderate else problem_calls())
    return call(*base.args, draw(st.sampled_from([0.1, 0.001, 0.5, 0.01])))


def _step_with(gradient, X, y, w, learning_rate):
    g = numbers(gradient(X, y, w)) if gradient is not None else None
    if g is None or g.shape != w.shape:
        return None
    return w + learning_rate * g


def _check_step(function, example):
    got = function(*example.args).value
    X, y, w = _problem(example)
    learning_rate = example.args[3]
    library = []  # computed once, for the candidate and the known mistake

    def library_step():
        library[:] = [_step_with(_library_gradient, X, y, w, learning_rate)]
        return Expected(library[0], FD_TOLERANCE, "w + learning_rate * (the slopes of the log-likelihood)")

    def mistakes():
        return (("subtracts_gradient", None if library[0] is None else 2 * w - library[0], FD_TOLERANCE),)

    agree_with_any(example, got, [
        lambda: Expected(_step_with(lambda *a: own(function, "log_likelihood_gradient", *a), X, y, w, learning_rate),
                         GRADIENT_TOLERANCE, "w + learning_rate * log_likelihood_gradient(X, y, w) with your "
                         "log_likelihood_gradient"),
        library_step,
    ], what="the new weights", mistakes=mistakes)


STEP_CASES = (
    (call([[1.0], [2.0]], [0, 1], [0.0], 0.1), np.array([0.05])),
    (call(np.array([[1.0, 2.0], [1.0, -1.0]]), np.array([1, 0]), np.array([0.0, 0.0]), 0.5), np.array([0.0, 0.75])),
)

GRADIENT_STEP = Exercise(
    module="logistic",
    name="gradient_step",
    points=5,
    checks=(
        holds(
            "Hand-computed values: gradient_step([[1.], [2.]], [0, 1], [0.], 0.1) is [0.05].",
            name="hand-computed values", points=1,
            prop=hand_computed(STEP_CASES, GRADIENT_TOLERANCE, alternative=lambda function, example: Expected(
                _step_with(lambda *a: own(function, "log_likelihood_gradient", *a), *_problem(example),
                           example.args[3]), GRADIENT_TOLERANCE, "w + learning_rate * your log_likelihood_gradient")),
            examples=examples_of(STEP_CASES), tolerance=GRADIENT_TOLERANCE,
            hint="One step up the log-likelihood: w + learning_rate * gradient.",
        ),
        holds(
            "gradient_step(X, y, w, learning_rate) equals w + learning_rate * log_likelihood_gradient(X, y, w) "
            "(with your gradient, or the slopes of the log-likelihood).",
            name="one step up the log-likelihood", points=2, strategy=step_calls(moderate=True), prop=_check_step,
            tolerance=GRADIENT_TOLERANCE, max_examples=6,
            hint="We climb the log-likelihood: add learning_rate times its gradient to w.",
        ),
        unchanged(points=1, strategy=step_calls(), max_examples=3,
                  examples=(call(np.array([[1.0, 2.0]]), np.array([1]), np.array([0.5, -0.5]), 0.1),),
                  hint="w += ... changes the caller's array: build a new one with w + ... instead."),
        returns_new(points=0.5, strategy=step_calls(), max_examples=3,
                    hint="Return a new array, never the w you were given."),
        returns_form("Returns a float ndarray of shape (d,).", points=0.5, strategy=step_calls(),
                     expect=float_vector(columns), max_examples=3,
                     hint="Convert w with np.asarray(w, dtype=float) and return w + learning_rate * gradient."),
    ),
    mistakes=(
        Mistake("subtracts_gradient", "Your step goes down the log-likelihood: we maximise it, so add "
                "learning_rate times the gradient (gradient ascent)."),
        Mistake("mutates_input", "`w += ...` changes the caller's weights in place: build a new array "
                "(w = w + ...)."),
    ),
)


# --------------------------------------------------------------------------
# fit
# --------------------------------------------------------------------------


@st.composite
def fit_calls(draw, *, iterations=st.integers(0, 4), starts=("none", "float", "int", "list"), moderate=False):
    """fit(X, y, learning_rate=..., n_iterations=..., initial_weights=...) with few iterations."""
    base = draw(moderate_problems() if moderate else problem_calls())
    X, y, _ = base.args
    kwargs = {"learning_rate": draw(st.sampled_from([0.001, 0.01, 0.1])), "n_iterations": draw(iterations)}
    kind = draw(st.sampled_from(starts))
    d = columns(base)
    if kind == "int":
        kwargs["initial_weights"] = draw(hnp.arrays(np.int64, d, elements=st.integers(-1, 1)))
    elif kind != "none":
        start = draw(grid_arrays(d, 1.0))
        kwargs["initial_weights"] = start.tolist() if kind == "list" else start
    return call(X, y, **kwargs)


def fit_arguments(example):
    """(X, y, learning_rate, n_iterations, initial_weights) of a fit call, defaults filled in."""
    values = dict(zip(("X", "y", "learning_rate", "n_iterations", "initial_weights"), example.args))
    values = {"learning_rate": 0.001, "n_iterations": 1000, "initial_weights": None, **values, **example.kwargs}
    return values["X"], values["y"], values["learning_rate"], values["n_iterations"], values["initial_weights"]


def _start(example):
    start = fit_arguments(example)[4]
    return np.zeros(columns(example)) if start is None else plain_floats(start)


def _climb(step, example):
    """The weights after n_iterations steps, or None when a step fails."""
    X, y, learning_rate, n_iterations, _ = fit_arguments(example)
    X, y, w = plain_floats(X), plain_floats(y), _start(example)
    for _ in range(n_iterations):
        w = numbers(step(X, y, w, learning_rate))
        if w is None or w.shape != _start(example).shape:
            return None
    return w


def _check_steps(function, example):
    got = function(*example.args, **example.kwargs).value
    agree_with_any(example, got, [
        lambda: Expected(_climb(lambda *a: own(function, "gradient_step", *a), example), FIT_TOLERANCE,
                         "n_iterations calls of your gradient_step from the start"),
        lambda: Expected(_climb(lambda X, y, w, rate: _step_with(_library_gradient, X, y, w, rate), example),
                         FD_TOLERANCE, "n_iterations steps up the log-likelihood from the start"),
    ], what="the weights")


def _check_zero_iterations(function, example):
    got = function(*example.args, **example.kwargs).value
    expect_close(example, got, _start(example), FIT_TOLERANCE,
                 "with n_iterations=0 no step happens, so the result is the start (zeros when omitted)")


def _check_defaults(function, example):
    """fit(X, y) equals fit(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=zeros)."""
    X, y = example.args[:2]
    got = function(X, y).value
    explicit = call(X, y, learning_rate=0.001, n_iterations=1000, initial_weights=np.zeros(columns(example)))
    expected = function(*explicit.args, **explicit.kwargs).value
    expect_close(call(X, y), got, expected, FIT_TOLERANCE,
                 "the defaults are learning_rate=0.001, n_iterations=1000 and a start at zeros; the expected "
                 "value is your fit with those passed explicitly")


def _check_int_start(function, example):
    """Integer initial weights give the same result as the same weights as floats."""
    got = function(*example.args, **example.kwargs).value
    as_floats = call(*example.args, **{**example.kwargs, "initial_weights": _start(example)})
    expect_close(example, got, function(*as_floats.args, **as_floats.kwargs).value, FIT_TOLERANCE,
                 "integer initial weights must give the same result as the same weights as floats (shown as "
                 "expected)")


FIT_CASES = (
    (call([[1.0], [2.0]], [0, 1], learning_rate=0.1, n_iterations=1), np.array([0.05])),
    (call([[1.0, 2.0], [1.0, -1.0]], [1, 0], learning_rate=0.5, n_iterations=0), np.array([0.0, 0.0])),
    (call([[1.0, 2.0], [1.0, -1.0]], [1, 0], learning_rate=0.5, n_iterations=1), np.array([0.0, 0.75])),
)

FIT = Exercise(
    module="logistic",
    name="fit",
    points=7,
    checks=(
        holds(
            "Hand-computed values: one step of 0.1 from zeros on ([[1.], [2.]], [0, 1]) gives [0.05].",
            name="hand-computed values", points=1,
            prop=hand_computed(FIT_CASES, FIT_TOLERANCE, alternative=lambda function, example: Expected(
                _climb(lambda *a: own(function, "gradient_step", *a), example), FIT_TOLERANCE,
                "n_iterations calls of your gradient_step")),
            examples=examples_of(FIT_CASES), tolerance=FIT_TOLERANCE,
            hint="Start from zeros (or initial_weights) and take exactly n_iterations gradient steps.",
        ),
        holds(
            "With n_iterations=0 the result is the start: initial_weights, or zeros when omitted.",
            name="zero iterations", points=1, strategy=fit_calls(iterations=st.just(0)),
            prop=_check_zero_iterations, tolerance=FIT_TOLERANCE, max_examples=3,
            hint="Zero iterations means no step at all; the default start is all zeros.",
        ),
        holds(
            "k iterations equal k calls of gradient_step (yours, or steps up the log-likelihood).",
            name="exactly n_iterations steps", points=2, strategy=fit_calls(moderate=True), prop=_check_steps,
            tolerance=FIT_TOLERANCE, max_examples=6,
            hint="Loop exactly n_iterations times, each time replacing w by gradient_step(X, y, w, learning_rate).",
        ),
        holds(
            "fit(X, y) uses the defaults: learning_rate=0.001, n_iterations=1000, a start at zeros.",
            name="default arguments", points=1, strategy=fit_calls(iterations=st.just(1), starts=("none",)),
            prop=_check_defaults, tolerance=FIT_TOLERANCE, max_examples=2,
            hint="Check the default values in the signature, and start from np.zeros(d) when initial_weights is "
                 "None.",
        ),
        holds(
            "Integer initial weights work, and give the same result as the same weights as floats.",
            name="integer initial weights", points=0.5, strategy=fit_calls(starts=("int",)),
            prop=_check_int_start, tolerance=FIT_TOLERANCE, max_examples=3,
            hint="Start from a float copy: np.array(initial_weights, dtype=float).",
        ),
        returns_new(points=0.5, strategy=fit_calls(starts=("float",), iterations=st.integers(0, 2)), max_examples=3,
                    hint="Even after zero steps, return a new array: copy the start."),
        unchanged(points=0.5, strategy=fit_calls(starts=("float", "int")), max_examples=3,
                  examples=(call(np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([1, 0]), learning_rate=0.1,
                                 n_iterations=2, initial_weights=np.array([0.5, -0.5])),),
                  hint="Copy initial_weights before updating; w += ... changes the caller's array."),
        returns_form("Returns a float ndarray of shape (d,).", points=0.5, strategy=fit_calls(),
                     expect=float_vector(columns), max_examples=3,
                     hint="Start from np.array(initial_weights, dtype=float) (or np.zeros(d)) and return it."),
    ),
    mistakes=(
        Mistake("none_comparison", "`initial_weights == None` compares every entry of an array with None, and "
                "`if` cannot decide on an array of booleans. Test for None with `is None`.",
                error=r"truth value of an array"),
        Mistake("integer_start", "Integer initial weights cannot hold fractional steps in place: start from a "
                "float copy, np.array(initial_weights, dtype=float).", error=r"Cannot cast ufunc"),
        Mistake("mutates_input", "Your fit changes the caller's initial_weights: `w = initial_weights` does not "
                "copy. Start from a copy."),
        Mistake("returns_input", "With n_iterations=0 you return the caller's initial_weights itself; return a "
                "copy."),
    ),
)


# --------------------------------------------------------------------------
# predict_proba, predict, add_intercept
# --------------------------------------------------------------------------


@st.composite
def proba_calls(draw):
    """predict_proba(X, w) with small or huge weights."""
    X, _, w = draw(problems())
    return call(X, w)


def _scores(example):
    X, w = plain_floats(example.args[0]), plain_floats(example.args[1])
    return X @ w


def _check_proba(function, example):
    got = function(*example.args).value
    z = _scores(example)
    agree_with_any(example, got, [
        Expected(expit(z), SIGMOID_TOLERANCE, "scipy.special.expit(X @ w)"),
        lambda: Expected(own(function, "sigmoid", z), SIGMOID_TOLERANCE, "your sigmoid(X @ w)"),
    ], what="the probabilities", mistakes=(("sign_error", expit(-z), SIGMOID_TOLERANCE),))


PROBA_CASES = (
    (call([[0.0], [1.0]], [0.0]), np.array([0.5, 0.5])),
    (call(np.array([[1.0], [-1.0]]), np.array([math.log(3.0)])), np.array([0.75, 0.25])),
)

PREDICT_PROBA = Exercise(
    module="logistic",
    name="predict_proba",
    points=4,
    checks=(
        holds(
            "Hand-computed values: w = 0 gives 0.5 everywhere; z = ln 3 gives 0.75.",
            name="hand-computed values", points=1,
            prop=hand_computed(PROBA_CASES, SIGMOID_TOLERANCE, alternative=lambda function, example: Expected(
                own(function, "sigmoid", _scores(example)), SIGMOID_TOLERANCE, "your sigmoid(X @ w)")),
            examples=examples_of(PROBA_CASES), tolerance=SIGMOID_TOLERANCE,
            hint="The probability of class 1 is sigmoid(X @ w).",
        ),
        holds(
            "predict_proba(X, w) equals sigmoid(X @ w) (your sigmoid, or scipy.special.expit), weights small "
            "or huge.",
            name="sigmoid of the scores", points=2, strategy=proba_calls(), prop=_check_proba,
            tolerance=SIGMOID_TOLERANCE, max_examples=8,
            hint="Compute the scores z = X @ w (convert X and w with np.asarray first) and pass them through "
                 "your sigmoid.",
        ),
        returns_form("Returns a float ndarray of shape (n,).", points=0.5, strategy=proba_calls(),
                     expect=float_vector(rows, what="one probability per row"), max_examples=3,
                     hint="Return np.asarray(sigmoid(X @ w), dtype=float)."),
        unchanged(points=0.5, strategy=proba_calls(), max_examples=3, hint="Never modify X or w."),
    ),
    mistakes=(
        Mistake("sign_error", "Your probabilities are those of class 0: sigmoid(X @ w) is the probability of "
                "class 1."),
    ),
)


@st.composite
def predict_calls(draw):
    """predict(X, w[, threshold]) with thresholds from 0.05 to 0.95 (or the default)."""
    X, _, w = draw(problems())
    threshold = draw(st.sampled_from([None, 0.5, 0.3, 0.8, 0.05, 0.95]))
    if threshold is None:
        return call(X, w)
    return call(X, w, threshold=threshold)


def _own_predictions(function, example):
    """1 where the student's own predict_proba is >= the threshold."""
    probabilities = numbers(own(function, "predict_proba", *example.args))
    if probabilities is None:
        return None
    threshold = example.kwargs.get("threshold", 0.5)
    return Expected((probabilities >= threshold).astype(np.int64), Tolerance(), "1 where your predict_proba >= "
                    "threshold")


def _check_predict(function, example):
    """1 where the probability >= threshold, else 0 (rows within 1e-9 of the threshold may round either way)."""
    got = function(*example.args, **example.kwargs).value
    threshold = example.kwargs.get("threshold", 0.5)
    z = _scores(example)
    p = expit(z)
    expected = (p >= threshold).astype(np.int64)
    values = numbers(got)
    clear = (np.abs(p - threshold) >= 1e-9) | ((z == 0) & (threshold == 0.5))
    if values is not None and values.shape == expected.shape and np.array_equal(values[clear], expected[clear]):
        return
    mine = _own_predictions(function, example)
    if mine is not None and values is not None and values.shape == mine.value.shape \
            and np.array_equal(values, mine.value):
        return
    strict = (p > threshold).astype(np.int64)
    key = "strict_inequality" if values is not None and np.array_equal(values, strict) else None
    raise Mismatch(example, f"expected 1 where the probability is >= {threshold} (scipy.special.expit(X @ w), or "
                   "your predict_proba), else 0", got=got, expected=expected, mistake=key)


PREDICT_CASES = (
    (call([[0.0]], [1.0]), np.array([1])),  # probability exactly 0.5: class 1
    (call([[-1.0], [0.0], [1.0]], [1.0]), np.array([0, 1, 1])),
    (call(np.array([[1.0], [2.0]]), np.array([1.0]), threshold=0.8), np.array([0, 1])),  # 0.73 and 0.88
)


def _predict_form(example, value):
    n = rows(example)
    if not isinstance(value, np.ndarray):
        return f"returned {describe_type(value)}, expected a NumPy array of shape ({n},)"
    if value.shape != (n,):
        return f"the shape is {value.shape}, expected ({n},): one label per row"
    if value.dtype.kind not in "iu":
        return f"the dtype is {value.dtype}, expected integer labels (use .astype(np.int64))"
    return None


PREDICT = Exercise(
    module="logistic",
    name="predict",
    points=4,
    checks=(
        holds(
            "Hand-computed values: a probability of exactly 0.5 (X @ w = 0) is class 1 at the default threshold.",
            name="hand-computed values", points=1,
            prop=hand_computed(PREDICT_CASES, Tolerance(), alternative=_own_predictions),
            examples=examples_of(PREDICT_CASES), tolerance=Tolerance(),
            hint="Predict 1 where the probability is at least the threshold (>=, not >).",
        ),
        holds(
            "predict(X, w, threshold) is 1 where the probability of class 1 is >= threshold, else 0.",
            name="probability >= threshold", points=2, strategy=predict_calls(), prop=_check_predict,
            tolerance=Tolerance(), max_examples=8,
            hint="Compare predict_proba(X, w) with the threshold given (0.5 by default) using >=.",
        ),
        returns_form("Returns an integer ndarray of shape (n,) (0 and 1 labels).", points=0.5,
                     strategy=predict_calls(), expect=_predict_form, max_examples=3,
                     hint="Turn the booleans into integers: (p >= threshold).astype(np.int64)."),
        unchanged(points=0.5, strategy=predict_calls(), max_examples=3, hint="Never modify X or w."),
    ),
    mistakes=(
        Mistake("strict_inequality", "A probability exactly at the threshold must give class 1: use >=, not >."),
    ),
)


@st.composite
def intercept_calls(draw):
    """add_intercept(X) on small int or float matrices."""
    X = draw(matrices(draw(st.integers(1, 6)), draw(st.integers(1, 3))))
    return call(as_format(X, draw(st.sampled_from(PUBLIC_FORMATS))))


def _check_ones_first(function, example):
    """Column 0 is all ones, columns 1.. are X."""
    got = function(*example.args).value
    X = plain_floats(example.args[0])
    values = numbers(got)
    if values is None or values.shape != (X.shape[0], X.shape[1] + 1):
        raise Mismatch(example, f"returned {describe_type(got)}, expected an array of shape "
                       f"{(X.shape[0], X.shape[1] + 1)}", got=got, has_expected=False)
    if not (np.all(values[:, 0] == 1) and np.array_equal(values[:, 1:], X)):
        key = "ones_last" if np.all(values[:, -1] == 1) and np.array_equal(values[:, :-1], X) else None
        raise Mismatch(example, "column 0 must be all ones and the other columns X, in order", got=got,
                       has_expected=False, mistake=key)


INTERCEPT_CASES = (
    (call([[2], [3]]), np.array([[1.0, 2.0], [1.0, 3.0]])),
    (call(np.array([[1.5, -2.0]])), np.array([[1.0, 1.5, -2.0]])),
)

ADD_INTERCEPT = Exercise(
    module="logistic",
    name="add_intercept",
    points=4,
    checks=(
        holds(
            "Hand-computed values: add_intercept([[2], [3]]) is [[1., 2.], [1., 3.]].",
            name="hand-computed values", points=1.5, prop=hand_computed(INTERCEPT_CASES, Tolerance()),
            examples=examples_of(INTERCEPT_CASES), tolerance=Tolerance(),
            hint="Put a column of ones in front of the columns of X.",
        ),
        holds(
            "Column 0 is all ones and the other columns are X, in order.",
            name="ones first, then X", points=1.5, strategy=intercept_calls(), prop=_check_ones_first,
            max_examples=6, hint="np.column_stack or np.hstack can put a column of ones before X.",
        ),
        returns_form("Returns a float ndarray of shape (n, d + 1).", points=0.5, strategy=intercept_calls(),
                     expect=lambda example, value: None if isinstance(value, np.ndarray) and value.dtype.kind == "f"
                     else f"returned {describe_type(value)}, expected a float NumPy array", max_examples=3,
                     hint="Convert X with np.asarray(X, dtype=float) before adding the column."),
        unchanged(points=0.5, strategy=intercept_calls(), max_examples=3, hint="Never modify X."),
    ),
    mistakes=(
        Mistake("ones_last", "The column of ones must come first (column 0), before the columns of X."),
    ),
)

EXERCISES = (SIGMOID, LOG_LIKELIHOOD, LOG_LIKELIHOOD_GRADIENT, GRADIENT_STEP, FIT, PREDICT_PROBA, PREDICT,
             ADD_INTERCEPT)
