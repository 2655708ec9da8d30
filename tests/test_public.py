"""The public checks: complete, reference-free, and never stricter than the hidden suite.

"Never stricter" is shown where it can be: the references and every correct
variant of the test corpus (each passes every hidden check) pass every public
check. And one mistake is charged once here too: a known mistake from the
corpus costs public points on its own function only.
"""

import ast
from pathlib import Path

import pytest

from corpus_harness import build, correct_files, mistake_files, parse_mistake_name
from grader import contract, public
from grader.engine import grade_path

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_DIR = ROOT / "grader" / "public"


def test_one_exercise_per_contract_function_in_order():
    assert [(e.module, e.name) for e in public.EXERCISES] == [(m, n) for m, n, _ in contract.FUNCTIONS]
    assert public.FUNCTION_NAMES == contract.FUNCTION_NAMES


def test_points_add_up():
    """100 public points in all; each function's checks add up to its points."""
    assert public.TOTAL_POINTS == 100
    for exercise in public.EXERCISES:
        assert abs(sum(c.points for c in exercise.checks) - exercise.points) < 1e-9, exercise.name


def test_public_points_mirror_the_graded_points():
    """The table a student sees gives each function the weight it has in the grade."""
    from grader.declaration import EXERCISES

    assert {e.name: e.points for e in public.EXERCISES} == {e.name: e.points for e in EXERCISES}


def test_every_check_states_its_property_and_hint():
    for exercise in public.EXERCISES:
        assert len({c.name for c in exercise.checks}) == len(exercise.checks), exercise.name
        assert any(c.kind == "value" for c in exercise.checks), exercise.name
        for check in exercise.checks:
            assert check.statement and check.hint, (exercise.name, check.name)
            assert check.strategy is not None or check.examples, (exercise.name, check.name)


@pytest.mark.parametrize("path", sorted(PUBLIC_DIR.glob("*.py")), ids=lambda p: p.name)
def test_public_checks_import_no_reference_and_no_hidden_check(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
    forbidden = {name for name in imported
                 if name.startswith(("solutions", "grader.references", "grader.declaration."))
                 and name not in ("grader.declaration.Exercise", "grader.declaration.Mistake")}
    assert not forbidden


def test_stubs_are_not_implemented(tmp_path):
    grade = grade_path(ROOT / "exercises", "stubs", exercises=public.EXERCISES)
    assert {f.status for f in grade.functions} == {"not implemented"}
    assert grade.total == 0


@pytest.mark.slow
def test_references_pass_every_public_check():
    grade = grade_path(ROOT / "solutions", "references", exercises=public.EXERCISES)
    failed = [(f.name, f.status, f.detail, [(x.check, x.call, x.reason) for x in f.failures])
              for f in grade.functions if f.status != "passed"]
    assert not failed
    assert grade.total == 100


def _module_functions(path):
    module = Path(path).parent.name
    return [name for owner, name, _ in contract.FUNCTIONS if owner == module]


def _affected_by(function):
    """The function and every function that (transitively) may call it, by the hidden declaration."""
    from grader.declaration import EXERCISES

    names, changed = {function}, True
    while changed:
        changed = False
        for exercise in EXERCISES:
            if exercise.name not in names and any(t.split(".")[1] in names for t in exercise.depends_on):
                names.add(exercise.name)
                changed = True
    return names


@pytest.mark.slow
@pytest.mark.parametrize("path", correct_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_variants_pass_every_public_check(path, tmp_path):
    """Each correct variant passes every hidden check (test_corpus), so it must pass every public one."""
    grade = grade_path(build(path, tmp_path / "sub"), "student", exercises=public.EXERCISES,
                       only=_module_functions(path))
    failed = [(f.name, f.status, f.detail, [(x.check, x.call, x.reason) for x in f.failures])
              for f in grade.functions if f.status != "passed"]
    assert not failed


@pytest.mark.slow
@pytest.mark.parametrize("path", mistake_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_mistake_costs_public_points_on_its_own_function_only(path, tmp_path):
    function, _ = parse_mistake_name(path)
    grade = grade_path(build(path, tmp_path / "sub"), "student", exercises=public.EXERCISES,
                       only=_affected_by(function))
    others = [(f.name, f.status, [(x.check, x.call, x.reason) for x in f.failures])
              for f in grade.functions if f.name != function and f.status != "passed"]
    assert not others
