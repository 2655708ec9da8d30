"""The reference solutions, loaded on the trusted side only.

They are read from ``solutions/`` beside the grader package (or another
folder, for tests that plant canaries in a copy of the project) under private
module names, so they never depend on ``sys.path`` and no ``import solutions``
anywhere is needed. The child process never sees this module.

Reference values are remembered: grading is deterministic, so every
submission meets the same inputs, and a value (a scikit-learn fit, say) is
computed once per process instead of once per student.
"""

import copy
import importlib.util
import sys
from collections import OrderedDict
from functools import cache
from pathlib import Path

from grader import protocol

SOLUTIONS_DIR = Path(__file__).resolve().parent.parent / "solutions"
MEMO_SIZE = 20_000
MEMO_MAX_KEY_BYTES = 256 * 1024


@cache
def module(name, folder=SOLUTIONS_DIR):
    """The reference module ``name`` (``"logistic"``, ...), loaded once."""
    private_name = f"grader._reference_{name}"
    spec = importlib.util.spec_from_file_location(private_name, Path(folder) / f"{name}.py")
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[private_name] = loaded
    spec.loader.exec_module(loaded)
    return loaded


class _Remembered:
    """A reference function whose results are kept, keyed by the exact bytes of its arguments."""

    def __init__(self, function):
        self.function = function
        self.memo = OrderedDict()
        self.__name__ = function.__name__
        self.__doc__ = function.__doc__
        self.__wrapped__ = function

    def __call__(self, *args, **kwargs):
        try:
            key = protocol.pack({"op": "key", "args": list(args), "kwargs": kwargs})
        except protocol.ProtocolError:
            key = None
        if key is None or len(key) > MEMO_MAX_KEY_BYTES:
            return self.function(*args, **kwargs)
        if key in self.memo:
            self.memo.move_to_end(key)
            kind, value = self.memo[key]
        else:
            try:
                kind, value = "returned", self.function(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - remembered and raised again, as the function would
                kind, value = "raised", error
            self.memo[key] = (kind, value)
            if len(self.memo) > MEMO_SIZE:
                self.memo.popitem(last=False)
        if kind == "raised":
            raise copy.copy(value)
        return copy.deepcopy(value)  # callers may modify what they get


def remembered(function):
    """``function`` with its results kept, keyed by the exact bytes of its arguments (for any deterministic oracle)."""
    return _Remembered(function)


@cache
def function(target):
    """The reference function for ``"module.function"`` (remembering its results)."""
    module_name, function_name = target.split(".")
    return _Remembered(getattr(module(module_name), function_name))


@cache
def recording_module(name):
    """Another private copy of reference module ``name``, whose functions may be swapped.

    ``grader/answers.py`` runs a reference there with its dependencies
    replaced by recorders; the copy used for answers is never touched.
    """
    private_name = f"grader._recording_{name}"
    spec = importlib.util.spec_from_file_location(private_name, SOLUTIONS_DIR / f"{name}.py")
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[private_name] = loaded
    spec.loader.exec_module(loaded)
    return loaded


function.recording_module = recording_module  # what grader/answers.py records the stand-ins' answers with
