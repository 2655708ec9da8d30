"""Grading a class in bulk: the example class end to end, golden files, and resuming after kill -9.

The example class is graded once per test session, through the real command
(``python -m grader grade`` with no submission named), and every test here
reads that one run.

Golden files (``tests/golden/example_class/``) hold the gradebook and one
student's feedback. When a change to the checks or the reports is meant to
change them, regenerate them and review the diff::

    LRG_REGEN_GOLDEN=1 python -m pytest tests/test_bulk.py -k golden
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from golden_verdicts import assert_golden
from grader import inputs, tempfolders
from grader.declaration import FUNCTION_NAMES, TOTAL_POINTS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "submissions"
GOLDEN_STUDENT = "emil_larsen"

FORMATS = ["text", "html", "simple_format", "md", "ansi"]
VISIBILITY = ["hidden", "after_due_date", "after_published", "visible"]
# Gradescope's results.json (https://gradescope-autograders.readthedocs.io, "Output format").
GRADESCOPE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["tests"],
    "anyOf": [{"required": ["score"]}, {"properties": {"tests": {"items": {"required": ["score"]}}}}],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "max_score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": {"enum": FORMATS},
        "test_output_format": {"enum": FORMATS},
        "test_name_format": {"enum": FORMATS},
        "visibility": {"enum": VISIBILITY},
        "stdout_visibility": {"enum": VISIBILITY},
        "extra_data": {"type": "object"},
        "leaderboard": {"type": "array"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "score", "max_score", "status", "output", "visibility"],
                "additionalProperties": False,
                "properties": {
                    "score": {"type": "number"},
                    "max_score": {"type": "number"},
                    "status": {"enum": ["passed", "failed"]},
                    "name": {"type": "string", "minLength": 1},
                    "name_format": {"enum": FORMATS},
                    "number": {"type": "string"},
                    "output": {"type": "string"},
                    "output_format": {"enum": FORMATS},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": {"enum": VISIBILITY},
                    "extra_data": {"type": "object"},
                },
            },
        },
    },
}


def run_grade(*args, timeout=1800, env=None):
    """``python -m grader grade ARGS`` in a fresh process; the completed process."""
    return subprocess.run([sys.executable, "-m", "grader", "grade", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, env=env)


def _our_temporary_folders(*roots):
    return {path for root in roots for path in Path(root).glob("lrg-*") if path.is_dir()}


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def results_of(out, student):
    return json.loads((out / "results" / f"{student}.json").read_text(encoding="utf-8"))


def tree(folder):
    """Every file under ``folder``: relative path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def example_class(tmp_path_factory):
    """The README's main job: the bundled example class, graded once, with two workers."""
    out = tmp_path_factory.mktemp("example-class") / "grades"
    done = run_grade("-o", out, "--jobs", "2")
    students = [e.student for e in inputs.discover([EXAMPLES], tmp_path_factory.mktemp("scratch")).entries]
    return out, done, students


# --------------------------------------------------------------------------
# The example class end to end
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_grading_completes_with_a_summary(example_class):
    """Exit 0 whatever the scores; a progress bar on stderr; the summary on stdout."""
    _, done, students = example_class
    assert done.returncode == 0, done.stderr[-3000:]
    assert "grading" in done.stderr and "100%" in done.stderr
    assert f"Graded {len(students)} of {len(students)} submissions" in done.stdout
    for figure in ("failed to load:", "timed out:", "mean score:"):
        assert figure in done.stdout


@pytest.mark.slow
def test_gradebook_has_the_contract_columns_and_one_sorted_row_per_student(example_class):
    out, _, students = example_class
    rows = read_csv(out / "grades.csv")
    assert rows[0] == ["student", *FUNCTION_NAMES, "total", "max_total", "status"]
    assert [r[0] for r in rows[1:]] == sorted(students)
    for row in rows[1:]:
        points = [float(cell) for cell in row[1:-1]]  # numbers, all of them
        assert abs(sum(points[:-2]) - points[-2]) < 1e-6
        assert points[-1] == TOTAL_POINTS
        assert row[-1]


@pytest.mark.slow
def test_results_follow_gradescopes_schema(example_class):
    """One results.json per student, valid, with one test per function in contract order."""
    out, _, students = example_class
    assert sorted(p.stem for p in (out / "results").glob("*.json")) == sorted(students)
    for student in students:
        text = (out / "results" / f"{student}.json").read_text(encoding="utf-8")
        results = json.loads(text)
        jsonschema.validate(results, GRADESCOPE_SCHEMA)
        assert [t["name"] for t in results["tests"]] == list(FUNCTION_NAMES)
        assert abs(sum(t["score"] for t in results["tests"]) - results["score"]) < 1e-6
        assert results["max_score"] == TOTAL_POINTS
        for test in results["tests"]:
            assert (test["status"] == "passed") == (test["score"] == test["max_score"])
            assert test["output"].strip()
        assert str(ROOT) not in text and "/tmp/" not in text  # no absolute path
        assert text == json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.slow
