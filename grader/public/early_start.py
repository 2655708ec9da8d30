"""Start the handout's checks before scikit-learn is imported.

Importing scikit-learn takes about a second, and until it is done no child
forked from the zygote can load a module that imports it. Most exercises
need only NumPy, so the handout grades in two children: one started afresh
at once for the functions whose modules import nothing heavier than NumPy
and the standard library, and one forked from the pre-imported zygote, once
it is ready, for the rest. The first finishes while the second waits, so the
student's ``pytest`` ends about when the scikit-learn functions are done.

Which child grades a function changes when its verdict arrives, never the
verdict: both run the same checks on the same submission with the same
confinement (only code that relies on what another function's calls left
behind in a module could tell, and the engine restarts children anyway).
The split reads the submission's ``import`` lines as text
(nothing is executed); when in doubt a module counts as heavy.
"""

import re
import sys
from pathlib import PurePosixPath

from grader import contract, sandbox
from grader.engine import grade_path
from grader.results import Grade, overall_status
from grader.submission import read_submission

# Top-level packages a module may import and still be graded before the zygote is ready.
LIGHT_PACKAGES = frozenset(sys.stdlib_module_names) | {"numpy", "exercises"}
# Import statements as written on a line of their own: prose in a docstring ("from the data...") is not one.
_NAME = r"[A-Za-z_][\w.]*"
_FROM = re.compile(rf"^[ \t]*from[ \t]+(\.*{_NAME}|\.+)[ \t]+import[ \t]+([^#\n]*)", re.MULTILINE)
_ALIASED = rf"{_NAME}(?:[ \t]+as[ \t]+\w+)?"
_IMPORT = re.compile(rf"^[ \t]*import[ \t]+({_ALIASED}(?:[ \t]*,[ \t]*{_ALIASED})*)[ \t]*(?:#.*)?$", re.MULTILINE)


class FreshChildLauncher(sandbox.Launcher):
    """The base launcher, but each child is a fresh interpreter, never forked from the zygote."""

    @property
    def uses_zygote(self):
        return False


def imported_packages(source):
    """The top-level names a module's source imports, read from its ``import`` lines (anywhere in the file).

    Parameters
    ----------
    source : str

    Returns
    -------
    set of str
        ``from .logistic import f``, ``from exercises.logistic import f`` and
        ``from . import logistic`` give ``"logistic"``; ``""`` stands for
        names that could not be read (a module importing it counts as heavy).
    """
    names = set()
    source = source.replace(";", "\n")  # one statement per line (a ; in a string can only add names)
    statements = _FROM.findall(source) + [(None, imported) for imported in _IMPORT.findall(source)]
    for package, imported in statements:
        listed = [part.split()[0] for part in imported.strip("() \t").split(",") if part.split()]
        if package is None:  # import a, b.c as d
            candidates = listed
        elif package.strip(".") in ("", "exercises"):  # from . import logistic: the names are modules
            candidates = listed or [""]
        else:
            candidates = [package]
        for candidate in candidates:
            parts = candidate.lstrip(".").split(".")
            if parts[0] == "exercises" and len(parts) > 1:  # the package the handout's modules live in
                parts = parts[1:]
            names.add(parts[0])
    return names


def heavy_modules(submission):
    """The exercise modules whose loading imports more than NumPy and the standard library.

    A module that imports one of the submission's own files is as heavy as
    that file (followed to any depth).

    Parameters
    ----------
    submission : grader.submission.Submission

    Returns
    -------
    set of str
        Exercise module names (``"sklearn_models"``, ...).
    """
    # What each importable name imports: every staged file by its name, then each exercise module by the
    # unit it is read from (its own file, one file holding every function, or a notebook's cells).
    own = {PurePosixPath(staged).stem: imported_packages(data.decode("utf-8", "replace"))
           for staged, data in submission.files.items() if staged.endswith(".py")}
    for unit in submission.units:
        if unit.cells is not None:
            packages = imported_packages("\n".join(unit.cells))
        else:
            packages = own.get(PurePosixPath(unit.file).stem, set())
        own.update({module: packages for module in unit.provides})
    heavy = set()
    changed = True
    while changed:  # until no module becomes heavy through another
        changed = False
        for module, packages in own.items():
            if module not in heavy and any(p in heavy or (p not in own and p not in LIGHT_PACKAGES)
                                           for p in packages):
                heavy.add(module)
                changed = True
    return heavy


def grade(path, student, exercises):
    """Grade ``exercises`` on the submission at ``path`` in two children: the light ones first, at once.

    Parameters
    ----------
    path : Path
        A submission folder, ``.py`` file or notebook.
    student : str
    exercises : sequence of Exercise
        At least one.

    Returns
    -------
    Grade
        The same as ``grade_path(path, student, exercises=exercises)``.
    """
    light, heavy = split(path, exercises)
    return merge([grade_path(path, student, exercises=chosen, launcher=launcher)
                  for chosen, launcher in ((light, FreshChildLauncher()), (heavy, None)) if chosen])


def split(path, exercises):
    """(light, heavy): the exercises a fresh child can grade at once, and those for the zygote's child.

    An exercise is heavy when its module or a module it depends on is heavy,
    or when the submission cannot be read (the engine explains why, once).
    """
    try:
        heavy = heavy_modules(read_submission(path))
    except Exception:  # noqa: BLE001 - the split only decides how fast: anything odd goes whole to one child
        return [], list(exercises)
    light, rest = [], []
    for exercise in exercises:
        modules = {exercise.module} | {target.split(".")[0] for target in exercise.depends_on}
        (rest if modules & heavy else light).append(exercise)
    return light, rest


def merge(grades):
    """One Grade from the grades of disjoint sets of functions of one submission (at least one), in contract order."""
    order = {name: index for index, name in enumerate(contract.FUNCTION_NAMES)}
    functions = sorted((f for grade in grades for f in grade.functions), key=lambda f: order.get(f.name, len(order)))
    notes = list(dict.fromkeys(note for grade in grades for note in grade.notes))
    unreadable = next((grade.status for grade in grades if grade.status == "unreadable"), None)
    return Grade(grades[0].student, functions, notes, overall_status(functions, unreadable), grades[0].source,
                 confinement=sorted({layer for grade in grades for layer in grade.confinement}))
