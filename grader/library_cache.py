"""The library answers the public checks compare with, computed once and kept on disk between runs.

The handout's checks compare a student's functions with scikit-learn and
SciPy (``sklearn.metrics.roc_curve``, a fitted ``LogisticRegression``...).
Importing scikit-learn alone takes about 1.5 s, longer than the rest of a
student's ``pytest`` run, and the answers depend only on the arguments, on
the checks' own code and on the libraries' versions. So each library oracle
is wrapped in :func:`remembered`: an answer is computed once, kept in memory,
and saved (:func:`save`) beside the drawn examples (see
:mod:`grader.example_cache`), where the next run reads it without importing
the library at all.

Every answer, the first time too, is handed back as it comes out of the file
(written with the wire protocol, plain data, never a pickle), so a run that
computed an answer and a run that read it see the very same value. An answer
whose arguments or value the protocol cannot carry is simply not kept.

The file is keyed by a digest of the grader's sources and the versions of
Python, NumPy, SciPy and scikit-learn (read from the installed packages'
metadata, which imports neither), so an upgrade computes afresh.
"""

import functools
import hashlib

from grader import example_cache, protocol

MAX_ANSWERS = 20_000  # kept per process; past that, answers are computed and not kept
MAX_BYTES = 32 << 20

_STATE = {"loaded": False, "table": {}, "new": {}, "bytes": 0, "path": None, "computed": 0}


def _versions():
    from importlib import metadata

    found = []
    for package in ("numpy", "scipy", "scikit-learn"):
        try:
            found.append(metadata.version(package))
        except metadata.PackageNotFoundError:
            found.append(None)
    return found


def file_path():
    """The cache file of this grader and these libraries, or None when the cache is turned off."""
    folder = example_cache.cache_folder()
    if folder is None:
        return None
    return folder / f"library-{example_cache.sources_digest('library answers', _versions())}.lrg"


def _load():
    if not _STATE["loaded"]:
        _STATE["loaded"] = True
        _STATE["path"] = file_path()
        stored = example_cache.read_table(_STATE["path"])
        _STATE["table"].update(stored)
        _STATE["bytes"] += sum(map(len, stored.values()))


def _key(name, args, kwargs):
    try:
        frame = protocol.pack({"op": "oracle", "args": list(args), "kwargs": dict(kwargs)}, strict=True)
    except (protocol.ProtocolError, TypeError, ValueError, RecursionError):
        return None
    return hashlib.sha256(name.encode() + b"\0" + frame).hexdigest()


def remembered(function):
    """Wrap a library oracle so that its answers are computed once and read back from the cache.

    Parameters
    ----------
    function : callable
        Deterministic: its answer depends only on its arguments (plain data:
        NumPy arrays, numbers, lists, tuples) and the libraries' versions.

    Returns
    -------
    callable
        The same function, answering from the cache where it can.
    """
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def oracle(*args, **kwargs):
        _load()
        key = _key(name, args, kwargs)
        frame = _STATE["table"].get(key) if key is not None else None
        if frame is not None:
            try:
                return protocol.unpack_frame(frame)["value"]
            except (protocol.ProtocolError, KeyError, TypeError):
                del _STATE["table"][key]  # a damaged entry: computed again
                frame = None
        if frame is None:
            value = function(*args, **kwargs)
            _STATE["computed"] += 1
            try:
                frame = protocol.pack({"op": "answer", "value": value}, strict=True)
            except (protocol.ProtocolError, TypeError, ValueError, RecursionError):
                return value  # not plain data: not kept, and handed back as it is
            if key is not None and len(_STATE["table"]) < MAX_ANSWERS and _STATE["bytes"] + len(frame) <= MAX_BYTES:
                _STATE["table"][key] = _STATE["new"][key] = frame
                _STATE["bytes"] += len(frame)
        return protocol.unpack_frame(frame)["value"]

    return oracle


def save():
    """Write the answers computed since the file was read (nothing to do when there are none)."""
    if _STATE["new"] and _STATE["path"] is not None:
        example_cache.write_table(_STATE["path"], _STATE["table"])
    _STATE["new"] = {}


def computed():
    """How many answers this process computed (the others came from the cache)."""
    return _STATE["computed"]


def forget():
    """Drop every answer held in memory (tests: the next call reads the file again)."""
    _STATE.update(loaded=False, table={}, new={}, bytes=0, path=None, computed=0)
