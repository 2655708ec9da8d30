"""Helpers shared by the public checks.

The public checks judge a function without any reference solution. Their
expected values come from three places only: hand-computed examples,
libraries the student may not use in that exercise (scikit-learn, NumPy,
SciPy), and the student's *own* other functions (``function.other``), so
that, say, ``predict_proba`` is judged against the student's own ``sigmoid``
and a wrong ``sigmoid`` is charged once, to ``sigmoid``.

Where both a library value and the student's own dependency can say what is
expected, a result that agrees with *either* passes (:func:`agree_with_any`):
a function that is right is never failed because of a dependency, and a
function that faithfully uses a wrong dependency is not charged for it here.

Tolerances are at least as loose as the hidden checks' for the same property:
whatever passes every hidden check passes every public one.
"""

import pickle
import re
import weakref
from dataclasses import dataclass, replace

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.checks import Fatal, Mismatch, StudentRaised
from grader.contract import FUNCTION_NAMES
from grader.library_cache import remembered
from grader.protocol import Opaque, PandasData
from grader.strategies import call
from grader.values import Tolerance, as_number_array, compare, describe_type, to_plain

# Formats of the generated inputs. The hidden checks add pandas inputs with a
# shuffled index; the public ones keep to what every module's hidden checks use.
PUBLIC_FORMATS = ("array", "list")


def grid(max_abs, step=0.25, *, low=None):
    """Numbers on a grid (quarters by default) in [-max_abs, max_abs] (or [low, max_abs]).

    A failing example is shown to the student: grid numbers read well
    (``0.75``, not ``0.7499999999999999``), and they shrink towards 0 in a
    few quick steps.
    """
    bottom = -max_abs if low is None else low
    parts = round(1 / step)  # k / 20 is 0.15 exactly where k * 0.05 is 0.15000000000000002
    return st.integers(int(round(bottom * parts)), int(round(max_abs * parts))).map(lambda k: k / parts)


def grid_arrays(shape, max_abs, step=0.25, *, low=None):
    """A float array of ``shape`` with entries on a grid."""
    return hnp.arrays(np.float64, shape, elements=grid(max_abs, step, low=low))


@st.composite
def matrices(draw, n, d, *, max_abs=5.0, step=0.25):
    """An (n, d) matrix: floats on a grid, or now and then small integers."""
    if draw(st.booleans()):
        return draw(hnp.arrays(np.int64, (n, d), elements=st.integers(-int(max_abs), int(max_abs))))
    return draw(grid_arrays((n, d), max_abs, step))


@dataclass(frozen=True)
class Expected:
    """One acceptable answer: a value, its tolerance, and where it comes from (for the message)."""

    value: object
    tolerance: Tolerance
    source: str


def plain(value):
    """An argument as a plain NumPy array (lists, pandas markers and arrays alike)."""
    return np.asarray(to_plain(value))


def plain_floats(value):
    """An argument as a float NumPy array."""
    return np.asarray(to_plain(value), dtype=float)


# A returned value as a float ndarray, or None when it is not numbers.
numbers = as_number_array


def own(function, name, *args, **kwargs):
    """The student's own ``name`` called on these arguments, or None when it cannot answer.

    A dependency that is not implemented, raises, times out or calls
    scikit-learn is its own function's problem: the check then falls back to
    the other expected values it has.
    """
    try:
        return function.other(name)(*args, **kwargs)
    except Mismatch:
        return None
    except Fatal:
        return None


