"""Every attack and broken input of the grading contract is contained.

Each file in tests/attacks/ is graded under strict confinement. Dangerous
attacks (forks, signals to every process, memory, disk) only run after the
confinement self-test has passed; without bubblewrap (a laptop) they are
skipped, and in CI (where .ci/run installs bubblewrap) a missing layer fails.
"""

import os
from pathlib import Path

import pytest

from grader.confinement import SANDBOX_UID_BASE, ConfinementError, launcher_for
from grader.engine import Limits, grade_path
from grader.selftest import describe, run_self_test, self_test_passed

ATTACKS = Path(__file__).resolve().parent / "attacks"
MLE = {"bernoulli_log_likelihood", "bernoulli_mle"}
LIMITS = Limits(call=3.0, load=30.0, function=30.0)
TEST_SLOT = 777

# What the function concerned must come to; None means the whole file fails to load.
EXPECTED = {
    "exit_sys": {"crashed"},
    "exit_os": {"crashed"},
    "keyboard_interrupt": {"crashed"},
    "infinite_loop": {"timed out"},
    "sleep_ignoring_sigterm": {"timed out"},
    "memory_bomb": {"crashed", "wrong", "timed out"},
    "fork_bomb": {"wrong", "crashed", "timed out"},
    "thread_bomb": {"wrong", "crashed", "timed out"},
    "double_fork": {"crashed"},
    "kill_everything": {"crashed"},
    "output_flood": {"passed", "timed out"},
    "fake_passed": {"wrong"},
    "forge_channel": {"crashed", "wrong"},
    "walk_frames": {"wrong"},
    "monkeypatch": {"wrong"},
    "lying_objects": {"wrong"},
    "huge_result": {"wrong"},
    "nan_inf": {"wrong"},
    "mutates_input": {"wrong", "passed"},
    "read_secrets": {"wrong"},
    "network": {"wrong"},
    "write_startup_files": {"wrong"},
    "fill_disk": {"wrong"},
    "write_results": {"wrong"},
    "tamper_runtime": {"tampered"},
    "syntax_error": None,
    "non_utf8": None,
    "nul_bytes": None,
    "module_exception": None,
    "missing_import": None,
    "tamper_at_import": None,
}

# What the reason given must say, where the status alone would not tell the attack was seen for what it is.
REASON = {
    "double_fork": "running after it returned",
    "tamper_runtime": "changed the grader's own code",
}


@pytest.fixture(scope="session")
def strict_launcher():
    """The strict launcher, only once the self-test shows every attempt contained."""
    try:
        # A slot of its own: the sandbox uid then belongs to this test alone, even
        # when other gradings run on the machine.
        launcher = launcher_for("strict", slot=TEST_SLOT)
    except ConfinementError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run with strict confinement: {error}")
        pytest.skip(f"strict confinement unavailable here: {error}")
    results = run_self_test(launcher)
    if not self_test_passed(results):
        pytest.fail("confinement self-test failed:\n" + "\n".join(describe(launcher, results)))
    return launcher


def sandbox_processes():
    """Pids of processes running as this test's sandbox user."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                uid = os.stat(f"/proc/{entry}").st_uid
            except OSError:
                continue
            if uid == SANDBOX_UID_BASE + TEST_SLOT:
                pids.append(int(entry))
    return pids


def markers():
    return sorted(p.name for p in Path("/tmp").glob("lrg-attack-*"))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_attack_is_contained(name, strict_launcher, tmp_path, monkeypatch):
    """The attack costs its own function (or its module) only, and leaves nothing behind."""
    monkeypatch.chdir(tmp_path)  # relative writes by a broken grader would land here
    before = markers()
    grade = grade_path(ATTACKS / f"{name}.py", name, only=MLE, launcher=strict_launcher, limits=LIMITS)
    functions = {f.name: f for f in grade.functions}
    if EXPECTED[name] is None:
        assert {f.status for f in grade.functions} <= {"import error", "not found", "tampered"}, grade.functions
        assert grade.total == 0
    else:
        concerned = functions["bernoulli_mle"]
        assert concerned.status in EXPECTED[name], (concerned.status, concerned.detail, concerned.failures)
        if concerned.status != "passed":
            assert concerned.points < concerned.max_points
        assert REASON.get(name, "") in (concerned.detail or ""), concerned.detail
        honest = functions["bernoulli_log_likelihood"]
        assert honest.status == "passed", (honest.detail, honest.failures)
    assert sandbox_processes() == [], "a process of the submission is still alive"
    assert markers() == before, "the submission left a file in the host's /tmp"
    assert list(tmp_path.iterdir()) == [], "the submission wrote into the grader's working folder"
    assert {"namespaces", "rlimits", "user"} <= set(grade.confinement)


@pytest.mark.slow
def test_secrets_never_reach_the_report(strict_launcher):
    """What the submission prints or returns holds no reference code."""
    from grader.report import render_markdown

    grade = grade_path(ATTACKS / "read_secrets.py", "thief", only=MLE, launcher=strict_launcher, limits=LIMITS)
    report = render_markdown(grade)
    assert "def bernoulli_mle" not in report and "Maximum likelihood" not in report
    assert "STOLEN: \n" in report or "STOLEN:" in report  # it ran, and found nothing to print


@pytest.mark.parametrize("name, status", [("empty.py", "unreadable"), ("not_json.ipynb", "unreadable")])
def test_broken_files_become_a_clear_row(name, status):
    """An empty file or a notebook that is not JSON is reported, not a crash."""
    grade = grade_path(ATTACKS / name)
    assert grade.status == status and grade.total == 0
    assert grade.notes and ("empty" in grade.notes[0] or "JSON" in grade.notes[0])
