"""The handout: built by `python -m grader release`, free of any answer, and `pytest` in it teaches.

The end-to-end tests set up a fresh virtual environment with the handout's own
instruction (``python -m pip install -r requirements.txt``); it inherits this
interpreter's packages (``--system-site-packages``), so nothing is downloaded.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import contract, release
from grader.release import ReleaseError, build_handout

ROOT = Path(__file__).resolve().parent.parent
MIN_LINE = 16  # shorter lines (`return w`, `X = _as_design(X)`) say nothing about an answer
BINARY_SUFFIXES = {".pyc", ".pyo", ".pkl", ".pickle", ".npy", ".npz", ".joblib", ".so", ".zip", ".db"}


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    return build_handout(tmp_path_factory.mktemp("release") / "handout")


def files_of(folder):
    return sorted(p for p in Path(folder).rglob("*") if p.is_file())


def _body_lines(path):
    """Stripped source lines of every function body in ``path``, docstrings left out."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef):
            continue
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
            body = body[1:]
        if body:
            found |= {line.strip() for line in lines[body[0].lineno - 1: body[-1].end_lineno]}
    return found


def reference_lines():
    """Distinctive lines of the references' function bodies (code and comments) that no stub holds."""
    stub_lines = {line.strip() for p in (ROOT / "exercises").glob("*.py")
                  for line in p.read_text(encoding="utf-8").splitlines()}
    lines = set()
    for path in (ROOT / "solutions").glob("*.py"):
        lines |= _body_lines(path)
    return {line for line in lines if len(line) >= MIN_LINE and line not in stub_lines}


def hidden_check_lines():
    """Lines of the hidden declaration modules that involve the references."""
    lines = set()
    for path in (ROOT / "grader" / "declaration").glob("*.py"):
        if path.name == "__init__.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if len(stripped) >= MIN_LINE and re.search(r"\bref_\w+|references\.", stripped):
                lines.add(stripped)
    return lines


def hidden_statements():
    """The statements of the hidden checks that do not also run in the handout."""
    from grader.declaration import EXERCISES

    return {check.statement for exercise in EXERCISES for check in exercise.checks if not check.public}


def test_handout_holds_what_a_student_needs(handout):
    names = {p.relative_to(handout).as_posix() for p in files_of(handout)}
    for module in contract.MODULES:
        assert f"exercises/{module}.py" in names
        assert f"tests/test_{module}.py" in names
    for required in ("README.md", "requirements.txt", "pyproject.toml", "conftest.py", "lessons/course_data.py",
                     "feedback/grader/engine.py", "feedback/grader/child.py", "feedback/grader/public/plugin.py"):
        assert required in names
    assert len([n for n in names if n.startswith("lessons/") and n.endswith(".ipynb")]) == len(contract.MODULES)
    for stub in (ROOT / "exercises").glob("*.py"):
        assert (handout / "exercises" / stub.name).read_bytes() == stub.read_bytes()


def test_one_test_per_function(handout):
    tests = {}
    for module in contract.MODULES:
        tree = ast.parse((handout / "tests" / f"test_{module}.py").read_text(encoding="utf-8"))
        tests[module] = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert tests == {module: [f"test_{name}" for owner, name, _ in contract.FUNCTIONS if owner == module]
                     for module in contract.MODULES}


