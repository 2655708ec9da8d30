"""Public checks of ``exercises/linear_gd.py``: the MSE, its gradient, gradient descent.

Expected values come from scikit-learn's ``mean_squared_error`` (which a
from-scratch function may not call, but a check may), from central finite
differences (the MSE is quadratic, so a difference with step 1 is exact up to
rounding), and from the student's own ``mse_gradient``.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.checks import Mismatch, holds, returns_form, returns_new, unchanged
from grader.declaration import Exercise, Mistake
from grader.library_cache import remembered
from grader.public.common import (PUBLIC_FORMATS, Expected, agree_with_any, central_differences, columns,
                                  doubled_call, examples_of, expect_close, float_scalar, float_vector, grid_arrays,
                                  hand_computed, matrices, numbers, own, plain_floats)
from grader.strategies import as_format, call
from grader.values import Tolerance

# Hidden: 1e-9 for values, 1e-6 for finite differences, 1e-7 for descent.
MSE_TOLERANCE = Tolerance(rtol=1e-8, atol=1e-10)
GRADIENT_TOLERANCE = Tolerance(rtol=1e-8, atol=1e-8)
FD_TOLERANCE = Tolerance(rtol=1e-6, atol=1e-6)
GD_TOLERANCE = Tolerance(rtol=1e-6, atol=1e-8)


@remembered
def library_mse(X, y, w):
    """scikit-learn's mean squared error of the predictions X @ w."""
    from sklearn.metrics import mean_squared_error

    X, y, w = plain_floats(X), plain_floats(y), plain_floats(w)
    return float(mean_squared_error(y, X @ w))


@st.composite
def regression_calls(draw, *, max_rows=8, max_cols=3, max_abs=5.0):
    """``f(X, y, w)`` with real targets: arrays (floats or small ints) or lists."""
    n = draw(st.integers(1, max_rows))
    d = draw(st.integers(1, max_cols))
    X = draw(matrices(n, d, max_abs=max_abs))
    y = draw(grid_arrays(n, 10.0, 0.5))
    w = draw(grid_arrays(d, 3.0))
    fmt = draw(st.sampled_from(PUBLIC_FORMATS))
    return call(as_format(X, fmt), as_format(y, fmt), w.tolist() if fmt == "list" else w)


@st.composite
def perfect_fit_calls(draw):
    """``f(X, y, w)`` with y = X @ w exactly (small integers)."""
    n = draw(st.integers(1, 6))
    d = draw(st.integers(1, 3))
    X = draw(hnp.arrays(np.int64, (n, d), elements=st.integers(-5, 5)))
    w = draw(hnp.arrays(np.int64, d, elements=st.integers(-3, 3)))
    return call(X.astype(float), (X @ w).astype(float), w.astype(float))


def _check_mse_library(function, example):
    got = function(*example.args).value
    expect_close(example, got, library_mse(*example.args), MSE_TOLERANCE,
                 "compared with sklearn.metrics.mean_squared_error(y, X @ w)")


def _check_same_when_doubled(what, tolerance):
    def prop(function, example):
        once = function(*example.args).value
        doubled = doubled_call(example)
        expect_close(doubled, function(*doubled.args).value, once, tolerance,
                     f"with every row of X and y twice, {what} must not change (it is a mean); the value for "
                     "the original rows is shown as expected")
    return prop


def _check_mse_sign(function, example):
    got = function(*example.args).value
    X, y, w = (plain_floats(a) for a in example.args)
    value = numbers(got)
    if value is None or value.shape != ():
        raise Mismatch(example, "the result is not one number", got=got, has_expected=False)
    if np.array_equal(X @ w, y):
        expect_close(example, got, 0.0, MSE_TOLERANCE, "y equals X @ w, so every residual is 0")
    elif not float(value) >= 0:
        raise Mismatch(example, "a mean of squares cannot be negative", got=got, has_expected=False)


def _model_mse(transform):
    def model(X, y, w):
        X, y, w = (np.asarray(a, dtype=float) for a in (X, y, w))
        return transform(X @ w - y)
    return model


MSE_CASES = (
    (call([[1.0], [2.0]], [1.0, 1.0], [1.0]), 0.5),
    (call(np.array([[1, 2], [3, 4], [0, 1]]), np.array([1, -2, 0]), np.array([0, 0])), 5 / 3),
    (call([[1.0, 2.0]], [5.0], [1.0, 2.0]), 0.0),
)

