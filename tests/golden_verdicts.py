"""Compare a grade with its stored golden copy: every verdict, point, failure and hint.

The golden copies pin what the grader decides, so that a change meant only to
make grading faster (or tidier) is shown not to change a single verdict. When
a change is meant to change them, regenerate and review the diff::

    LRG_REGEN_GOLDEN=1 python -m pytest tests/test_corpus.py tests/test_bulk.py -k "golden or corpus"

Values shown to their full 17 digits (a student's result, scikit-learn's
probabilities) differ in their last digits from one kind of CPU to another:
NumPy, OpenBLAS and SciPy pick their kernels by what the CPU offers (AVX-512
or not), and round differently. The comparison therefore reads every decimal
number to 12 significant digits, far more than any tolerance of the checks
can see; everything else, every verdict, point and word, must be identical.
"""

import json
import os
import re
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("LRG_REGEN_GOLDEN") == "1"


def grade_text(grade):
    """A grade as stable JSON text (the confinement layers depend on the machine and are left out)."""
    data = grade.to_dict()
    data.pop("confinement", None)
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def assert_golden(relative, text):
    """``text`` equals the golden file ``tests/golden/<relative>`` (written instead when regenerating)."""
    path = GOLDEN / relative
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}; create it with LRG_REGEN_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    if text != expected and _to_12_digits(text) != _to_12_digits(expected):
        import difflib

        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), "golden", "now", n=2))
        raise AssertionError(f"{relative} differs from its golden copy (regenerate with LRG_REGEN_GOLDEN=1 "
                             f"only if the change is intended):\n{diff[:6000]}")


_DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[-+]?\d+)?(?![\w.])")


def _to_12_digits(text):
    """``text`` with every decimal number written to 12 significant digits (see the module docstring)."""
    return _DECIMAL.sub(lambda match: f"{float(match.group()):.12g}", text)
