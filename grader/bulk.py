"""Grade a whole class: discover, grade in parallel, write every output, resume after a crash.

The flow of :func:`grade_class`:

1. :func:`grader.inputs.discover` finds one entry per student in the paths
   named (a class folder, LMS and Gradescope downloads, single submissions).
2. Students whose ``results/<student>.json`` already exists, for the same
   submission bytes and the same grader, are skipped: that file is written
   last, so it marks a student as done (a run killed with ``kill -9`` and
   started again picks up where it stopped).
3. The others are graded by ``jobs`` worker processes (each grading runs the
   submission in its own confined child process, see ``grader/engine.py``).
   A worker unpacks the submission (:func:`grader.inputs.materialize`),
   grades it and writes the student's files atomically
   (:func:`grader.outputs.write_student`). A submission that cannot be read
   becomes a row with a clear status; a failure of the grader itself is
   retried and never recorded as a 0.
4. ``grades.csv`` and ``report.html`` are rebuilt from all the results, so
   they are the same whether the run was interrupted or not.
"""

import contextlib
import fcntl
import hashlib
import multiprocessing
import multiprocessing.util
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from grader import example_cache, inputs, outputs, tempfolders
from grader.declaration import EXERCISES
from grader.engine import Limits, grade_submission
from grader.results import FunctionResult, Grade
from grader.sandbox import close_own_zygotes, reap_orphans, scratch_root
from grader.submission import SubmissionError, read_submission