MSE = Exercise(
    module="linear_gd",
    name="mse",
    points=4,
    checks=(
        holds(
            "Hand-computed values: mse([[1.], [2.]], [1., 1.], [1.]) is (0 + 1) / 2 = 0.5.",
            name="hand-computed values", points=1, prop=hand_computed(MSE_CASES, MSE_TOLERANCE),
            examples=examples_of(MSE_CASES), tolerance=MSE_TOLERANCE,
            hint="Square each residual x_i . w - y_i, then average over the n rows.",
        ),
        holds(
            "mse(X, y, w) equals scikit-learn's mean_squared_error(y, X @ w).",
            name="agrees with scikit-learn", points=1.5, strategy=regression_calls(), prop=_check_mse_library,
            tolerance=MSE_TOLERANCE, max_examples=8,
            hint="Square each residual x_i . w - y_i, then average over the n rows.",
        ),
        holds(
            "Duplicating every row of X and y leaves the MSE unchanged (it is a mean, not a sum).",
            name="duplicated rows", points=0.5, strategy=regression_calls(), tolerance=MSE_TOLERANCE,
            prop=_check_same_when_doubled("the MSE", MSE_TOLERANCE), max_examples=6,
            hint="Divide by the number of rows: the MSE of a data set and of the same data set twice are equal.",
        ),
        holds(
            "The MSE is never negative, and it is 0.0 when y equals X @ w.",
            name="non-negative, zero at a perfect fit", points=0.5, tolerance=MSE_TOLERANCE,
            strategy=st.one_of(perfect_fit_calls(), regression_calls()), prop=_check_mse_sign, max_examples=6,
            hint="Square each residual before averaging.",
        ),
        returns_form("Returns a Python float.", points=0.25, strategy=regression_calls(), expect=float_scalar,
                     max_examples=3, hint="Wrap the result in float(...)."),
        unchanged(points=0.25, strategy=regression_calls(), max_examples=3,
                  examples=(call(np.array([[1.0], [2.0]]), np.array([1.0, 3.0]), np.array([0.5])),),
                  hint="Work on converted copies (np.asarray(X, dtype=float), ...); never modify X, y or w."),
    ),
    mistakes=(
        Mistake("sum_instead_of_mean", "You add up the squared residuals: the MSE is their mean, so divide by "
                "the number of rows.", model=_model_mse(lambda r: float(np.sum(r**2)))),
        Mistake("root_mean_squared", "You take a square root at the end: that is the RMSE. The MSE is the mean "
                "of the squares itself.", model=_model_mse(lambda r: float(np.sqrt(np.mean(r**2))))),
        Mistake("square_of_mean", "You square the mean of the residuals; the MSE is the mean of the squared "
                "residuals (square first, then average).", model=_model_mse(lambda r: float(np.mean(r) ** 2))),
        Mistake("half_mean", "You divide by 2n: that is the 'cost' some courses use to simplify the gradient. "
                "Here the MSE is the plain mean of the squared residuals.",
                model=_model_mse(lambda r: float(np.mean(r**2) / 2))),
    ),
)


def _slopes_of(mse_function, X, y, w):
    """Central differences of an MSE (quadratic in w: a step of 1 is exact up to rounding)."""
    return central_differences(lambda v: mse_function(X, y, v), w, 1.0)


def _check_finite_differences(function, example):
    got = function(*example.args).value
    X, y, w = (plain_floats(a) for a in example.args)
    candidates = [Expected(_slopes_of(library_mse, X, y, w), FD_TOLERANCE,
                           "the slopes of scikit-learn's mean_squared_error along each weight"),
                  lambda: Expected(_slopes_of(lambda *a: own(function, "mse", *a), X, y, w), FD_TOLERANCE,
                                   "the slopes of your mse along each weight")]
    agree_with_any(example, got, candidates, what="the gradient", mistakes=lambda: _gradient_mistakes(X, y, w))


def _gradient_mistakes(X, y, w):
    """What the known wrong gradients give here (from exact slopes, so no formula is needed)."""
    true = _slopes_of(library_mse, X, y, w)
    if true is None:
        return ()
    n = X.shape[0]
    return (("missing_two", true / 2, FD_TOLERANCE), ("sum_instead_of_mean", true * n, FD_TOLERANCE),
            ("sign_error", -true, FD_TOLERANCE))


