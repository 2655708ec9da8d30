"""Values on the trusted side: turning them into plain arrays, comparing, showing.

Everything that comes back from a submission has already been decoded by
``protocol.py`` into plain Python and NumPy data (or :class:`Opaque` /
:class:`PandasData` markers), so nothing here can run student code. Shown
values are copy-pasteable Python, so a student can rerun the failing call.
"""

import math
from dataclasses import dataclass

import numpy as np

from grader.protocol import Opaque, PandasData

MAX_SHOWN_ELEMENTS = 40


@dataclass(frozen=True)
class Tolerance:
    """How close a number must be: ``|got - expected| <= atol + rtol * |expected|``.

    Infinities must match exactly, and nan matches only nan.
    """

    rtol: float = 0.0
    atol: float = 0.0

    def __str__(self):
        if self.rtol == 0 and self.atol == 0:
            return "exact"
        parts = []
        if self.atol:
            parts.append(f"{self.atol:g}")
        if self.rtol:
            parts.append(f"{self.rtol:g} * |expected|")
        return "|got - expected| <= " + " + ".join(parts)


EXACT = Tolerance()


def to_plain(value):
    """Replace pandas markers by their values, recursively (for reference calls)."""
    if isinstance(value, PandasData):
        return np.array(value.values)
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(to_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def as_number_array(value):
    """``value`` as a float ndarray, or None when it is not numbers."""
    if isinstance(value, PandasData):
        value = value.values
    if isinstance(value, (Opaque, dict, str)) or value is None:
        return None
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    if array.dtype.kind not in "biuf":
        return None
    return array.astype(float)


def describe_type(value):
    """A short phrase naming what kind of value this is, for messages."""
    if isinstance(value, Opaque):
        return f"an object of type {value.type_name}"
    if isinstance(value, PandasData):
        return f"a pandas {value.kind}"
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, np.generic):
        return f"a NumPy {type(value).__name__}"
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, (int, float, str, list, tuple, dict)):
        return f"a {type(value).__name__}"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"


def compare(got, expected, tolerance=EXACT):
    """Why ``got`` does not match ``expected`` within ``tolerance``, or None.

    Parameters
    ----------
    got : object
        What the student's function returned (decoded).
    expected : object
        The trusted value: a number, an array, a tuple of arrays or a dict.
    tolerance : Tolerance

    Returns
    -------
    str or None
        A short reason for a student, or None when they agree.
    """
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"returned {describe_type(got)}, expected a dict"
        if list(got.keys()) != list(expected.keys()):
            return f"the keys are {show(list(got.keys()))}, expected {show(list(expected.keys()))} (in that order)"
        for key in expected:
            reason = compare(got[key], expected[key], tolerance)
            if reason:
                return f"at key {show(key)}: {reason}"
        return None
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)):
            return f"returned {describe_type(got)}, expected a tuple of {len(expected)} arrays"
        if len(got) != len(expected):
            return f"returned {len(got)} items, expected {len(expected)}"
        for position, (g, e) in enumerate(zip(got, expected)):
            reason = compare(g, e, tolerance)
            if reason:
                return f"item {position}: {reason}"
        return None
    got_array = as_number_array(got)
    if got_array is None:
        return f"returned {describe_type(got)}, expected numbers"
    expected_array = np.asarray(expected, dtype=float)
    if got_array.shape != expected_array.shape:
        return f"the shape is {got_array.shape}, expected {expected_array.shape}"
    bad = ~_close(got_array, expected_array, tolerance)
    if not bad.any():
        return None
    if expected_array.ndim == 0:
        return "the value differs"
    where = tuple(int(i) for i in np.argwhere(bad)[0])
    position = where[0] if len(where) == 1 else where
    return (f"first difference at index {position}: {_show_number(got_array[where].item())} instead of "
            f"{_show_number(expected_array[where].item())}")


def _show_number(value):
    """A compared number: whole numbers as integers (counts, labels), others as they are."""
    if math.isfinite(value) and value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return show(value)


def _close(got, expected, tolerance):
    both_nan = np.isnan(got) & np.isnan(expected)
    with np.errstate(invalid="ignore", over="ignore"):
        same = got == expected  # covers matching infinities
        near = np.abs(got - expected) <= tolerance.atol + tolerance.rtol * np.abs(expected)
    finite = np.isfinite(got) & np.isfinite(expected)
    return both_nan | same | (near & finite)


# --------------------------------------------------------------------------
# Showing values as Python a student can paste
# --------------------------------------------------------------------------


def show(value):
    """Copy-pasteable Python for ``value`` (large arrays are summarized)."""
    if isinstance(value, Opaque):
        return f"<an object of type {value.type_name}>"
    if isinstance(value, PandasData):
        return _show_pandas(value)
    if isinstance(value, np.ndarray):
        return _show_array(value)
    if isinstance(value, np.generic):
        return f"np.{type(value).__name__}({_show_scalar(value.item())})"
    if isinstance(value, (bool, int, float)) or value is None:
        return _show_scalar(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        if len(value) > MAX_SHOWN_ELEMENTS:
            return "[" + ", ".join(show(v) for v in value[:5]) + f", ...]  # {len(value)} items"
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(show(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    return f"<{type(value).__name__}>"


def _show_scalar(value):
    if isinstance(value, float):
        if math.isnan(value):
            return "np.nan"
        if math.isinf(value):
            return "np.inf" if value > 0 else "-np.inf"
    return repr(value)


def _nested(array):
    if array.ndim == 0:
        return _show_scalar(array.item())
    return "[" + ", ".join(_nested(row) for row in array) + "]"


def _show_array(array):
    dtype = "" if array.dtype in (np.float64, np.int64, np.bool_) else f", dtype=np.{array.dtype}"
    if array.size > MAX_SHOWN_ELEMENTS:
        flat = array.ravel()
        head = ", ".join(_show_scalar(v) for v in flat[:5].tolist())
        return f"<array of shape {array.shape}, dtype {array.dtype}: {head}, ...>"
    if array.ndim == 0:
        return f"np.array({_show_scalar(array.item())}{dtype})"
    if array.size == 0:
        return f"np.zeros({array.shape}{dtype})"
    return f"np.array({_nested(array)}{dtype})"


def _show_pandas(data):
    index = _nested(np.asarray(data.index)) if data.index.size <= MAX_SHOWN_ELEMENTS else "..."
    if data.kind == "Series":
        return f"pd.Series({_show_array(np.asarray(data.values))[len('np.array('):-1]}, index={index})"
    values = _show_array(np.asarray(data.values))[len("np.array("):-1]
    return f"pd.DataFrame({values}, index={index}, columns={list(data.columns)!r})"


def show_call(name, args, kwargs):
    """``name(arg, ..., key=value)`` with every value shown as Python."""
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"
