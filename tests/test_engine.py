"""The engine: references score full marks, stubs score 0, and a submission's problems stay its own."""

import json
import re
import textwrap
import time
from pathlib import Path

import pytest

from grader import example_cache
from grader.declaration import EXERCISES, FUNCTION_NAMES
from grader.engine import Limits, grade_path
from grader.report import render_markdown

ROOT = Path(__file__).resolve().parent.parent
GOOD_MLE = textwrap.dedent("""
    import numpy as np

    def bernoulli_log_likelihood(p, y):
        y = np.asarray(y, dtype=float)
        ones = y.sum()
        zeros = y.size - ones
        with np.errstate(divide="ignore"):
            return float((ones * np.log(p) if ones else 0.0) + (zeros * np.log1p(-p) if zeros else 0.0))

    def bernoulli_mle(y):
        y = np.asarray(y, dtype=float)
        if y.size == 0:
            raise ValueError("y is empty")
        return float(y.mean())
""")
MLE = {"bernoulli_log_likelihood", "bernoulli_mle"}


def write(folder, name, text):
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def by_name(grade):
    return {f.name: f for f in grade.functions}


def test_declaration_is_complete_and_adds_up():
    """Eighteen functions in contract order, 100 points, each function's checks add up to its points."""
    assert len(EXERCISES) == 18
    assert sum(e.points for e in EXERCISES) == 100
    for exercise in EXERCISES:
        assert abs(sum(c.points for c in exercise.checks) - exercise.points) < 1e-9, exercise.name
        assert len({c.name for c in exercise.checks}) == len(exercise.checks), exercise.name
        assert any(c.kind == "value" for c in exercise.checks), exercise.name
        assert all(c.statement and c.hint for c in exercise.checks), exercise.name


def test_contract_table_matches_the_references():
    """grader/contract.py names every reference function with its parameters, in order."""
    import inspect

    from grader import contract, references

    for module, name, params in contract.FUNCTIONS:
        signature = inspect.signature(references.function(f"{module}.{name}"))
        assert tuple(signature.parameters) == params, name
    assert contract.FUNCTION_NAMES == FUNCTION_NAMES


def test_stubs_score_zero_with_not_implemented():
    """Every untouched stub is reported as not implemented."""
    grade = grade_path(ROOT / "exercises", "stubs")
    assert grade.total == 0
    assert [f.name for f in grade.functions] == list(FUNCTION_NAMES)
    assert {f.status for f in grade.functions} == {"not implemented"}


@pytest.mark.slow
def test_references_score_full_marks():
    """The reference solutions, submitted as a student would, score 100/100."""
    grade = grade_path(ROOT / "solutions", "references")
    lost = [(f.name, f.status, f.detail, f.failures) for f in grade.functions if f.points != f.max_points]
    assert not lost
    assert grade.total == 100 and grade.status == "ok"


def test_same_submission_same_report(tmp_path):
    """Two runs on a wrong submission give byte-identical reports."""
    path = write(tmp_path, "wrong.py", GOOD_MLE.replace("float(y.mean())", "float(y.sum() // y.size)")
                 .replace("np.log1p(-p)", "np.log(1 - p) + 1e-3"))
    first = render_markdown(grade_path(path, only=MLE))
    second = render_markdown(grade_path(path, only=MLE))
    assert first == second
    assert "wrong" in first


def write_notebook(path, cells):
    notebook = {"cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": [], "execution_count": None}
                          for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook))
    return path


def test_notebook_grades_like_the_same_code_as_py(tmp_path):
    """Cells that load data, plot, use magics or fail do not stop the functions from being graded."""
    cells = [
        "%matplotlib inline\nimport numpy as np\nimport pandas as pd",
        "!pip install nothing-at-all\ndf = pd.read_csv('data/does-not-exist.csv')",
        "import matplotlib.pyplot as plt\nplt.plot([1, 2], [3, 4])\nplt.show()",
        "%%time\nwhile True:\n    pass",
        GOOD_MLE,
        "print(bernoulli_mle([1, 0, 1]))\nbernoulli_log_likelihood?",
        "for i in range(10**9):\n    pass",
    ]
    nb_path = write_notebook(tmp_path / "alice.ipynb", cells)
    py_path = write(tmp_path, "alice.py", GOOD_MLE)
    from_notebook = grade_path(nb_path, only=MLE)
    from_py = grade_path(py_path, only=MLE)
    assert [(f.name, f.status, f.points) for f in from_notebook.functions] == \
           [(f.name, f.status, f.points) for f in from_py.functions]
    assert from_notebook.total == 10