def agree_with_any(example, got, candidates, *, what="the result", mistakes=()):
    """Pass when ``got`` agrees with one of the ``candidates``; else raise Mismatch.

    Parameters
    ----------
    example : Example
        The call, for the message.
    got : object
        What the student's function returned.
    candidates : sequence of Expected, or of callables returning one
        Acceptable answers, tried in order; a callable is only called when
        the ones before it do not agree (put the cheap ones first). Those
        whose value is None are unavailable. The first available one is shown
        as expected.
    what : str
        What is being compared, for the message.
    mistakes : sequence of (key, value, Tolerance), or a callable returning one
        Known wrong answers: a ``got`` that matches one is answered with that
        mistake's hint.
    """
    available = []
    for candidate in candidates:
        candidate = candidate() if callable(candidate) else candidate
        if candidate is None or candidate.value is None:
            continue
        if compare(got, candidate.value, candidate.tolerance) is None:
            return
        available.append(candidate)
    if not available:
        return
    shown = available[0]
    reason = compare(got, shown.value, shown.tolerance)
    key = recognise(got, mistakes() if callable(mistakes) else mistakes)
    raise Mismatch(example, f"{what} differs from {shown.source}: {reason}", got=got, expected=shown.value,
                   mistake=key)


def recognise(got, mistakes):
    """The key of the first known wrong answer ``(key, value, tolerance)`` that ``got`` matches."""
    for key, value, tolerance in mistakes:
        if value is not None and compare(got, value, tolerance) is None:
            return key
    return None


def expect_close(example, got, expected, tolerance, reason="", mistakes=()):
    """Raise Mismatch unless ``got`` equals ``expected`` within ``tolerance``."""
    problem = compare(got, expected, tolerance)
    if problem:
        message = f"{reason} ({problem})" if reason else problem
        raise Mismatch(example, message, got=got, expected=expected, mistake=recognise(got, mistakes))


def hand_computed(cases, tolerance, *, mistakes=None, alternative=None):
    """A prop checking fixed calls against hand-computed values.

    Parameters
    ----------
    cases : sequence of (Example, expected value)
        Use the prop with ``examples=examples_of(cases)`` and no strategy.
    tolerance : Tolerance
    mistakes : callable, optional
        ``mistakes(example)`` gives known wrong answers ``[(key, value, tolerance)]``.
    alternative : callable, optional
        ``alternative(function, example)`` gives an :class:`Expected` computed
        with the student's own dependency (or None): a result that agrees with
        it passes too, so a wrong dependency is charged to itself only.
    """

    def prop(function, example):
        expected = next(value for case, value in cases if case is example)
        got = function(*example.args, **example.kwargs).value
        candidates = [Expected(expected, tolerance, "the hand-computed value")]
        if alternative is not None:
            candidates.append(lambda: alternative(function, example))
        agree_with_any(example, got, candidates, mistakes=(lambda: mistakes(example)) if mistakes else ())

    return prop


def examples_of(cases):
    """The examples of ``(Example, expected value)`` pairs."""
    return tuple(case for case, _ in cases)


def float_scalar(example, value):
    """A ``returns_form`` expectation: a Python float (np.float64 is one)."""
    if isinstance(value, float):
        return None
    return f"returned {describe_type(value)}, expected a float (wrap the result in float(...))"


def float_vector(length_of, *, what="one entry per weight"):
    """A ``returns_form`` expectation: a float ndarray of shape ``(length_of(example),)``."""

    def expect(example, value):
        n = length_of(example)
        if not isinstance(value, np.ndarray):
            return f"returned {describe_type(value)}, expected a NumPy array of shape ({n},)"
        if value.shape != (n,):
            return f"the shape is {value.shape}, expected ({n},): {what}"
        if value.dtype.kind != "f":
            return f"the dtype is {value.dtype}, expected float"
        return None

    return expect


def columns(example):
    """The number of columns of the first argument (X)."""
    return plain(example.args[0]).shape[1]


def rows(example):
    """The number of rows of the first argument (X)."""
    return plain(example.args[0]).shape[0]


def twice(value):
    """Every row of ``value`` twice, in the same format (list or array)."""
    array = plain(value)
    doubled = np.concatenate([array, array])
    return doubled.tolist() if isinstance(value, list) else doubled


def like(template, array):
    """``array`` in the format of ``template`` (a list or an ndarray)."""
    return np.asarray(array).tolist() if isinstance(template, list) else np.asarray(array)


def doubled_call(example):
    """The same ``f(X, y, ...)`` call with every row of X and y appearing twice."""
    X, y = example.args[:2]
    return call(twice(X), twice(y), *example.args[2:], **example.kwargs)