def test_no_reference_solution_in_any_file(handout):
    secrets = reference_lines()
    assert len(secrets) > 50  # the scan has something to look for
    leaks = []
    for path in files_of(handout):
        text = {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
        leaks += [(path.relative_to(handout).as_posix(), line) for line in sorted(secrets & text)]
    assert not leaks


def test_no_hidden_check_in_any_file(handout):
    lines, statements = hidden_check_lines(), hidden_statements()
    assert lines and statements
    leaks = []
    for path in files_of(handout):
        text = path.read_text(encoding="utf-8")
        stripped = {line.strip() for line in text.splitlines()}
        leaks += [(path.name, line) for line in sorted(lines & stripped)]
        flat = " ".join(text.split())
        leaks += [(path.name, s) for s in sorted(statements) if " ".join(s.split()) in flat]
        # (engine.py's lazy `from grader import references`, for the hidden suite, is dead code here: the
        # module is absent, see test_the_handout_engine_imports_on_its_own.)
        for marker in ("references.function(", "_reference_", "import solutions", "from solutions"):
            if marker in text:
                leaks.append((path.name, marker))
    assert not leaks


def test_no_module_that_loads_secrets_and_no_binary(handout):
    names = {p.relative_to(handout / "feedback" / "grader").as_posix()
             for p in files_of(handout / "feedback" / "grader")}
    assert "references.py" not in names
    assert [n for n in names if n.startswith("declaration/")] == ["declaration/__init__.py"]
    for path in files_of(handout):
        assert path.suffix not in BINARY_SUFFIXES, path
        assert "__pycache__" not in path.parts, path
        path.read_text(encoding="utf-8")  # every file is text


def test_the_declaration_ships_without_the_hidden_exercises(handout):
    source = (handout / "feedback" / "grader" / "declaration" / "__init__.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert {n.name for n in tree.body if isinstance(n, ast.ClassDef)} == {"Exercise", "Mistake"}
    assert "EXERCISES" not in source and "_collect" not in source


def test_the_handout_engine_imports_on_its_own(handout):
    """With only the handout on the path, the engine and the public checks load, and nothing secret does."""
    script = ("import sys, grader, grader.public, grader.public.plugin, grader.engine\n"
              "assert grader.__file__.startswith(sys.argv[1]), grader.__file__\n"
              "import grader.declaration as d\n"
              "assert not hasattr(d, 'EXERCISES')\n"
              "try:\n    import grader.references\nexcept ImportError:\n    pass\n"
              "else:\n    raise SystemExit('references importable')\n"
              "print(len(grader.public.EXERCISES), grader.public.TOTAL_POINTS)\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(handout / "feedback")
    done = subprocess.run([sys.executable, "-c", script, str(handout / "feedback")], cwd=handout, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["18", "100"]


def test_notebooks_have_no_outputs(handout):
    import nbformat

    for path in sorted((handout / "lessons").glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)
        assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), path.name


def test_same_sources_same_handout(handout, tmp_path):
    again = build_handout(tmp_path / "again")
    first = {p.relative_to(handout): p.read_bytes() for p in files_of(handout)}
    second = {p.relative_to(again): p.read_bytes() for p in files_of(again)}
    assert first == second


def test_release_refuses_a_folder_that_is_not_a_handout(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ReleaseError):
        build_handout(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_release_replaces_a_previous_handout(tmp_path):
    out = build_handout(tmp_path / "h")
    (out / "exercises" / "mle.py").write_text("# edited")
    build_handout(out)
    assert (out / "exercises" / "mle.py").read_bytes() == (ROOT / "exercises" / "mle.py").read_bytes()


def test_a_secret_import_stops_the_build(monkeypatch):
    real = release._grader_imports

    def leaky(path):
        found = real(path)
        return found + [("references", True)] if path.name == "engine.py" else found

    monkeypatch.setattr(release, "_grader_imports", leaky)
    with pytest.raises(ReleaseError, match="references"):
        release.engine_modules()


def test_release_command(tmp_path):
    done = subprocess.run([sys.executable, "-m", "grader", "release", "-o", str(tmp_path / "out")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "README.md").is_file()


# --------------------------------------------------------------------------
# pytest in the handout, as a student runs it
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def student_python(tmp_path_factory, handout):
    """A fresh virtual environment set up with the handout's own set-up command."""
    venv = tmp_path_factory.mktemp("venv") / ".venv"
    # --without-pip: the venv uses this interpreter's pip through the inherited site-packages.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
                   check=True, timeout=300)
    python = venv / "bin" / "python"
    command = release.SETUP_COMMAND.split()
    assert command[0] == "python"
    done = subprocess.run([str(python), *command[1:]], cwd=handout, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return python


def run_pytest(python, folder, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    start = time.monotonic()
    done = subprocess.run([str(python), "-m", "pytest", *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=600)
    return done, time.monotonic() - start


def copy_handout(handout, folder):
    shutil.copytree(handout, folder)
    return folder


def test_the_public_points_line_up_whatever_the_status():
    """The closing table's last column starts at one place, "uses scikit-learn" (17 letters) included."""
    from grader.public.plugin import Feedback
    from grader.results import FunctionResult, Grade

    feedback = Feedback(ROOT)
    feedback.grade = Grade("you", [FunctionResult("evaluation", "confusion_matrix", "uses scikit-learn", 0, 6),
                                   FunctionResult("evaluation", "roc_curve", "not implemented", 0, 9),
                                   FunctionResult("evaluation", "auc", "passed", 5, 5)], [], "ok", "exercises")
    header, *rows = feedback.summary()[:5]
    column = header.index("public points")
    assert [row[column - 2:column] for row in rows] == ["  "] * 4
    assert [row[column:].split(" / ")[0] for row in rows] == ["0", "0", "5", "5"]


@pytest.mark.slow
def test_pytest_on_the_stubs(student_python, handout, tmp_path):
    folder = copy_handout(handout, tmp_path / "h")
    done, seconds = run_pytest(student_python, folder)
    output = done.stdout
    assert done.returncode == 1, output + done.stderr
    assert "18 failed" in output
    for name in contract.FUNCTION_NAMES:  # a "not implemented" line per function
        assert re.search(rf"(?m)^_+ test_{name} _+\nnot implemented \(0 / [\d.]+ public points\)\n{name} raises "
                         "NotImplementedError", output), name
    assert "public points" in output and "hidden checks" in output
    assert str(tmp_path) not in output and "Traceback" not in output
    assert seconds < 60, f"took {seconds:.1f} s"
    print(f"pytest on the stubs: {seconds:.1f} s")


@pytest.mark.slow
def test_pytest_on_the_references(student_python, handout, tmp_path):
    folder = copy_handout(handout, tmp_path / "h")
    for solution in (ROOT / "solutions").glob("*.py"):
        shutil.copyfile(solution, folder / "exercises" / solution.name)
    done, seconds = run_pytest(student_python, folder, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "18 passed" in done.stdout
    assert "100 / 100" in done.stdout
    print(f"pytest on the references: {seconds:.1f} s")


SIGN_ERROR = "result = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))"


@pytest.mark.slow
def test_one_planted_mistake_fails_its_function_only_with_its_hint(student_python, handout, tmp_path):
    folder = copy_handout(handout, tmp_path / "h")
    for solution in (ROOT / "solutions").glob("*.py"):
        shutil.copyfile(solution, folder / "exercises" / solution.name)
    logistic = folder / "exercises" / "logistic.py"
    source = logistic.read_text(encoding="utf-8")
    assert SIGN_ERROR in source
    logistic.write_text(source.replace(SIGN_ERROR, "result = 1 / (1 + np.exp(z))"), encoding="utf-8")
    done, _ = run_pytest(student_python, folder)
    output = done.stdout
    assert done.returncode == 1
    assert "1 failed, 17 passed" in output
    assert "FAILED tests/test_logistic.py::test_sigmoid" in output
    assert "check the sign inside the exponential" in output  # the sign error's own hint
    assert "sigmoid(" in output and "Got:" in output and "Expected:" in output
    assert str(tmp_path) not in output and "Traceback" not in output and "grader/" not in output


@pytest.mark.slow
def test_selection_options(student_python, handout, tmp_path):
    """-k selects one function (and grades only it), -x stops at the first failure."""
    folder = copy_handout(handout, tmp_path / "h")
    done, _ = run_pytest(student_python, folder, "-k", "sigmoid", "-q")
    assert "1 failed, 17 deselected" in done.stdout
    table = done.stdout.split("public checks")[-1]
    assert "sigmoid" in table and "bernoulli_mle" not in table
    done, _ = run_pytest(student_python, folder, "-x", "-q")
    assert "1 failed" in done.stdout and "passed" not in done.stdout


@pytest.mark.slow
def test_a_notebook_submission(student_python, handout, tmp_path):
    """`pytest --submission work.ipynb` checks the functions defined in a notebook."""
    import nbformat

    folder = copy_handout(handout, tmp_path / "h")
    source = (ROOT / "solutions" / "mle.py").read_text(encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("%matplotlib inline"), nbformat.v4.new_code_cell(source)]
    nbformat.write(notebook, str(folder / "work.ipynb"))
    done, _ = run_pytest(student_python, folder, "--submission", "work.ipynb", "tests/test_mle.py", "-q")
    assert done.returncode == 0, done.stdout
    assert "2 passed" in done.stdout
