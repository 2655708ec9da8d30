"""The wire protocol between the trusted grader and the untrusted child process.

This module is the whole trust boundary on the data side. It runs on both
sides: the grader imports it, and a copy is handed to the child process (it
imports nothing but the standard library and NumPy, and holds nothing secret).

Frames
------
Each message is one frame on a pipe::

    b"LRG1" | header length (4 bytes, big-endian) | header | blob 0 | blob 1 | ...

The header is UTF-8 JSON: an object whose values are *value trees* (below)
plus ``"blobs"``, the list of blob sizes. Every size is checked against a cap
before a byte of it is read, so a hostile child cannot make the grader
allocate more than the caps.

Value trees
-----------
Plain JSON for ``None``, booleans, integers, finite floats, strings and
lists; tagged objects for everything else:

======================  ==================================================
``{"$float": "nan"}``   nan, ``"inf"`` or ``"-inf"``
``{"$tuple": [...]}``   a tuple
``{"$dict": [[k, v]]}`` a dict (keys may be any value, e.g. floats)
``{"$nd": [i, t, s]}``  an ndarray: the raw bytes in blob ``i``, dtype
                        ``t`` (from an allow-list, e.g. ``"<f8"``), shape ``s``
``{"$np": [i, t, []]}`` a NumPy scalar (float64, int64, bool_, ...), the
                        same way with an empty shape
``{"$pandas": ...}``    a pandas Series or DataFrame: values, index,
                        columns (see :class:`PandasData`)
``{"$opaque": name}``   any other object, by type name only
======================  ==================================================

Arrays are rebuilt from their raw bytes with a dtype from a short allow-list
(bool, integers, floats) and a checked shape: nothing is ever unpickled or
evaluated, and no object from the other side is ever called. Depth, node count, string length and sizes are
capped; anything off raises :class:`ProtocolError`.
"""

import json
import math
import struct
from dataclasses import dataclass

import numpy as np

MAGIC = b"LRG1"
MAX_HEADER_BYTES = 4 * 1024 * 1024
MAX_BLOB_BYTES = 64 * 1024 * 1024
MAX_FRAME_BYTES = 160 * 1024 * 1024
MAX_BLOBS = 10_000
MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_STRING = 200_000
ALLOWED_DTYPE_KINDS = "biuf"  # bool, signed int, unsigned int, float
ALLOWED_DTYPES = frozenset(
    ["|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f2", "<f4", "<f8"]
)
MAX_DIMENSIONS = 32


class ProtocolError(Exception):
    """A frame or value that breaks the protocol (malformed, too big, forbidden)."""


@dataclass(frozen=True)
class PandasData:
    """A pandas Series or DataFrame as plain arrays.

    The grader describes pandas inputs with this and never needs pandas
    itself; the child turns it into a real pandas object. Results that come
    back as pandas objects arrive as this too, so the grader can say so.

    Attributes
    ----------
    kind : str
        ``"Series"`` or ``"DataFrame"``.
    values : ndarray
        The values, shape (n,) or (n, d).
    index : ndarray
        The index labels, shape (n,).
    columns : list of str or None
        Column labels of a DataFrame (None for a Series).
    """

    kind: str
    values: np.ndarray
    index: np.ndarray
    columns: object = None

    def build(self, pandas):
        """The real pandas object, made with the ``pandas`` module given (each side imports its own)."""
        if self.kind == "Series":
            return pandas.Series(self.values, index=self.index)
        return pandas.DataFrame(self.values, index=self.index, columns=list(self.columns))


@dataclass(frozen=True)
class Opaque:
    """An object the protocol cannot carry, known only by its type name."""

    type_name: str


# --------------------------------------------------------------------------
# Value trees
# --------------------------------------------------------------------------


