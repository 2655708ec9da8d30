"""Known mistakes lose points on their own function only, with their hint; correct variants score 100."""

import ast

import pytest

from corpus_harness import build, correct_files, mistake_files, parse_mistake_name
from grader.declaration import EXERCISES
from grader.engine import grade_path
from golden_verdicts import assert_golden, grade_text


def affected_by(function):
    """The function and every function that (transitively) may call it."""
    names = {function}
    changed = True
    while changed:
        changed = False
        for exercise in EXERCISES:
            if exercise.name not in names and any(t.split(".")[1] in names for t in exercise.depends_on):
                names.add(exercise.name)
                changed = True
    return names

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", mistake_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_mistake_is_charged_to_its_function_with_its_hint(path, tmp_path):
    function, key = parse_mistake_name(path)
    # Only functions that may call the wrong one can be affected by it.
    grade = grade_path(build(path, tmp_path / "sub"), "student", only=affected_by(function))
    by_name = {f.name: f for f in grade.functions}
    wrong = by_name[function]
    assert wrong.points < wrong.max_points, f"{function} kept all its points"
    others = [f"{f.name}: {f.status} {f.points}/{f.max_points}" for f in grade.functions
              if f.name != function and f.points != f.max_points]
    assert not others, f"other functions lost points: {others}"
    keys = [failure.mistake for failure in wrong.failures]
    assert key in keys, f"expected mistake {key!r}; failures recognised {keys} ({wrong.status}: {wrong.detail})"
    assert_golden(f"corpus/mistakes/{path.parent.name}/{path.stem}.json", grade_text(grade))


@pytest.mark.parametrize("path", correct_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_variant_scores_full_marks(path, tmp_path):
    # Functions the file does not touch are the references, which score full
    # marks (test_engine); grade what the file defines and what calls it.
    defined = {n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)}
    touched = set().union(*(affected_by(name) for name in defined))
    grade = grade_path(build(path, tmp_path / "sub"), "student", only=touched)
    lost = [(f.name, f.status, f.points, f.detail, [(x.check, x.call, x.reason) for x in f.failures])
            for f in grade.functions if f.points != f.max_points]
    assert not lost
    assert grade.total == sum(e.points for e in EXERCISES if e.name in touched)
    assert_golden(f"corpus/correct/{path.parent.name}/{path.stem}.json", grade_text(grade))
