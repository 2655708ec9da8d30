"""The wire protocol round-trips plain data and refuses everything else."""

import io
import json
import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader import protocol
from grader.protocol import Opaque, PandasData, ProtocolError


def roundtrip(message):
    return protocol.read_message(io.BytesIO(protocol.pack(message)))


def frame(header, blobs=()):
    header = dict(header, blobs=[len(b) for b in blobs])
    data = json.dumps(header).encode()
    return protocol.MAGIC + struct.pack(">I", len(data)) + data + b"".join(blobs)


@given(hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.float32, np.uint8]),
                  hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
def test_arrays_round_trip_exactly(array):
    """Every allowed array comes back with the same dtype, shape and bytes."""
    back = roundtrip({"op": "x", "value": array})["value"]
    assert back.dtype == array.dtype and back.shape == array.shape
    assert back.tobytes() == array.tobytes()


def test_plain_values_round_trip():
    """Scalars, containers, non-finite floats, NumPy scalars and pandas markers survive."""
    value = [None, True, 3, 2.5, float("inf"), "text", (1, 2), {0.1: [1.0]}, np.float32(0.5), np.int64(7),
             PandasData("Series", np.array([1.0, 2.0]), np.array([5, 3]))]
    back = roundtrip({"op": "x", "value": value})["value"]
    assert back[:8] == value[:8]
    assert type(back[8]) is np.float32 and type(back[9]) is np.int64
    assert back[10].kind == "Series" and back[10].index.tolist() == [5, 3]
    nan = roundtrip({"op": "x", "value": float("nan")})["value"]
    assert nan != nan


def test_unknown_objects_travel_by_type_name_only():
    """An object the protocol cannot carry is described, never serialised."""
    class Liar:
        def __eq__(self, other):
            return True

    back = roundtrip({"op": "x", "value": [Liar(), np.array(["a"], dtype=object)]})["value"]
    assert isinstance(back[0], Opaque) and back[0].type_name.endswith("Liar")
    assert isinstance(back[1], Opaque)


def test_object_arrays_are_refused():
    """An array claiming an object (or any non-numeric) dtype is rejected before anything is built."""
    for dtype in ("|O", "<U4", "|V8", ">f8"):
        data = frame({"op": "x", "value": {"$nd": [0, dtype, [1]]}}, [b"\0" * 8])
        with pytest.raises(ProtocolError, match="not allowed"):
            protocol.read_message(io.BytesIO(data))


def test_sending_side_never_ships_object_arrays():
    """An object array is described by type name, never serialised."""
    back = roundtrip({"op": "x", "value": np.array([{"a": 1}], dtype=object)})["value"]
    assert isinstance(back, Opaque) and "object" in back.type_name


def test_big_endian_arrays_arrive_with_their_values():
    """Byte order is normalised on the way; the values are the same."""
    array = np.arange(5, dtype=">f8")
    back = roundtrip({"op": "x", "value": array})["value"]
    assert back.tolist() == array.tolist()


@pytest.mark.parametrize("data, message", [
    (b"XXXX\x00\x00\x00\x02{}", "bad frame start"),
    (protocol.MAGIC + struct.pack(">I", protocol.MAX_HEADER_BYTES + 1), "too large"),
    (frame({"op": "x", "blobs_extra": 1}, [b"x" * 10])[:-3], "ended inside"),
    (frame({"op": "x", "value": {"$nd": [3, "<f8", [1]]}}), "missing blob"),
    (frame({"op": "x", "value": {"$eval": "1"}}), "unknown tag"),
    (frame({"op": "x", "value": {"$float": "1e400"}}), "malformed"),
    (frame({"value": 1}), "no op"),
])
def test_malformed_frames_are_refused(data, message):
    """Bad magic, oversize headers, truncation, dangling blobs and unknown tags raise ProtocolError."""
    with pytest.raises(ProtocolError, match=message):
        protocol.read_message(io.BytesIO(data))


def test_declared_sizes_are_checked_before_reading():
    """A header announcing a huge blob is refused without reading it."""
    header = json.dumps({"op": "x", "blobs": [protocol.MAX_BLOB_BYTES + 1]}).encode()
    with pytest.raises(ProtocolError, match="too large"):
        protocol.parse_blob_sizes(header)