def test_a_notebook_keeps_what_its_functions_need_and_leaves_out_the_rest(tmp_path):
    """Computed constants, type aliases, partials, lambdas, try-imports and %%time cells run; exploration does not."""
    mle = GOOD_MLE.replace("def bernoulli_mle(y):", "def bernoulli_mle(y: ArrayLike) -> float:")
    mle = mle.replace("return float(y.mean())", "return float(y.mean() + ZERO * EPS)")
    mle = mle.replace("def bernoulli_log_likelihood(p, y):", "def _log_likelihood(p, y, log=None):")
    mle = mle.replace("ones * np.log(p)", "ones * _log(p)")
    cells = [
        "import functools\nfrom typing import Union\nimport numpy as np",
        "ArrayLike = Union[list, np.ndarray]\nEPS = np.finfo(float).eps\nZERO = np.float64(0.0)",
        "try:\n    from math import nope as _log\nexcept ImportError:\n    _log = np.log",
        "def train_forever():\n    while True:\n        pass\n\ndef plot():\n    return DATA.mean()",
        "DATA = np.loadtxt('data/missing.csv')\nweights = train_forever()\nfiles = !ls",
        "%%time\n" + mle,
        "bernoulli_log_likelihood = functools.partial(_log_likelihood, log=np.log)",
        "bernoulli_mle = bernoulli_mle if True else None\nbernoulli_log_likelihood(0.5, [1, 0])",
        "bernoulli_mle = bernoulli_mle([1, 0, 1])  # the name reused for a number, at the end of the notebook",
        "bernoulli_log_likelihood = bernoulli_log_likelihood(0.5, DATA)  # would need the data: left out",
    ]
    grade = grade_path(write_notebook(tmp_path / "alice.ipynb", cells), only=MLE, limits=Limits(load=10.0))
    assert [(f.name, f.status) for f in grade.functions] == [
        ("bernoulli_log_likelihood", "passed"), ("bernoulli_mle", "passed")]
    assert any("sets bernoulli_mle to data" in note for note in grade.notes), grade.notes
    assert not any("missing.csv" in note for note in grade.notes), grade.notes  # the data were never loaded


def test_a_notebook_runs_what_changes_a_needed_name_in_place(tmp_path):
    """A table filled by a loop or a method, a match block, help lines, and a module written by %%writefile."""
    mle = GOOD_MLE.replace("return float(y.mean())", "return float(SETTINGS['scale'] * TABLE[1] * mean(y))")
    mle = mle.replace("zeros = y.size - ones", "zeros = y.size - ones  # why not len(y)?")
    cells = [
        "import numpy as np\nSETTINGS = {}\nTABLE = {}\nBACKEND = 'numpy'",
        "SETTINGS.update(scale=1.0)\nfor key in (0, 1):\n    TABLE[key] = float(key)",
        "match BACKEND:\n    case 'numpy':\n        _log = np.log\n    case _:\n        _log = None",
        "?np.log\nnp.log?",
        "%%writefile helpers.py\nimport numpy as np\n",
        "%%writefile -a helpers.py\ndef mean(y):\n    return np.mean(y)\n",
        "from helpers import mean",
        mle.replace("ones * np.log(p)", "ones * _log(p)"),
    ]
    grade = grade_path(write_notebook(tmp_path / "bob.ipynb", cells), only=MLE)
    assert [(f.name, f.status) for f in grade.functions] == [
        ("bernoulli_log_likelihood", "passed"), ("bernoulli_mle", "passed")], (grade.notes, grade.functions)


def test_a_helper_package_inside_exercises_comes_along(tmp_path):
    """exercises/_lib/ (a package of the student's) is staged with the modules, imported either way."""
    helper = "def mean(y):\n    return sum(y) / len(y)\n"
    write(tmp_path, "sub/exercises/_lib/__init__.py", "")
    write(tmp_path, "sub/exercises/_lib/stats/__init__.py", "from .core import mean\n")
    write(tmp_path, "sub/exercises/_lib/stats/core.py", helper)
    mle = GOOD_MLE.replace("return float(y.mean())", "return float(mean(y) + absolute.mean([0.0]))")
    write(tmp_path, "sub/exercises/mle.py", "from exercises._lib.stats import mean\n"
          "from ._lib.stats import core as absolute\n" + mle)
    grade = grade_path(tmp_path / "sub", only=MLE)
    assert [(f.name, f.status) for f in grade.functions] == [
        ("bernoulli_log_likelihood", "passed"), ("bernoulli_mle", "passed")], grade.notes


