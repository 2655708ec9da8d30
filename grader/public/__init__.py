"""The public checks: what a student's ``pytest`` runs in the handout.

A declaration like the hidden one (the same :class:`~grader.declaration.Exercise`,
:class:`~grader.checks.Check` and :class:`~grader.declaration.Mistake`), one
exercise per contract function, run by the same engine in the same kind of
child process, but needing no reference solution: its checks are properties
(range, symmetry, monotonicity, shapes, inputs unchanged, duplicated data,
invariance to sample order and to increasing transforms of scores),
comparisons with scikit-learn, NumPy and SciPy, the student's own other
functions (``function.other``), and a few hand-computed examples. Grade with::

    grade_path(path, student, exercises=grader.public.EXERCISES)

It ships in the handout, so it must hold no answer: no reference, no hidden
check, no expected value that is not computed from a library, a property or
a hand-worked example. And it agrees in direction with the hidden suite:
whatever passes every hidden check passes every public check (tolerances are
never stricter than the hidden ones); the project's tests show it on the
references and on the correct variants of the test corpus.
"""

from grader.contract import MODULES

# Built on first use (PEP 562): the handout's pytest plugin lives in this package, and
# importing the declarations (Hypothesis, NumPy) must not delay the start of the checks' zygote.
_LAZY = ("EXERCISES", "FUNCTION_NAMES", "TOTAL_POINTS")


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name in globals():  # built already
        return globals()[name]
    from grader.public import evaluation, linear_gd, logistic, mle, sklearn_models
    from grader.public.common import for_students

    by_module = {"mle": mle, "linear_gd": linear_gd, "logistic": logistic, "evaluation": evaluation,
                 "sklearn_models": sklearn_models}
    exercises = tuple(for_students(exercise) for module in MODULES for exercise in by_module[module].EXERCISES)
    globals().update(EXERCISES=exercises, FUNCTION_NAMES=tuple(e.name for e in exercises),
                     TOTAL_POINTS=sum(e.points for e in exercises))
    return globals()[name]


def exercise(name):
    """The public exercise for a function name (``"sigmoid"``)."""
    for candidate in __getattr__("EXERCISES"):
        if candidate.name == name:
            return candidate
    raise KeyError(name)
