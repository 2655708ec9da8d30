"""Declaration of the ``linear_gd`` exercises: mean squared error, its gradient, gradient descent.

Targets ``y`` are real numbers here (a regression), not labels. Inputs are
small on purpose: for ``linear_regression_gd`` the features stay in [-2, 2]
with at most 3 columns, so every learning rate drawn (at most 0.05) keeps
``learning_rate * (2 / n) * ||X||^2`` below 2 and the iteration never blows up.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader import references
from grader.checks import Mismatch, agrees, holds, returns_form, returns_new, unchanged
from grader.declaration import Exercise, Mistake
from grader.strategies import FORMATS, as_format, call, design_matrices, floats, shuffled_index
from grader.values import Tolerance, compare, to_plain

ref_mse = references.function("linear_gd.mse")
ref_gradient = references.function("linear_gd.mse_gradient")
ref_gd = references.function("linear_gd.linear_regression_gd")

MSE_TOLERANCE = Tolerance(rtol=1e-9, atol=1e-12)
GRADIENT_TOLERANCE = Tolerance(rtol=1e-9, atol=1e-9)
FINITE_DIFFERENCE_TOLERANCE = Tolerance(rtol=1e-6, atol=1e-6)
GD_TOLERANCE = Tolerance(rtol=1e-7, atol=1e-9)

# Arrays pandas hands out (Copy-on-Write) are read-only: changing one in place raises.
READ_ONLY_ERROR = r"read-only"


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------


@st.composite
def targets(draw, n, *, max_abs=10.0):
    """Real-valued targets of length n (floats, now and then small integers)."""
    if draw(st.booleans()):
        return draw(hnp.arrays(np.float64, n, elements=floats(max_abs)))
    return draw(hnp.arrays(np.int64, n, elements=st.integers(-int(max_abs), int(max_abs))))


@st.composite
def features(draw, n, d, *, max_abs=5.0):
    """An (n, d) design matrix: floats, small integers or, now and then, (dummy) booleans."""
    if draw(st.integers(0, 5)) == 5:
        return draw(hnp.arrays(np.bool_, (n, d)))
    X = draw(design_matrices(n, d, max_abs=max_abs))
    if X.dtype.kind == "i":
        X = np.clip(X, -int(max_abs), int(max_abs))
    return X


@st.composite
def small_weights(draw, d, *, max_abs=3.0, integers=True):
    """Weights of shape (d,): bounded floats or small integers."""
    if integers and draw(st.booleans()):
        return draw(hnp.arrays(np.int64, d, elements=st.integers(-int(max_abs), int(max_abs))))
    return draw(hnp.arrays(np.float64, d, elements=floats(max_abs)))


@st.composite
def regression_problems(draw, *, max_rows=12, max_cols=4, max_abs=5.0, weights=None, formats=FORMATS):
    """A dict with X (n, d), y (n,), w (d,) in one input format, and their plain arrays."""
    n = draw(st.integers(1, max_rows))
    d = draw(st.integers(1, max_cols))
    X = draw(features(n, d, max_abs=max_abs))
    y = draw(targets(n))
    w = draw(weights(d) if weights is not None else small_weights(d))
    fmt = draw(st.sampled_from(formats))
    index = draw(shuffled_index(n)) if fmt == "pandas" else None
    return {
        "X": as_format(X, fmt, index), "y": as_format(y, fmt, index, name="y"),
        "w": w.tolist() if fmt == "list" else w,
        "plain": (X, y, w), "n": n, "d": d, "format": fmt,
    }


@st.composite
def any_weights(draw, d):
    """Weights for the MSE: small, or now and then large (as in weight_vectors)."""
    scale = draw(st.sampled_from([3.0, 50.0, 1000.0]))
    return draw(small_weights(d, max_abs=scale))


def problem_calls(**options):
    """``f(X, y, w)`` calls on regression problems."""
    return regression_problems(**options).map(lambda p: call(p["X"], p["y"], p["w"]))


@st.composite
def perfect_fit_calls(draw):
    """``f(X, y, w)`` with y = X @ w exactly (small integers), in any format."""
    n = draw(st.integers(1, 10))
    d = draw(st.integers(1, 4))
    X = draw(hnp.arrays(np.int64, (n, d), elements=st.integers(-5, 5)))
    w = draw(hnp.arrays(np.int64, d, elements=st.integers(-3, 3)))
    y = X @ w
    if draw(st.booleans()):
        X, y, w = X.astype(float), y.astype(float), w.astype(float)
    fmt = draw(st.sampled_from(FORMATS))
    index = draw(shuffled_index(n)) if fmt == "pandas" else None
    return call(as_format(X, fmt, index), as_format(y, fmt, index, name="y"), w.tolist() if fmt == "list" else w)


def _plain_problem(example):
    X, y, w = to_plain(example.args[:3])
    return np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)


def _doubled(example):
    """The same call with every row of X and y appearing twice."""
    X, y, w = to_plain(example.args)
    X2 = np.concatenate([np.asarray(X), np.asarray(X)])
    y2 = np.concatenate([np.asarray(y), np.asarray(y)])
    if isinstance(example.args[0], list):
        return call(X2.tolist(), y2.tolist(), w)
    return call(X2, y2, w)


def _same_after_doubling(what, tolerance):
    def prop(function, example):
        once = function(*example.args).value
        doubled = _doubled(example)
        twice = function(*doubled.args).value
        reason = compare(twice, once, tolerance)
        if reason:
            raise Mismatch(doubled, f"with every row duplicated {what} changed ({reason}); the value for the "
                           "original rows is shown as expected", got=twice, expected=once)
    return prop


# --------------------------------------------------------------------------
# mse
# --------------------------------------------------------------------------


def _model_mse(transform):
    def model(X, y, w):
        X, y, w = (np.asarray(a, dtype=float) for a in (X, y, w))
        return transform(X @ w - y)
    return model


def _check_mse_sign(function, example):
    """MSE >= 0, and exactly 0 when y = X @ w."""
    got = function(*example.args).value
    X, y, w = _plain_problem(example)
    if np.array_equal(X @ w, y):
        reason = compare(got, 0.0, MSE_TOLERANCE)
        if reason:
            raise Mismatch(example, f"y equals X @ w, so every residual is 0, but the MSE is not 0 ({reason})",
                           got=got, expected=0.0)
        return
    value = np.asarray(got, dtype=float) if isinstance(got, (int, float, np.ndarray, np.generic)) else None
    if value is None or value.shape != () or not value >= 0:
        raise Mismatch(example, "a mean of squares cannot be negative (or anything but one number)", got=got,
                       has_expected=False)


def _is_float(example, value):
    if isinstance(value, float):
        return None
    return f"returned {type(value).__name__}, expected a float"


MSE = Exercise(
    module="linear_gd",
    name="mse",
    points=4,
    checks=(
        agrees(
            "mse(X, y, w) equals mean((X @ w - y) ** 2) for real targets and inputs of any format.",
            points=2, strategy=problem_calls(weights=any_weights), oracle=ref_mse, tolerance=MSE_TOLERANCE,
            # Residuals 1, 2, 3 first: every known mistake gives a different value there.
            examples=(call([[1.0], [2.0], [3.0]], [0.0, 0.0, 0.0], [1.0]),
                      call([[1.0], [2.0]], [1.0, 1.0], [1.0]),
                      call(np.array([[1, 2], [3, 4], [0, 1]]), np.array([1, -2, 0]), np.array([0, 0]))),
            hint="Square each residual x_i . w - y_i, then average over the n rows.",
        ),
        holds(
            "Duplicating every row of X and y leaves the MSE unchanged (it is a mean, not a sum).",
            name="duplicated rows", points=0.5, tolerance=MSE_TOLERANCE,
            strategy=problem_calls(formats=("array", "list")), prop=_same_after_doubling("the MSE", MSE_TOLERANCE),
            hint="Divide by the number of rows: the MSE of a data set and of the same data set twice are equal.",
            public=True,
        ),
        holds(
            "The MSE is never negative, and it is 0.0 when y equals X @ w.",
            name="non-negative, zero at a perfect fit", points=0.5, tolerance=MSE_TOLERANCE,
            strategy=st.one_of(perfect_fit_calls(), problem_calls()), prop=_check_mse_sign,
            examples=(call([[1.0, 2.0]], [5.0], [1.0, 2.0]), call([[1.0], [2.0]], [3.0, 0.0], [1.0])),
            hint="Square each residual before averaging.", public=True,
        ),
        returns_form("Returns a Python float.", points=0.5, strategy=problem_calls(), expect=_is_float,
                     hint="Wrap the result in float(...)."),
        unchanged(points=0.5, strategy=problem_calls(),
                  hint="Work on converted copies (np.asarray(X, dtype=float), ...); never modify X, y or w."),
    ),
    mistakes=(
        Mistake("sum_instead_of_mean", "You add up the squared residuals: the MSE is their mean, so divide "
                "by the number of rows.", model=_model_mse(lambda r: float(np.sum(r**2)))),
        Mistake("root_mean_squared", "You take a square root at the end: that is the RMSE. The MSE is the "
                "mean of the squares itself.", model=_model_mse(lambda r: float(np.sqrt(np.mean(r**2))))),
        Mistake("square_of_mean", "You square the mean of the residuals; the MSE is the mean of the squared "
                "residuals (square first, then average), so positive and negative errors cannot cancel.",
                model=_model_mse(lambda r: float(np.mean(r) ** 2))),
        Mistake("half_mean", "You divide by 2n: that is the 'cost' some courses use to simplify the gradient. "
                "Here the MSE is the plain mean of the squared residuals.",
                model=_model_mse(lambda r: float(np.mean(r**2) / 2))),
        Mistake("no_square", "You average the residuals without squaring them, so errors of opposite sign "
                "cancel out.", model=_model_mse(lambda r: float(np.mean(r)))),
        Mistake("mutates_input", "Your function changes an array it was given (an in-place operation such as "
                "-= on np.asarray(y), which is y itself when y is already a float array). Compute into a new "
                "array instead.", error=READ_ONLY_ERROR),
    ),
)


# --------------------------------------------------------------------------
# mse_gradient
# --------------------------------------------------------------------------


def _model_gradient(transform):
    def model(X, y, w):
        X, y, w = (np.asarray(a, dtype=float) for a in (X, y, w))
        return transform(X, X @ w - y, X.shape[0])
    return model


def _finite_differences(X, y, w):
    """Central differences of the reference MSE, one coordinate at a time.

    The MSE is quadratic in w, so a central difference with step 1 is exact
    up to rounding.
    """
    gradient = np.empty(w.shape)
    for j in range(w.size):
        step = np.zeros(w.shape)
        step[j] = 1.0
        gradient[j] = (ref_mse(X, y, w + step) - ref_mse(X, y, w - step)) / 2.0
    return gradient


def _check_finite_differences(function, example):
    got = function(*example.args).value
    expected = _finite_differences(*_plain_problem(example))
    reason = compare(got, expected, FINITE_DIFFERENCE_TOLERANCE)
    if reason:
        raise Mismatch(example, f"the gradient does not match the MSE's slope along each weight ({reason})",
                       got=got, expected=expected)


def _check_zero_at_fit(function, example):
    got = function(*example.args).value
    expected = np.zeros(len(_plain_problem(example)[2]))
    reason = compare(got, expected, Tolerance(atol=1e-12))
    if reason:
        raise Mismatch(example, f"y equals X @ w, the minimum of the MSE, where the gradient is 0 ({reason})",
                       got=got, expected=expected)


def _is_gradient_shaped(example, value):
    d = len(np.asarray(to_plain(example.args[2])))
    if not isinstance(value, np.ndarray):
        return f"returned {type(value).__name__}, expected a NumPy array of shape ({d},)"
    if value.shape != (d,):
        return f"the shape is {value.shape}, expected ({d},): one entry per weight"
    if value.dtype.kind != "f":
        return f"the dtype is {value.dtype}, expected float"
    return None


MSE_GRADIENT = Exercise(
    module="linear_gd",
    name="mse_gradient",
    points=5,
    checks=(
        agrees(
            "mse_gradient(X, y, w) equals (2 / n) * X.T @ (X @ w - y) for inputs of any format.",
            points=2, strategy=problem_calls(weights=any_weights), oracle=ref_gradient, tolerance=GRADIENT_TOLERANCE,
            examples=(call([[1.0], [2.0]], [1.0, 1.0], [1.0]),
                      call(np.array([[1.0, 2.0], [3.0, 1.0], [0.0, 1.0]]), np.array([1.0, -2.0, 0.5]),
                           np.array([0.5, -1.0]))),
            hint="Differentiate mean((X @ w - y) ** 2) with respect to each weight: the chain rule gives one "
                 "factor from the square and one from the mean.",
        ),
        holds(
            "Each entry equals the slope of the MSE along that weight (central finite differences of the MSE).",
            name="finite differences of the MSE", points=1, tolerance=FINITE_DIFFERENCE_TOLERANCE,
            strategy=problem_calls(), prop=_check_finite_differences,
            examples=(call(np.array([[1.0, 2.0], [3.0, 1.0], [0.0, 1.0]]), np.array([1.0, -2.0, 0.5]),
                           np.array([0.5, -1.0])),),
            hint="Compare your gradient with (mse(w + h e_j) - mse(w - h e_j)) / (2h) for a small h: the "
                 "factor, the sign and the transpose must all be right.",
        ),
        holds(
            "Duplicating every row of X and y leaves the gradient unchanged (the MSE is a mean).",
            name="duplicated rows", points=0.5, tolerance=GRADIENT_TOLERANCE,
            strategy=problem_calls(formats=("array", "list")),
            prop=_same_after_doubling("the gradient", GRADIENT_TOLERANCE),
            hint="The gradient of a mean is a mean: divide by the number of rows.", public=True,
        ),
        holds(
            "At a perfect fit (y equals X @ w) the gradient is zero.",
            name="zero at a perfect fit", points=0.5, tolerance=Tolerance(atol=1e-12),
            strategy=perfect_fit_calls(), prop=_check_zero_at_fit,
            examples=(call([[1.0, 2.0], [0.0, 1.0]], [5.0, 2.0], [1.0, 2.0]),),
            hint="The gradient is built from the residuals X @ w - y: when they are all 0, so is the gradient.",
            public=True,
        ),
        returns_form(
            "Returns a float NumPy array of shape (d,), one entry per weight.", points=0.5,
            strategy=problem_calls(), expect=_is_gradient_shaped,
            hint="X has shape (n, d) and the residuals shape (n,): which product of the two has shape (d,)?",
        ),
        unchanged(points=0.5, strategy=problem_calls(),
                  hint="Work on converted copies (np.asarray(X, dtype=float), ...); never modify X, y or w."),
    ),
    depends_on=("linear_gd.mse",),
    mistakes=(
        Mistake("missing_two", "Your gradient is half the right size: differentiating the square gives a factor "
                "2 that is missing.", model=_model_gradient(lambda X, r, n: X.T @ r / n)),
        Mistake("sum_instead_of_mean", "Your gradient grows with the number of rows: it is a sum, but the MSE "
                "is a mean, so its gradient is averaged over the rows too.",
                model=_model_gradient(lambda X, r, n: 2.0 * (X.T @ r))),
        Mistake("missing_factor", "The factor in front of X.T @ (X @ w - y) is missing: one part comes from "
                "differentiating the square, the other from the mean.",
                model=_model_gradient(lambda X, r, n: X.T @ r)),
        Mistake("sign_error", "Your gradient points the wrong way: check the sign of the residual (X @ w - y, "
                "not y - X @ w) in the derivative of the square.",
                model=_model_gradient(lambda X, r, n: (2.0 / n) * (X.T @ -r))),
        Mistake("missing_transpose", "The residuals have one entry per row (n,), the gradient one per weight "
                "(d,): the product of X with the residuals needs X transposed.",
                model=_model_gradient(lambda X, r, n: (2.0 / n) * (X @ r)),
                error=r"matmul|not aligned|shapes .* mismatch"),
        Mistake("mutates_input", "Your function changes an array it was given (an in-place operation on "
                "np.asarray(...) of an input, which is the input itself when it is already a float array). "
                "Compute into a new array instead.", error=READ_ONLY_ERROR),
    ),
)


# --------------------------------------------------------------------------
# linear_regression_gd
# --------------------------------------------------------------------------

LEARNING_RATES = st.one_of(st.sampled_from([0.01, 0.05, 0.001]), st.floats(1e-4, 0.05, allow_subnormal=False))


@st.composite
def gd_problems(draw, *, formats=FORMATS, max_rows=12):
    """X (n, d) in [-2, 2] with d <= 3 and real targets, so that learning rates up to 0.05 are stable."""
    n = draw(st.integers(1, max_rows))
    d = draw(st.integers(1, 3))
    X = draw(features(n, d, max_abs=2.0))
    y = draw(targets(n, max_abs=5.0))
    fmt = draw(st.sampled_from(formats))
    index = draw(shuffled_index(n)) if fmt == "pandas" else None
    return {"X": as_format(X, fmt, index), "y": as_format(y, fmt, index, name="y"), "d": d, "format": fmt}


@st.composite
def starts(draw, d, *, kinds=("none", "float", "int", "list")):
    """Initial weights: omitted (None), a float array, an int array or a list."""
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return None
    if kind == "int":
        return draw(hnp.arrays(np.int64, d, elements=st.integers(-3, 3)))
    w = draw(hnp.arrays(np.float64, d, elements=floats(3.0)))
    return w.tolist() if kind == "list" else w


def _gd_call(draw, problem, learning_rate, n_iterations, start):
    """One call, with arguments passed positionally or by keyword (defaults left out)."""
    X, y = problem["X"], problem["y"]
    if draw(st.booleans()):
        kwargs = {"learning_rate": learning_rate, "n_iterations": n_iterations}
        if start is not None:
            kwargs["initial_weights"] = start
        return call(X, y, **kwargs)
    if start is None:
        return call(X, y, learning_rate, n_iterations)
    return call(X, y, learning_rate, n_iterations, start)


@st.composite
def gd_calls(draw, *, max_iterations=30, iterations=None, kinds=("none", "float", "int", "list"), formats=FORMATS):
    """linear_regression_gd calls with up to ``max_iterations`` updates."""
    problem = draw(gd_problems(formats=formats))
    n_iterations = draw(iterations if iterations is not None else st.integers(0, max_iterations))
    start = draw(starts(problem["d"], kinds=kinds))
    return _gd_call(draw, problem, draw(LEARNING_RATES), n_iterations, start)


def _gd_arguments(example):
    """(X, y, learning_rate, n_iterations, initial_weights) of a call, defaults filled in, as plain data."""
    names = ("X", "y", "learning_rate", "n_iterations", "initial_weights")
    values = dict(zip(names, (None, None, 0.01, 1000, None)))
    values.update(zip(names, to_plain(example.args)))
    values.update(to_plain(example.kwargs))
    return tuple(values[name] for name in names)


def _start_of(example):
    X, _, _, _, start = _gd_arguments(example)
    d = np.asarray(X).shape[1]
    return np.zeros(d) if start is None else np.array(start, dtype=float)


def _check_zero_iterations(function, example):
    got = function(*example.args, **example.kwargs).value
    expected = _start_of(example)
    reason = compare(got, expected, GD_TOLERANCE)
    if reason:
        raise Mismatch(example, f"with n_iterations=0 no update happens, so the result is the start ({reason})",
                       got=got, expected=expected)


@st.composite
def one_step_calls(draw):
    """One update from a float start, at a learning rate small enough that it must lower the MSE."""
    problem = draw(gd_problems(formats=("array", "list", "pandas")))
    start = draw(hnp.arrays(np.float64, problem["d"], elements=floats(3.0)))
    learning_rate = draw(st.sampled_from([0.01, 0.001]))
    return call(problem["X"], problem["y"], learning_rate=learning_rate, n_iterations=1, initial_weights=start)


def _check_one_step(function, example):
    got = function(*example.args, **example.kwargs).value
    X, y, learning_rate, _, start = _gd_arguments(example)
    X, y, start = (np.asarray(a, dtype=float) for a in (X, y, start))
    before = ref_mse(X, y, start)
    gradient = ref_gradient(X, y, start)
    if learning_rate * float(gradient @ gradient) < 1e-9 * (1.0 + before):
        return  # already (nearly) at the minimum: no visible decrease to expect
    try:
        after = ref_mse(X, y, np.asarray(got, dtype=float))
    except (ValueError, TypeError):
        raise Mismatch(example, "the result is not a weight vector of shape (d,)", got=got,
                       has_expected=False) from None
    if not after < before:
        raise Mismatch(example, f"one small step did not lower the MSE: it went from {before!r} to {after!r}",
                       got=got, has_expected=False)


@st.composite
def split_runs(draw):
    """Runs of 1 to 16 updates from a float or int start (later redone in two parts)."""
    problem = draw(gd_problems(formats=("array", "list")))
    start = draw(starts(problem["d"], kinds=("float", "int")))
    n_iterations = draw(st.integers(1, 16))
    return call(problem["X"], problem["y"], learning_rate=draw(LEARNING_RATES), n_iterations=n_iterations,
                initial_weights=start)


def _check_split_run(function, example):
    """k + m updates equal k updates, then m more from there (k = n_iterations // 2)."""
    total = example.kwargs["n_iterations"]
    k = total // 2
    got = function(*example.args, **example.kwargs).value
    middle = function(*example.args, **{**example.kwargs, "n_iterations": k}).value
    try:
        middle = np.array(middle, dtype=float)
    except (ValueError, TypeError):
        raise Mismatch(example, "the result is not a weight vector", got=middle, has_expected=False) from None
    expected = function(*example.args, **{**example.kwargs, "n_iterations": total - k,
                                          "initial_weights": middle}).value
    reason = compare(got, expected, GD_TOLERANCE)
    if reason:
        raise Mismatch(example, f"{_updates(total)} in one run should equal {_updates(k)} followed by "
                       f"{total - k} more from where they ended ({reason}); the expected value is that two-part run",
                       got=got, expected=expected)


def _updates(count):
    return f"{count} update" if count == 1 else f"{count} updates"


def _is_weight_vector(example, value):
    X = to_plain(example.args[0])
    d = np.asarray(X).shape[1]
    if not isinstance(value, np.ndarray):
        return f"returned {type(value).__name__}, expected a NumPy array of shape ({d},)"
    if value.shape != (d,):
        return f"the shape is {value.shape}, expected ({d},): one entry per column of X"
    if value.dtype.kind != "f":
        return f"the dtype is {value.dtype}, expected float (weights take fractional steps)"
    return None


def _gd_model(change):
    def model(*args, **kwargs):
        X, y, learning_rate, n_iterations, start = _gd_arguments(call(*args, **kwargs))
        return change(np.asarray(X, dtype=float), np.asarray(y, dtype=float), learning_rate, n_iterations, start)
    return model


def _ascent(X, y, learning_rate, n_iterations, start):
    w = np.zeros(X.shape[1]) if start is None else np.array(start, dtype=float)
    for _ in range(n_iterations):
        w = w + learning_rate * ref_gradient(X, y, w)
    return w


def _ones_start(X, y, learning_rate, n_iterations, start):
    if start is not None:
        raise ValueError("the mistake concerns the default start only")
    return ref_gd(X, y, learning_rate, n_iterations, np.ones(X.shape[1]))


MOVIES_X = np.column_stack([np.ones(30), np.round(np.random.default_rng(7).uniform(0.0, 2.0, 30), 2)])
MOVIES_Y = np.round(0.5 + 1.1 * MOVIES_X[:, 1] + np.random.default_rng(8).normal(0.0, 0.3, 30), 2)

LINEAR_REGRESSION_GD = Exercise(
    module="linear_gd",
    name="linear_regression_gd",
    points=6,
    checks=(
        agrees(
            "linear_regression_gd(X, y, learning_rate, n_iterations, initial_weights) equals exactly "
            "n_iterations updates w <- w - learning_rate * mse_gradient(X, y, w) from the start (zeros when "
            "omitted), for inputs of any format and float, int or list starts.",
            points=2.5, strategy=gd_calls(), oracle=ref_gd, tolerance=GD_TOLERANCE,
            examples=(call([[1.0], [2.0]], [2.0, 4.0], learning_rate=0.05, n_iterations=3),
                      call(np.array([[1.0, 0.5], [1.0, -1.0], [1.0, 2.0]]), np.array([1.0, 0.0, 3.0]), 0.05, 5,
                           np.array([1, -1]))),
            hint="Start from the given weights (a float copy) or zeros, then repeat exactly n_iterations times: "
                 "compute the gradient at the current w and step against it.",
        ),
        holds(
            "With n_iterations=0 the result is the start: initial_weights, or zeros when omitted.",
            name="zero iterations", points=0.5, tolerance=GD_TOLERANCE,
            strategy=gd_calls(iterations=st.just(0)), prop=_check_zero_iterations,
            examples=(call([[1.0, 2.0]], [3.0], learning_rate=0.1, n_iterations=0),
                      call([[1.0, 2.0]], [3.0], learning_rate=0.1, n_iterations=0, initial_weights=[1, 2])),
            hint="Count your updates: zero iterations means no update at all, and the default start is all zeros.",
            public=True,
        ),
        agrees(
            "Longer runs match the reference too: 200 updates on two rows, and the defaults (learning_rate=0.01, "
            "n_iterations=1000) on a 30-row regression with an intercept column.",
            name="longer runs and defaults", points=0.5, strategy=None, oracle=ref_gd, tolerance=GD_TOLERANCE,
            examples=(call([[1.0], [2.0]], [2.0, 4.0], learning_rate=0.1, n_iterations=200), call(MOVIES_X, MOVIES_Y)),
            hint="Check the default values of learning_rate, n_iterations and the starting weights.",
        ),
        holds(
            "k + m updates give the same weights as k updates followed by m more starting where they ended.",
            name="updates add up", points=0.5, tolerance=GD_TOLERANCE, strategy=split_runs(),
            prop=_check_split_run, max_examples=15, public=True,
            hint="Check that the loop runs exactly n_iterations times (not one more, not one less).",
        ),
        holds(
            "One update with a small learning rate lowers the MSE (unless already at the minimum).",
            name="one step goes downhill", points=0.5, strategy=one_step_calls(), prop=_check_one_step,
            hint="Gradient descent steps against the gradient: the gradient points uphill.",
        ),
        returns_new(points=0.5, strategy=gd_calls(iterations=st.integers(0, 2), kinds=("float", "int")),
                    examples=(call([[1.0, 2.0]], [3.0], learning_rate=0.1, n_iterations=0,
                                   initial_weights=np.array([1.0, 2.0])),),
                    hint="Even after zero updates, return a new array: copy the start (np.array(..., dtype=float))."),
        unchanged(points=0.5, strategy=gd_calls(max_iterations=5, kinds=("float", "int")),
                  examples=(call([[1.0, 2.0], [0.0, 1.0]], [3.0, 1.0], learning_rate=0.1, n_iterations=2,
                                 initial_weights=np.array([0.5, -0.5])),),
                  hint="Copy initial_weights before updating; w -= ... changes the caller's array in place."),
        returns_form(
            "Returns a float NumPy array of shape (d,).", points=0.5,
            strategy=gd_calls(max_iterations=5), expect=_is_weight_vector,
            hint="Convert the start with np.array(initial_weights, dtype=float) and return the array itself.",
        ),
    ),
    depends_on=("linear_gd.mse_gradient", "linear_gd.mse"),
    mistakes=(
        Mistake("plus_instead_of_minus", "Your update adds the gradient, which climbs the MSE. Gradient descent "
                "steps against the gradient.", model=_gd_model(_ascent)),
        Mistake("extra_iteration", "Your loop makes one update too many: count the updates for n_iterations=0 "
                "and 1.", model=_gd_model(lambda X, y, lr, k, start: ref_gd(X, y, lr, k + 1, start))),
        Mistake("missing_iteration", "Your loop makes one update too few: count the updates for n_iterations=1 "
                "and 2.", model=_gd_model(lambda X, y, lr, k, start: ref_gd(X, y, lr, max(k - 1, 0), start))),
        Mistake("wrong_default_start", "Without initial_weights the start is all zeros.",
                model=_gd_model(_ones_start)),
        Mistake("none_comparison", "`initial_weights == None` compares every entry of an array with None, and "
                "`if` cannot decide on an array of booleans. Test for None with `is None`.",
                error=r"truth value of an array"),
        Mistake("integer_start", "Integer initial weights cannot hold fractional steps in place: start from a "
                "float copy, np.array(initial_weights, dtype=float).", error=r"Cannot cast ufunc"),
        Mistake("mutates_input", "Your function changes the caller's initial_weights: `w = initial_weights` does "
                "not copy, so `w -= ...` updates their array too. Start from a copy.", error=READ_ONLY_ERROR),
        Mistake("returns_input", "With n_iterations=0 you return the caller's initial_weights itself; return a "
                "copy, so that changing the result cannot change their array."),
    ),
)

EXERCISES = (MSE, MSE_GRADIENT, LINEAR_REGRESSION_GD)