def test_an_import_error_shows_the_students_frames_only(tmp_path):
    """Python's own import machinery (<frozen importlib._bootstrap>) is not the student's code."""
    write(tmp_path, "sub/exercises/mle.py", "import math\n\nSCALE = np.float64(1.0)\n")
    grade = grade_path(tmp_path / "sub", only=MLE)
    shown = by_name(grade)["bernoulli_mle"].traceback
    assert shown.startswith('  File "exercises/mle.py", line 3, in <module>\n    SCALE = np.float64(1.0)\n')
    assert shown.endswith("NameError: name 'np' is not defined")
    assert "<frozen" not in shown


def test_broken_module_costs_only_its_own_functions(tmp_path):
    """A syntax error in logistic.py leaves the mle functions graded as usual."""
    write(tmp_path, "sub/exercises/mle.py", GOOD_MLE)
    write(tmp_path, "sub/exercises/logistic.py", "def sigmoid(z)\n    return 1\n")
    grade = grade_path(tmp_path / "sub", only=MLE | {"sigmoid"})
    functions = by_name(grade)
    assert functions["bernoulli_mle"].status == "passed"
    assert functions["sigmoid"].status == "import error"
    assert "SyntaxError" in functions["sigmoid"].detail
    assert grade.status == "import error"


def test_missing_and_uncallable_functions_are_not_found(tmp_path):
    """A missing function, or a name that is not a function, scores 0 as not found."""
    path = write(tmp_path, "partial.py", GOOD_MLE.replace("def bernoulli_mle", "def other_name")
                 + "\nsigmoid = 3\n")
    functions = by_name(grade_path(path, only=MLE | {"sigmoid"}))
    assert functions["bernoulli_mle"].status == "not found"
    assert functions["sigmoid"].status == "not found"
    assert functions["bernoulli_log_likelihood"].status == "passed"


@pytest.mark.parametrize("body, status", [
    ("import sys; sys.exit(0)", "crashed"),
    ("import os; os._exit(3)", "crashed"),
    ("raise KeyboardInterrupt", "crashed"),
    ("while True: pass", "timed out"),
    ("import time, signal; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)", "timed out"),
])
def test_misbehaving_function_scores_zero_and_others_are_graded(tmp_path, body, status):
    """Exits, interrupts and endless loops cost the function concerned and nothing else."""
    source = GOOD_MLE.replace('    y = np.asarray(y, dtype=float)\n    if y.size == 0:',
                              f'    {body}\n    y = np.asarray(y, dtype=float)\n    if y.size == 0:')
    path = write(tmp_path, "bad.py", source)
    functions = by_name(grade_path(path, only=MLE, limits=Limits(call=2.0)))
    assert functions["bernoulli_mle"].status == status
    assert functions["bernoulli_mle"].points == 0
    assert functions["bernoulli_log_likelihood"].status == "passed"


# A process each call leaves behind (bounded: it ends by itself within 20 s), and work done in processes
# that are waited for (a pool in a with block, subprocess.run): only the first leaves anything running.
LEAVES_A_PROCESS = "import subprocess, sys; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(20)'])"
WAITS_FOR_ITS_PROCESSES = """
    import multiprocessing, subprocess
    subprocess.run(["true"], check=True)
    with multiprocessing.Pool(1) as pool:
        assert pool.apply(abs, (-1,)) == 1
"""


def test_a_function_that_leaves_a_process_running_scores_zero(tmp_path):
    """A process left running after the call returns is stopped, and costs its function (not the others)."""
    source = GOOD_MLE.replace("    return float(y.mean())", f"    {LEAVES_A_PROCESS}\n    return float(y.mean())")
    assert source != GOOD_MLE
    started = time.monotonic()
    functions = by_name(grade_path(write(tmp_path, "leaves.py", source), only=MLE))
    assert time.monotonic() - started < 15, "the processes left behind were waited for, not stopped"
    mle = functions["bernoulli_mle"]
    assert mle.status == "crashed" and mle.points == 0
    assert re.search(r"left (a process|processes) running after it returned", mle.detail), mle.detail
    assert functions["bernoulli_log_likelihood"].status == "passed"


def test_processes_a_function_waits_for_are_fine(tmp_path):
    """A pool in a with block and subprocess.run leave nothing running: full marks."""
    body = textwrap.indent(textwrap.dedent(WAITS_FOR_ITS_PROCESSES), "    ")
    source = GOOD_MLE.replace("    return float(y.mean())", f"{body}    return float(y.mean())")
    assert source != GOOD_MLE
    functions = by_name(grade_path(write(tmp_path, "waits.py", source), only={"bernoulli_mle"}))
    assert functions["bernoulli_mle"].status == "passed", functions["bernoulli_mle"].detail


