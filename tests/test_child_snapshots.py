"""The child's no-mutation snapshots: they change exactly when an argument's contents change.

``child._snapshot`` takes lists of numbers (list-format vectors and matrices)
through ``pickle`` and everything else through the protocol's encoding. The
two must agree on what counts as a change.
"""

import copy
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader import protocol
from grader.child import _number_rows, _snapshot


def _encoded_snapshot(value):
    """The general path of ``_snapshot``, for any value (the fast path's specification)."""
    blobs = []
    tree = protocol.encode(value, blobs)
    return json.dumps(tree, sort_keys=True).encode() + b"".join(blobs)


numbers = st.one_of(st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.booleans())
vectors = st.lists(numbers, max_size=8)
matrices = st.lists(st.lists(numbers, max_size=4), max_size=5)
number_lists = st.one_of(vectors, matrices)


@settings(max_examples=300, deadline=None)
@given(number_lists, number_lists)
def test_lists_of_numbers_compare_as_the_general_path_does(first, second):
    assert _number_rows(first) and _number_rows(second)
    assert (_snapshot(first) == _snapshot(second)) == (_encoded_snapshot(first) == _encoded_snapshot(second))


@settings(max_examples=200, deadline=None)
@given(number_lists)
def test_a_copy_has_the_same_snapshot(value):
    assert _snapshot(copy.deepcopy(value)) == _snapshot(value)


@pytest.mark.parametrize("change", [
    lambda x: x[0].__setitem__(0, 1),          # 1.0 -> 1: same value, another type
    lambda x: x[0].__setitem__(1, True),       # 1 -> True
    lambda x: x[1].__setitem__(0, -0.0),       # 0.0 -> -0.0
    lambda x: x[1].__setitem__(1, math.nan),   # a number -> nan
    lambda x: x.append([0.0, 0.0]),            # one more row
    lambda x: x[1].pop(),                      # one fewer column
    lambda x: x.__setitem__(0, [1.0, "1"]),    # a string in a row: the general path takes over
    lambda x: x.append(x),                     # a list that contains itself
    lambda x: x.__setitem__(1, np.array([0.0, 2.5])),  # a row becomes an array
])
def test_every_change_of_a_matrix_shows(change):
    matrix = [[1.0, 1], [0.0, 2.5]]
    before = _snapshot(matrix)
    change(matrix)
    assert _snapshot(matrix) != before


def test_nan_is_unchanged_when_left_alone():
    vector = [1.0, math.nan, math.inf]
    before = _snapshot(vector)
    assert _snapshot(vector) == before


def test_other_values_take_the_general_path():
    assert not _number_rows([[1.0, 2.0], "ab"])
    assert not _number_rows([[1.0], [[2.0]]])
    assert not _number_rows([None])
    mixed = [[1.0, 2.0], "ab"]
    assert _snapshot(mixed) == _encoded_snapshot(mixed)
    array = np.arange(4.0)
    assert _snapshot(array) == ("<f8", (4,), array.tobytes())
