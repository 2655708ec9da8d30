"""Benchmark bulk grading: a generated class, graded with ``python -m grader grade --jobs 2``.

The class is made from ``solutions/`` in a temporary folder: correct copies,
copies with one known mistake, with several, partial ones (some modules left
as the handout's stubs) and broken ones (a syntax error, a notebook that is
not JSON, an empty file, a ``.zip`` that is not a zip). It prints the
submissions graded per minute and the peak memory (the largest resident set
of any process of the run: the grader, a worker or a student's child
process, from ``getrusage(RUSAGE_CHILDREN)``).

Usage::

    python bench/bench_bulk.py [--students 200] [--jobs 2] [--seed 0] [--keep DIR]
"""

import argparse
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from grader import tempfolders  # noqa: E402

MODULES = ("mle", "linear_gd", "logistic", "evaluation", "sklearn_models")
# (module, text in the reference, the mistake): from ../shared/docs/mistakes.md.
# A mutation whose text is no longer in the reference is skipped.
MUTATIONS = [
    ("mle", "return float(y.sum() / y.size)", "return float(y.sum() // y.size)"),
    ("mle", "ones_term = n_ones * np.log(p) if n_ones > 0 else 0.0", "ones_term = n_ones * np.log(p)"),
    ("linear_gd", "return (2.0 / n) * (X.T @ (X @ w - y))", "return X.T @ (X @ w - y)"),
    ("linear_gd", "w = w - learning_rate * mse_gradient(X, y, w)", "w = w + learning_rate * mse_gradient(X, y, w)"),
    ("logistic", "result = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))", "result = 1.0 / (1.0 + np.exp(-z))"),
    ("logistic", "return float(np.sum(y * z - np.logaddexp(0.0, z)))",
     "return float(np.mean(y * z - np.logaddexp(0.0, z)))"),
    ("logistic", "return X.T @ errors", "return -(X.T @ errors)"),
    ("logistic", "for _ in range(int(n_iterations)):\n        w = gradient_step",
     "for _ in range(int(n_iterations) + 1):\n        w = gradient_step"),
    ("logistic", "(predict_proba(X, w) >= threshold)", "(predict_proba(X, w) > threshold)"),
    ("logistic", "return np.column_stack([np.ones(X.shape[0]), X])", "return np.column_stack([X, np.ones(X.shape[0])])"),
    ("evaluation", "return counts.reshape(2, 2).astype(np.int64)", "return counts.reshape(2, 2).T.astype(np.int64)"),
    ("evaluation", "return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0))",
     "return float(np.sum(np.diff(y) * (x[1:] + x[:-1]) / 2.0))"),
    ("sklearn_models", "[:, 1]", "[:, 0]"),
]
MIX = [("correct", 0.30), ("single-bug", 0.30), ("multi-bug", 0.15), ("partial", 0.15), ("broken", 0.10)]


def references():
    return {m: (ROOT / "solutions" / f"{m}.py").read_text(encoding="utf-8") for m in MODULES}


def stubs():
    return {m: (ROOT / "exercises" / f"{m}.py").read_text(encoding="utf-8") for m in MODULES}


def write_package(folder, sources):
    package = folder / "exercises"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for module, text in sources.items():
        (package / f"{module}.py").write_text(text, encoding="utf-8")


def mutate(sources, count, rng):
    usable = [m for m in MUTATIONS if m[1] in sources[m[0]]]
    result = dict(sources)
    for module, old, new in rng.sample(usable, min(count, len(usable))):
        result[module] = result[module].replace(old, new, 1)
    return result


def make_class(folder, students, seed=0):
    """Write ``students`` submissions into ``folder``; return {kind: count}."""
    rng = random.Random(seed)
    refs, blanks = references(), stubs()
    kinds = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX], k=students)
    counts = {}
    for index, kind in enumerate(kinds):
        counts[kind] = counts.get(kind, 0) + 1
        name = f"student{index:04d}_{kind}"
        if kind == "correct":
            write_package(folder / name, refs)
        elif kind == "single-bug":
            write_package(folder / name, mutate(refs, 1, rng))
        elif kind == "multi-bug":
            write_package(folder / name, mutate(refs, rng.randint(2, 4), rng))
        elif kind == "partial":
            done = rng.sample(MODULES, rng.randint(1, len(MODULES) - 1))
            write_package(folder / name, {m: refs[m] if m in done else blanks[m] for m in MODULES})
        else:
            flavour = index % 4
            if flavour == 0:
                broken = dict(refs, logistic=refs["logistic"].replace("def sigmoid(z):", "def sigmoid(z)", 1))
                write_package(folder / name, broken)
            elif flavour == 1:
                (folder / f"{name}.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "x = 1"')
            elif flavour == 2:
                (folder / f"{name}.py").write_text("")
            else:
                (folder / f"{name}.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", help="keep the generated class and the outputs in this folder")
    options = parser.parse_args(argv)

    # (A temporary folder is locked: the next grading sweeps it away if this run is killed.)
    base = Path(options.keep) if options.keep else Path(tempfolders.make("lrg-bench-"))
    try:
        klass, out = base / "class", base / "grades"
        shutil.rmtree(klass, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        klass.mkdir(parents=True)
        counts = make_class(klass, options.students, options.seed)
        print(f"class of {options.students}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        command = [sys.executable, "-m", "grader", "grade", str(klass), "-o", str(out), "--jobs",
                   str(options.jobs), "--quiet"]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        print(done.stdout.strip())
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return done.returncode
        graded = len(list((out / "results").glob("*.json")))
        print(f"graded {graded} submissions with --jobs {options.jobs} in {seconds:.1f} s: "
              f"{60 * graded / seconds:.1f} submissions per minute")
        print(f"peak memory of the largest process (grader, worker or child): {peak_mb:.0f} MB")
        return 0
    finally:
        if not options.keep:
            tempfolders.remove(base)


if __name__ == "__main__":
    sys.exit(main())