GRADER_DIR = Path(__file__).resolve().parent
SOLUTIONS_DIR = GRADER_DIR.parent / "solutions"
ATTEMPTS = 3  # a failure of the grader's own machinery is retried this often before it is reported
WORKER_TASKS = 250  # a fresh pool after this many students per worker keeps memory flat (caches are capped)
GRADER_ERROR = "grader error"
LOAD_FAILURES = {"empty", "not a zip", "unsafe archive", "unreadable"}


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to grade one student (picklable)."""

    entry: inputs.Entry
    out: str
    limits: Limits
    launcher: object
    only: tuple
    submission_sha256: str
    grader_sha256: str
    confinement: str = None  # a mode of grader.confinement; each worker builds its own launcher
    lock: str = None  # the class lock file: a timed-out function is re-run with no other grading running


@dataclass
class Outcome:
    """What became of one student in this run."""

    student: str
    graded: bool
    status: str
    total: float = 0.0
    message: str = ""
    layers: tuple = ()


@dataclass
class ClassSummary:
    """The figures printed at the end of a run.

    Attributes
    ----------
    students : int
        Submissions found.
    graded : int
        Submissions with a result (this run or an earlier one).
    resumed : int
        Of those, already done by an earlier run.
    failed_to_load : int
        Graded submissions that could not be read or whose modules all failed to import.
    timed_out : int
        Graded submissions with at least one function that timed out.
    grader_errors : list of str
        Students the grader itself failed on (no result written; run again).
    late : list of str
        Students whose submission an LMS marked late.
    skipped : list of str
        Files found beside the submissions that are no submission.
    layers : list of str
        Confinement layers the children of this run ran under.
    scores : list of float
        Every graded student's total.
    max_total : float
    seconds : float
    out : Path
    """

    students: int = 0
    graded: int = 0
    resumed: int = 0
    failed_to_load: int = 0
    timed_out: int = 0
    grader_errors: list = field(default_factory=list)
    late: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    scores: list = field(default_factory=list)
    max_total: float = 0.0
    seconds: float = 0.0
    out: Path = None
    layers: list = field(default_factory=list)

    @property
    def completed(self):
        """Whether every submission has a result (then the exit status is 0)."""
        return not self.grader_errors

    def text(self):
        """A few lines for the instructor."""
        mean = statistics.fmean(self.scores) if self.scores else 0.0
        median = statistics.median(self.scores) if self.scores else 0.0
        lines = [
            f"Graded {self.graded} of {self.students} submissions in {self.seconds:.1f} s"
            + (f" ({self.resumed} already done by an earlier run)" if self.resumed else ""),
            f"  graded: {self.graded}   failed to load: {self.failed_to_load}   timed out: {self.timed_out}"
            f"   grader errors: {len(self.grader_errors)}",
            f"  mean score: {mean:.1f} / {outputs.number(self.max_total)}   median: {median:g}",
        ]
        if self.layers:
            lines.append(f"  confinement layers: {', '.join(self.layers)}")
        if self.late:
            lines.append(f"  marked late: {', '.join(self.late)}")
        if self.skipped:
            lines.append(f"  skipped (not a submission): {', '.join(self.skipped)}")
        if self.grader_errors:
            lines.append(f"  NOT graded because the grader failed: {', '.join(self.grader_errors)}; "
                         "run the same command again to retry them")
        lines.append(f"Wrote {self.out}/grades.csv, results/, feedback/ and report.html")
        return "\n".join(lines)


# --------------------------------------------------------------------------
# One student (runs in a worker)
# --------------------------------------------------------------------------


def unreadable_grade(student, status, message, source, only=None):
    """The grade of a submission that could not be read: 0 everywhere, with the reason."""
    functions = [
        FunctionResult(e.module, e.name, "not found", 0.0, e.points,
                       detail="Not graded: the submission could not be read (see the note at the top).")
        for e in EXERCISES if only is None or e.name in only
    ]
    return Grade(student, functions, [message], status, source)


def grade_entry(entry, *, limits=Limits(), launcher=None, only=None, lock=None):
    """Unpack, read and grade one entry.

    Parameters
    ----------
    entry : inputs.Entry
    limits : Limits
    launcher : sandbox.Launcher, optional
    only : collection of str, optional
    lock : ClassLock, optional
        Shared by the workers of a run: held shared while grading, so that a
        timed-out function can be re-run with no other grading running.

    Returns
    -------
    (Grade or None, str)
        The grade (an unreadable submission gets one too, with its status),
        or None and what went wrong when the grader itself failed every
        attempt: such a failure is never recorded as a 0.
    """
    only = set(only) if only else None
    # Staged where the launcher's zygote can serve it (it sees nothing else of this machine).
    scratch = Path(tempfolders.make("lrg-bulk-", dir=scratch_root(launcher)))
    try:
        try:
            path = inputs.materialize(entry, scratch / "input")
            submission = read_submission(path)
        except inputs.InputError as error:
            return unreadable_grade(entry.student, error.status, str(error), entry.label, only), ""
        except SubmissionError as error:
            return unreadable_grade(entry.student, "unreadable", str(error), entry.label, only), ""
        return _grade_with_retries(entry.student, path, submission, limits, launcher, only, scratch, lock)
    finally:
        tempfolders.remove(scratch)


def grade_one(job):
    """Grade one student and write their files; return an :class:`Outcome` (runs in a worker).

    Never raises for anything a submission does. When the grader itself
    fails, nothing is written, so the next run tries the student again.
    """
    entry = job.entry
    lock = ClassLock.shared(job.lock) if job.lock else None
    grade, failure = grade_entry(entry, limits=job.limits, launcher=_launcher(job), only=job.only, lock=lock)
    if grade is None:
        return Outcome(entry.student, False, GRADER_ERROR, message=failure)
    results = outputs.results_json(grade, late=entry.late, submission_sha256=job.submission_sha256,
                                   grader_sha256=job.grader_sha256)
    outputs.write_student(job.out, grade, results)
    return Outcome(entry.student, True, grade.status, grade.total, layers=tuple(getattr(grade, "confinement", ())))


_WORKER = {"launchers": {}}


def _launcher(job):
    """The job's launcher, or this worker's own for the job's confinement mode (one uid per worker slot)."""
    if job.launcher is not None or not job.confinement:
        return job.launcher
    if job.confinement not in _WORKER["launchers"]:
        from grader.confinement import launcher_for

        # A slot claimed machine-wide: no other grading run shares this worker's sandbox user.
        _WORKER["launchers"][job.confinement] = launcher_for(job.confinement)
    return _WORKER["launchers"][job.confinement]


