"""The pytest plugin of the student handout: public checks as plain pytest tests.

The handout's ``conftest.py`` loads this plugin, and its ``tests/`` folder
holds one test per function (``test_sigmoid`` in ``tests/test_logistic.py``,
...), each a single call ``feedback.check("sigmoid")``. So ``pytest``,
``pytest -k sigmoid``, ``-x`` and ``-q`` work as a student expects.

Once collection is done, the plugin knows which functions were selected. The
first test that runs grades all of them at once, in child processes (the
same engine and the same confinement of student code as at grading time;
those that need no scikit-learn start before it is imported, see
``early_start``);
each test then reports its own function: it passes, or fails with a clean
message (the call, what came back, what was expected, the hint) and no
traceback into the grader. At the end, a table of the functions with their
public points, and a plain line that hidden checks run at grading time.
"""

import warnings
from dataclasses import replace
from pathlib import Path

import pytest

from grader import contract
from grader.report import _function_section

TEST_PREFIX = "test_"
HIDDEN_CHECKS_LINE = ("These are the public checks only. At grading time hidden checks test every function on many "
                      "more inputs (pandas inputs too) against reference solutions; they decide your grade.")
_FEEDBACK = pytest.StashKey()


def pytest_addoption(parser):
    group = parser.getgroup("feedback", "public checks of the exercises")
    group.addoption("--submission", metavar="PATH", default=None,
                    help="check this folder, .py file or .ipynb notebook instead of exercises/")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """Start the process the checks fork their child from, as early as pytest lets a plugin know it will run tests.

    Its imports (NumPy, pandas, scikit-learn: over a second) then overlap with
    pytest's own start, the collection and this process's imports.
    """
    option = config.option
    if not (option.collectonly or option.help or option.version or getattr(option, "showfixtures", False)
            or getattr(option, "show_fixtures_per_test", False) or getattr(option, "markers", False)):
        from grader import sandbox

        sandbox.Launcher().zygote()


def pytest_configure(config):
    config.stash[_FEEDBACK] = Feedback(config.rootpath, config.getoption("submission"))


def pytest_unconfigure(config):
    """Let pytest's closing garbage collections (five in a row) skip the objects the checks left behind.

    The student's code runs in its own process, so nothing here can have a
    finalizer to report; one collection first all the same.
    """
    import gc

    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(session, config, items):
    """Run the functions' tests in the order of the exercises (mle first), other tests after them."""
    order = {name: index for index, name in enumerate(contract.FUNCTION_NAMES)}
    items.sort(key=lambda item: order.get(_function_of(item), len(order)))


def pytest_collection_finish(session):
    """Remember which functions the selected tests are about (``-k``, node ids, ``--lf``...)."""
    names = [_function_of(item) for item in session.items]
    session.config.stash[_FEEDBACK].select(name for name in names if name)


def _function_of(item):
    name = getattr(item, "originalname", item.name)
    if "feedback" in getattr(item, "fixturenames", ()) and name.startswith(TEST_PREFIX):
        function = name[len(TEST_PREFIX):]
        if function in contract.FUNCTION_NAMES:
            return function
    return None


@pytest.fixture(scope="session")
def feedback(request):
    """The public checks' verdicts: ``feedback.check("sigmoid")`` passes or fails the test."""
    return request.config.stash[_FEEDBACK]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    summary = config.stash[_FEEDBACK].summary()
    if not summary:
        return
    terminalreporter.write_sep("=", "public checks")
    for line in summary:
        terminalreporter.write_line(line)


class Feedback:
    """Grades the selected functions once, on first use, and answers for each.

    Parameters
    ----------
    root : Path
        The handout folder.
    submission : str, optional
        What to check instead of the handout's ``exercises/`` folder.
    """

    def __init__(self, root, submission=None):
        self.root = Path(root)
        self.submission = submission
        self.names = []
        self.grade = None
        self.error = None

    def select(self, names):
        """The functions to grade, in contract order."""
        wanted = set(names)
        self.names = [name for name in contract.FUNCTION_NAMES if name in wanted]

    def check(self, name):
        """Pass, or fail the calling test with the public checks' feedback for ``name``."""
        __tracebackhide__ = True
        result = self.result(name)
        if result.status != "passed":
            pytest.fail(describe(result), pytrace=False)

    def result(self, name):
        """The FunctionResult of ``name`` (grading every selected function on first use)."""
        __tracebackhide__ = True
        if self.grade is None and self.error is None:
            self._grade()
        if self.error is not None:
            pytest.fail(self.error, pytrace=False)
        return next(f for f in self.grade.functions if f.name == name)

    def _grade(self):
        # Imported here, not at start-up: the zygote started by pytest_cmdline_main imports meanwhile.
        from grader import example_cache, library_cache, public
        from grader.public import early_start

        if self.submission:
            path = Path(self.submission)
            path = path if path.is_absolute() else Path.cwd() / path
        else:
            path = self.root  # its exercises/ folder is found and read, shown as exercises/<module>.py
        exercises = [public.exercise(name) for name in self.names]
        try:
            # Every public check's examples: drawn on the first run, then read from the cache.
            example_cache.prepare(public.EXERCISES)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the checks' own library warnings are not the student's
                self.grade = early_start.grade(path, "you", exercises)
            library_cache.save()  # the next run reads scikit-learn's answers instead of importing it
        except Exception as error:  # noqa: BLE001 - reported to the student without the grader's traceback
            self.error = (f"The checks could not run ({type(error).__name__}: {error}). This is a problem of the "
                          "checking machinery, not of your code: tell your instructor.")

    def summary(self):
        """Lines for the end of the run: the table, notes, and the line about hidden checks."""
        if self.grade is None:
            return []
        functions = self.grade.functions
        width = max(len(f.name) for f in functions)
        status_width = max([16] + [len(f.status) for f in functions])  # ("uses scikit-learn" is 17)
        lines = [f"{'function'.ljust(width)}  {'status'.ljust(status_width)}  public points"]
        for function in functions:
            lines.append(f"{function.name.ljust(width)}  {function.status.ljust(status_width)}  "
                         f"{_points(function.points)} / {_points(function.max_points)}")
        lines.append(f"{'total'.ljust(width)}  {''.ljust(status_width)}  {_points(self.grade.total)} / "
                     f"{_points(self.grade.max_total)}")
        lines += [f"Note: {note}" for note in self.grade.notes]
        lines.append(HIDDEN_CHECKS_LINE)
        return lines


def describe(result):
    """The failure message of one function: what was called, what came back, what was expected, the hint.

    A crash that fails several checks the same way is shown once, with the
    names of the other checks it failed.
    """
    header = f"{result.status} ({_points(result.points)} / {_points(result.max_points)} public points)"
    if result.status == "not implemented":
        return (f"{header}\n{result.name} raises NotImplementedError: it (or a function it calls) is not written "
                "yet. Replace the `raise NotImplementedError(...)` line with your code.")
    shown, same_crash = [], []
    for failure in result.failures:
        if failure.traceback and any((f.reason, f.traceback) == (failure.reason, failure.traceback) for f in shown):
            same_crash.append(failure.check)
        else:
            shown.append(failure)
    body = []
    section = "\n".join(_function_section(replace(result, failures=shown))[1:])  # [0]: a Markdown heading
    for line in section.splitlines():
        if line.startswith("```"):
            continue  # Markdown fences
        body.append(line[4:] if line.startswith("### ") else line)
    if same_crash:
        body.append(f"The same error also failed: {', '.join(same_crash)}.")
    return header + "\n\n" + "\n".join(body).strip() + "\n"


def _points(value):
    return f"{value:g}"