def test_a_module_that_leaves_a_process_running_at_import_is_not_graded(tmp_path):
    """Started at module level and left running: the module does not load, and says why."""
    functions = by_name(grade_path(write(tmp_path, "starts.py", LEAVES_A_PROCESS + "\n" + GOOD_MLE), only=MLE))
    for function in functions.values():
        assert function.status == "import error" and function.points == 0
        assert "importing it left 1 process running" in function.detail


def test_a_submission_out_of_time_keeps_what_was_graded_and_fails_the_rest(tmp_path):
    """Past the limit for a whole submission, the rest is not graded: timed out, for a stated reason."""
    slow = GOOD_MLE.replace("    return float(y.mean())", "    import time\n    time.sleep(0.25)\n    return float(y.mean())")
    assert slow != GOOD_MLE
    slow += "\nfrom scipy.special import expit as sigmoid\n"  # correct, and graded last
    example_cache.prepare(EXERCISES)  # (drawn once per process: not part of the time measured here)
    started = time.monotonic()
    grade = grade_path(write(tmp_path, "slow.py", slow), only=MLE | {"sigmoid"},
                       limits=Limits(call=2.0, function=60.0, submission=4.0))
    seconds = time.monotonic() - started
    functions = by_name(grade)
    # bernoulli_log_likelihood comes first (contract order) and is quick; bernoulli_mle uses up the time.
    assert functions["bernoulli_log_likelihood"].status == "passed"
    for name in ("bernoulli_mle", "sigmoid"):
        assert functions[name].status == "timed out" and functions[name].points == 0
        assert "the limit for a whole submission" in functions[name].detail
    assert functions["sigmoid"].detail.startswith("not graded")
    assert grade.status == "timeout"
    # Graded twice (the second time as if alone), each bounded by the limit plus one call: not 40 slow calls.
    assert seconds < 2 * (4.0 + 2.0) + 3, seconds


def test_crash_traceback_is_trimmed_to_the_students_code(tmp_path):
    """A crash shows the student's own frames, named as they know the file, and no grader path."""
    path = write(tmp_path, "hw3.py", GOOD_MLE.replace("return float(y.mean())", "return float(y.mean()) + helper()")
                 + "\ndef helper():\n    return [][1]\n")
    functions = by_name(grade_path(path, only=MLE))
    failure = functions["bernoulli_mle"].failures[0]
    assert "IndexError" in failure.reason
    assert 'File "hw3.py"' in failure.traceback and "in helper" in failure.traceback
    assert "grader" not in failure.traceback and str(tmp_path) not in failure.traceback


def test_a_wrong_predict_proba_is_not_charged_again_in_a_gradient_that_calls_it(tmp_path):
    """log_likelihood_gradient written with predict_proba, a wrong predict_proba: the gradient keeps its points."""
    source = (ROOT / "solutions" / "logistic.py").read_text()
    source = source.replace("    errors = y - sigmoid(X @ w)", "    errors = y - predict_proba(X, w)")
    source = source.replace("return np.asarray(sigmoid(X @ w), dtype=float)", "return np.asarray(sigmoid(-(X @ w)), dtype=float)")
    path = write(tmp_path, "sub/exercises/logistic.py", source)
    functions = by_name(grade_path(path.parent.parent, only={"log_likelihood_gradient", "predict_proba"}))
    assert functions["predict_proba"].status == "wrong"
    assert functions["log_likelihood_gradient"].status == "passed"


GRADIENT_WITH_LINK = """
def _gradient_with(link, X, y, w):
    X = _as_design(X)
    y = _as_labels(X, y)
    w = _as_weights(X, w)
    return X.T @ (y - link(X @ w))
"""


