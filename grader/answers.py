"""Stand-in answers sent ahead of a call, each locked with the arguments that ask for it.

A function graded with stand-ins (``fit``, whose ``gradient_step`` is the
grader's, see ``engine.py``) may call them hundreds of times in one call, and
each stand-in call is a round trip to this process. Most of those calls can
be foreseen: a correct function passes exactly the arguments the reference
passes. So, once per example and process, the reference of the function
under test is run here with its dependencies recorded, and the answers it got
travel with the call, as a table:

- each answer is filed under an id hashed from the stand-in's name and the
  exact bytes of its arguments, and encrypted with a key hashed from the same
  bytes (``protocol.answer_key``, ``protocol.seal``);
- the child looks an answer up, and can open it, only by asking the question:
  by computing those very arguments itself.

So the table hands a function nothing its stand-ins would not: above all not
its own answer (the last step of ``fit`` is ``fit``'s result, and opening it
takes the arguments of that last step). A call whose arguments differ from
the reference's (another order of operations, a list for an array, a bug)
finds no entry and is answered by a round trip, as before. Either way the
value is the same: an answer is computed exactly as the round trip computes
it, from the arguments as they arrive over the wire.

Only dependencies in the same module as the function under test are recorded
(those are the ones called in loops).
"""

from collections import OrderedDict

import numpy as np

from grader import contract, protocol
from grader.values import to_plain

MAX_ANSWERS = 5_000  # per call
MAX_TABLE_BYTES = 8 * 1024 * 1024


class _Enough(BaseException):
    """Stops a recording run that has filled its table."""


def _over_the_wire(value):
    """``value`` as the other side decodes it (the arguments a stand-in's question carries, its answer)."""
    return protocol.unpack_frame(protocol.pack({"op": "value", "value": value}))["value"]


_TABLES = OrderedDict()
MAX_TABLES = 2_000
MAX_KEPT_BYTES = 64 * 1024 * 1024  # of tables kept per process (shrinking makes a new one per candidate)
_kept_bytes = [0]


def table_cached(oracle, function_name, stand_ins, args, kwargs):
    """:func:`table_for`, remembered per process (every submission meets the same calls).

    ``oracle`` is the one answering the stand-ins; tables are made only when
    it can also lend a copy of its module to record from (the references'
    oracle can: ``oracle.recording_module``), so that they hold its answers.
    """
    if not stand_ins or getattr(oracle, "recording_module", None) is None:
        return None
    try:
        key = protocol.pack({"op": "key", "function": function_name, "stand_ins": [list(s) for s in stand_ins],
                             "args": list(args), "kwargs": dict(kwargs)})
    except protocol.ProtocolError:
        return None
    if key in _TABLES:
        _TABLES.move_to_end(key)
        return _TABLES[key]
    table = table_for(oracle, function_name, stand_ins, args, kwargs)
    _TABLES[key] = table
    _kept_bytes[0] += _size(table) + len(key)
    while len(_TABLES) > 1 and (len(_TABLES) > MAX_TABLES or _kept_bytes[0] > MAX_KEPT_BYTES):
        old_key, old_table = _TABLES.popitem(last=False)
        _kept_bytes[0] -= _size(old_table) + len(old_key)
    return table


def _size(table):
    return 0 if table is None else sum(array.nbytes for array in table.values())


def table_for(oracle, function_name, stand_ins, args, kwargs):
    """The locked answers for one call of ``function_name``, as message data, or None.

    Parameters
    ----------
    oracle : callable
        ``oracle("module.function")`` answers the stand-ins;
        ``oracle.recording_module(module)`` is a private copy of its module
        whose functions may be swapped for recorders.
    function_name : str
        The function under test.
    stand_ins : sequence of (target, home, name)
        Its stand-ins (``engine._stand_ins``).
    args, kwargs
        The call's arguments, as sent to the child.

    Returns
    -------
    dict or None
        ``{"ids": uint8 (n, 16), "ends": int64 (n,), "data": uint8}``: answer
        ``i`` is ``data[ends[i-1]:ends[i]]``, sealed.
    """
    module_name = contract.module_of(function_name)
    local = [(target, name) for target, _, name in stand_ins if target.split(".")[0] == module_name]
    if not local:
        return None
    try:  # the arguments exactly as the student's function receives them (pandas included)
        frame = protocol.pack({"op": "call", "value": [list(args), dict(kwargs)]})
        sent_args, sent_kwargs = protocol.unpack_frame(frame, make_pandas=_make_pandas)["value"]
    except (protocol.ProtocolError, ImportError):
        return None
    module = oracle.recording_module(module_name)
    entries = {}
    saved = {name: getattr(module, name) for _, name in local}
    try:
        for target, name in local:
            setattr(module, name, _recorder(oracle, target, entries))
        getattr(module, function_name)(*sent_args, **sent_kwargs)
    except (Exception, _Enough):  # noqa: BLE001 - what was recorded before stays valid
        pass
    finally:
        for name, original in saved.items():
            setattr(module, name, original)
    if not entries:
        return None
    ids = np.frombuffer(b"".join(entries), np.uint8).reshape(len(entries), 16)
    sealed = list(entries.values())
    ends = np.cumsum([len(s) for s in sealed], dtype=np.int64)
    return {"ids": ids, "ends": ends, "data": np.frombuffer(b"".join(sealed), np.uint8)}


def _make_pandas(data):
    """A pandas object built as the child builds it (``child._make_pandas``)."""
    import pandas

    return data.build(pandas)


def _recorder(oracle, target, entries):
    """A dependency that answers as the round trip would, and files each answer, locked."""
    parameters = list(contract.parameters(target.split(".")[1]))
    answer = oracle(target)
    size = [0]

    def recorder(*args, **kwargs):
        if len(entries) >= MAX_ANSWERS or size[0] >= MAX_TABLE_BYTES:
            raise _Enough
        asked = _over_the_wire([list(args), dict(kwargs)])
        value = answer(*to_plain(asked[0]), **to_plain(asked[1]))  # a reference error ends the recording
        received = _over_the_wire(value)
        bound = protocol.bind_arguments(parameters, tuple(args), kwargs)
        key = protocol.answer_key(target, bound) if bound is not None else None
        if key is not None and key[0] not in entries:
            sealed = protocol.seal(key[1], protocol.pack_answer(value))
            entries[key[0]] = sealed
            size[0] += len(sealed)
        return to_plain(received)

    return recorder
