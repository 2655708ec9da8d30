"""A check's calls sent to the child in one batch, and the plans that say which calls a check makes.

Calling a student function one call at a time costs a round trip to the
child per call, and a check makes dozens. So when a check starts, the calls
it is expected to make are sent in one ``batch`` request (see ``child.py``);
the child makes them one after the other and streams each result back, and
the check's property reads them as it makes those calls. The property, its
examples and its verdict are exactly those of one call at a time: a call the
batch does not hold (or holds further on, after calls the property skipped)
is made on its own, after the rest of the batch is stopped. Only round trips
are saved.

Which calls a check is expected to make is its *plan*:

- the calls a passing run of the same check made before, in this process
  (a property that also calls the function on inputs it derives, a shuffled
  or doubled copy, say, makes those calls again for the next submission);
- otherwise, when its examples are calls, one call per example.

A call matches a planned call when it passes the very same objects, or
arguments that are byte for byte the same on the wire (``protocol.pack``),
so the child sees exactly the arguments it would have seen. Plans and their
packed requests are kept per process and reused for every submission. In
bulk grading the worker's zygote also decodes the requests once
(``Zygote.preload``), and a child forked after that is sent a short
``batch_ref`` naming one instead of the request itself.
"""

import copy
import hashlib
from collections import OrderedDict

from grader import protocol
from grader.checks import Example

MAX_KEPT = 4096  # plans, and packed batch requests, per process
ENABLED = True  # False: every call on its own (the tests compare the two)


class PlannedCall:
    """The arguments of one call a check is expected to make."""

    def __init__(self, args, kwargs):
        self.args = tuple(args)
        self.kwargs = dict(kwargs)
        self._key = None

    @classmethod
    def copied(cls, args, kwargs):
        """A call with private copies of the arguments (a property may change its own objects later)."""
        return cls(copy.deepcopy(tuple(args)), copy.deepcopy(dict(kwargs)))

    @property
    def key(self):
        """The call's arguments as they travel (b"" when they cannot travel)."""
        if self._key is None:
            self._key = call_key(self.args, self.kwargs)
        return self._key

    def same_objects(self, args, kwargs):
        """Whether a call passes exactly these objects (identity, not equality)."""
        if len(self.args) != len(args) or self.kwargs.keys() != kwargs.keys():
            return False
        return all(a is b for a, b in zip(self.args, args)) and all(self.kwargs[k] is kwargs[k] for k in kwargs)


def call_key(args, kwargs):
    """The bytes a call's arguments travel as, or b"" when they cannot."""
    try:
        return protocol.pack({"op": "call", "args": list(args), "kwargs": dict(kwargs)})
    except protocol.ProtocolError:
        return b""


_RECORDED = OrderedDict()  # (id(check), scope) -> (check, calls of a passing run)
_FROM_EXAMPLES = OrderedDict()  # (id(examples), scope) -> (examples, one call per example)


def _keep(table, key, value):
    table[key] = value
    if len(table) > MAX_KEPT:
        table.popitem(last=False)


def plan_for(check, scope, examples):
    """The calls ``check`` is expected to make, or None.

    Parameters
    ----------
    check : Check
    scope : tuple
        What else the calls depend on: the function, its module, its stand-ins.
    examples : tuple
        The check's examples, fixed then drawn.
    """
    if not ENABLED:
        return None
    recorded = _RECORDED.get((id(check), scope))
    if recorded is not None:
        return recorded[1]
    if len(examples) < 2 or not all(isinstance(e, Example) for e in examples):
        return None  # (a check whose examples are problems, not calls, makes calls of its own)
    key = (id(examples), scope)
    if key not in _FROM_EXAMPLES:
        _keep(_FROM_EXAMPLES, key, (examples, tuple(PlannedCall(e.args, e.kwargs) for e in examples)))
    return _FROM_EXAMPLES[key][1]


def is_recorded(check, scope):
    """Whether a passing run of ``check`` has been recorded in this process."""
    return (id(check), scope) in _RECORDED


def remember(check, scope, calls):
    """Keep the calls a passing run of ``check`` made, as its plan (the check object is kept alive with it)."""
    if len(calls) >= 2 and (id(check), scope) not in _RECORDED:
        _keep(_RECORDED, (id(check), scope), (check, tuple(calls)))