def _check_zero_at_fit(function, example):
    got = function(*example.args).value
    expected = np.zeros(len(plain_floats(example.args[2])))
    expect_close(example, got, expected, Tolerance(atol=1e-10),
                 "y equals X @ w, the minimum of the MSE, where the gradient is 0")


GRADIENT_CASES = (
    (call([[1.0], [2.0]], [1.0, 1.0], [1.0]), np.array([2.0])),
    (call(np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([1.0, 0.0]), np.array([0.0, 1.0])), np.array([-1.0, 4.0])),
)

MSE_GRADIENT = Exercise(
    module="linear_gd",
    name="mse_gradient",
    points=5,
    checks=(
        holds(
            "Hand-computed values: mse_gradient([[1.], [2.]], [1., 1.], [1.]) is [2.].",
            name="hand-computed values", points=1,
            prop=hand_computed(GRADIENT_CASES, GRADIENT_TOLERANCE, alternative=lambda function, example: Expected(
                _slopes_of(lambda *a: own(function, "mse", *a), *(plain_floats(a) for a in example.args)),
                FD_TOLERANCE, "the slopes of your mse along each weight")),
            examples=examples_of(GRADIENT_CASES), tolerance=GRADIENT_TOLERANCE,
            hint="Differentiate mean((X @ w - y) ** 2) with respect to each weight: the chain rule gives one "
                 "factor from the square and one from the mean.",
        ),
        holds(
            "Each entry equals the slope of the MSE along that weight (central finite differences of "
            "scikit-learn's mean_squared_error, or of your own mse).",
            name="finite differences of the MSE", points=2, strategy=regression_calls(),
            prop=_check_finite_differences, tolerance=FD_TOLERANCE, max_examples=6,
            hint="Compare your gradient with (mse(w + h e_j) - mse(w - h e_j)) / (2h): the factor, the sign "
                 "and the transpose must all be right.",
        ),
        holds(
            "Duplicating every row of X and y leaves the gradient unchanged (the MSE is a mean).",
            name="duplicated rows", points=0.5, strategy=regression_calls(), tolerance=GRADIENT_TOLERANCE,
            prop=_check_same_when_doubled("the gradient", GRADIENT_TOLERANCE), max_examples=6,
            hint="The gradient of a mean is a mean: divide by the number of rows.",
        ),
        holds(
            "At a perfect fit (y equals X @ w) the gradient is zero.",
            name="zero at a perfect fit", points=0.5, strategy=perfect_fit_calls(), prop=_check_zero_at_fit,
            tolerance=Tolerance(atol=1e-10), max_examples=6,
            hint="The gradient is built from the residuals X @ w - y: when they are all 0, so is the gradient.",
        ),
        returns_form("Returns a float NumPy array of shape (d,), one entry per weight.", points=0.5,
                     strategy=regression_calls(), expect=float_vector(columns), max_examples=3,
                     hint="X has shape (n, d) and the residuals shape (n,): which product of the two has "
                          "shape (d,)?"),
        unchanged(points=0.5, strategy=regression_calls(), max_examples=3,
                  examples=(call(np.array([[1.0], [2.0]]), np.array([1.0, 3.0]), np.array([0.5])),),
                  hint="Work on converted copies (np.asarray(X, dtype=float), ...); never modify X, y or w."),
    ),
    mistakes=(
        Mistake("missing_two", "Your gradient is half the right size: differentiating the square gives a "
                "factor 2 that is missing."),
        Mistake("sum_instead_of_mean", "Your gradient grows with the number of rows: it is a sum, but the MSE is "
                "a mean, so its gradient is averaged over the rows too."),
        Mistake("sign_error", "Your gradient points the wrong way: check the sign of the residual (X @ w - y, "
                "not y - X @ w) in the derivative of the square."),
        Mistake("missing_transpose", "The residuals have one entry per row (n,), the gradient one per weight "
                "(d,): the product of X with the residuals needs X transposed.",
                error=r"matmul|not aligned|shapes .* mismatch"),
    ),
)


# --------------------------------------------------------------------------
# linear_regression_gd
# --------------------------------------------------------------------------

LEARNING_RATES = st.sampled_from([0.01, 0.05, 0.001])