@pytest.mark.parametrize("held", [
    "def log_likelihood_gradient(X, y, w, link=sigmoid):\n    return _gradient_with(link, X, y, w)\n",
    "def log_likelihood_gradient(X, y, w, *, link=sigmoid):\n    return _gradient_with(link, X, y, w)\n",
    "def _made_with(link):\n    def log_likelihood_gradient(X, y, w):\n        return _gradient_with(link, X, y, w)\n"
    "    return log_likelihood_gradient\n\nlog_likelihood_gradient = _made_with(sigmoid)\n",
    "import functools\nlog_likelihood_gradient = functools.partial(_gradient_with, sigmoid)\n",
    "LINKS = {'logistic': sigmoid}\n\ndef log_likelihood_gradient(X, y, w):\n"
    "    return _gradient_with(LINKS['logistic'], X, y, w)\n",
    "LINKS = [sigmoid]\n\ndef log_likelihood_gradient(X, y, w):\n    return _gradient_with(LINKS[0], X, y, w)\n",
    "LINKS = (sigmoid,)\n\ndef log_likelihood_gradient(X, y, w):\n    return _gradient_with(LINKS[0], X, y, w)\n",
    "class _Link:\n    f = staticmethod(sigmoid)\n\ndef log_likelihood_gradient(X, y, w):\n"
    "    return _gradient_with(_Link.f, X, y, w)\n",
    "_wrong = sigmoid\n\nclass _Model:\n    def sigmoid(self, z):\n        return _wrong(z)\n\n"
    "    def log_likelihood_gradient(self, X, y, w):\n        return _gradient_with(self.sigmoid, X, y, w)\n\n"
    "_model = _Model()\nsigmoid = _model.sigmoid\nlog_likelihood_gradient = _model.log_likelihood_gradient\n",
], ids=["default", "keyword default", "closure", "partial", "dict", "list", "tuple", "class attribute", "method"])
def test_a_dependency_held_other_than_by_name_gets_its_stand_in(tmp_path, held):
    """A wrong sigmoid is charged to sigmoid only, however the gradient holds on to it."""
    source = (ROOT / "solutions" / "logistic.py").read_text()
    source = source.replace("result = np.where(", "result = 0.9 * np.where(", 1)
    source = source.replace("def log_likelihood_gradient(X, y, w):", "def _unused_gradient(X, y, w):")
    path = write(tmp_path, "sub/exercises/logistic.py", source + GRADIENT_WITH_LINK + held)
    functions = by_name(grade_path(path.parent.parent, only={"sigmoid", "log_likelihood_gradient"}))
    assert functions["sigmoid"].status == "wrong"
    assert functions["log_likelihood_gradient"].status == "passed", functions["log_likelihood_gradient"].failures


def test_every_function_is_graded_after_what_it_depends_on():
    """So that a function can try the student's own dependencies once they have passed."""
    from grader.engine import dependencies_first

    order = [exercise.target for exercise in dependencies_first(EXERCISES)]
    assert sorted(order) == sorted(exercise.target for exercise in EXERCISES)
    for exercise in EXERCISES:
        assert all(order.index(target) < order.index(exercise.target) for target in exercise.depends_on), exercise.name


def test_raising_valueerror_on_every_input_earns_nothing(tmp_path):
    """The points for rejecting bad input need good input accepted; a correct empty check keeps them."""
    always = write(tmp_path, "always.py", GOOD_MLE.replace("return float(y.mean())", "raise ValueError('no')")
                   .replace("        y = np.asarray(y, dtype=float)\n        if y.size == 0:", "        if True:"))
    function = by_name(grade_path(always, only=MLE))["bernoulli_mle"]
    assert function.points == 0 and not any(c.passed for c in function.checks)
    failure = next(f for f in function.failures if f.check == "raises ValueError")
    assert failure.call == "bernoulli_mle([0, 1, 1])" and "on good input too" in failure.reason
    floor = write(tmp_path, "floor.py", GOOD_MLE.replace("float(y.mean())", "float(y.sum() // y.size)"))
    function = by_name(grade_path(floor, only=MLE))["bernoulli_mle"]
    assert "raises ValueError" in [c.name for c in function.checks if c.passed] and function.points > 0


def test_a_recursions_traceback_folds_its_repeated_line(tmp_path):
    """A runaway recursion shows its line three times and a count, as Python's traceback does."""
    path = write(tmp_path, "hw3.py", GOOD_MLE.replace("return float(y.mean())", "return bernoulli_mle(y)"))
    functions = by_name(grade_path(path, only=MLE))
    failure = functions["bernoulli_mle"].failures[0]
    assert "RecursionError" in failure.reason
    repeated = '  File "hw3.py", line 15, in bernoulli_mle\n    return bernoulli_mle(y)\n'
    assert failure.traceback.count(repeated) == 3
    assert re.search(r"\n  \[Previous line repeated \d{2,} more times\]\nRecursionError: ", failure.traceback)