def test_deep_nesting_is_refused():
    """A value nested deeper than the cap is refused on both sides."""
    deep = 1
    for _ in range(protocol.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(ProtocolError):
        protocol.pack({"op": "x", "value": deep})
    tree = 1
    for _ in range(protocol.MAX_DEPTH + 5):
        tree = [tree]
    with pytest.raises(ProtocolError, match="deeply"):
        protocol.read_message(io.BytesIO(frame({"op": "x", "value": tree})))


def test_array_size_must_match_its_shape():
    """A shape that claims more (or fewer) bytes than the blob holds is refused."""
    with pytest.raises(ProtocolError, match="does not match"):
        protocol.read_message(io.BytesIO(frame({"op": "x", "value": {"$nd": [0, "<f8", [4]]}}, [b"\0" * 24])))
    with pytest.raises(ProtocolError, match="shape"):
        protocol.read_message(io.BytesIO(frame({"op": "x", "value": {"$nd": [0, "<f8", [-1]]}}, [b""])))


def test_real_pandas_objects_travel_as_pandas_data():
    """A pandas Series or DataFrame (any pandas version) arrives as PandasData, not as an opaque object."""
    pd = pytest.importorskip("pandas")
    message = roundtrip({"op": "x", "series": pd.Series([1.0, 2.0], index=[3, 1]),
                         "frame": pd.DataFrame({"a": [1, 2]}, index=[7, 5])})
    assert isinstance(message["series"], PandasData) and message["series"].kind == "Series"
    assert message["series"].index.tolist() == [3, 1]
    assert isinstance(message["frame"], PandasData) and message["frame"].columns == ["a"]


_NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-2**70, 2**70), st.booleans(),
                     st.none())


def _with_fast_path(enabled, work):
    """``work()``'s result, or the error it raised, with the list fast path on or off."""
    original = protocol._plain_numbers
    protocol._plain_numbers = original if enabled else (lambda items: False)
    try:
        return "value", work()
    except ProtocolError as error:
        return "error", str(error)
    finally:
        protocol._plain_numbers = original


@given(st.recursive(st.lists(_NUMBERS, max_size=6), lambda inner: st.lists(inner, max_size=4), max_leaves=40),
       st.integers(0, protocol.MAX_DEPTH + 2))
def test_lists_of_numbers_take_a_fast_path_with_the_same_result(value, nesting):
    """Rows of plain numbers skip the per-item walk: same trees, same values, same refusals (depth included)."""
    for _ in range(nesting):
        value = [value]
    slow = _with_fast_path(False, lambda: protocol.encode(value, []))
    assert _with_fast_path(True, lambda: protocol.encode(value, [])) == slow
    if slow[0] == "value":
        tree = json.loads(json.dumps(slow[1]))
        decoded = _with_fast_path(True, lambda: protocol.decode(tree, []))
        assert repr(decoded) == repr(_with_fast_path(False, lambda: protocol.decode(tree, [])))
        assert repr(decoded) == repr(("value", value))  # exact: ints stay ints, -0.0 stays -0.0, nan is a float
    # A peer's tree as it is (too deep, bare NaN): refused, or not, exactly alike.
    raw = json.loads(json.dumps(value))
    decoded = _with_fast_path(True, lambda: protocol.decode(raw, []))
    assert repr(decoded) == repr(_with_fast_path(False, lambda: protocol.decode(raw, [])))


def test_the_fast_path_keeps_the_caps():
    """A list of numbers counts every item against the node and depth caps; non-finite floats still need a tag."""
    for nesting in range(protocol.MAX_DEPTH - 3, protocol.MAX_DEPTH + 3):  # each side of the depth cap
        value = [1.5, 2.5]
        for _ in range(nesting):
            value = [value]
        for work in (lambda: protocol.encode(value, []), lambda: protocol.decode(value, [])):
            assert repr(_with_fast_path(True, work)) == repr(_with_fast_path(False, work))
    many = list(range(protocol.MAX_NODES + 1))
    with pytest.raises(ProtocolError, match="too many parts"):
        protocol.read_message(io.BytesIO(frame({"op": "x", "value": many})))
    text = b'{"op":"x","value":[1.0,NaN],"blobs":[]}'
    with pytest.raises(ProtocolError, match="non-finite"):
        protocol.read_message(io.BytesIO(protocol.MAGIC + struct.pack(">I", len(text)) + text))


