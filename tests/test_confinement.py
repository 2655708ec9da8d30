"""Confinement as a whole: strict refuses without bubblewrap; a hostile class leaks nothing.

The class test copies the project, plants a unique canary string in the
references and the hidden checks of the copy, and grades a class of honest
students and attackers with that copy under strict confinement. Afterwards:
the canary is in no output and in no file the run created, the honest
students' results equal those of grading them alone, no process of the run
is alive, and nothing was written outside the output folder.
"""

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader import confinement
from grader.confinement import ConfinementError

ROOT = Path(__file__).resolve().parent.parent
ATTACKS = Path(__file__).resolve().parent / "attacks"
CLASS_ATTACKS = ["read_secrets", "walk_frames", "write_results", "write_startup_files", "kill_everything",
                 "double_fork", "forge_channel", "fake_passed", "network", "lying_objects"]


def test_strict_refuses_without_bubblewrap(monkeypatch):
    """Asked for strict confinement on a machine without bubblewrap, the grader refuses and says why."""
    monkeypatch.setattr(confinement, "bubblewrap", lambda: None)
    with pytest.raises(ConfinementError, match="bubblewrap"):
        confinement.launcher_for("strict")
    best_effort = confinement.launcher_for("best-effort")
    assert "namespaces" not in best_effort.layers and "rlimits" in best_effort.layers


def test_grade_command_refuses_strict_without_bubblewrap(tmp_path):
    """`grade --confinement strict` exits non-zero, writes no grades, when bwrap is not on PATH."""
    env = dict(os.environ, PATH=str(tmp_path))  # no bwrap there (python is called by its full path)
    result = subprocess.run([sys.executable, "-m", "grader", "grade", str(ATTACKS / "network.py"), "-o",
                             str(tmp_path / "out"), "--confinement", "strict", "--quiet"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "bubblewrap" in result.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


def _copy_project_with_canary(target, canary):
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".git", "__pycache__", ".hypothesis", "grades",
                                                                "handout", "*.zip", "examples", "golden"))
    planted = []
    for path in list((target / "solutions").glob("*.py")) + list((target / "grader" / "declaration").glob("*.py")):
        text = path.read_text()
        path.write_text(text + f'\n\n_CANARY = "{canary}"  # planted by tests/test_confinement.py\n')
        planted.append(path)
    return planted


UID_BASE = 62000  # this test's own range of sandbox users


def _sandbox_processes(low=UID_BASE, high=UID_BASE + 1000):
    """Pids of processes whose uid is in [low, high): this test's sandbox users by default."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                uid = os.stat(f"/proc/{entry}").st_uid
            except OSError:
                continue
            if low <= uid < high:
                pids.append(int(entry))
    return pids


def _files_under(folder):
    return {p: p.stat().st_mtime_ns for p in Path(folder).rglob("*") if p.is_file()}


def _grade(project, submissions, out):
    return subprocess.run([sys.executable, "-m", "grader", "grade", *map(str, submissions), "-o", str(out),
                           "--confinement", "strict", "--jobs", "2", "--quiet",
                           "--only", "bernoulli_log_likelihood,bernoulli_mle"],
                          cwd=project, capture_output=True, text=True, timeout=1200,
                          env=dict(os.environ, PYTHONPATH=str(project), LRG_SANDBOX_UID_BASE=str(UID_BASE)))


@pytest.mark.slow
def test_hostile_class_leaks_nothing(tmp_path):
    """Attackers graded beside honest students: no canary anywhere, honest grades unchanged, nothing left."""
    try:
        confinement.launcher_for("strict")
    except ConfinementError as error:
        if os.environ.get("CI"):
            pytest.fail(str(error))
        pytest.skip(str(error))
    canary = f"CANARY-{secrets.token_hex(12)}"
    project = tmp_path / "project"
    _copy_project_with_canary(project, canary)
    honest = tmp_path / "honest"
    honest.mkdir()
    (honest / "ada.py").write_text((ATTACKS / "_honest.py").read_text() + (
        "\n\ndef bernoulli_mle(y):\n    y = np.asarray(y, dtype=float)\n    if y.size == 0:\n"
        "        raise ValueError('empty')\n    return float(y.mean())\n"))
    (honest / "bob.py").write_text((ATTACKS / "_honest.py").read_text() + (
        "\n\ndef bernoulli_mle(y):\n    return float(sum(y)) / len(y)\n"))
    hostile = tmp_path / "class"
    shutil.copytree(honest, hostile)
    for name in CLASS_ATTACKS:
        shutil.copy(ATTACKS / f"{name}.py", hostile / f"{name}.py")
    project_before = _files_under(project)
    tmp_before = set(Path("/tmp").iterdir())

    together = _grade(project, [hostile], tmp_path / "out-class")
    alone = _grade(project, [honest], tmp_path / "out-alone")
    assert together.returncode == 0, together.stderr[-3000:]
    assert alone.returncode == 0, alone.stderr[-3000:]

    for student in ("ada", "bob"):
        assert (tmp_path / "out-class" / "results" / f"{student}.json").read_bytes() == \
               (tmp_path / "out-alone" / "results" / f"{student}.json").read_bytes()
    for path in (tmp_path / "out-class").rglob("*"):
        if path.is_file():
            assert canary.encode() not in path.read_bytes(), f"the canary leaked into {path}"
    assert canary not in together.stdout + together.stderr
    for path in set(Path("/tmp").iterdir()) - tmp_before:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            try:
                assert canary.encode() not in file.read_bytes(), f"the canary leaked into {file}"
            except OSError:
                pass
    assert _sandbox_processes() == [], "a process of the run is still alive"
    assert _files_under(project) == project_before, "something was written inside the project"
    assert not list(Path("/tmp").glob("lrg-attack-*")), "a submission left a file in the host's /tmp"
    forged = tmp_path / "out-class" / "results" / "write_results.json"
    assert b'"score": 100' not in forged.read_bytes()


ZYGOTE_PROBE = '''
import os, time

def probe(other):
    seen = []
    for top, _, files in os.walk("/tmp"):
        seen += [os.path.join(top, name) for name in files]
    try:
        with open(other) as handle:
            leaked = handle.read()
    except OSError as error:
        leaked = type(error).__name__
    first = os.fork()
    if first == 0:  # a grandchild that leaves the process group and sleeps on
        os.setsid()
        if os.fork() == 0:
            time.sleep(120)
        os._exit(0)
    os.waitpid(first, 0)
    return {"pid": os.getpid(), "uid": os.getuid(), "seen": seen, "leaked": leaked}
'''


def _zygote_scratch(slot):
    """A strict launcher of this slot and the folder its zygote's children see, or a skip."""
    from grader import sandbox

    try:
        launcher = confinement.launcher_for("strict", slot=slot)
    except ConfinementError as error:
        pytest.skip(str(error))
    root = sandbox.scratch_root(launcher)
    if root is None:
        pytest.skip("this machine refuses nested namespaces: children get a fresh bubblewrap each")
    return launcher, root