def test_scikit_learn_in_a_from_scratch_function_scores_zero(tmp_path):
    """A from-scratch function that hands its work to scikit-learn is told so and scores 0."""
    path = write(tmp_path, "lazy.py", GOOD_MLE.replace(
        "return float(y.mean())",
        "from sklearn.dummy import DummyClassifier\n"
        "    DummyClassifier().fit(np.zeros((y.size, 1)), y)\n"
        "    return float(y.mean())"))
    functions = by_name(grade_path(path, only=MLE))
    assert functions["bernoulli_mle"].status == "uses scikit-learn"
    assert "sklearn" in functions["bernoulli_mle"].detail
    assert functions["bernoulli_log_likelihood"].status == "passed"


def test_scikit_learn_entered_from_library_code_is_named_by_what_was_entered(tmp_path):
    """No line of the student's calls scikit-learn (NumPy calls it back): the message names its function."""
    path = write(tmp_path, "lazy.py", GOOD_MLE.replace(
        "return float(y.mean())",
        "from sklearn.utils.validation import column_or_1d\n"
        "    return float(np.apply_along_axis(column_or_1d, 0, y).mean())"))
    functions = by_name(grade_path(path, only=MLE))
    assert functions["bernoulli_mle"].status == "uses scikit-learn"
    assert "calls scikit-learn (sklearn.utils.validation.column_or_1d" in functions["bernoulli_mle"].detail


def test_scikit_learn_after_a_stand_in_call_is_still_seen(tmp_path):
    """The watch pauses while the grader answers a stand-in, and is back on for the student's next line."""
    source = (ROOT / "solutions" / "logistic.py").read_text(encoding="utf-8")
    cheat = source.replace(
        "        w = gradient_step(X, y, w, learning_rate)\n    return w",
        "        w = gradient_step(X, y, w, learning_rate)\n"
        "    from sklearn.utils import check_array\n"
        "    return check_array(w.reshape(1, -1)).ravel()")
    assert cheat != source
    functions = by_name(grade_path(write(tmp_path, "logistic.py", cheat), only={"fit"}))
    assert functions["fit"].status == "uses scikit-learn"
    assert "check_array" in functions["fit"].detail


def test_only_a_call_that_trips_the_wire_is_made_again_under_the_watch(tmp_path, monkeypatch):
    """The watch (a profile function, slow) runs only for the one call in which scikit-learn was seen."""
    from grader import engine

    watched = []
    send_call = engine.FunctionUnderTest._send_call

    def spy(self, function_name, unit_name, example, stand_ins, watch=False):
        watched.extend([function_name] if watch else [])
        return send_call(self, function_name, unit_name, example, stand_ins, watch)

    monkeypatch.setattr(engine.FunctionUnderTest, "_send_call", spy)
    functions = by_name(grade_path(write(tmp_path / "fine", "hw.py", GOOD_MLE), only=MLE))
    assert all(f.status == "passed" for f in functions.values()) and watched == []
    lazy = GOOD_MLE.replace("return float(y.mean())",
                            "from sklearn.metrics import accuracy_score\n"
                            "    return float(accuracy_score(y, np.ones_like(y)))")
    functions = by_name(grade_path(write(tmp_path / "lazy", "hw.py", lazy), only=MLE))
    assert functions["bernoulli_mle"].status == "uses scikit-learn"
    # Named by the watch with the student's own line, not scikit-learn's validation wrapper it entered first.
    detail = functions["bernoulli_mle"].detail
    assert "(at hw.py, line 16: `return float(accuracy_score(y, np.ones_like(y)))`)" in detail
    assert "_param_validation" not in detail and "config_context" not in detail
    # Once per grading of the function (first with the student's own bernoulli_log_likelihood, then with
    # the stand-in): the first call of each stops it.
    assert watched == ["bernoulli_mle", "bernoulli_mle"]


def test_the_trip_wire_notices_scikit_learn_and_a_replaced_wire():
    """NumPy alone leaves the wire intact; scikit-learn trips it; a wire the call took up counts as tripped."""
    import numpy as np
    import sklearn._config
    from sklearn.metrics import roc_curve

    from grader.child import _SklearnTripWire

    original = sklearn._config._get_threadlocal_config
    wire = _SklearnTripWire()
    try:
        assert wire.arm()
        np.cumsum(np.arange(4))
        assert wire.disarm() is False
        assert wire.arm()
        roc_curve([0, 1, 1], [0.2, 0.7, 0.4])
        assert wire.disarm() is True
        assert wire.arm()
        sklearn._config._get_threadlocal_config = original  # what a student who found the wire might do
        assert wire.disarm() is True
        assert sklearn._config._get_threadlocal_config is original
    finally:
        sklearn._config._get_threadlocal_config = original  # (the rest of the suite needs scikit-learn intact)