def test_feedback_is_written_as_markdown_and_escaped_html(example_class):
    out, _, students = example_class
    for student in students:
        markdown = (out / "feedback" / f"{student}.md").read_text(encoding="utf-8")
        page = (out / "feedback" / f"{student}.html").read_text(encoding="utf-8")
        assert markdown.startswith(f"# {student}: ")
        assert page.startswith("<!DOCTYPE html>") and f"<h1>{student}: " in page
        assert "<script" not in page
    # a report with a traceback: the student's text arrives escaped, never as markup
    page = (out / "feedback" / "omar_farouk.html").read_text(encoding="utf-8")
    assert "<pre><code>" in page and "&" in page


@pytest.mark.slow
def test_the_class_report_shows_plots_and_common_failures(example_class):
    out, _, students = example_class
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.count("<svg") == 4
    for heading in ("Score distribution", "Points per function", "Pass rate per check", "Most common failures"):
        assert heading in report
    for name in FUNCTION_NAMES:
        assert name in report
    for student in students:
        assert f'href="feedback/{student}.html"' in report
    assert "students who share the function" in report


@pytest.mark.slow
def test_odd_and_broken_submissions_get_their_own_clear_status(example_class):
    """The notebook, the single file, the LMS zip, the late LMS files, the broken and the half-done."""
    out, _, _ = example_class
    broken = results_of(out, "priya_patel")
    assert broken["score"] == 0 and broken["extra_data"]["status"] == "unreadable"
    assert "not a valid notebook" in broken["output"]
    syntax = results_of(out, "omar_farouk")
    assert "import error" in syntax["extra_data"]["status"]
    by_module = {}
    for test in syntax["tests"]:
        by_module.setdefault(test["extra_data"]["module"], []).append(test)
    assert all(t["extra_data"]["status"] == "import error" for t in by_module["logistic"])
    assert sum(t["score"] for t in by_module["mle"]) > 0  # the other modules are graded as usual
    assert results_of(out, "smithjane")["extra_data"]["late"] is True
    for student in ("hugo_martin", "ivy_chen", "kowalskijan", "smithjane"):
        assert results_of(out, student)["score"] > 0, student
    half = {t["name"]: t["extra_data"]["status"] for t in results_of(out, "dana_okafor")["tests"]}
    assert "not implemented" in half.values() and "passed" in half.values()
    if "fit" in FUNCTION_NAMES:
        loop = {t["name"]: t["extra_data"]["status"] for t in results_of(out, "tomas_silva")["tests"]}
        assert loop["fit"] == "timed out"
        assert "timeout" in results_of(out, "tomas_silva")["extra_data"]["status"]


def _golden(name, actual):
    assert_golden(f"example_class/{name}", actual)