def encode(value, blobs, *, describe_unknown=True, _depth=0):
    """Turn ``value`` into a JSON-able tree, appending array bytes to ``blobs``.

    Parameters
    ----------
    value : object
        Plain data: None, bool, int, float, str, list, tuple, dict, ndarray,
        NumPy scalar, :class:`PandasData`, :class:`Opaque`, or (on the child
        side) a real pandas object.
    blobs : list of bytes
        Where binary payloads are collected.
    describe_unknown : bool
        If true, an unsupported object becomes ``{"$opaque": type name}``;
        if false it raises :class:`ProtocolError`.

    Returns
    -------
    object
        The value tree.
    """
    if _depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    depth = _depth + 1
    kind = type(value)  # exact scalar types first: most of a message; subclasses take the general path below
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if kind is float and math.isfinite(value):
        return value
    if isinstance(value, np.ndarray):
        return _encode_array(value, blobs, "$nd", describe_unknown)
    if isinstance(value, list):
        if depth <= MAX_DEPTH and _plain_numbers(value):  # rows of data: they travel as they are
            return list(value)
        return [encode(v, blobs, describe_unknown=describe_unknown, _depth=depth) for v in value]
    if isinstance(value, str):
        return value
    if isinstance(value, np.generic):
        return _encode_array(np.asarray(value), blobs, "$np", describe_unknown)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        value = float(value)
        if math.isfinite(value):
            return value
        return {"$float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, blobs, describe_unknown=describe_unknown, _depth=depth) for v in value]}
    if isinstance(value, dict):
        return {
            "$dict": [
                [encode(k, blobs, describe_unknown=describe_unknown, _depth=depth),
                 encode(v, blobs, describe_unknown=describe_unknown, _depth=depth)]
                for k, v in value.items()
            ]
        }
    if isinstance(value, PandasData):
        return {"$pandas": {
            "kind": value.kind,
            "values": encode(np.asarray(value.values), blobs, describe_unknown=describe_unknown, _depth=depth),
            "index": encode(np.asarray(value.index), blobs, describe_unknown=describe_unknown, _depth=depth),
            "columns": None if value.columns is None else [str(c)[:100] for c in list(value.columns)[:10_000]],
        }}
    if isinstance(value, Opaque):
        return {"$opaque": str(value.type_name)[:200]}
    pandas_kind = _pandas_kind(value)
    if pandas_kind is not None:
        return encode(_pandas_to_data(value, pandas_kind), blobs, describe_unknown=describe_unknown, _depth=_depth)
    if describe_unknown:
        return {"$opaque": _type_name(value)}
    raise ProtocolError(f"cannot send a value of type {_type_name(value)}")


_FLOAT_ONLY, _INT_ONLY = frozenset({float}), frozenset({int})


def _plain_numbers(items):
    """True for a list of exact ints, or of exact finite floats: JSON carries it as it is.

    (Checked with C-level loops, not one Python call per item: lists of rows
    are most of a batch of list-format examples.)
    """
    kinds = set(map(type, items))
    if kinds == _FLOAT_ONLY:
        return all(map(math.isfinite, items))
    return kinds <= _INT_ONLY


def _type_name(value):
    """The qualified name of ``type(value)``, for messages only."""
    cls = type(value)
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", None) or getattr(cls, "__name__", "object")
    text = f"{module}.{name}" if module not in ("builtins", "") else str(name)
    return str(text)[:200]


def _pandas_kind(value):
    """``"Series"`` or ``"DataFrame"`` for a real pandas object, else None."""
    for cls in type(value).__mro__:
        module = getattr(cls, "__module__", "") or ""
        # pandas 3 reports "pandas" as the module of Series and DataFrame; older ones "pandas.core...".
        if (module == "pandas" or module.startswith("pandas.")) and cls.__name__ in ("Series", "DataFrame"):
            return cls.__name__
    return None


def _pandas_to_data(value, kind):
    """A real pandas object as :class:`PandasData` (child side only)."""
    values = value.to_numpy()
    if values.dtype.kind not in ALLOWED_DTYPE_KINDS:
        values = values.astype(float) if values.dtype.kind == "O" else values
    columns = None if kind == "Series" else [str(c) for c in value.columns]
    index = np.asarray(value.index)
    if index.dtype.kind not in ALLOWED_DTYPE_KINDS:
        index = np.arange(len(index))
    return PandasData(kind, values, index, columns)


def _encode_array(array, blobs, tag, describe_unknown):
    """Put ``array``'s raw bytes in ``blobs`` and return its tag with dtype and shape."""
    if array.dtype.kind not in ALLOWED_DTYPE_KINDS or array.dtype.hasobject or array.dtype.fields:
        if describe_unknown:
            return {"$opaque": f"numpy.ndarray of dtype {str(array.dtype)[:50]}"}
        raise ProtocolError(f"cannot send an array of dtype {array.dtype}")
    little = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
    blobs.append(np.ascontiguousarray(array, dtype=little).tobytes())
    return {tag: [len(blobs) - 1, little.str, list(array.shape)]}


class _Decoder:
    """Strict decoding of one value tree, with caps shared across the tree."""

    def __init__(self, blobs, make_pandas):
        self.blobs = blobs
        self.make_pandas = make_pandas
        self.nodes = 0

    def decode(self, tree, depth=0):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ProtocolError("value has too many parts")
        if depth > MAX_DEPTH:
            raise ProtocolError("value nested too deeply")
        if tree is None or isinstance(tree, int):  # (bool is an int)
            return tree
        if isinstance(tree, str):
            if len(tree) > MAX_STRING:
                raise ProtocolError("string too long")
            return tree
        if isinstance(tree, list):
            if depth + 1 <= MAX_DEPTH and _plain_numbers(tree):  # the same checks, for all items at once
                self.nodes += len(tree)
                if self.nodes > MAX_NODES:
                    raise ProtocolError("value has too many parts")
                return list(tree)
            return [self.decode(item, depth + 1) for item in tree]
        if isinstance(tree, float):
            if not math.isfinite(tree):
                raise ProtocolError("non-finite float outside a $float tag")
            return tree
        if not isinstance(tree, dict) or len(tree) != 1:
            raise ProtocolError("malformed value")
        (tag, body), = tree.items()
        if tag == "$nd":  # the most common tag first
            return self._array(body)
        if tag == "$float":
            if body not in ("nan", "inf", "-inf"):
                raise ProtocolError("malformed $float")
            return float(body)
        if tag == "$tuple":
            if not isinstance(body, list):
                raise ProtocolError("malformed $tuple")
            return tuple(self.decode(item, depth + 1) for item in body)
        if tag == "$dict":
            if not isinstance(body, list):
                raise ProtocolError("malformed $dict")
            result = {}
            for pair in body:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise ProtocolError("malformed $dict entry")
                key = self.decode(pair[0], depth + 1)
                if isinstance(key, np.ndarray) or isinstance(key, (list, dict)):
                    raise ProtocolError("unhashable $dict key")
                try:
                    result[key] = self.decode(pair[1], depth + 1)
                except TypeError as error:
                    raise ProtocolError("unhashable $dict key") from error
            return result
        if tag == "$np":
            array = self._array(body)
            if array.ndim != 0:
                raise ProtocolError("$np must hold a 0-d array")
            return array[()]
        if tag == "$opaque":
            if not isinstance(body, str):
                raise ProtocolError("malformed $opaque")
            return Opaque(body[:200])
        if tag == "$pandas":
            return self._pandas(body, depth)
        raise ProtocolError(f"unknown tag {str(tag)[:40]!r}")

    def _array(self, body):
        if not isinstance(body, list) or len(body) != 3:
            raise ProtocolError("malformed array")
        index, dtype, shape = body
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(self.blobs):
            raise ProtocolError("array refers to a missing blob")
        return decode_array(self.blobs[index], dtype, shape)

    def _pandas(self, body, depth):
        if not isinstance(body, dict) or set(body) != {"kind", "values", "index", "columns"}:
            raise ProtocolError("malformed $pandas")
        kind = body["kind"]
        if kind not in ("Series", "DataFrame"):
            raise ProtocolError("malformed $pandas kind")
        values = self.decode(body["values"], depth + 1)
        index = self.decode(body["index"], depth + 1)
        columns = body["columns"]
        if columns is not None and (
            not isinstance(columns, list) or not all(isinstance(c, str) and len(c) <= 100 for c in columns)
        ):
            raise ProtocolError("malformed $pandas columns")
        if not isinstance(values, np.ndarray) or not isinstance(index, np.ndarray):
            raise ProtocolError("malformed $pandas parts")
        expected_ndim = 1 if kind == "Series" else 2
        if values.ndim != expected_ndim or index.shape != (values.shape[0],):
            raise ProtocolError("malformed $pandas shapes")
        if kind == "DataFrame" and (columns is None or len(columns) != values.shape[1]):
            raise ProtocolError("malformed $pandas columns")
        data = PandasData(kind, values, index, columns)
        return self.make_pandas(data) if self.make_pandas else data


def decode_array(data, dtype, shape):
    """Rebuild one array strictly: an allowed dtype, a sane shape, exactly the right size.

    Parameters
    ----------
    data : bytes
        The raw, C-ordered bytes.
    dtype : str
        A dtype string from :data:`ALLOWED_DTYPES`.
    shape : list of int

    Returns
    -------
    ndarray
        A new, writeable array.
    """
    if not isinstance(dtype, str) or dtype not in ALLOWED_DTYPES:
        raise ProtocolError(f"array dtype {str(dtype)[:40]} is not allowed")
    if (not isinstance(shape, list) or len(shape) > MAX_DIMENSIONS
            or any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in shape)):
        raise ProtocolError("malformed array shape")
    dtype = np.dtype(dtype)
    if math.prod(shape) * dtype.itemsize != len(data):
        raise ProtocolError("array size does not match its shape")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