def test_unreadable_submission_is_a_row_not_a_crash(tmp_path):
    """A notebook that is not JSON becomes a grade with a clear reason."""
    path = tmp_path / "broken.ipynb"
    path.write_text("{ this is not json")
    grade = grade_path(path)
    assert grade.status == "unreadable" and grade.total == 0
    assert "not JSON" in grade.notes[0]


HASH_EXAMPLES = """
import hashlib, sys
sys.path.insert(0, {root!r})
{extra}
from grader import protocol
from grader.checks import check_seed, generated_examples
from grader.declaration import EXERCISES
digest = hashlib.sha256()
for exercise in EXERCISES[:3]:
    for check in exercise.checks:
        if check.strategy is not None:
            for example in generated_examples(check, check_seed(exercise.target, check.name)):
                digest.update(protocol.pack({{"op": "x", "args": list(example.args), "kwargs": example.kwargs}}))
print(digest.hexdigest())
"""


def test_generated_inputs_do_not_depend_on_the_process_or_folder(tmp_path):
    """The same inputs are drawn whatever else is imported and wherever the grader runs; nothing is written."""
    import subprocess
    import sys

    runs = []
    for folder, extra in ((tmp_path / "a", ""), (tmp_path / "b", "import grader.bulk, grader.release, grader.public")):
        folder.mkdir()
        code = HASH_EXAMPLES.format(root=str(ROOT), extra=extra)
        result = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        runs.append(result.stdout.strip())
        assert list(folder.iterdir()) == [], "Hypothesis wrote into the working folder"
    assert runs[0] == runs[1]


def test_the_checks_leave_nothing_in_the_temporary_folder(tmp_path):
    """Hypothesis's private folder goes when the process ends: every student's pytest and bulk worker makes one."""
    import os
    import subprocess
    import sys

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); import grader.checks"
    result = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, TMPDIR=str(scratch)),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert list(scratch.iterdir()) == []



def test_the_students_modules_are_found_again_when_more_are_imported(tmp_path, monkeypatch):
    import io
    import sys
    import types

    from grader import child

    server = child.Server(io.BytesIO(), io.BytesIO())
    server.root = str(tmp_path)
    first = types.ModuleType("lrg_test_first")
    first.__file__ = str(tmp_path / "first.py")
    library = types.ModuleType("lrg_test_library")
    library.__file__ = "/usr/lib/python3/library.py"
    monkeypatch.setitem(sys.modules, "lrg_test_first", first)
    monkeypatch.setitem(sys.modules, "lrg_test_library", library)
    assert first in server._student_modules() and library not in server._student_modules()
    second = types.ModuleType("lrg_test_second")
    second.__file__ = str(tmp_path / "sub" / "second.py")
    monkeypatch.setitem(sys.modules, "lrg_test_second", second)  # imported later (sys.modules grows)
    assert second in server._student_modules()
    again = types.ModuleType("lrg_test_first")  # the same name, another module object
    again.__file__ = str(tmp_path / "first.py")
    monkeypatch.setitem(sys.modules, "lrg_test_first", again)
    monkeypatch.setitem(sys.modules, "lrg_test_third", types.ModuleType("lrg_test_third"))  # (grows again)
    assert again in server._student_modules()


def test_the_child_snapshots_arguments_only_for_checks_that_read_them(monkeypatch):
    """Mutation and aliasing are observed when the call's ``inspects`` asks, and cost nothing otherwise."""
    import io
    import types

    import numpy as np

    from grader import child

    module = types.ModuleType("exercises.logistic")
    exec("def gradient_step(w):\n    w += 1.0\n    return w\n", module.__dict__)  # changes w and returns it
    server = child.Server(io.BytesIO(), io.BytesIO())
    server.modules["exercises.logistic"] = module
    sent = []
    monkeypatch.setattr(server, "send", sent.append)

    def call(inspects):
        server.op_call({"op": "call", "id": 1, "module": "exercises.logistic", "function": "gradient_step",
                        "args": [np.zeros(3)], "kwargs": {}, "inspects": inspects})
        return sent.pop()

    asked = call(["mutated", "aliased"])
    assert asked["outcome"] == "returned" and asked["mutated"] == [0] and asked["aliased"] == [0]
    monkeypatch.setattr(child, "_snapshot", lambda value: pytest.fail("snapshot taken though not asked for"))
    monkeypatch.setattr(child, "_aliases", lambda *a: pytest.fail("aliasing looked at though not asked for"))
    plain = call([])
    assert plain["outcome"] == "returned" and "mutated" not in plain and "aliased" not in plain