@pytest.mark.slow
def test_golden_gradebook(example_class):
    out, _, _ = example_class
    _golden("grades.csv", (out / "grades.csv").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_golden_feedback(example_class):
    out, _, _ = example_class
    _golden(f"feedback/{GOLDEN_STUDENT}.md", (out / "feedback" / f"{GOLDEN_STUDENT}.md").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_golden_results_of_every_student(example_class):
    """Every student's verdicts and report, check by check: what no optimisation may change."""
    out, _, students = example_class
    for student in students:
        results = results_of(out, student)
        for volatile in ("submission_sha256", "grader_sha256"):  # change with any edit of the grader
            results["extra_data"].pop(volatile, None)
        _golden(f"results/{student}.json", json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------
# Crash safety
# --------------------------------------------------------------------------


SMALL_CLASS = ["alice_nguyen", "dana_okafor", "emil_larsen", "ivy_chen.py", "priya_patel.ipynb",
               "kowalskijan_345678_9012345_hw6.zip", *sorted(p.name for p in EXAMPLES.glob("smithjane_*"))]
QUICK = "bernoulli_log_likelihood,bernoulli_mle"


def _running_members(pgid):
    """Pids of the process group's members that still run (zombies are dead: they grade nothing)."""
    running = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if int(fields[2]) != pgid:
            continue
        if fields[0] == b"Z":
            # An orphan adopted by this (subreaper) test process: reap it.
            try:
                os.waitpid(int(entry), os.WNOHANG)
            except ChildProcessError:
                pass
            continue
        running.append(int(entry))
    return running


def _process_group_gone(pgid, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _running_members(pgid):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_a_run_killed_with_sigkill_resumes_to_the_same_files(tmp_path):
    """kill -9 at about a third, run again: only the rest is graded, and every file is as in one run."""
    klass = tmp_path / "class"
    klass.mkdir()
    for name in SMALL_CLASS:
        source = EXAMPLES / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, klass / name)
    students = len(inputs.discover([klass], tmp_path / "scratch").entries)

    whole = tmp_path / "whole"
    assert run_grade(klass, "-o", whole, "--jobs", "2", "--only", QUICK).returncode == 0

    killed = tmp_path / "killed"
    temporary = tmp_path / "tmp"  # where the runs' temporary folders go (a sandbox's go to /tmp)
    temporary.mkdir()
    env = dict(os.environ, TMPDIR=str(temporary))
    before = _our_temporary_folders("/tmp")
    command = [sys.executable, "-m", "grader", "grade", klass, "-o", killed, "--jobs", "2", "--only", QUICK]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, env=env)
    try:
        deadline = time.monotonic() + 600
        while len(list((killed / "results").glob("*.json"))) < students // 3 and time.monotonic() < deadline:
            assert process.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        # the workers die with the main process: nothing goes on grading behind our back
        assert _process_group_gone(process.pid, 30)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    finished = len(list((killed / "results").glob("*.json")))
    assert 0 < finished < students
    left = _our_temporary_folders("/tmp", temporary) - before
    assert any(path.name.startswith("lrg-class-") for path in left)  # copies of the class, among others

    resumed = run_grade(klass, "-o", killed, "--jobs", "2", "--only", QUICK, env=env)
    assert resumed.returncode == 0
    assert "already graded; resuming" in resumed.stderr
    assert tree(killed) == tree(whole)
    # What the killed run left, the next one removed (folders of runs still alive, in parallel tests, stay).
    assert not {entry.path for root in ("/tmp", temporary) for entry in os.scandir(root)
                if Path(entry.path) in left and tempfolders._abandoned(entry)}


RENEWED_WORKERS = """
import sys
from grader import bulk
bulk.WORKER_TASKS = 2  # a fresh pool after every two students per worker
summary = bulk.grade_class([sys.argv[1]], sys.argv[2], jobs=2, only=sys.argv[3].split(","), progress=False)
print(summary.graded, len(summary.grader_errors))
"""


@pytest.mark.slow
def test_a_class_larger_than_a_round_of_workers_is_graded_whole(tmp_path):
    """Workers are renewed every WORKER_TASKS students and the run goes on (it once stalled there: CPython #115634)."""
    klass = tmp_path / "class"
    klass.mkdir()
    for index in range(9):
        shutil.copyfile(ROOT / "solutions" / "mle.py", klass / f"student{index}.py")
    done = subprocess.run([sys.executable, "-c", RENEWED_WORKERS, str(klass), str(tmp_path / "out"), QUICK],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["9", "0"]


BETWEEN_ROUNDS = """
import multiprocessing, os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import resource_tracker
from grader import sandbox

if __name__ == "__main__":
    sandbox._become_subreaper()  # as the grading process is once the self-test has started a zygote
    for _ in range(2):  # two rounds of workers, with the orphans reaped in between, as bulk._run_pool does
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
            assert list(pool.map(abs, [-1, -2])) == [1, 2]
        tracker = resource_tracker._resource_tracker._pid
        sandbox.reap_orphans()
        print("tracker alive" if tracker in sandbox._own_children() else "tracker killed")
"""


def test_reaping_orphans_between_rounds_spares_the_resource_tracker(tmp_path):
    """multiprocessing's resource tracker is a child of the grading process but no orphan: killing it
    made every later round warn "resource_tracker: process died unexpectedly" (classes over 500). (Spawned
    workers only, the fallback: forked ones need no tracker.)"""
    script = tmp_path / "rounds.py"
    script.write_text(BETWEEN_ROUNDS)
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split("\n")[:2] == ["tracker alive", "tracker alive"]
    assert "died unexpectedly" not in done.stderr


FORKED_WORKER = """
import os, threading
from grader import bulk, sandbox

if __name__ == "__main__":
    assert bulk._pool_context().get_start_method() == "fork"  # one thread: the workers are forked
    zygote = sandbox.shared_zygote()  # this process's zygote, as the self-test leaves it
    sandbox._become_subreaper()
    pid = os.fork()
    if pid == 0:  # a forked worker
        inherited = bool(sandbox._SUBREAPER or sandbox._LIVE)
        sandbox.close_own_zygotes()  # what a worker does last: the parent's zygote is not its own
        zygote.close()
        os._exit(3 if inherited else 0)
    _, status = os.waitpid(pid, 0)
    print("worker", os.waitstatus_to_exitcode(status))
    print("zygote", "alive" if zygote.alive and zygote.process.poll() is None else "killed")
    print("folder", "kept" if zygote.folder.exists() else "removed")
    waiting = threading.Event()
    thread = threading.Thread(target=waiting.wait)
    thread.start()
    print("with a thread:", bulk._pool_context().get_start_method())
    waiting.set()
    thread.join()
    sandbox.close_own_zygotes()
    print("closed by its owner:", "folder removed" if not zygote.folder.exists() else "folder kept")
"""


def test_a_forked_worker_neither_ends_the_parents_zygote_nor_inherits_its_children(tmp_path):
    """Workers are forked from the grading process: its zygote and children stay the parent's, and a worker
    becomes a subreaper of its own (the flag is not inherited across fork, so the record of it must not be)."""
    script = tmp_path / "forked.py"
    script.write_text(FORKED_WORKER)
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == ["worker 0", "zygote alive", "folder kept", "with a thread: spawn",
                                        "closed by its owner: folder removed"]

