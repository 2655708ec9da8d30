"""The inputs drawn for every check, drawn once and kept on disk between runs.

Drawing the examples of every check with Hypothesis takes seconds (about ten
for the hidden suite), and grading is deterministic: each check's examples
come from a seed of its own, so every process draws the very same ones. So
they are drawn once, saved, and read by every later process: the workers of
a bulk run (the run's parent draws them before it starts its workers), the
next run, the next ``check``.

The file is keyed by a digest of the grader and the references and by the
versions of Python, NumPy and Hypothesis, so any change draws afresh. It is
written with the wire protocol (``protocol.pack``: plain data, nothing is
ever unpickled), and a check whose examples do not come back from it bit for
bit is simply drawn again, so the cache can never change an input.

Only declarations that live in the grader's own sources may be cached (the
hidden one, the public one): the digest covers those sources, not the
strategies of exercises made elsewhere.

The folder is ``$LRG_CACHE_DIR``, else ``$XDG_CACHE_HOME/lrg-grader``, else
``~/.cache/lrg-grader``; ``LRG_CACHE_DIR=off`` turns the cache off. A
folder that cannot be written is no error: the examples are drawn instead.
"""

import hashlib
import os
import sys
import tempfile
from pathlib import Path

from grader import checks, protocol

KEEP_FILES = 6  # cache files kept in the folder: the newest
_PREPARED = set()  # (cache folder, exercises) this process has made ready


def cache_folder():
    """The folder of the cache, or None when it is turned off."""
    chosen = os.environ.get("LRG_CACHE_DIR")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lrg-grader"


def sources_digest(*extra):
    """A digest of the grader's and the references' sources, Python's version, and ``extra`` (its repr)."""
    digest = hashlib.sha256()
    package = Path(checks.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")) + sorted((package.parent / "solutions").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(repr((sys.version_info[:3], extra)).encode())
    return digest.hexdigest()[:32]


def _digest(exercises):
    """What the drawn examples depend on: the grader's and the references' sources, and the libraries."""
    import hypothesis
    import numpy

    return sources_digest(numpy.__version__, hypothesis.__version__,
                          [(e.target, [c.name for c in e.checks]) for e in exercises])


def _key(exercise, check):
    return f"{exercise.target}/{check.name}"


def _as_data(example):
    if isinstance(example, checks.Example):
        return {"call": [example.args, example.kwargs]}
    return {"value": example}


def _from_data(data):
    if "call" in data:
        args, kwargs = data["call"]
        return checks.Example(args, kwargs)
    return data["value"]


def _bytes_of(examples):
    try:
        return protocol.pack({"op": "examples", "examples": [_as_data(e) for e in examples]})
    except (protocol.ProtocolError, TypeError, ValueError, RecursionError):
        return None


def file_name(exercises):
    """The cache file's name for these exercises (it changes whenever the examples may)."""
    return f"examples-{_digest(exercises)}.lrg"


def prepare(exercises, shipped=None):
    """Make every check's examples ready in this process: read them from the cache, or draw and save them.

    Parameters
    ----------
    exercises : sequence of Exercise
    shipped : path, optional
        A folder read before the cache (the handout ships its public
        checks' examples there); it is never written.

    Returns
    -------
    int
        How many checks' examples came from a file.
    """
    marker = (str(cache_folder()), tuple(e.target for e in exercises))
    if marker in _PREPARED:
        return 0
    _PREPARED.add(marker)
    missing = [(e, c) for e in exercises for c in e.checks
               if c.strategy is not None and not checks.has_examples(c, checks.check_seed(e.target, c.name))]
    if not missing:
        return 0  # (drawn or read already, e.g. a subset of what the handout's plugin prepared)
    folder = cache_folder()
    path = folder / file_name(exercises) if folder is not None else None
    stored = read_table(Path(shipped) / file_name(exercises)) if shipped else {}
    stored = stored or read_table(path)
    used, drawn = 0, {}
    for exercise, check in missing:
        seed = checks.check_seed(exercise.target, check.name)
        frame = stored.get(_key(exercise, check))
        if frame is not None and _install(check, seed, frame):
            used += 1
            continue
        examples = checks.generated_examples(check, seed)
        frame = _bytes_of(examples)
        if frame is not None:
            drawn[_key(exercise, check)] = frame
    if path is not None and drawn:
        write_table(path, {**stored, **drawn})
    return used


def _install(check, seed, frame):
    """Hand the stored examples to ``checks`` if they come back exactly as they were packed."""
    try:
        examples = tuple(_from_data(d) for d in protocol.unpack_frame(frame)["examples"])
    except (protocol.ProtocolError, KeyError, TypeError, ValueError):
        return False
    if _bytes_of(examples) != frame:
        return False
    checks.preset_examples(check, seed, examples)
    return True


def read_table(path):
    """{key: bytes} from a cache file, or {} (missing, unreadable or damaged)."""
    if path is None:
        return {}
    try:
        data = path.read_bytes()
        table = protocol.unpack_frame(data)["checks"]
    except (OSError, protocol.ProtocolError, KeyError, TypeError):
        return {}
    if not isinstance(table, dict):
        return {}
    return {str(k): bytes(v.tobytes()) for k, v in table.items() if hasattr(v, "tobytes")}


def write_table(path, table):
    """Save {key: bytes} atomically (a reader sees the old file or the new one); a folder we cannot write is no error.

    Files are named ``<kind>-<digest>.lrg``; only the newest few of each kind are kept.
    """
    import numpy as np

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = protocol.pack({"op": "example-cache",
                              "checks": {k: np.frombuffer(v, np.uint8) for k, v in table.items()}})
        handle, temporary = tempfile.mkstemp(prefix=".examples-", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
        _prune(path.parent, path.name.split("-")[0])
    except (OSError, protocol.ProtocolError):
        pass


def _prune(folder, kind="examples", keep=KEEP_FILES):
    """Remove all but the newest ``keep`` cache files of a kind (each grader version writes its own)."""
    files = sorted(folder.glob(f"{kind}-*.lrg"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)
