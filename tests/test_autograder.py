"""The Gradescope autograder zip, unpacked into a simulated /autograder layout."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from grader import archives, cli
from grader.declaration import FUNCTION_NAMES, TOTAL_POINTS
from test_bulk import GRADESCOPE_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "submissions"


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    path = tmp_path_factory.mktemp("zip") / "autograder.zip"
    assert cli.main(["autograder", "-o", str(path)]) == 0
    return path


def test_the_zip_has_gradescopes_layout(autograder_zip):
    """setup.sh and run_autograder at the top (executable), the grader and the references, nothing else."""
    with zipfile.ZipFile(autograder_zip) as archive:
        infos = {info.filename: info for info in archive.infolist()}
    for name in ("setup.sh", "run_autograder"):
        assert (infos[name].external_attr >> 16) & 0o111, name
    assert "requirements.txt" in infos and "grader/engine.py" in infos and "grader/autograder.py" in infos
    assert "solutions/logistic.py" in infos
    assert all(name.split("/")[0] in ("grader", "solutions") or "/" not in name for name in infos)
    assert not any(name.startswith(("tests/", "examples/", "exercises/")) for name in infos)
    with zipfile.ZipFile(autograder_zip) as archive:
        assert "tqdm" in archive.read("requirements.txt").decode()


def test_the_zip_is_the_same_on_every_build(autograder_zip, tmp_path):
    again = tmp_path / "again.zip"
    assert cli.main(["autograder", "-o", str(again)]) == 0
    assert again.read_bytes() == autograder_zip.read_bytes()


def simulate(tmp_path, autograder_zip, submission, python=sys.executable):
    """Lay out /autograder in a temp folder, run run_autograder as Gradescope does; return results.json."""
    root = tmp_path / "autograder"
    archives.extract(autograder_zip, root / "source")
    target = root / "submission"
    if submission is None:
        target.mkdir(parents=True)
    elif submission.is_dir():
        shutil.copytree(submission, target)
    else:
        target.mkdir(parents=True)
        shutil.copy2(submission, target / submission.name)
    env = {**os.environ, "LRG_AUTOGRADER_ROOT": str(root), "LRG_PYTHON": python}
    env.pop("PYTHONPATH", None)  # the zip must be enough on its own
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    return results


@pytest.mark.slow
def test_a_correct_submission_scores_full_marks(tmp_path, autograder_zip):
    """The references, submitted as an exercises/ folder, get every point through the zip alone."""
    submission = tmp_path / "upload"
    shutil.copytree(ROOT / "solutions", submission / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    results = simulate(tmp_path, autograder_zip, submission / "exercises")
    assert results["score"] == results["max_score"] == TOTAL_POINTS
    assert [t["name"] for t in results["tests"]] == list(FUNCTION_NAMES)
    assert all(t["status"] == "passed" for t in results["tests"])


def test_a_broken_submission_gets_a_zero_with_its_reason(tmp_path, autograder_zip):
    """A notebook that is not JSON: score 0, every function failed, and the message says why."""
    results = simulate(tmp_path, autograder_zip, EXAMPLES / "priya_patel.ipynb")
    assert results["score"] == 0 and results["max_score"] == TOTAL_POINTS
    assert "not a valid notebook" in results["output"]
    assert {t["status"] for t in results["tests"]} == {"failed"}


def test_an_empty_upload_gets_a_zero_with_its_reason(tmp_path, autograder_zip):
    results = simulate(tmp_path, autograder_zip, None)
    assert results["score"] == 0 and "empty" in results["extra_data"]["status"]


def test_results_are_written_even_when_the_grader_cannot_run(tmp_path, autograder_zip):
    """If Python itself fails, run_autograder still leaves a valid results.json with a message."""
    results = simulate(tmp_path, autograder_zip, EXAMPLES / "ivy_chen.py", python="/bin/false")
    assert results["score"] == 0 and results["tests"] == []
    assert "instructor" in results["output"]


def test_a_grader_failure_is_a_zero_with_a_message(tmp_path, monkeypatch):
    """When grading raises, the Python side writes score 0 and says it is not the student's fault."""
    from grader import autograder, bulk

    def explode(entry, **options):
        raise RuntimeError("no child process could start")

    monkeypatch.setattr(bulk, "grade_entry", explode)
    (tmp_path / "submission").mkdir()
    results = autograder.run(tmp_path)
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    written = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    assert written == results and results["score"] == 0
    assert "not in your code" in results["output"] and "no child process could start" in results["output"]