_FRAMES = OrderedDict()  # (id(plan), scope, streamed, inspects) -> (plan, PackedBatch or None)
MAX_PRELOADED_FRAME = 4 * 1024 * 1024  # bytes: a larger request is mostly one big array, cheap to decode


class PackedBatch:
    """A ``batch`` request packed once per process, and the digest that names it to a zygote."""

    def __init__(self, frame):
        self.frame = frame
        self._digest = None
        self._reference = None

    @property
    def digest(self):
        if self._digest is None:  # (made when first needed: only bulk grading preloads)
            self._digest = hashlib.blake2b(self.frame, digest_size=16).hexdigest()
        return self._digest

    def for_child(self, child):
        """What to send ``child``: a short ``batch_ref`` when its zygote decoded this request for it."""
        if not child.preloaded or self.digest not in child.preloaded:
            return self.frame
        if self._reference is None:
            self._reference = protocol.pack({"op": "batch_ref", "digest": self.digest})
        return self._reference


def batch_frame(plan, scope, make_call, common):
    """The packed ``batch`` request for a plan (packed once per process), or None when it is too large.

    Parameters
    ----------
    plan : tuple of PlannedCall
    scope : tuple
    make_call : callable
        ``make_call(index, planned)`` returns that call's message fields.
    common : dict
        The fields every call shares (stand-ins, ...).

    Returns
    -------
    PackedBatch or None
    """
    # (The rest of ``common`` follows from the scope.)
    key = (id(plan), scope, common.get("stream") is True, tuple(common.get("inspects") or ()))
    if key not in _FRAMES:
        message = {"op": "batch", "calls": [make_call(i, p) for i, p in enumerate(plan)], **common}
        try:
            packed = PackedBatch(protocol.pack(message))
        except protocol.ProtocolError:
            packed = None
        _keep(_FRAMES, key, (plan, packed))
    return _FRAMES[key][1]


def preloadable():
    """``(digest, frame)`` of the batch requests packed so far, for a zygote to decode once (``Zygote.preload``).

    Every submission's child gets the same requests, so a zygote that has
    decoded them hands each child forked after it a decoded copy.
    """
    frames = {packed.digest: packed.frame for _, packed in _FRAMES.values()
              if packed is not None and len(packed.frame) <= MAX_PRELOADED_FRAME}
    return list(frames.items())  # (two plans may pack to the same request)


class Batch:
    """A batch in flight in one child: its calls and how many replies have been read."""

    def __init__(self, child, calls):
        self.child = child
        self.calls = calls
        self.next = 0
        self._by_identity = None  # made when first needed: {identities of the arguments: [positions]}
        self._by_key = None  # {wire bytes of the arguments: [positions]}

    @property
    def done(self):
        return self.next >= len(self.calls)

    def index_of(self, args, kwargs):
        """The position of the first unread planned call that this call is, or None.

        A planned call passing the very same objects comes first; then one
        whose arguments are byte for byte the same on the wire.
        """
        if self.next < len(self.calls) and self.calls[self.next].same_objects(args, kwargs):
            return self.next  # the common case: the property makes the planned calls in order
        if self._by_identity is None:
            self._by_identity = _positions(self.calls, lambda call: _identities(call.args, call.kwargs))
        index = self._first_unread(self._by_identity.get(_identities(args, kwargs)))
        if index is not None:
            return index
        if self.next >= len(self.calls):
            return None
        key = call_key(args, kwargs)
        if not key:
            return None
        if self._by_key is None:
            self._by_key = _positions(self.calls, lambda call: call.key)
        return self._first_unread(self._by_key.get(key))

    def _first_unread(self, positions):
        for index in positions or ():
            if index >= self.next:
                return index
        return None


def _identities(args, kwargs):
    """What :meth:`PlannedCall.same_objects` compares, as a dict key: the arguments' identities."""
    return tuple(map(id, args)), tuple(sorted((name, id(value)) for name, value in kwargs.items()))


def _positions(calls, key_of):
    """{key: the positions of the calls with that key, in order}."""
    positions = {}
    for index, call in enumerate(calls):
        positions.setdefault(key_of(call), []).append(index)
    return positions