def _package_of_references(folder, **changes):
    """An exercises/ package of the references, with ``changes[module]`` = [(old, new), ...] applied."""
    package = folder / "exercises"
    for source in (ROOT / "solutions").glob("*.py"):
        text = source.read_text()
        for old, new in changes.get(source.stem, ()):
            assert old in text
            text = text.replace(old, new)
        write(package, source.name, text)
    return folder


@pytest.mark.parametrize("imports, prefix", [("from evaluation import roc_curve, auc", ""),
                                             ("import evaluation", "evaluation.")])
def test_a_dependency_imported_by_its_short_name_is_charged_once(tmp_path, imports, prefix):
    """``from evaluation import auc`` (the package folder is on sys.path) gets the grader's stand-in too.

    Without it the short name imports a second copy of evaluation.py, and
    auc_by_C, built on the student's wrong auc, would lose points for it.
    """
    path = _package_of_references(tmp_path / "sub", evaluation=[(
        "np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0)", "np.sum(np.diff(y) * (x[1:] + x[:-1]) / 2.0)")],
        sklearn_models=[
            ("from sklearn.metrics import roc_auc_score", f"from sklearn.metrics import roc_auc_score\n{imports}"),
            ("float(roc_auc_score(y_test, sklearn_predict_proba(X_train, y_train, X_test, C)))",
             f"float({prefix}auc(*{prefix}roc_curve(np.asarray(y_test), "
             "sklearn_predict_proba(X_train, y_train, X_test, C))[:2]))")])
    functions = by_name(grade_path(path, only={"auc", "auc_by_C"}))
    assert functions["auc"].status != "passed"
    assert functions["auc_by_C"].status == "passed", functions["auc_by_C"].failures[:1]


def _graded_with(monkeypatch):
    """Record each grading pass: (function, stand-in targets, first pass with the student's own dependencies)."""
    from grader import engine

    passes, run_checks = [], engine._run_checks

    def spy(session, exercise, unit_name, limits, oracle, stream, stand_ins, until_failure=False):
        passes.append((exercise.name, tuple(target for target, _, _ in stand_ins), until_failure))
        return run_checks(session, exercise, unit_name, limits, oracle, stream, stand_ins, until_failure)

    monkeypatch.setattr(engine, "_run_checks", spy)
    return passes


def test_a_function_whose_dependencies_passed_is_kept_from_a_pass_with_them(tmp_path, monkeypatch):
    """sigmoid passed, so predict_proba is graded with the student's sigmoid, once, and passes."""
    passes = _graded_with(monkeypatch)
    grade = grade_path(_package_of_references(tmp_path), only={"sigmoid", "predict_proba", "auc_by_C"})
    assert all(f.status == "passed" for f in grade.functions)
    assert passes == [("sigmoid", (), False), ("predict_proba", (), True),
                      ("auc_by_C", ("sklearn_models.sklearn_predict_proba", "evaluation.roc_curve",
                                    "evaluation.auc", "evaluation.confusion_matrix"),
                       False)]  # (its stand-ins spare scikit-learn fits)


@pytest.mark.parametrize("changes", [
    {"logistic": [("for _ in range(int(n_iterations)):", "for _ in range(int(n_iterations) + 1):")]},  # fit wrong
    {"logistic": [("def sigmoid(z):\n", "def sigmoid(z):\n    print('sigmoid')\n")]},  # prints, else right
])
def test_a_failure_or_output_with_own_dependencies_is_graded_again_with_stand_ins(tmp_path, monkeypatch, changes):
    """The first pass stops at its first failure (or any output); the report is the stand-ins' own.

    It equals the report of grading the function alone, where its
    dependencies are not graded and so always get stand-ins.
    """
    path = _package_of_references(tmp_path, **changes)
    names = {"sigmoid", "predict_proba", "log_likelihood_gradient", "gradient_step", "log_likelihood", "fit"}
    alone = by_name(grade_path(path, only={"fit"}))["fit"]
    passes = _graded_with(monkeypatch)
    graded = by_name(grade_path(path, only=names))
    fit_passes = [p for p in passes if p[0] == "fit"]
    assert fit_passes == [("fit", (), True), ("fit", ("logistic.gradient_step", "logistic.log_likelihood_gradient",
                                                      "logistic.log_likelihood", "logistic.sigmoid",
                                                      "logistic.predict_proba"), False)]
    assert graded["fit"] == alone
