"""The command line: ``python -m grader COMMAND ...``.

Commands
--------
check PATH
    Grade one submission (folder, ``.py`` or ``.ipynb``) with the full hidden
    suite and print the student's report.
"""

import argparse
import json
import sys

from grader.engine import grade_path
from grader.report import render_markdown


def build_parser():
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(prog="python -m grader", description="Grade logistic-regression exercises.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="grade one submission and print its report")
    check.add_argument("path", help="a submission: a folder, a .py file or a .ipynb notebook")
    check.add_argument("--student", help="the student id to show (default: from the file name)")
    check.add_argument("--json", action="store_true", help="print the grade as JSON instead of the report")
    return parser


def run_check(options):
    grade = grade_path(options.path, options.student)
    if options.json:
        print(json.dumps(grade.to_dict(), indent=2, sort_keys=True))
    else:
        print(render_markdown(grade), end="")
    return 0


def main(argv=None):
    """Run a command; return the exit status (0 when grading completed, whatever the score)."""
    options = build_parser().parse_args(argv)
    if options.command == "check":
        return run_check(options)
    return 2


if __name__ == "__main__":
    sys.exit(main())
