"""Every Hypothesis strategy the checks draw inputs from, in one place.

Strategies are bounded (tens of rows, a handful of columns) so that failures
show on small inputs and feedback stays readable; they include the nasty
cases on purpose: huge logits, tied scores, absent classes, separable data,
a single row, integer and boolean inputs, lists, and pandas inputs whose index
is shuffled. Shapes are drawn first, then contents; simpler forms come first
so that shrinking heads for plain NumPy arrays of small numbers.

Pandas inputs are described with :class:`grader.protocol.PandasData`; the
child process turns them into real pandas objects, so the grader itself
needs no pandas.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.checks import Example
from grader.protocol import PandasData

FORMATS = ("array", "list", "pandas")


def floats(max_abs=10.0, *, min_value=None):
    """Finite floats in [-max_abs, max_abs] (or [min_value, max_abs])."""
    low = -max_abs if min_value is None else min_value
    return st.floats(low, max_abs, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def shuffled_index(draw, n):
    """A pandas-style index of n distinct labels in a shuffled order (never 0..n-1 sorted)."""
    offset = draw(st.sampled_from([100, 7, 0]))
    labels = draw(st.permutations(range(offset, offset + n)))
    if n > 1 and list(labels) == sorted(labels):
        labels = list(reversed(labels))
    return np.array(labels, dtype=np.int64)


def as_format(array, fmt, index=None, *, name="x"):
    """``array`` as the given input format: ndarray, nested list or pandas."""
    array = np.asarray(array)
    if fmt == "array":
        return array
    if fmt == "list":
        return array.tolist()
    if fmt == "pandas":
        if array.ndim == 1:
            return PandasData("Series", array, index)
        return PandasData("DataFrame", array, index, [f"{name}{j}" for j in range(array.shape[1])])
    raise ValueError(fmt)


@st.composite
def label_arrays(draw, n, *, both_classes=False, bools=True):
    """0/1 labels of length n, as int64 (or bool, or float 0./1.)."""
    values = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    if both_classes and n >= 2 and values.min() == values.max():
        values[draw(st.integers(0, n - 1))] = 1 - values[0]
    dtypes = [np.int64, np.bool_, np.float64] if bools else [np.int64, np.float64]
    return values.astype(draw(st.sampled_from(dtypes)))


@st.composite
def design_matrices(draw, n, d, *, max_abs=5.0, integers=True):
    """An (n, d) design matrix of bounded floats (sometimes small integers)."""
    if integers and draw(st.booleans()):
        return draw(hnp.arrays(np.int64, (n, d), elements=st.integers(-5, 5)))
    return draw(hnp.arrays(np.float64, (n, d), elements=floats(max_abs)))


@st.composite
def weight_vectors(draw, d, *, max_abs=3.0):
    """Weights of shape (d,): small, or now and then huge (saturating sigmoids)."""
    scale = draw(st.sampled_from([max_abs, 50.0, 1000.0]))
    return draw(hnp.arrays(np.float64, d, elements=floats(scale)))


@st.composite
def logistic_problems(draw, *, min_rows=1, max_rows=12, max_cols=4, max_abs=5.0, weights_max_abs=3.0,
                      formats=FORMATS, both_classes=False):
    """A dict with X (n, d), y (n,), w (d,) and the input format of X and y.

    X and y come in the same format (with the same shuffled index when pandas).
    """
    n = draw(st.integers(min_rows, max_rows))
    d = draw(st.integers(1, max_cols))
    X = draw(design_matrices(n, d, max_abs=max_abs))
    y = draw(label_arrays(n, both_classes=both_classes))
    w = draw(weight_vectors(d, max_abs=weights_max_abs))
    fmt = draw(st.sampled_from(formats))
    index = draw(shuffled_index(n)) if fmt == "pandas" else None
    return {
        "X": as_format(X, fmt, index),
        "y": as_format(y, fmt, index),
        "w": w if fmt != "list" else w.tolist(),
        "n": n,
        "d": d,
        "format": fmt,
    }


def logits():
    """Single logits, from small to |z| = 1e4, with the edges of float overflow."""
    return st.one_of(
        floats(40.0),
        st.sampled_from([0.0, 1e4, -1e4, 709.0, -709.0, 710.0, -710.0, 745.0, -745.0, 800.0, -800.0, 37.0, -37.0]),
        floats(1e4),
    )


@st.composite
def logit_inputs(draw):
    """An argument for sigmoid: a float, an int, a list, or an array of 0, 1 or 2 dimensions."""
    kind = draw(st.sampled_from(["1d", "scalar", "2d", "0d", "int", "list"]))
    if kind == "scalar":
        return draw(logits())
    if kind == "int":
        return draw(st.integers(-1000, 1000))
    if kind == "0d":
        return np.array(draw(logits()))
    if kind == "list":
        return draw(st.lists(logits(), min_size=1, max_size=6))
    shape = (draw(st.integers(0, 8)),) if kind == "1d" else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return draw(hnp.arrays(np.float64, shape, elements=logits()))


def examples(strategy, build):
    """Map a strategy of dicts to a strategy of :class:`Example` with ``build(dict) -> Example``."""
    return strategy.map(build)


def call(*args, **kwargs):
    """Shorthand for an :class:`Example`."""
    return Example(tuple(args), dict(kwargs))