@st.composite
def gd_calls(draw, *, iterations=st.integers(0, 5), starts=("none", "float", "int", "list")):
    """X in [-2, 2] with d <= 3 (stable for learning rates up to 0.05), a few updates, any kind of start."""
    n = draw(st.integers(1, 6))
    d = draw(st.integers(1, 3))
    X = draw(grid_arrays((n, d), 2.0))
    y = draw(grid_arrays(n, 5.0))
    fmt = draw(st.sampled_from(PUBLIC_FORMATS))
    kwargs = {"learning_rate": draw(LEARNING_RATES), "n_iterations": draw(iterations)}
    kind = draw(st.sampled_from(starts))
    if kind == "int":
        kwargs["initial_weights"] = draw(hnp.arrays(np.int64, d, elements=st.integers(-3, 3)))
    elif kind != "none":
        start = draw(grid_arrays(d, 3.0))
        kwargs["initial_weights"] = start.tolist() if kind == "list" else start
    return call(as_format(X, fmt), as_format(y, fmt), **kwargs)


def gd_arguments(example):
    """(X, y, learning_rate, n_iterations, initial_weights) of a call, defaults filled in."""
    values = dict(zip(("X", "y", "learning_rate", "n_iterations", "initial_weights"), example.args))
    values = {"learning_rate": 0.01, "n_iterations": 1000, "initial_weights": None, **values, **example.kwargs}
    return values["X"], values["y"], values["learning_rate"], values["n_iterations"], values["initial_weights"]


def _start(example):
    start = gd_arguments(example)[4]
    return np.zeros(columns(example)) if start is None else plain_floats(start)


def _descend(gradient, example):
    """The weights after n_iterations updates w - learning_rate * gradient(w), or None if gradient fails."""
    X, y, learning_rate, n_iterations, _ = gd_arguments(example)
    X, y, w = plain_floats(X), plain_floats(y), _start(example)
    for _ in range(n_iterations):
        g = numbers(gradient(X, y, w))
        if g is None or g.shape != w.shape:
            return None
        w = w - learning_rate * g
    return w


def _library_gradient(X, y, w):
    return _slopes_of(library_mse, X, y, w)


def _check_updates(function, example):
    got = function(*example.args, **example.kwargs).value
    candidates = [
        lambda: Expected(_descend(_library_gradient, example), GD_TOLERANCE,
                         "n_iterations updates against the slopes of scikit-learn's mean_squared_error"),
        lambda: Expected(_descend(lambda *a: own(function, "mse_gradient", *a), example), GD_TOLERANCE,
                         "n_iterations updates w - learning_rate * mse_gradient(X, y, w) with your mse_gradient"),
    ]

    def mistakes():
        one_more = call(*example.args, **{**example.kwargs, "n_iterations": example.kwargs["n_iterations"] + 1})
        return (("plus_instead_of_minus", _descend(lambda *a: -_library_gradient(*a), example), GD_TOLERANCE),
                ("extra_iteration", _descend(_library_gradient, one_more), GD_TOLERANCE))

    agree_with_any(example, got, candidates, what="the weights", mistakes=mistakes)


def _check_zero_iterations(function, example):
    got = function(*example.args, **example.kwargs).value
    expect_close(example, got, _start(example), GD_TOLERANCE,
                 "with n_iterations=0 no update happens, so the result is the start (zeros when omitted)")


def _check_split_run(function, example):
    """k + m updates equal k updates, then m more from there."""
    total = example.kwargs["n_iterations"]
    k = total // 2
    got = function(*example.args, **example.kwargs).value
    middle = numbers(function(*example.args, **{**example.kwargs, "n_iterations": k}).value)
    if middle is None:
        raise Mismatch(example, "the result is not a weight vector", got=got, has_expected=False)
    expected = function(*example.args, **{**example.kwargs, "n_iterations": total - k,
                                          "initial_weights": middle}).value
    expect_close(example, got, expected, GD_TOLERANCE,
                 f"{total} updates should equal {k} updates followed by {total - k} more from where they ended; "
                 "the expected value is that two-part run")


# Hand-computed: on X = [[0.1]], y = [1] each default update is w <- 0.9998 w + 0.002,
# so from w = 0, 1000 updates give 10 (1 - 0.9998 ** 1000).
GD_CASES = (
    (call([[1.0], [2.0]], [2.0, 4.0], learning_rate=0.1, n_iterations=200), np.array([2.0])),
    (call([[0.1]], [1.0]), np.array([10 * (1 - 0.9998**1000)])),
    (call([[1.0, 2.0]], [3.0], learning_rate=0.1, n_iterations=0), np.array([0.0, 0.0])),
)