def central_differences(f, w, h):
    """Central finite differences of the scalar function ``f`` at ``w``, one coordinate at a time.

    Returns None when ``f`` gives something other than a finite number.
    """
    point = np.asarray(w, dtype=float)
    slopes = np.empty(point.shape)
    for j in range(point.size):
        step = np.zeros(point.shape)
        step[j] = h
        up, down = f(point + step), f(point - step)
        values = numbers(up), numbers(down)
        if any(v is None or v.shape != () or not np.isfinite(v) for v in values):
            return None
        slopes[j] = (float(values[0]) - float(values[1])) / (2.0 * h)
    return slopes


@remembered
def library_log_likelihood(X, y, w):
    """The logistic log-likelihood from scikit-learn's log loss (moderate logits only, |z| <= 10).

    ``log_loss`` clips probabilities at machine epsilon, so it is exact only
    while no prediction saturates; the strategies keep |X @ w| small.
    """
    from scipy.special import expit
    from sklearn import config_context
    from sklearn.metrics import log_loss

    X, y, w = np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    with config_context(skip_parameter_validation=True):  # called many times: skip the slow argument checks
        return -float(log_loss(y, expit(X @ w), normalize=False, labels=[0, 1]))


def for_students(exercise):
    """The exercise as the handout runs it: one mistake charged once, and a bounded search for small examples.

    - A crash inside another of the student's contract functions counts as a
      pass here. Without the hidden checks' stand-ins, a function that calls
      the student's own ``mse_gradient`` crashes whenever that one does; the
      crash is ``mse_gradient``'s, and its own test reports it.
    - Once a check has found a failing example, Hypothesis looks for a
      smaller one with at most :data:`SHRINK_BUDGET` more examples, so a wrong
      function costs the student seconds, not minutes. A count (not a time)
      bounds it, so the example shown is the same on every machine.
    """
    checks = tuple(replace(check, prop=_bounded(_excusing(check.prop, exercise.name))) for check in exercise.checks)
    return replace(exercise, checks=checks)


SHRINK_BUDGET = 20


def _bounded(prop):
    """``prop`` with remembered verdicts and at most SHRINK_BUDGET new examples after the first failure.

    Out of budget, every new example is answered with the smallest failure
    found so far, without calling the student's code: Hypothesis then takes
    each candidate it tries as a success and ends its search in a few steps,
    and the failure it reports is that real one, with its own example.
    """
    runs = weakref.WeakKeyDictionary()  # per function under test: verdicts, calls since a failure, last failure

    def bounded(function, example):
        run = runs.setdefault(function, {"verdicts": {}, "since_failure": None, "smallest": None})
        key = pickle.dumps(example)  # our own generated inputs, never loaded back
        if key in run["verdicts"]:
            if run["verdicts"][key] is not None:
                raise run["verdicts"][key]  # Hypothesis replays the smallest example: same verdict, no call
            return
        if run["since_failure"] is not None:
            if run["since_failure"] >= SHRINK_BUDGET:
                raise run["smallest"]
            run["since_failure"] += 1
        try:
            prop(function, example)
        except (Mismatch, StudentRaised) as failure:
            run["verdicts"][key] = run["smallest"] = failure
            if run["since_failure"] is None:
                run["since_failure"] = 0
            raise
        run["verdicts"][key] = None

    return bounded


_FRAME = re.compile(r'^\s*File "[^"]*", line \d+, in (\w+)\s*$', re.MULTILINE)


def crashed_in(error):
    """The student's function in which an exception was raised (the innermost frame of their code)."""
    frames = _FRAME.findall(error.get("traceback") or "")
    return frames[-1] if frames else None


def _excusing(prop, name):
    def excusing(function, example):
        try:
            prop(function, example)
        except StudentRaised as raised:
            culprit = crashed_in(raised.error)
            if culprit in FUNCTION_NAMES and culprit != name:
                return
            raise

    return excusing
