"""The one declaration of the exercises: every function, its points, checks and hints.

Each exercise module has its own file here (``mle.py``, ``linear_gd.py``,
``logistic.py``, ``evaluation.py``, ``sklearn_models.py``) declaring its
functions as :class:`Exercise` values. :data:`EXERCISES` lists all eighteen
in the order of the exercise contract. The engine, the reports, the handout
and the tests all read this, and nothing else, to know what is graded.
"""

from dataclasses import dataclass

from grader.submission import MODULES


@dataclass(frozen=True)
class Mistake:
    """A known mistake and the hint that answers it.

    Attributes
    ----------
    key : str
        Short identifier, unique within the function.
    hint : str
        What to tell a student who made it (without giving the answer away).
    model : callable, optional
        A wrong implementation: called with a failing example's arguments, it
        returns what the mistake would return. A failure whose value matches
        it is answered with ``hint``.
    error : str, optional
        A regular expression; a crash whose traceback matches it is answered
        with ``hint``.
    """

    key: str
    hint: str
    model: object = None
    error: str = None


@dataclass(frozen=True)
class Exercise:
    """One function of the contract, as graded.

    Attributes
    ----------
    module : str
        The exercise module (``"logistic"``).
    name : str
        The function (``"sigmoid"``).
    points : float
        Its share of the 100 points; equals the sum of its checks' points.
    checks : tuple of Check
        Run in order.
    depends_on : tuple of str
        Contract functions (``"logistic.sigmoid"``) it may call. While it is
        graded, the student's own versions of these are replaced by
        stand-ins that answer with the grader's values, so a mistake in one
        of them is not charged again here.
    mistakes : tuple of Mistake
        Known mistakes with their hints.
    own_dependencies_first : bool
        When every dependency passed all its checks, first grade this
        function with the student's own dependencies, no stand-ins (see
        ``engine.grade_function``). False where a stand-in's answer is
        cheaper than the dependency itself (a scikit-learn fit).
    """

    module: str
    name: str
    points: float
    checks: tuple
    depends_on: tuple = ()
    mistakes: tuple = ()
    own_dependencies_first: bool = True

    @property
    def target(self):
        """``"module.function"``."""
        return f"{self.module}.{self.name}"

    def mistake(self, key):
        """The mistake with this key, or None."""
        return next((m for m in self.mistakes if m.key == key), None)


def _collect():
    from grader.declaration import evaluation, linear_gd, logistic, mle, sklearn_models

    by_module = {
        "mle": mle.EXERCISES,
        "linear_gd": linear_gd.EXERCISES,
        "logistic": logistic.EXERCISES,
        "evaluation": evaluation.EXERCISES,
        "sklearn_models": sklearn_models.EXERCISES,
    }
    return tuple(exercise for module in MODULES for exercise in by_module[module])


EXERCISES = _collect()
FUNCTION_NAMES = tuple(exercise.name for exercise in EXERCISES)
TOTAL_POINTS = sum(exercise.points for exercise in EXERCISES)


def exercise(name):
    """The exercise for a function name (``"sigmoid"``) or target (``"logistic.sigmoid"``)."""
    short = name.split(".")[-1]
    for candidate in EXERCISES:
        if candidate.name == short:
            return candidate
    raise KeyError(name)
