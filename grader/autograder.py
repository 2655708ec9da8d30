"""The Gradescope autograder: build its zip, and grade one submission inside it.

``python -m grader autograder -o autograder.zip`` writes a zip in the layout
Gradescope expects: ``setup.sh`` (installs the dependencies once, when the
image is built), ``run_autograder`` (runs for every submission), and the
grader with the references (the zip runs on Gradescope's servers and is never
given to students).

``run_autograder`` calls ``python3 -m grader.autograder``, which grades
``<root>/submission`` and writes ``<root>/results/results.json``, where
``<root>`` is ``/autograder`` or the folder named by ``LRG_AUTOGRADER_ROOT``
(so tests can simulate the layout in a temporary folder). The children run
under the confinement named by ``LRG_CONFINEMENT`` (default ``best-effort``:
what the container allows, checked by the self-test). A results.json is
written in every case: a broken submission gets its grade with a clear
status; when grading itself fails, the Python side writes a score of 0 with a
message, and if Python cannot even start, ``run_autograder`` writes that
message itself.
"""

import argparse
import os
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT_VARIABLE = "LRG_AUTOGRADER_ROOT"
CONFINEMENT_VARIABLE = "LRG_CONFINEMENT"  # strict, best-effort (default) or off
DEFAULT_ROOT = "/autograder"
PROJECT = Path(__file__).resolve().parent.parent
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed member times: the same sources give the same zip
FAILURE_MESSAGE = ("The autograder could not grade this submission because of a problem on our side, "
                   "not in your code. Please tell your instructor; your score is not final.")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image.
set -euo pipefail
cd "$(dirname "$0")"
if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    # bubblewrap: the grader's namespace confinement layer, used where the machine allows it.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \\
        python3 python3-pip bubblewrap
fi
python3 -m pip install --no-cache-dir -r requirements.txt \\
    || python3 -m pip install --no-cache-dir --break-system-packages -r requirements.txt
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. It always leaves a results.json,
# even when grading itself fails, so that the student always gets an answer.
ROOT="${LRG_AUTOGRADER_ROOT:-/autograder}"
PYTHON="${LRG_PYTHON:-python3}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
cd "$ROOT/source" 2>/dev/null || cd "$(dirname "$0")"
"$PYTHON" -m grader.autograder --root "$ROOT" || true
if [ ! -s "$RESULTS" ]; then
    cat > "$RESULTS" <<'EOF'
{"score": 0, "max_score": 100, "output": "%s", "tests": []}
EOF
fi
exit 0
""" % FAILURE_MESSAGE


def requirements():
    """The runtime dependencies, from pyproject.toml, one per line."""
    with open(PROJECT / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    return "\n".join(project["dependencies"]) + "\n"


def zip_members():
    """(name in the zip, bytes, executable) for everything the autograder needs."""
    members = [("setup.sh", SETUP_SH.encode(), True), ("run_autograder", RUN_AUTOGRADER.encode(), True),
               ("requirements.txt", requirements().encode(), False)]
    for folder, pattern in (("grader", "**/*.py"), ("solutions", "*.py")):
        for path in sorted((PROJECT / folder).glob(pattern)):
            if "__pycache__" not in path.parts:
                members.append((path.relative_to(PROJECT).as_posix(), path.read_bytes(), False))
    return members


def build_zip(out="autograder.zip"):
    """Write the Gradescope autograder zip.

    Parameters
    ----------
    out : path

    Returns
    -------
    Path
        The zip written.
    """
    out = Path(out)
    if out.parent != Path(""):
        out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, executable in zip_members():
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the mode bits below count
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            archive.writestr(info, data)
    os.replace(temporary, out)
    return out


def choose_launcher(mode):
    """The confinement for grading here: ``mode`` if its self-test probe runs, else none (best-effort).

    Gradescope's containers may not allow namespaces; a best-effort grader
    that cannot start a confined child grades unconfined rather than give
    every student a 0. ``strict`` never falls back: it fails instead.
    """
    if mode == "off":
        return None
    from grader.confinement import launcher_for
    from grader.selftest import run_self_test

    launcher = launcher_for(mode)  # raises in strict mode when a layer is missing
    try:
        results = run_self_test(launcher)
        if all(result.name != "probe ran to the end" for result in results):
            return launcher
    except Exception:  # noqa: BLE001 - a launcher that cannot even start the probe
        pass
    if mode == "strict":
        raise RuntimeError("the confinement self-test could not run a confined child on this machine")
    return None


def failure_results(message):
    """A valid results.json for a submission the grader could not grade."""
    from grader.declaration import TOTAL_POINTS
    from grader.outputs import number

    return {"score": 0, "max_score": number(TOTAL_POINTS), "output": f"{FAILURE_MESSAGE}\n\n({message})\n",
            "tests": [], "visibility": "visible"}


def run(root):
    """Grade ``<root>/submission`` and write ``<root>/results/results.json``.

    Parameters
    ----------
    root : path
        The Gradescope root (``/autograder``).

    Returns
    -------
    dict
        The results written.
    """
    root = Path(root)
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        from grader import bulk, inputs, outputs

        submission = root / "submission"
        entry = inputs.Entry("submission", (inputs.Source(submission, "submission"),), False, "submission")
        launcher = choose_launcher(os.environ.get(CONFINEMENT_VARIABLE, "best-effort"))
        grade, failure = bulk.grade_entry(entry, launcher=launcher)
        results = failure_results(failure) if grade is None else outputs.results_json(grade)
    except Exception as error:  # noqa: BLE001 - whatever happens, the student gets a results.json
        results = failure_results(f"{type(error).__name__}: {error}"[:500])
    from grader.outputs import atomic_write, dumps

    atomic_write(target, dumps(results))
    return results


def main(argv=None):
    """``python -m grader.autograder [--root ROOT]``: grade the Gradescope submission."""
    parser = argparse.ArgumentParser(prog="python -m grader.autograder",
                                     description="Grade /autograder/submission for Gradescope.")
    parser.add_argument("--root", default=os.environ.get(ROOT_VARIABLE, DEFAULT_ROOT),
                        help=f"the Gradescope root (default: ${ROOT_VARIABLE} or {DEFAULT_ROOT})")
    options = parser.parse_args(argv)
    results = run(options.root)
    print(f"score {results.get('score')} / {results.get('max_score')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