class ClassLock:
    """A lock shared by the workers of one run, on a file (``flock``).

    Every worker holds it *shared* while it grades a submission. To re-run a
    timed-out function alone, a worker takes it *exclusive*: it waits until
    no other worker is grading, and a gate stops new gradings from starting
    meanwhile, so the re-run cannot starve.
    """

    _open = {}

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.gate = os.open(f"{path}.gate", os.O_RDWR | os.O_CREAT, 0o600)

    @classmethod
    def shared(cls, path):
        """This process's lock on ``path`` (opened once per process)."""
        if path not in cls._open:
            cls._open[path] = cls(path)
        return cls._open[path]

    @classmethod
    def release(cls, path):
        """Close this process's lock on ``path``, if it opened one."""
        lock = cls._open.pop(path, None)
        if lock is not None:
            os.close(lock.fd)
            os.close(lock.gate)

    @contextlib.contextmanager
    def grading(self):
        """Held (shared) while one submission is graded."""
        fcntl.flock(self.gate, fcntl.LOCK_EX)  # pass the gate: closed while someone waits to be alone
        fcntl.flock(self.fd, fcntl.LOCK_SH)
        fcntl.flock(self.gate, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def alone(self):
        """Called while grading: no other grading runs inside."""
        fcntl.flock(self.fd, fcntl.LOCK_UN)  # let go first: two workers wanting this must not deadlock
        fcntl.flock(self.gate, fcntl.LOCK_EX)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_SH)
            fcntl.flock(self.gate, fcntl.LOCK_UN)


def _grade_with_retries(student, path, submission, limits, launcher, only, scratch, lock=None):
    failure = ""
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(attempt)  # a machine short of processes or memory often recovers
            submission = read_submission(path)  # grading narrows the submission's units; start afresh
        workdir = scratch / f"grade-{attempt}"
        try:
            with lock.grading() if lock else contextlib.nullcontext():
                # Streamed batches: throughput over the latency of each reply (see grader/engine.py).
                return grade_submission(submission, student, launcher=launcher, limits=limits, workdir=workdir,
                                        only=only, exclusive=lock.alone if lock else contextlib.nullcontext,
                                        stream=True, preload=True), ""
        except Exception as error:  # noqa: BLE001 - the grader's own failure: retried, never a 0
            failure = f"{type(error).__name__}: {error}"[:500]
        finally:
            inputs.remove(workdir)
    return None, failure