LINEAR_REGRESSION_GD = Exercise(
    module="linear_gd",
    name="linear_regression_gd",
    points=6,
    checks=(
        holds(
            "Hand-computed values, including the defaults (learning_rate=0.01, n_iterations=1000, start at "
            "zeros).",
            name="hand-computed values", points=1.5,
            prop=hand_computed(GD_CASES, GD_TOLERANCE, alternative=lambda function, example: Expected(
                _descend(lambda *a: own(function, "mse_gradient", *a), example), GD_TOLERANCE,
                "n_iterations updates with your mse_gradient")),
            examples=examples_of(GD_CASES), tolerance=GD_TOLERANCE,
            hint="Start from zeros (or the given weights), then repeat exactly n_iterations times: compute the "
                 "gradient at the current w and step against it; check the default values of the arguments.",
        ),
        holds(
            "With n_iterations=0 the result is the start: initial_weights, or zeros when omitted.",
            name="zero iterations", points=0.5, strategy=gd_calls(iterations=st.just(0)),
            prop=_check_zero_iterations, tolerance=GD_TOLERANCE, max_examples=3,
            hint="Count your updates: zero iterations means no update at all, and the default start is all zeros.",
        ),
        holds(
            "The result is n_iterations updates w <- w - learning_rate * mse_gradient(X, y, w) (with your "
            "mse_gradient, or the slopes of scikit-learn's MSE).",
            name="n_iterations updates", points=2, strategy=gd_calls(), prop=_check_updates,
            tolerance=GD_TOLERANCE, max_examples=6,
            hint="Each update computes the gradient at the current w and steps against it, exactly n_iterations "
                 "times.",
        ),
        holds(
            "k + m updates give the same weights as k updates followed by m more from where they ended.",
            name="updates add up", points=0.5, strategy=gd_calls(iterations=st.integers(1, 6),
                                                                  starts=("float", "int")),
            prop=_check_split_run, tolerance=GD_TOLERANCE, max_examples=3,
            hint="Check that the loop runs exactly n_iterations times and starts from initial_weights.",
        ),
        returns_new(points=0.5, strategy=gd_calls(iterations=st.integers(0, 2), starts=("float",)), max_examples=3,
                    examples=(call([[1.0, 2.0]], [3.0], learning_rate=0.1, n_iterations=0,
                                   initial_weights=np.array([1.0, 2.0])),),
                    hint="Even after zero updates, return a new array: copy the start (np.array(..., dtype=float))."),
        unchanged(points=0.5, strategy=gd_calls(starts=("float", "int")), max_examples=3,
                  hint="Copy initial_weights before updating; w -= ... changes the caller's array in place."),
        returns_form("Returns a float NumPy array of shape (d,).", points=0.5, strategy=gd_calls(),
                     expect=float_vector(columns, what="one entry per column of X"), max_examples=3,
                     hint="Convert the start with np.array(initial_weights, dtype=float) and return it."),
    ),
    mistakes=(
        Mistake("plus_instead_of_minus", "Your update adds the gradient, which climbs the MSE. Gradient descent "
                "steps against the gradient."),
        Mistake("extra_iteration", "Your loop makes one update too many: count the updates for n_iterations=0 "
                "and 1."),
        Mistake("none_comparison", "`initial_weights == None` compares every entry of an array with None, and "
                "`if` cannot decide on an array of booleans. Test for None with `is None`.",
                error=r"truth value of an array"),
        Mistake("integer_start", "Integer initial weights cannot hold fractional steps in place: start from a "
                "float copy, np.array(initial_weights, dtype=float).", error=r"Cannot cast ufunc"),
        Mistake("mutates_input", "Your function changes the caller's initial_weights: `w = initial_weights` does "
                "not copy, so `w -= ...` updates their array too. Start from a copy."),
        Mistake("returns_input", "With n_iterations=0 you return the caller's initial_weights itself; return a "
                "copy, so that changing the result cannot change their array."),
    ),
)

EXERCISES = (MSE, MSE_GRADIENT, LINEAR_REGRESSION_GD)