def _call_in_a_child(launcher, folder, source, function, args):
    """A child for ``source`` (as probe.py) in ``folder``, and what ``function(*args)`` returned there."""
    from grader import sandbox

    work = folder / "submission"
    work.mkdir()
    (work / "probe.py").write_text(source)
    child = sandbox.ChildProcess(sandbox.make_runtime(folder / "runtime"), work, launcher)
    child.request({"op": "setup", "root": str(work), "paths": [str(work)], "display": {}}, 60)
    assert child.request({"op": "load", "module": "probe", "file": "probe.py", "expect": [function],
                          "cells": None}, 60)["status"] == "ok"
    reply = child.request({"op": "call", "id": 1, "module": "probe", "function": function, "args": args,
                           "kwargs": {}, "stand_ins": [], "detect": False}, 60)
    return child, reply["value"]


def test_a_child_of_the_sandboxed_zygote_sees_its_own_submission_only_and_dies_whole(tmp_path):
    """Forked from the zygote, not started afresh: its own pid namespace, /tmp and submission; nothing survives."""
    launcher, root = _zygote_scratch(slot=778)
    mine, other = Path(tempfile.mkdtemp(dir=root)), Path(tempfile.mkdtemp(dir=root))
    try:
        secret = other / "submission" / "answers.txt"
        secret.parent.mkdir()
        secret.write_text("NEIGHBOUR")
        for path in (other, secret.parent):
            path.chmod(0o755)
        secret.chmod(0o644)
        child, found = _call_in_a_child(launcher, mine, ZYGOTE_PROBE, "probe", [str(secret)])
        assert found["pid"] == 1 and found["uid"] == launcher.uid
        assert found["leaked"] != "NEIGHBOUR"
        assert all(path.startswith(str(mine)) for path in found["seen"]), found["seen"]
        assert any(path.endswith("probe.py") for path in found["seen"])
        child.kill()
        assert _sandbox_processes(launcher.uid, launcher.uid + 1) == [], "the detached grandchild outlived it"
    finally:
        shutil.rmtree(mine, ignore_errors=True)
        shutil.rmtree(other, ignore_errors=True)



def test_the_c_library_is_looked_for_once_per_process(monkeypatch):
    """Looking for it runs ldconfig or a compiler (tens of milliseconds in the sandbox): a child must not, each time."""
    import ctypes.util

    from grader import confine

    looked = []
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: looked.append(name) or None)
    confine._libc.cache_clear()
    try:
        first = confine._libc()
        assert confine._libc() is first and confine.landlock_abi() >= 0 and looked == ["c"]
    finally:
        confine._libc.cache_clear()  # (the next use finds the real one)


SHARED_MEMORY_PROBE = '''
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
KEY = 0x4C524731

def leave_segment():
    return libc.shmget(KEY, 4096, 0o1000 | 0o600)  # IPC_CREAT: a System V segment outlives its process

def find_segment():
    return libc.shmget(KEY, 0, 0)
'''


def test_a_childs_system_v_shared_memory_ends_with_it(tmp_path):
    """Each child has its own IPC namespace: a segment left behind is neither a channel nor held memory."""
    launcher, root = _zygote_scratch(slot=779)
    found = []
    for function in ("leave_segment", "find_segment"):
        folder = Path(tempfile.mkdtemp(dir=root))
        try:
            child, value = _call_in_a_child(launcher, folder, SHARED_MEMORY_PROBE, function, [])
            found.append(value)
            child.kill()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    assert found[0] >= 0, "the first child could not make its segment"
    assert found[1] == -1, "the next child found the segment the first one left"