def _worker_start(parent=None):
    """In each worker: die with the parent, so a killed run leaves nothing behind.

    A worker holds both ends of the pool's task queue, so it would wait for
    work forever once the grading process is gone: the kernel kills it
    instead (``PR_SET_PDEATHSIG``), and a parent that died before that was
    set up is noticed at once.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)
    # Its zygote ends with it: a forked worker leaves through os._exit, past atexit, but after these.
    multiprocessing.util.Finalize(None, close_own_zygotes, exitpriority=10)


# --------------------------------------------------------------------------
# The class
# --------------------------------------------------------------------------


def grader_fingerprint(only=None):
    """A digest of the grader and the references: results from another grader are stale."""
    digest = hashlib.sha256()
    files = sorted(GRADER_DIR.rglob("*.py")) + sorted(SOLUTIONS_DIR.glob("*.py"))
    for path in files:
        digest.update(path.relative_to(GRADER_DIR.parent).as_posix().encode() + b"\n")
        digest.update(path.read_bytes())
    digest.update(f"only={sorted(only) if only else None}".encode())
    return digest.hexdigest()


def is_done(out, student, submission_sha256, grader_sha256):
    """Whether an earlier run finished this student, for these bytes and this grader."""
    results = outputs.read_results(outputs.result_path(out, student))
    if results is None:
        return False
    extra = results.get("extra_data") or {}
    if extra.get("submission_sha256") != submission_sha256 or extra.get("grader_sha256") != grader_sha256:
        return False
    return all(path.is_file() for path in outputs.feedback_paths(out, student))


def default_jobs():
    """One worker per core."""
    return os.cpu_count() or 1


def grade_class(paths, out="grades", *, jobs=None, limits=Limits(), launcher=None, confinement=None, only=None,
                fresh=False, progress=True):
    """Grade every submission found in ``paths`` and write the class's outputs.

    Parameters
    ----------
    paths : list of path
        Submissions and classes (see :mod:`grader.inputs`).
    out : path
        The output folder.
    jobs : int, optional
        Worker processes (default: the machine's cores).
    limits : Limits
    launcher : sandbox.Launcher, optional
        Confinement for the children (for programs that build their own).
    confinement : str, optional
        A mode of :mod:`grader.confinement` (``strict``, ``best-effort``,
        ``off``): the self-test runs first and its report goes to stderr;
        each worker then builds its own launcher. None: no confinement layer.
    only : collection of str, optional
        Grade only these functions (quick looks and tests); the gradebook
        leaves the others blank.
    fresh : bool
        Grade everyone again, even students an earlier run finished.
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    ClassSummary

    Raises
    ------
    FileNotFoundError
        A path named does not exist.
    grader.confinement.ConfinementError
        Strict confinement was asked for and this machine cannot give it.
    """
    started = time.monotonic()
    if confinement and launcher is None:
        check_confinement(confinement, progress)
    out = Path(out)
    for folder in (out, out / "results", out / "feedback"):
        folder.mkdir(parents=True, exist_ok=True)
    outputs.remove_temporaries(out)
    only = tuple(sorted(only)) if only else None
    tempfolders.sweep()  # what runs killed with SIGKILL left (copies of students' work among it)
    scratch = Path(tempfolders.make("lrg-class-"))
    try:
        found = inputs.discover(paths, scratch)
        if found.entries and example_cache.cache_folder() is not None:
            # Drawn (or read) once here and saved, so that every worker reads them instead of drawing.
            example_cache.prepare(EXERCISES)
        grader_sha = grader_fingerprint(only)
        todo, digests = [], {}
        for entry in found.entries:
            digests[entry.student] = inputs.fingerprint(entry)
            if fresh or not is_done(out, entry.student, digests[entry.student], grader_sha):
                todo.append(Job(entry, str(out), limits, launcher, only, digests[entry.student], grader_sha,
                                confinement, str(scratch / "class.lock")))
        summary = ClassSummary(students=len(found.entries), resumed=len(found.entries) - len(todo),
                               skipped=found.skipped, out=out)
        if summary.resumed and progress:
            print(f"{summary.resumed} of {summary.students} submissions already graded; resuming",
                  file=sys.stderr)
        outcomes = run_jobs(todo, jobs or default_jobs(), progress)
        failed = {o.student for o in outcomes if not o.graded}
        summary.layers = sorted({layer for o in outcomes for layer in o.layers})
        rebuild(out, found.entries, digests, grader_sha, failed, summary)
    finally:
        ClassLock.release(str(scratch / "class.lock"))  # opened here when grading in this process
        tempfolders.remove(scratch)
    outputs.remove_temporaries(out)
    summary.seconds = time.monotonic() - started
    return summary


def check_confinement(mode, verbose=True):
    """Run the confinement self-test for ``mode``; refuse strict grading when it fails.

    Raises
    ------
    grader.confinement.ConfinementError
        In strict mode, when a layer is missing or an attempt was not contained.
    """
    from grader.confinement import ConfinementError, launcher_for
    from grader.selftest import describe, run_self_test, self_test_passed

    launcher = launcher_for(mode)  # raises in strict mode when a layer is missing
    if mode == "off":
        if verbose:
            print("Confinement: off (children run with no confinement layer)", file=sys.stderr)
        return
    results = run_self_test(launcher)
    if verbose:
        print("\n".join(describe(launcher, results)), file=sys.stderr)
    if mode == "strict" and not self_test_passed(results):
        raise ConfinementError("the confinement self-test failed (see above); official grades refused")


def run_jobs(jobs, workers, progress=True):
    """Grade the jobs, in parallel when ``workers`` > 1; return their outcomes."""
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0  # no monitor thread: the workers are forked from this process (see _pool_context)

    outcomes = []
    with Bar(total=len(jobs), desc="grading", unit="student", file=sys.stderr, disable=not progress or not jobs,
              dynamic_ncols=True, smoothing=0.1) as bar:
        def record(outcome):
            outcomes.append(outcome)
            bar.set_postfix_str(f"{outcome.student}: {outcome.status}", refresh=False)
            bar.update(1)

        if workers <= 1 or len(jobs) <= 1:
            for job in jobs:
                record(grade_one(job))
        else:
            _run_pool(jobs, min(workers, len(jobs)), record)
    return outcomes


def _pool_context():
    """How the workers start: forked from this process where that is safe, else spawned afresh.

    A forked worker begins with everything this process has already done:
    the grader, NumPy, scikit-learn and Hypothesis imported, and every
    check's examples drawn or read (``example_cache.prepare``). A spawned one
    spends about 3 s of CPU redoing that before its first student. Forking
    is safe only while this is the process's one thread (a lock another
    thread held at the fork stays locked for ever in the copy), so a grader
    run from a threaded program spawns. Either way the workers are children
    of this process and die with it (a forkserver would outlive it).
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _run_pool(jobs, workers, record):
    pending, tries = list(jobs), {}
    while pending:
        context = _pool_context()  # (each round forks anew: no thread may be left from the last one)
        # A fresh pool for each round of WORKER_TASKS students per worker keeps memory flat. (Not with
        # max_tasks_per_child: in Python 3.11 to 3.14 it deadlocks once a worker reaches its limit,
        # https://github.com/python/cpython/issues/115634.)
        size = workers * WORKER_TASKS
        this_round, later = pending[:size], pending[size:]
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start,
                                 initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(grade_one, job): job for job in this_round}
            pending, recorded = [], set()
            try:
                for future in as_completed(futures):
                    record(_outcome_of(future, futures[future]))
                    recorded.add(future)
            except BrokenProcessPool:
                # A worker died (killed from outside, out of memory): retry what it left unfinished.
                for future, job in futures.items():
                    if future in recorded:
                        continue
                    if future.done() and not isinstance(future.exception(), BrokenProcessPool):
                        record(_outcome_of(future, job))
                        continue
                    tries[job.entry.student] = tries.get(job.entry.student, 0) + 1
                    if tries[job.entry.student] < ATTEMPTS:
                        pending.append(job)
                    else:
                        record(Outcome(job.entry.student, False, GRADER_ERROR,
                                       message="the worker process grading it died"))
        pending += later
        reap_orphans()  # what the round's workers left behind (their zygotes' sandboxes), adopted here


