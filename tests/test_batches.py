"""Which planned call of a batch a call is: the very same objects first, then the same bytes on the wire; and
the batches a zygote decodes once for its children."""

import numpy as np
import pytest

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


def test_a_preloaded_batch_is_taken_decoded_once_then_decoded_afresh():
    """The zygote decodes a batch once for all its children; a child's calls may change the objects they
    get, so a second request for the same batch in one child gets a fresh decode, equal to the first."""
    import numpy as np

    from grader import child, protocol

    message = {"op": "batch", "calls": [{"id": 0, "module": "m", "function": "f", "args": [np.arange(3.0)],
                                         "kwargs": {}}]}
    frame = protocol.pack(message)
    table = child._Preloaded()
    assert table.add("d", frame) and table.add("d", frame)  # (held once)
    first = table.take("d")
    first["calls"][0]["args"][0] += 10.0  # what a student's in-place update does
    second = table.take("d")
    assert second["calls"][0]["args"][0] is not first["calls"][0]["args"][0]
    assert second["calls"][0]["args"][0].tolist() == [0.0, 1.0, 2.0]
    assert protocol.pack(second) == frame
    with pytest.raises(protocol.ProtocolError):
        table.take("not held")


def test_the_zygote_refuses_what_is_not_a_batch_or_more_than_it_may_keep(monkeypatch):
    from grader import child, protocol

    table = child._Preloaded()
    assert not table.add("call", protocol.pack({"op": "call", "args": [], "kwargs": {}}))
    assert not table.add("broken", b"not a frame at all")
    frame = protocol.pack({"op": "batch", "calls": []})
    monkeypatch.setattr(child._Preloaded, "MAX_BYTES", len(frame) + 1)
    assert table.add("one", frame) and not table.add("two", frame)  # the second would pass the cap
    assert set(table.entries) == {"one"}