# --------------------------------------------------------------------------
# Stand-in answers in their short form (pack_answer / unpack_answer)
# --------------------------------------------------------------------------

_ANSWER_DTYPES = st.sampled_from(sorted(protocol.ALLOWED_DTYPES)).map(np.dtype)
_ANSWER_ARRAYS = hnp.arrays(_ANSWER_DTYPES, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
_ANSWERS = st.one_of(
    st.floats(allow_subnormal=True),
    _ANSWER_ARRAYS,
    _ANSWER_ARRAYS.map(lambda a: a.T),  # not C-contiguous
    _ANSWER_ARRAYS.map(lambda a: a.astype(a.dtype.newbyteorder(">"))),  # big-endian: the frame's way
    st.builds(np.float64, st.floats()),
    st.integers(-(2**70), 2**70),
    st.lists(st.floats(allow_nan=False), max_size=4),
    st.dictionaries(st.text(max_size=3), st.floats(allow_nan=False), max_size=3),
    st.none(),
)


def _same(a, b):
    if isinstance(a, np.ndarray):
        return (type(b) is np.ndarray and a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
                and b.flags.writeable and b.flags.c_contiguous and b.flags.owndata == a.flags.owndata)
    if isinstance(a, float):
        return type(b) is type(a) and (struct.pack(">d", a) == struct.pack(">d", b) or a != a and b != b)
    return type(a) is type(b) and a == b


@given(_ANSWERS)
def test_an_answer_in_short_form_arrives_as_its_frame_would(value):
    through_frame = protocol.unpack_frame(protocol.pack({"op": "answer", "value": value}))["value"]
    short = protocol.unpack_answer(protocol.pack_answer(value))
    assert _same(through_frame, short)


@pytest.mark.parametrize("data", [
    b"", b"X", b"F" + b"\0" * 7, b"A<f8", b"A<f8\x01" + b"\0" * 7,  # truncated
    b"A<f8\x01" + struct.pack(">Q", 3) + b"\0" * 16,  # 3 items announced, 2 sent
    b"AO8\x00" + b"\0" * 8,  # a dtype that is not allowed
    b"A<f8\x21" + b"\0" * (8 * 33),  # too many dimensions
    b"P" + b"not a frame",
])
def test_malformed_short_answers_are_refused(data):
    with pytest.raises(ProtocolError):
        protocol.unpack_answer(data)


@given(hnp.arrays(st.sampled_from(sorted(protocol.ALLOWED_DTYPES)).map(np.dtype),
                  hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)))
def test_a_contiguous_array_hashes_as_any_other_layout_of_it(array):
    strided = np.repeat(array.reshape(-1), 2)[::2].reshape(array.shape)  # the same values, not contiguous
    fortran = np.asfortranarray(array) if array.ndim else array  # (it makes a 0-d array 1-d)
    keys = {protocol.answer_key("m.f", {"X": a, "w": 0.5}) for a in (array, strided, fortran, array.copy())}
    assert len(keys) == 1 and None not in keys
    if array.size:
        changed = array.copy()
        first = changed.reshape(-1)[0]
        with np.errstate(over="ignore"):  # (the largest integer wraps round: still another value)
            changed.reshape(-1)[0] = not first if array.dtype.kind == "b" else first + 1
        if changed.tobytes() != array.tobytes():
            assert protocol.answer_key("m.f", {"X": changed, "w": 0.5}) not in keys
    reshaped = array.reshape(1, *array.shape)  # the same bytes, another shape
    assert protocol.answer_key("m.f", {"X": reshaped, "w": 0.5}) not in keys


def test_the_answer_key_of_named_arguments_is_their_documented_byte_stream():
    import hashlib

    digest = hashlib.blake2b(digest_size=64, person=b"lrg-answer")
    digest.update(b"m.f\0" + b"D" + struct.pack(">Q", 2) + b"T" + struct.pack(">Q", 1) + b"w" + b"F"
                  + struct.pack(">d", 0.5) + b"T" + struct.pack(">Q", 1) + b"x" + b"N<f8(2,)" + struct.pack(">Q", 16)
                  + np.array([1.0, 2.0]).tobytes())
    full = digest.digest()
    assert protocol.answer_key("m.f", {"x": np.array([1.0, 2.0]), "w": 0.5}) == (full[:16], full[32:])