def decode(tree, blobs, *, make_pandas=None):
    """Turn a value tree back into a value, strictly.

    Parameters
    ----------
    tree : object
        A value tree from :func:`encode` (already parsed from JSON).
    blobs : list of bytes
        The frame's binary payloads.
    make_pandas : callable, optional
        Turns :class:`PandasData` into a real pandas object (child side).
        Without it, pandas values stay :class:`PandasData`.

    Returns
    -------
    object
    """
    return _Decoder(blobs, make_pandas).decode(tree)


# --------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------


def pack(message, *, strict=False):
    """Serialize a message (a dict of str keys to values) into one frame.

    Parameters
    ----------
    message : dict
        Must hold ``"op"``; values are encoded with :func:`encode`.
    strict : bool
        Raise :class:`ProtocolError` for a value of another type, instead of
        sending its description (``Opaque``).

    Returns
    -------
    bytes
    """
    blobs = []
    header = {key: encode(value, blobs, describe_unknown=not strict) for key, value in message.items()}
    header["blobs"] = [len(blob) for blob in blobs]
    header_bytes = json.dumps(header, allow_nan=False, separators=(",", ":")).encode("utf-8")
    if len(header_bytes) > MAX_HEADER_BYTES:
        raise ProtocolError("message header too large")
    if any(len(blob) > MAX_BLOB_BYTES for blob in blobs):
        raise ProtocolError("array too large to send")
    if len(header_bytes) + sum(header["blobs"]) > MAX_FRAME_BYTES:
        raise ProtocolError("message too large to send")
    return b"".join([MAGIC, struct.pack(">I", len(header_bytes)), header_bytes, *blobs])


