"""The command line: ``python -m grader COMMAND ...``.

Commands
--------
check PATH
    Grade one submission (folder, ``.py`` or ``.ipynb``) with the full hidden
    suite and print the student's report.
grade [SUBMISSION ...] [-o OUT] [--jobs N] [--confinement MODE]
    Grade a class in parallel (the bundled example class when none is named)
    and write grades.csv, results/, feedback/ and report.html into OUT.
autograder [-o ZIP]
    Build the Gradescope autograder zip.
release [-o DIR]
    Build the student handout (stubs, lessons, public checks) into DIR.
"""

import argparse
import json
import sys
from pathlib import Path

from grader.engine import grade_path
from grader.report import render_markdown

EXAMPLE_CLASS = Path(__file__).resolve().parent.parent / "examples" / "submissions"


def build_parser():
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(prog="python -m grader", description="Grade logistic-regression exercises.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="grade one submission and print its report")
    check.add_argument("path", help="a submission: a folder, a .py file or a .ipynb notebook")
    check.add_argument("--student", help="the student id to show (default: from the file name)")
    check.add_argument("--json", action="store_true", help="print the grade as JSON instead of the report")
    check.add_argument("--confinement", choices=("strict", "best-effort", "off"), default="best-effort",
                       help="confinement of the submission's process (default: best-effort, every layer "
                            "this machine has; strict refuses when one is missing)")
    grade = commands.add_parser("grade", help="grade a class in parallel and write the gradebook and feedback")
    grade.add_argument("submissions", nargs="*", metavar="SUBMISSION",
                       help="folders, .py, .ipynb or .zip files, or folders/downloads holding many "
                            "(default: the example class in examples/submissions/)")
    grade.add_argument("-o", "--out", default="grades", help="output folder (default: grades/)")
    grade.add_argument("--jobs", type=_positive, default=None,
                       help="worker processes (default: the number of cores)")
    grade.add_argument("--fresh", action="store_true", help="grade everyone again, even students already done")
    grade.add_argument("--only", type=lambda text: [n for n in text.split(",") if n],
                       help="grade only these comma-separated functions (a quick look; others left blank)")
    grade.add_argument("--confinement", choices=("strict", "best-effort", "off"), default="best-effort",
                       help="confinement of the students' code: strict refuses to grade when a layer is "
                            "missing (official grades); best-effort uses what this machine has (default)")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    autograder = commands.add_parser("autograder", help="build the Gradescope autograder zip")
    autograder.add_argument("-o", "--out", default="autograder.zip", help="the zip to write")
    release = commands.add_parser("release", help="build the student handout: stubs, lessons, public checks")
    release.add_argument("-o", "--out", default="handout", help="the folder to write (default: handout/)")
    return parser


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run_check(options):
    from grader.confinement import ConfinementError, launcher_for

    try:
        launcher = launcher_for(options.confinement)
    except ConfinementError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    grade = grade_path(options.path, options.student, launcher=launcher)
    if options.json:
        print(json.dumps(grade.to_dict(), indent=2, sort_keys=True))
    else:
        print(render_markdown(grade), end="")
    return 0


def run_grade(options):
    from grader import bulk
    from grader.archives import ArchiveError
    from grader.confinement import ConfinementError
    from grader.declaration import FUNCTION_NAMES

    unknown = sorted(set(options.only or ()) - set(FUNCTION_NAMES))
    if unknown:
        print(f"error: --only names unknown functions: {', '.join(unknown)}", file=sys.stderr)
        return 2
    paths = options.submissions or [EXAMPLE_CLASS]
    try:
        summary = bulk.grade_class(paths, options.out, jobs=options.jobs, only=options.only, fresh=options.fresh,
                                   confinement=options.confinement, progress=not options.quiet)
    except (FileNotFoundError, ArchiveError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ConfinementError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("interrupted: finished students are kept; run the same command again to resume", file=sys.stderr)
        return 130
    print(summary.text())
    return 0 if summary.completed else 1


def run_autograder(options):
    from grader.autograder import build_zip

    path = build_zip(options.out)
    print(f"Wrote {path}: upload it as the Gradescope autograder (it holds the references: never give it "
          "to students)")
    return 0


def run_release(options):
    from grader.release import ReleaseError, build_handout

    try:
        path = build_handout(options.out)
    except ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Wrote the handout to {path}: give students this folder (it holds no reference solution)")
    return 0


def main(argv=None):
    """Run a command; return the exit status (0 when grading completed, whatever the score)."""
    options = build_parser().parse_args(argv)
    if options.command == "check":
        return run_check(options)
    if options.command == "grade":
        return run_grade(options)
    if options.command == "autograder":
        return run_autograder(options)
    if options.command == "release":
        return run_release(options)
    return 2


if __name__ == "__main__":
    sys.exit(main())
