"""The speed benchmark of issue 7: bulk throughput, memory per worker, the handout's pytest, scaling.

Every figure is measured ``--repeat`` times and printed as median and range:

- ``bulk``: ``python -m grader grade --jobs 2`` on a generated class of
  ``--students`` (a mix of correct, single-bug, multi-bug, partial and
  broken submissions, see ``bench_bulk.make_class``), in submissions per
  minute, with the peak memory of each worker: the proportional set size
  (PSS) of the worker's whole process tree (the worker, its sandboxed zygote
  and the child it forked), sampled four times a second. The first run reads
  no example cache (``cold``); the others read what it saved.
- ``correct``: the same with correct submissions only.
- ``scaling``: the mixed class at twice the size, graded by turns with the
  class itself; the ratio of the times of each pair.
- ``handout``: ``pytest`` in the student handout (built by ``grader
  release``, set up in a fresh virtual environment as a student would) on
  the references and on the untouched stubs, in seconds.
- ``machine``: always, at the start and at the end: how long a fixed
  pure-Python loop takes. Shared virtual machines change speed from hour to
  hour (this one by a quarter); figures are comparable across runs only
  next to it.
- ``floor``: the CPU a correct submission costs, graded in this process as
  a worker grades it, and how much of it is the submission's own code,
  timed in the child (``LRG_CHILD_TIMES``): no grader can be faster than
  that code.
- ``profile``: where the time goes, one correct and one all-wrong
  submission graded in this process under cProfile (the trusted side) and
  with ``LRG_CHILD_PROFILE`` (the child side), grouped by what the time is
  spent on.

Usage::

    python bench/bench_speed.py [--repeat 3] [--students 200] [--only bulk,correct,scaling,handout,floor,profile]
"""

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_bulk import MODULES, make_class, references, write_package  # noqa: E402
from grader import tempfolders  # noqa: E402

MEASUREMENTS = ("bulk", "correct", "scaling", "handout", "floor", "profile")


def summary(values, unit, digits=1):
    """``median (range low-high, n runs)``."""
    return (f"{statistics.median(values):.{digits}f} {unit} (range {min(values):.{digits}f}-{max(values):.{digits}f}, "
            f"{len(values)} run{'s' if len(values) != 1 else ''})")