def parse_header(prefix):
    """Check the 8-byte frame prefix; return the header length."""
    if len(prefix) != 8 or prefix[:4] != MAGIC:
        raise ProtocolError("bad frame start")
    (length,) = struct.unpack(">I", prefix[4:])
    if length > MAX_HEADER_BYTES:
        raise ProtocolError("message header too large")
    return length


def parse_blob_sizes(header_bytes):
    """Parse the header JSON; return (header dict, blob sizes), checking caps."""
    try:
        header = json.loads(header_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ProtocolError("header is not valid JSON") from None
    if not isinstance(header, dict):
        raise ProtocolError("header is not an object")
    sizes = header.pop("blobs", None)
    if not isinstance(sizes, list) or len(sizes) > MAX_BLOBS:
        raise ProtocolError("malformed blob list")
    for size in sizes:
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_BLOB_BYTES:
            raise ProtocolError("blob too large")
    if sum(sizes) + len(header_bytes) > MAX_FRAME_BYTES:
        raise ProtocolError("message too large")
    return header, sizes


def unpack(header, blobs, *, make_pandas=None):
    """Decode every field of a parsed header; return the message dict."""
    if not isinstance(header.get("op"), str):
        raise ProtocolError("message has no op")
    return {key: decode(value, blobs, make_pandas=make_pandas) for key, value in header.items()}


def read_message(stream, *, make_pandas=None):
    """Read one frame from a blocking binary stream (child side).

    Returns None at a clean end of stream.
    """
    prefix = _read_exact(stream, 8, at_start=True)
    if prefix is None:
        return None
    length = parse_header(prefix)
    header, sizes = parse_blob_sizes(_read_exact(stream, length))
    payload = memoryview(_read_exact(stream, sum(sizes)) if sizes else b"")  # one read for every blob
    blobs, offset = [], 0
    for size in sizes:
        blobs.append(payload[offset:offset + size])
        offset += size
    return unpack(header, blobs, make_pandas=make_pandas)


def _read_exact(stream, size, at_start=False):
    """Exactly ``size`` bytes (an unbuffered stream may return fewer per read); None at a clean end."""
    data = stream.read(size)
    if at_start and not data:
        return None
    if data is not None and 0 < len(data) < size:
        parts = bytearray(data)
        while len(parts) < size:
            more = stream.read(size - len(parts))
            if not more:
                break
            parts += more
        data = bytes(parts)
    if data is None or len(data) != size:
        raise ProtocolError("stream ended inside a frame")
    return data


# --------------------------------------------------------------------------
# Locked answers (stand-in answers sent ahead; see grader/answers.py)
# --------------------------------------------------------------------------


def bind_arguments(parameters, args, kwargs):
    """A call's arguments by parameter name, or None when they do not fit ``parameters``.

    So that ``step(X, y, w, 0.1)`` and ``step(X, y, w, learning_rate=0.1)``
    are the same call.
    """
    if len(args) > len(parameters) or any(not isinstance(k, str) for k in kwargs):
        return None
    bound = dict(zip(parameters, args))
    for name, value in kwargs.items():
        if name in bound or name not in parameters:
            return None
        bound[name] = value
    return bound


def answer_key(target, arguments):
    """(lookup id, key) of a stand-in call, from the exact bytes of its arguments; None if unencodable.

    The id finds the answer; the key (another part of the same hash, which
    the id does not reveal) opens it. Both need the arguments themselves.
    """
    import hashlib

    digest = hashlib.blake2b(digest_size=64, person=b"lrg-answer")
    digest.update(str(target).encode("utf-8") + b"\0")
    try:
        _feed(digest, arguments, 0)
    except (ProtocolError, TypeError, ValueError, RecursionError):
        return None
    full = digest.digest()
    return full[:16], full[32:]


_BIG_Q = struct.Struct(">Q")


def _feed(digest, value, depth):
    """Hash ``value`` unambiguously: its type, then its contents (arrays by dtype, shape and bytes)."""
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    kind = type(value)
    if kind is np.ndarray or isinstance(value, np.generic):
        array = value if kind is np.ndarray else np.asarray(value)
        if array.dtype.str not in ALLOWED_DTYPES:
            raise ProtocolError("an array of another dtype")
        digest.update((b"N" if kind is np.ndarray else b"S") + array.dtype.str.encode() + repr(array.shape).encode()
                      + _BIG_Q.pack(array.nbytes))
        # Its bytes in C order: a C-contiguous array's own buffer (the common case, no copy), else a copy.
        digest.update(array if array.flags.c_contiguous else np.ascontiguousarray(array))
    elif value is None or kind is bool:
        digest.update(b"B" + repr(value).encode())
    elif kind is int:
        text = str(value).encode()
        digest.update(b"I" + _BIG_Q.pack(len(text)) + text)
    elif kind is float:
        digest.update(b"F" + struct.pack(">d", value))
    elif kind is str:
        text = value.encode("utf-8")
        digest.update(b"T" + _BIG_Q.pack(len(text)) + text)
    elif kind in (list, tuple):
        digest.update((b"L" if kind is list else b"U") + _BIG_Q.pack(len(value)))
        for item in value:
            _feed(digest, item, depth + 1)
    elif kind is dict:
        digest.update(b"D" + _BIG_Q.pack(len(value)))
        for key in sorted(value, key=repr):
            if type(key) is str:  # (a stand-in's arguments by name: as the str branch below, inline)
                text = key.encode("utf-8")
                digest.update(b"T" + _BIG_Q.pack(len(text)) + text)
            else:
                _feed(digest, key, depth + 1)
            _feed(digest, value[key], depth + 1)
    else:  # pandas and anything else: by its wire form
        blobs = []
        tree = encode(value, blobs, describe_unknown=False)
        text = json.dumps(tree, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")
        digest.update(b"W" + _BIG_Q.pack(len(text)) + text)
        for blob in blobs:
            digest.update(_BIG_Q.pack(len(blob)) + blob)


def pack_answer(value):
    """A stand-in's answer as bytes (to be sealed): most answers in a short binary form.

    A finite float is ``F`` and its 8 bytes; a NumPy array of an allowed
    dtype is ``A``, its dtype, its dimensions and its raw bytes; anything else
    is ``P`` and a whole frame. :func:`unpack_answer` gives back exactly what
    the frame would (a new, writeable array; the same float).
    """
    kind = type(value)
    if kind is float and math.isfinite(value):
        return b"F" + struct.pack(">d", value)
    if kind is np.ndarray and value.dtype.str in ALLOWED_DTYPES and value.ndim <= MAX_DIMENSIONS:
        shape = struct.pack(f">B{value.ndim}Q", value.ndim, *value.shape)
        return b"A" + value.dtype.str.encode("ascii") + shape + np.ascontiguousarray(value).tobytes()
    return b"P" + pack({"op": "answer", "value": value})


def unpack_answer(data, *, make_pandas=None):
    """The answer :func:`pack_answer` made; raise :class:`ProtocolError` for anything malformed."""
    kind = data[:1]
    if kind == b"F" and len(data) == 9:
        return struct.unpack(">d", data[1:])[0]
    if kind == b"A" and len(data) >= 5:
        ndim = data[4]
        end = 5 + 8 * ndim
        if ndim > MAX_DIMENSIONS or len(data) < end:
            raise ProtocolError("malformed answer")
        dtype = data[1:4].decode("ascii", "replace")
        return decode_array(data[end:], dtype, list(struct.unpack(f">{ndim}Q", data[5:end])))
    if kind == b"P":
        return unpack_frame(data[1:], make_pandas=make_pandas).get("value")
    raise ProtocolError("malformed answer")


def seal(key, data):
    """Encrypt (or, applied again, decrypt) ``data`` with a keystream drawn from ``key``."""
    import hashlib

    if not data:
        return b""
    stream = hashlib.shake_256(b"lrg-answer-stream" + key).digest(len(data))
    return np.bitwise_xor(np.frombuffer(data, np.uint8), np.frombuffer(stream, np.uint8)).tobytes()


def unpack_frame(frame, *, make_pandas=None):
    """Decode one whole frame held in memory (a locked answer once opened)."""
    length = parse_header(frame[:8])
    header, sizes = parse_blob_sizes(frame[8:8 + length])
    blobs, offset = [], 8 + length
    for size in sizes:
        blobs.append(frame[offset:offset + size])
        offset += size
    if offset != len(frame) or any(len(blob) != size for blob, size in zip(blobs, sizes)):
        raise ProtocolError("a locked answer is not one whole frame")
    return unpack(header, blobs, make_pandas=make_pandas)
