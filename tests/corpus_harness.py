"""Build test submissions from the references with some functions replaced.

A corpus file holds one or more function definitions (and the imports they
need). Its submission is a copy of ``solutions/`` as an ``exercises/`` folder,
with the file appended to the module it belongs to, so its definitions
replace the references' and everything else stays correct.

- ``tests/corpus/mistakes/<module>/<function>__<mistake_key>.py``: one known
  mistake; the function must lose points (alone) and get that mistake's hint.
- ``tests/corpus/correct/<module>/<anything>.py``: a correct implementation
  written differently; the submission must score 100.
"""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"


def build(corpus_file, folder):
    """Write the submission for one corpus file into ``folder``; return its path."""
    corpus_file = Path(corpus_file)
    module = corpus_file.parent.name
    target = Path(folder) / "exercises"
    shutil.copytree(ROOT / "solutions", target, ignore=shutil.ignore_patterns("__pycache__"))
    with open(target / f"{module}.py", "a", encoding="utf-8") as handle:
        handle.write("\n\n# --- replaced for this test submission ---\n")
        handle.write(corpus_file.read_text(encoding="utf-8"))
    return Path(folder)


def mistake_files():
    return sorted((CORPUS / "mistakes").glob("*/*.py"))


def correct_files():
    return sorted((CORPUS / "correct").glob("*/*.py"))


def parse_mistake_name(path):
    """(function, mistake key) from ``<function>__<mistake_key>.py``."""
    function, _, key = Path(path).stem.partition("__")
    return function, key