def _outcome_of(future, job):
    try:
        return future.result()
    except BrokenProcessPool:
        raise
    except Exception as error:  # noqa: BLE001 - a bug on our side: reported, the class goes on
        return Outcome(job.entry.student, False, GRADER_ERROR, message=f"{type(error).__name__}: {error}"[:500])


def rebuild(out, entries, digests, grader_sha, failed, summary):
    """Write grades.csv and report.html from every student's results.json."""
    from grader import class_report

    rows, collected = [], []
    for entry in entries:
        results = outputs.read_results(outputs.result_path(out, entry.student))
        extra = (results or {}).get("extra_data") or {}
        if results is None or extra.get("submission_sha256") != digests[entry.student] \
                or extra.get("grader_sha256") != grader_sha or entry.student in failed:
            rows.append(outputs.gradebook_row(entry.student, None, GRADER_ERROR))
            summary.grader_errors.append(entry.student)
            continue
        rows.append(outputs.gradebook_row(entry.student, results))
        collected.append((entry.student, results))
        _count(summary, entry, results)
    outputs.atomic_write(out / "grades.csv", outputs.gradebook_csv(rows))
    outputs.atomic_write(out / "report.html", class_report.render(collected))


def _count(summary, entry, results):
    extra = results.get("extra_data") or {}
    status = str(extra.get("status", "ok"))
    statuses = [(t.get("extra_data") or {}).get("status") for t in results["tests"]]
    summary.graded += 1
    summary.scores.append(float(results.get("score", 0)))
    summary.max_total = max(summary.max_total, float(results.get("max_score", 0)))
    if status in LOAD_FAILURES or (statuses and all(s in ("import error", "not found") for s in statuses)
                                   and "import error" in statuses):
        summary.failed_to_load += 1
    if "timeout" in status or "timed out" in statuses:
        summary.timed_out += 1
    if entry.late:
        summary.late.append(entry.student)