def machine_speed(repeat=3):
    """Seconds a fixed pure-Python loop takes here, in each of ``repeat`` runs: this machine's speed right now."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        total = 0
        for number in range(10_000_000):
            total += number
        times.append(time.perf_counter() - start)
    return times


# --------------------------------------------------------------------------
# Memory: each worker's process tree, sampled
# --------------------------------------------------------------------------


def _processes():
    """{pid: parent pid} of every process."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    stat = handle.read()
                parents[int(entry)] = int(stat[stat.rfind(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    return parents


def _pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class MemoryWatch(threading.Thread):
    """Samples the PSS of each worker's process tree (the grading process's children) until stopped."""

    def __init__(self, root_pid, interval=0.25):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.peak_kib = 0
        self.parent_peak_kib = 0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(self.interval):
            parents = _processes()
            children = {}
            for pid, parent in parents.items():
                children.setdefault(parent, []).append(pid)
            self.parent_peak_kib = max(self.parent_peak_kib, _pss_kib(self.root_pid))
            for worker in children.get(self.root_pid, []):
                total, stack = 0, [worker]
                while stack:
                    pid = stack.pop()
                    total += _pss_kib(pid)
                    stack.extend(children.get(pid, []))
                self.peak_kib = max(self.peak_kib, total)


# --------------------------------------------------------------------------
# Bulk grading
# --------------------------------------------------------------------------


def correct_class(folder, students):
    refs = references()
    for index in range(students):
        write_package(folder / f"student{index:04d}_correct", refs)


def grade_class(klass, out, cache, jobs=2):
    """Run the real command; return (seconds, graded, peak worker PSS MiB, grading process PSS MiB)."""
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, LRG_CACHE_DIR=str(cache))
    command = [sys.executable, "-m", "grader", "grade", str(klass), "-o", str(out), "--jobs", str(jobs), "--quiet"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = MemoryWatch(process.pid)
    watch.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    watch.stopped.set()
    watch.join()
    if process.returncode != 0:
        raise RuntimeError(f"grading failed:\n{stdout}\n{stderr[-3000:]}")
    graded = len(list((out / "results").glob("*.json")))
    return seconds, graded, watch.peak_kib / 1024, watch.parent_peak_kib / 1024


def class_of(base, label, make, students):
    """The generated class of ``students`` (made on first use, its make-up printed)."""
    klass = base / f"class-{label}-{students}"
    if not klass.exists():
        klass.mkdir()
        counts = make(klass, students)
        if counts:
            print("  class: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return klass


def bench_bulk(base, label, make, students, repeat):
    klass = class_of(base, label, make, students)
    cache = base / "example-cache"
    cold = not cache.exists()
    rates, seconds_all, memory, parent = [], [], [], []
    for run in range(repeat + cold):
        seconds, graded, peak, grading = grade_class(klass, base / "out", cache)
        rate = 60 * graded / seconds
        if cold and run == 0:
            print(f"  cold (no example cache yet): {graded} in {seconds:.1f} s = {rate:.1f} per minute")
            continue
        rates.append(rate)
        seconds_all.append(seconds)
        memory.append(peak)
        parent.append(grading)
    print(f"  {label}, {students} submissions, --jobs 2: {summary(rates, 'per minute')}; "
          f"{summary(seconds_all, 's')}")
    print(f"  peak PSS of one worker's process tree: {summary(memory, 'MB', 0)}; "
          f"of the grading process: {summary(parent, 'MB', 0)}")
    return seconds_all


def bench_scaling(base, students, repeat):
    """Twice the mixed class against the class, graded by turns: the ratio of their times, pair by pair.

    (This machine's speed drifts by a quarter within minutes: all of one
    class's runs after all of the other's would measure the drift.)
    """
    cache = base / "example-cache"
    single = class_of(base, "mixed", make_class, students)
    double = class_of(base, "mixed", make_class, 2 * students)
    if not cache.exists():
        grade_class(single, base / "out", cache)  # (draws the examples and saves them)
    ratios, rates, memory, parent = [], [], [], []
    for _ in range(repeat):
        alone = grade_class(single, base / "out", cache)[0]
        seconds, graded, peak, grading = grade_class(double, base / "out", cache)
        ratios.append(seconds / alone)
        rates.append(60 * graded / seconds)
        memory.append(peak)
        parent.append(grading)
    print(f"  mixed, {2 * students} submissions, --jobs 2: {summary(rates, 'per minute')}")
    print(f"  peak PSS of one worker's process tree: {summary(memory, 'MB', 0)}; "
          f"of the grading process: {summary(parent, 'MB', 0)}")
    print(f"  {2 * students} take {summary(ratios, 'times', 2)} as long as {students}, graded by turns "
          "(linear: 2.00)")


# --------------------------------------------------------------------------
# The handout
# --------------------------------------------------------------------------


def bench_handout(base, repeat):
    from grader import release

    handout = base / "handout"
    subprocess.run([sys.executable, "-m", "grader", "release", "-o", str(handout)], cwd=ROOT, check=True,
                   capture_output=True)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    command = release.SETUP_COMMAND.split()
    subprocess.run([str(python), *command[1:]], cwd=handout, check=True, capture_output=True)
    correct = base / "handout-correct"
    shutil.copytree(handout, correct)
    for module in MODULES:
        shutil.copyfile(ROOT / "solutions" / f"{module}.py", correct / "exercises" / f"{module}.py")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    for label, folder, expect in (("complete, correct submission", correct, 0), ("untouched stubs", handout, 1)):
        times = []
        for _ in range(repeat + 1):
            started = time.perf_counter()
            done = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=folder,
                                  env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - started)
            if done.returncode != expect:
                raise RuntimeError(f"pytest in the handout ({label}) ended with {done.returncode}:\n{done.stdout}")
        print(f"  pytest in the handout, {label}: first {times[0]:.2f} s, then {summary(times[1:], 's', 2)}")
    # What no change to the grader can shorten: pytest's own start, and the imports the scikit-learn
    # functions' checks wait for (the zygote's, which start as pytest starts).
    from grader.child import PRE_IMPORTED

    imports = "import " + ", ".join(PRE_IMPORTED)
    floors = {"pytest --collect-only": [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--co"],
              imports: [str(python), "-c", imports]}
    for label, command in floors.items():
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(command, cwd=handout, env=env, capture_output=True, check=True)
            times.append(time.perf_counter() - started)
        print(f"  {label} alone: {summary(times, 's', 2)}")


# --------------------------------------------------------------------------
# Where the time goes
# --------------------------------------------------------------------------

TRUSTED_GROUPS = [
    ("waiting for the child", ("select.select", "<method 'poll'")),
    ("Hypothesis (drawing, shrinking)", ("/hypothesis/",)),
    ("wire protocol (pack, unpack)", ("grader/protocol.py",)),
    ("reference values and oracles", ("grader/references.py", "grader/answers.py", "/sklearn/", "solutions/")),
    ("comparing, showing values", ("grader/values.py",)),
    ("checks and properties", ("grader/declaration/", "grader/checks.py")),
    ("engine, sandbox, numpy, other", ("",)),
]
CHILD_GROUPS = [
    ("waiting for the grader", ("<method 'read' of '_io.FileIO'", "select.select")),
    ("scikit-learn", ("/sklearn/", "/scipy/")),
    ("wire protocol (pack, unpack)", ("_lrg_protocol.py", "/json/")),
    ("the submission's code", ("/submission/",)),
    ("numpy, pandas, builtins", ("/numpy/", "/pandas/", "<method", "<built-in")),
    ("the child's bookkeeping (stand-ins, snapshots)", ("",)),
]


def grouped(stats, groups):
    """Total own time per group of functions (first matching group wins)."""
    totals = {label: 0.0 for label, _ in groups}
    for (filename, _, name), entry in stats.stats.items():
        where = f"{filename}:{name}" if filename != "~" else name
        for label, patterns in groups:
            if any(p in where for p in patterns):
                totals[label] += entry[2]
                break
    return totals


@contextlib.contextmanager
def child_switch(name, path):
    """The environment variable ``name`` set to ``path`` while inside: the children started meanwhile measure
    themselves and write there (``grader.child.serve``; confinement off)."""
    os.environ[name] = str(path)
    try:
        yield Path(path)
    finally:
        del os.environ[name]


def bench_profile(base):
    import cProfile
    import pstats

    from bench_check import all_wrong
    from grader.engine import grade_path

    wrong, planted = all_wrong(base / "wrong")
    for label, path in (("correct submission", ROOT / "solutions"), (f"all wrong ({len(planted)} bugs)", wrong)):
        grade_path(path, "bench")  # warm: examples drawn, references remembered
        with child_switch("LRG_CHILD_PROFILE", base / "child.prof") as child_profile:
            profile = cProfile.Profile()
            started = time.perf_counter()
            profile.enable()
            grade_path(path, "bench")
            profile.disable()
            seconds = time.perf_counter() - started
        print(f"  {label}: {seconds:.2f} s wall (under the profilers)")
        for side, stats, groups in (("trusted side", pstats.Stats(profile), TRUSTED_GROUPS),
                                    ("child side", pstats.Stats(str(child_profile)), CHILD_GROUPS)):
            totals = grouped(stats, groups)
            shown = ", ".join(f"{name} {value:.2f} s" for name, value in totals.items() if value >= 0.005)
            print(f"    {side} ({sum(totals.values()):.2f} s): {shown}")


def bench_floor(base, repeat):
    """The CPU a correct submission costs, and how much of it is the submission's own code.

    Graded in this process as a bulk worker grades (streamed, preloaded),
    confinement off, with ``LRG_CHILD_TIMES``: the child adds up the CPU time
    of each of the student's calls. Whatever the grader does, the own code
    stays: it bounds the correct-only throughput from above.
    """
    import json
    import resource

    from grader.engine import grade_path

    grader_cpu, child_cpu, own = [], [], []
    per_function = {}
    grade_path(ROOT / "solutions", "bench", stream=True, preload=True)  # warm: examples, tables, zygote
    with child_switch("LRG_CHILD_TIMES", base / "child-times.jsonl") as times_file:
        for _ in range(repeat):
            times_file.unlink(missing_ok=True)
            before = resource.getrusage(resource.RUSAGE_SELF)
            grade = grade_path(ROOT / "solutions", "bench", stream=True, preload=True)
            after = resource.getrusage(resource.RUSAGE_SELF)
            if any(f.status != "passed" for f in grade.functions):
                raise RuntimeError("the references do not pass their own checks")
            children = [json.loads(line) for line in times_file.read_text().splitlines()]
            grader_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            child_cpu.append(sum(c["cpu"] for c in children))
            own.append(sum(sum(c["functions"].values()) for c in children))
            for child in children:
                for name, seconds in child["functions"].items():
                    per_function.setdefault(name, []).append(seconds / repeat)
    top = sorted(((sum(v), name) for name, v in per_function.items()), reverse=True)[:4]
    total = statistics.median(grader_cpu) + statistics.median(child_cpu)
    print(f"  a correct submission, graded in this process: {summary(grader_cpu, 's', 2)} of CPU in the grader, "
          f"{summary(child_cpu, 's', 2)} in the child")
    print(f"  of which the submission's own code: {summary(own, 's', 2)} "
          f"({', '.join(f'{name} {seconds:.2f} s' for seconds, name in top)}, ...)")
    print(f"  so {total:.2f} s in all, {statistics.median(own) / total:.0%} of it the submission's own code: on "
          f"{os.cpu_count()} cores and with no grading cost at all, at most "
          f"{(os.cpu_count() or 1) * 60 / statistics.median(own):.0f} correct submissions per minute")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--only", default=",".join(MEASUREMENTS))
    options = parser.parse_args(argv)
    chosen = [m.strip() for m in options.only.split(",") if m.strip()]
    base = Path(tempfolders.make("lrg-speed-"))  # (locked: the next grading sweeps it away if this run is killed)
    print(f"{os.cpu_count()} cores; python {sys.version.split()[0]}")
    print(f"machine speed, at the start: a fixed loop takes {summary(machine_speed(), 's', 2)}")
    try:
        if "bulk" in chosen:
            print("bulk grading, a realistic mix:")
            bench_bulk(base, "mixed", make_class, options.students, options.repeat)
        if "scaling" in chosen:
            print("twice the class, graded by turns with the class:")
            bench_scaling(base, options.students, options.repeat)
        if "correct" in chosen:
            print("bulk grading, correct submissions only:")
            bench_bulk(base, "correct", correct_class, options.students, options.repeat)
        if "handout" in chosen:
            print("the student handout:")
            bench_handout(base, options.repeat)
        if "floor" in chosen:
            print("the submission's own code (confinement off, in this process):")
            bench_floor(base, options.repeat)
        if "profile" in chosen:
            print("where the time goes (one submission, confinement off, in this process):")
            bench_profile(base)
    finally:
        tempfolders.remove(base)
    print(f"machine speed, at the end: a fixed loop takes {summary(machine_speed(), 's', 2)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
