"""The reference solutions, loaded on the trusted side only.

They are read from ``solutions/`` beside the grader package (or another
folder, for tests that plant canaries in a copy of the project) under private
module names, so they never depend on ``sys.path`` and no ``import solutions``
anywhere is needed. The child process never sees this module.
"""

import importlib.util
import sys
from functools import cache
from pathlib import Path

SOLUTIONS_DIR = Path(__file__).resolve().parent.parent / "solutions"


@cache
def module(name, folder=SOLUTIONS_DIR):
    """The reference module ``name`` (``"logistic"``, ...), loaded once."""
    private_name = f"grader._reference_{name}"
    spec = importlib.util.spec_from_file_location(private_name, Path(folder) / f"{name}.py")
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[private_name] = loaded
    spec.loader.exec_module(loaded)
    return loaded


def function(target):
    """The reference function for ``"module.function"``."""
    module_name, function_name = target.split(".")
    return getattr(module(module_name), function_name)
