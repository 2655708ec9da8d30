"""The stubs in exercises/ match the references in solutions/ and do nothing but raise NotImplementedError."""

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from grader.stubgen import MODULES, stub_source

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["mle", "linear_gd", "logistic", "evaluation", "sklearn_models"]


def modules(name):
    """The (stub, reference) module pair for one exercise module."""
    return importlib.import_module(f"exercises.{name}"), importlib.import_module(f"solutions.{name}")


def public_functions(module):
    """Names of the functions defined in the module itself (not imported) whose names do not start with '_'."""
    return sorted(
        name
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_")
    )


def test_the_five_modules_are_generated():
    """The generator covers exactly the five exercise modules of the contract."""
    assert sorted(MODULES) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_same_public_functions(name):
    """Stub and reference share one __all__, and it lists exactly the public functions each defines."""
    stub, reference = modules(name)
    assert list(stub.__all__) == list(reference.__all__)
    assert public_functions(stub) == sorted(stub.__all__)
    assert public_functions(reference) == sorted(reference.__all__)


@pytest.mark.parametrize("name", NAMES)
def test_same_signatures_and_docstrings(name):
    """Each public function has an identical inspect.signature and docstring in stub and reference,
    the docstring is not empty, and the module docstrings are identical."""
    stub, reference = modules(name)
    assert stub.__doc__ == reference.__doc__ and reference.__doc__
    for function_name in reference.__all__:
        stub_function, reference_function = getattr(stub, function_name), getattr(reference, function_name)
        assert inspect.signature(stub_function) == inspect.signature(reference_function), function_name
        assert stub_function.__doc__ == reference_function.__doc__, function_name
        assert reference_function.__doc__ and reference_function.__doc__.strip(), function_name


def stub_cases():
    """(module, function) for every public function of every stub module."""
    return [(name, function) for name in NAMES for function in importlib.import_module(f"exercises.{name}").__all__]


@pytest.mark.parametrize(("name", "function_name"), stub_cases())
def test_stub_raises_not_implemented_naming_the_function(name, function_name):
    """Calling a stub (with placeholder arguments for its required parameters) raises NotImplementedError
    whose message names the function."""
    stub, _ = modules(name)
    function = getattr(stub, function_name)
    required = [
        p for p in inspect.signature(function).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    with pytest.raises(NotImplementedError) as raised:
        function(*[[[0.0]] for _ in required])
    assert function_name in str(raised.value)


@pytest.mark.parametrize("name", NAMES)
def test_stub_bodies_hold_no_solution(name):
    """Every function in a stub file is its docstring plus one `raise NotImplementedError(...)`, and the
    file has no private helpers (they belong to one possible answer)."""
    tree = ast.parse((ROOT / "exercises" / f"{name}.py").read_text(encoding="utf-8"))
    functions = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    assert functions
    for node in functions:
        assert not node.name.startswith("_"), node.name
        assert len(node.body) == 2, node.name
        docstring, statement = node.body
        assert isinstance(docstring, ast.Expr) and isinstance(docstring.value, ast.Constant)
        assert isinstance(statement, ast.Raise) and isinstance(statement.exc, ast.Call)
        assert isinstance(statement.exc.func, ast.Name) and statement.exc.func.id == "NotImplementedError"


@pytest.mark.parametrize("name", NAMES)
def test_committed_stub_is_up_to_date(name):
    """grader.stubgen.stub_source applied to solutions/<name>.py reproduces exercises/<name>.py exactly,
    so a stub left stale after a change to its reference fails here (fix: `python -m grader.stubgen`)."""
    reference_source = (ROOT / "solutions" / f"{name}.py").read_text(encoding="utf-8")
    committed = (ROOT / "exercises" / f"{name}.py").read_text(encoding="utf-8")
    assert stub_source(reference_source) == committed, f"exercises/{name}.py is stale: run `python -m grader.stubgen`"


def test_exercises_package_exists():
    """exercises/ is an importable package with an __init__.py, like solutions/."""
    assert (ROOT / "exercises" / "__init__.py").is_file()
    assert (ROOT / "solutions" / "__init__.py").is_file()
