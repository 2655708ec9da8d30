"""The handout grades in two children (grader/public/early_start.py): it changes when, never what.

Functions whose modules import nothing heavier than NumPy are graded in a
fresh child at once; the rest in a child forked from the zygote once it has
imported scikit-learn. The tests show which module goes where, for every way
a submission can be laid out, and that the merged grade is the grade a
single child gives.
"""

import shutil
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from grader import public
from grader.engine import grade_path
from grader.public import early_start
from grader.submission import read_submission

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "mistakes"


def _reference_plus(module, text):
    """The reference source of ``module`` with ``text`` added at the end."""
    return (ROOT / "solutions" / f"{module}.py").read_text(encoding="utf-8") + "\n" + text


def _package(folder, **sources):
    """An exercises/ folder with the references, some modules replaced by ``sources``."""
    target = folder / "exercises"
    shutil.copytree(ROOT / "solutions", target, ignore=shutil.ignore_patterns("__pycache__"))
    for name, text in sources.items():
        (target / f"{name}.py").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("source, expected", [
    ("import numpy as np\n", {"numpy"}),
    ("import os, sys as system, numpy.linalg\n", {"os", "sys", "numpy"}),
    ("from sklearn.linear_model import LogisticRegression\n", {"sklearn"}),
    ("def f():\n    from scipy.special import expit  # a late import counts too\n", {"scipy"}),
    ("from .logistic import sigmoid\nfrom exercises.evaluation import auc\nfrom . import mle as m, linear_gd\n",
     {"logistic", "evaluation", "mle", "linear_gd"}),
    ("from exercises import (\n    sklearn_models,\n)\n", {""}),
    ("from numpy import (\n    exp,\n    log,\n)\n", {"numpy"}),
    ("x = 1  # import sklearn is only a comment here\n", set()),
    # Prose is not an import, unless a line reads exactly like one; then it can only add a name (heavier).
    ('"""Fit the model.\n\nfrom the data given, import the weights and\nimport them\n"""\n', {"them"}),
    ("import numpy as np; import sklearn\n", {"numpy", "sklearn"}),
])
def test_imported_packages_reads_every_form_of_import(source, expected):
    assert early_start.imported_packages(source) == expected


def test_only_the_module_that_imports_scikit_learn_is_heavy(tmp_path):
    submission = read_submission(_package(tmp_path))
    assert early_start.heavy_modules(submission) == {"sklearn_models"}


def test_any_library_beyond_numpy_makes_a_module_heavy(tmp_path):
    logistic = _reference_plus("logistic", "from scipy.special import expit\n")
    submission = read_submission(_package(tmp_path, logistic=logistic))
    assert early_start.heavy_modules(submission) == {"logistic", "sklearn_models"}


def test_importing_a_heavy_module_of_ones_own_is_heavy_to_any_depth(tmp_path):
    helper = "import pandas as pd\n"
    middle = "from .helper import pd\n"
    mle = _reference_plus("mle", "from exercises.middle import pd\n")
    submission = read_submission(_package(tmp_path, helper=helper, middle=middle, mle=mle))
    assert early_start.heavy_modules(submission) >= {"helper", "middle", "mle", "sklearn_models"}
    assert not early_start.heavy_modules(submission) & {"linear_gd", "logistic", "evaluation"}


def test_one_file_or_one_notebook_holding_every_function_is_heavy_when_it_imports_scikit_learn(tmp_path):
    single = tmp_path / "everything.py"
    single.write_text("import numpy as np\nfrom sklearn.metrics import roc_auc_score\n")
    assert early_start.heavy_modules(read_submission(single)) >= {"mle", "sklearn_models"}
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import numpy as np"), nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "light.ipynb"
    nbformat.write(notebook, str(path))
    assert early_start.heavy_modules(read_submission(path)) == set()


def test_an_import_whose_names_cannot_be_read_makes_a_module_heavy(tmp_path):
    evaluation = _reference_plus("evaluation", "from . import (\n    logistic,\n)\n")
    submission = read_submission(_package(tmp_path, evaluation=evaluation))
    assert early_start.heavy_modules(submission) == {"evaluation", "sklearn_models"}


def test_split_follows_the_dependencies_and_keeps_the_order(tmp_path):
    helper = "import pandas\n"
    logistic = _reference_plus("logistic", "from .helper import pandas\n")
    path = _package(tmp_path, helper=helper, logistic=logistic)
    light, heavy = early_start.split(path, public.EXERCISES)
    assert [e.name for e in light] == ["bernoulli_log_likelihood", "bernoulli_mle", "mse", "mse_gradient",
                                       "linear_regression_gd", "confusion_matrix", "roc_curve", "auc"]
    assert {e.module for e in heavy} == {"logistic", "sklearn_models"}
    # A function whose stand-ins come from a heavy module is graded with that module.
    mse = replace(public.exercise("mse"), depends_on=("logistic.sigmoid",))
    assert early_start.split(path, [mse]) == ([], [mse])


def test_an_unreadable_submission_goes_whole_to_one_child(tmp_path):
    light, heavy = early_start.split(tmp_path / "nothing-here", public.EXERCISES)
    assert light == [] and list(heavy) == list(public.EXERCISES)
    grade = early_start.grade(tmp_path / "nothing-here", "you", public.EXERCISES)
    assert grade.status == "unreadable" and len(grade.notes) == 1


def _wrong(function):
    return next((CORPUS).glob(f"*/{function}__*.py")).read_text(encoding="utf-8")


@pytest.mark.slow
def test_two_children_give_the_grade_of_one(tmp_path):
    """Mistakes on both sides, a module that cannot be imported, a light module made heavy: the same grade."""
    sources = {
        "mle": "import scipy.special\n" + _reference_plus("mle", ""),  # graded in the zygote's child
        "logistic": _reference_plus("logistic", _wrong("sigmoid")),
        "evaluation": _reference_plus("evaluation", "raise RuntimeError('left over')\n"),
        "sklearn_models": _reference_plus("sklearn_models", _wrong("auc_by_C")),
    }
    path = _package(tmp_path / "submission", **sources)
    light, heavy = early_start.split(path, public.EXERCISES)
    assert {e.module for e in light} == {"linear_gd", "logistic", "evaluation"}
    assert {e.module for e in heavy} == {"mle", "sklearn_models"}
    one_child = grade_path(path, "you", exercises=public.EXERCISES)
    two_children = early_start.grade(path, "you", public.EXERCISES)
    assert two_children == one_child
    statuses = {f.name: f.status for f in two_children.functions}
    assert statuses["sigmoid"] == "wrong" and statuses["auc_by_C"] == "wrong"
    assert statuses["auc"] == "import error" and statuses["bernoulli_mle"] == "passed"
