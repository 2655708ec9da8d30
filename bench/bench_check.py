"""Time `check` (one submission, full hidden suite) on the references and on an all-wrong submission.

The all-wrong submission is the references with one known mistake from the
test corpus planted in every function that has one, so every function fails
and Hypothesis shrinks a counterexample for each: the slow path.

    python bench/bench_check.py [--repeat 3]

Prints the median and spread of the wall time of each, and the number of calls.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from corpus_harness import mistake_files, parse_mistake_name  # noqa: E402
from grader.engine import grade_path  # noqa: E402


def all_wrong(folder):
    """References with the first corpus mistake of every function appended to its module."""
    target = Path(folder) / "exercises"
    shutil.copytree(ROOT / "solutions", target, ignore=shutil.ignore_patterns("__pycache__"))
    planted = set()
    for path in mistake_files():
        function, _ = parse_mistake_name(path)
        if function in planted:
            continue
        planted.add(function)
        with open(target / f"{path.parent.name}.py", "a", encoding="utf-8") as handle:
            handle.write("\n\n" + path.read_text(encoding="utf-8"))
    return Path(folder), planted


def time_grade(path, repeat):
    times, grade = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        grade = grade_path(path, "bench")
        times.append(time.perf_counter() - start)
    return times, grade


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        wrong, planted = all_wrong(Path(scratch) / "wrong")
        for label, path in (("references", ROOT / "solutions"), (f"all wrong ({len(planted)} bugs)", wrong)):
            times, grade = time_grade(path, options.repeat)
            spread = f"{min(times):.2f}-{max(times):.2f}"
            print(f"{label:28s} median {statistics.median(times):6.2f} s  (range {spread} s, "
                  f"{options.repeat} runs)  score {grade.total:g}/{grade.max_total:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
