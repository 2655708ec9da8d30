"""Which planned call of a batch a call is: the very same objects first, then the same bytes on the wire."""

import numpy as np

from grader.batches import Batch, PlannedCall


def _batch(*calls):
    return Batch(child=None, calls=tuple(calls))


def test_the_next_planned_call_is_found_by_identity():
    x = np.arange(3.0)
    batch = _batch(PlannedCall((x,), {"k": 1.0}), PlannedCall((x,), {}))
    assert batch.index_of((x,), {"k": 1.0}) == 0


def test_the_same_objects_win_over_equal_bytes_earlier_in_the_plan():
    """An equal copy earlier in the plan is passed over for the call with these very objects."""
    x, copy = np.arange(3.0), np.arange(3.0)
    batch = _batch(PlannedCall((np.zeros(1),), {}), PlannedCall((copy,), {}), PlannedCall((x,), {}))
    assert batch.index_of((x,), {}) == 2
    assert batch.index_of((np.arange(3.0),), {}) == 1  # a new object: the first one with the same bytes


def test_keyword_order_does_not_matter():
    w, rate = np.ones(2), 0.5
    batch = _batch(PlannedCall((), {"w": w, "rate": rate}))
    assert batch.index_of((), {"rate": rate, "w": w}) == 0


def test_only_unread_calls_count():
    x = np.arange(2.0)
    batch = _batch(PlannedCall((x,), {}), PlannedCall((np.zeros(2),), {}), PlannedCall((x,), {}))
    batch.next = 1
    assert batch.index_of((x,), {}) == 2
    batch.next = 3
    assert batch.index_of((x,), {}) is None
    assert batch.index_of((np.arange(2.0),), {}) is None


def test_a_call_that_differs_is_not_in_the_batch():
    batch = _batch(PlannedCall((np.arange(3.0),), {}))
    assert batch.index_of((np.arange(3.0) + 1,), {}) is None
    assert batch.index_of((np.arange(3),), {}) is None  # same values, another dtype: other bytes
    assert batch.index_of((np.arange(3.0), 1), {}) is None
    assert batch.index_of((object(),), {}) is None  # cannot travel: never a planned call
