"""Build the student handout: ``python -m grader release [-o DIR]``.

The handout is everything a student gets, and nothing more::

    README.md            set-up, feedback with pytest, what grading adds, how to submit
    requirements.txt     the one set-up command installs these
    pyproject.toml       pytest's configuration (no package to install)
    conftest.py          loads the feedback plugin
    exercises/           the stubs to fill in (a copy of exercises/)
    tests/               one test per function: pytest, pytest -k sigmoid, -x, -q
    lessons/             one notebook per module, and the small data set they use
    feedback/grader/     the engine that runs the public checks, without any secret

The engine is copied module by module: every module that ``engine.py``, the
child's runtime and ``grader/public/`` import, found by reading their imports,
and never ``references.py``, a hidden declaration module, or anything that
imports them at load time (the build stops if one is needed).
``declaration/__init__.py`` is shipped reduced to the ``Exercise`` and
``Mistake`` classes, without the import of the hidden declarations. Nothing is
compiled, pickled or generated from a reference: the files are sources,
notebooks without outputs and text.
"""

import ast
import shutil
import tempfile
import textwrap
from pathlib import Path

from grader import contract, lessons, sandbox

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "grader"
ENGINE_DIR = "feedback"
MARKER = ".logreg-handout"  # marks a folder this command made, so that rebuilding may replace it
SETUP_COMMAND = "python -m pip install -r requirements.txt"
REQUIREMENTS = (
    "numpy>=1.26",
    "scipy>=1.11",
    "pandas>=2.0",
    "scikit-learn>=1.4",
    "matplotlib>=3.8",
    "hypothesis>=6.100",
    "pytest>=8.0",
    "ipykernel>=6.0",
)
ENTRY_MODULES = ("engine", "public", "public.plugin")
SECRET = ("references", "declaration.")  # a module, and a package's submodules, that must never ship


class ReleaseError(Exception):
    """The handout cannot be built without shipping something secret, or into that folder."""


def _is_secret(name):
    return name == SECRET[0] or (name.startswith(SECRET[1]) and name != "declaration")


def _module_file(name):
    """The source file of ``grader.<name>`` (a module or a package), or None."""
    path = PACKAGE.joinpath(*name.split("."))
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return None


def _grader_imports(path):
    """(module, at load time?) for every ``grader.*`` module the file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "grader":
                names = [alias.name for alias in node.names]
            elif node.module.startswith("grader."):
                base = node.module[len("grader."):]
                names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name[len("grader."):] for alias in node.names if alias.name.startswith("grader.")]
        for name in names:
            if _module_file(name) is not None:
                found.append((name, id(node) in top_level))
    return found


def engine_modules():
    """The ``grader`` modules the handout needs, as dotted names relative to ``grader``.

    Raises
    ------
    ReleaseError
        When a shipped module imports a secret one at load time.
    """
    needed = set()
    queue = list(ENTRY_MODULES) + [Path(source).stem for source in sandbox.RUNTIME_FILES]
    if _module_file("public"):  # every public check module, imported or not
        queue += [f"public.{p.stem}" for p in (PACKAGE / "public").glob("*.py") if p.stem != "__init__"]
    while queue:
        name = queue.pop()
        if name in needed:
            continue
        needed.add(name)
        for imported, at_load in _grader_imports(_module_file(name)):
            if _is_secret(imported):
                if at_load:
                    raise ReleaseError(f"grader/{name.replace('.', '/')} imports {imported} when loaded: it "
                                       "cannot ship in the handout")
                continue  # a lazy import on a path the handout never takes (exercises= is always given)
            queue.append(imported)
    return sorted(needed)


def declaration_classes(source):
    """``declaration/__init__.py`` reduced to its imports and classes (Exercise, Mistake).

    The original ends by importing every hidden declaration module; the
    handout's copy has no such import and no list of exercises.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    imports, classes = [], []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and "declaration" not in ast.unparse(node):
            imports.append("\n".join(lines[node.lineno - 1: node.end_lineno]))
        elif isinstance(node, ast.ClassDef):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            classes.append("\n".join(lines[start - 1: node.end_lineno]))
    docstring = ('"""The classes of a declaration, Exercise and Mistake (the handout holds no hidden '
                 'declaration)."""')
    text = docstring + "\n\n" + "\n".join(imports) + "\n\n\n" + "\n\n\n".join(classes) + "\n"
    names = {node.name for node in ast.parse(text).body if isinstance(node, ast.ClassDef)}
    if not {"Exercise", "Mistake"} <= names:
        raise ReleaseError("grader/declaration/__init__.py no longer defines Exercise and Mistake")
    return text


GRADER_INIT = '''"""The grading engine, as shipped with the handout: it runs the public checks on your exercises.

It is the same engine that grades your submission, run in the same way (your
code in a separate process), but it holds no reference solution and no hidden
check. You never need to edit or read it to do the exercises.
"""
'''


def _copy_engine(target):
    package = target / "grader"
    for name in engine_modules():
        source = _module_file(name)
        destination = package / source.relative_to(PACKAGE)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if name == "declaration":
            destination.write_text(declaration_classes(source.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            shutil.copyfile(source, destination)
    (package / "__init__.py").write_text(GRADER_INIT, encoding="utf-8")
    (target / "README.md").write_text(textwrap.dedent("""\
        # feedback/

        The machinery behind `pytest` in this handout: the grading engine and the public checks
        (`grader/public/`). Your code runs in a separate process, as it will at grading time. Nothing
        here needs editing, and nothing here holds an answer.
        """), encoding="utf-8")


def _test_module(module):
    functions = [name for owner, name, _ in contract.FUNCTIONS if owner == module]
    header = (f'"""Public checks of exercises/{module}.py: `pytest tests/test_{module}.py`, or one function '
              f'with `pytest -k {functions[0]}`."""\n')
    tests = [f"\n\ndef test_{name}(feedback):\n    feedback.check(\"{name}\")\n" for name in functions]
    return header + "".join(tests)


CONFTEST = '''"""pytest set-up of the handout: the public checks run on your exercises/ (see feedback/README.md)."""

pytest_plugins = ["grader.public.plugin"]
'''

PYPROJECT = '''# pytest's settings for this handout. There is nothing to install as a package:
# the set-up is `python -m pip install -r requirements.txt` (see README.md).

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["feedback"]
addopts = "--no-header"
'''

GITIGNORE = """__pycache__/
*.py[cod]
.pytest_cache/
.ipynb_checkpoints/
.venv/
"""


def _points_table():
    """Function, module, public points and (where declared) the points of the grade."""
    from grader import public

    try:
        from grader.declaration import EXERCISES as hidden

        graded = {exercise.name: exercise.points for exercise in hidden}
    except Exception:  # noqa: BLE001 - a declaration being edited: the table shows public points only
        graded = {}
    rows = ["| function | file | points in your grade | public checks |", "|---|---|---|---|"]
    for exercise in public.EXERCISES:
        points = graded.get(exercise.name)
        rows.append(f"| `{exercise.name}` | `exercises/{exercise.module}.py` | "
                    f"{'' if points is None else f'{points:g}'} | {exercise.points:g} |")
    return "\n".join(rows)


def readme():
    """The students' README."""
    return textwrap.dedent("""\
        # Logistic regression from scratch: exercises

        You fill in the functions in `exercises/` (maximum likelihood, gradient descent, logistic
        regression, ROC curves and confusion matrices, and scikit-learn's model with its parameter C).
        `pytest` tells you, function by function, what works and what does not, with a small example
        and a hint. The notebooks in `lessons/` teach each part and put your functions to work.

        ## Set up (once)

        You need Python 3.10 or newer on Linux or macOS (on Windows, use WSL). In this folder:

            python -m venv .venv
            source .venv/bin/activate
            {setup}

        The last line is the only set-up command; the first two keep the course's packages apart from
        the rest of your computer (skip them if you already work in an environment you like).

        ## Get feedback

            pytest                  # every function
            pytest -k sigmoid       # one function
            pytest tests/test_mle.py
            pytest -x               # stop at the first function that fails
            pytest -q               # shorter output

        Each function is one test. A function you have not written yet fails with "not implemented";
        one that is wrong fails with the call that shows it (a small input you can paste into Python),
        what your function returned, what was expected, and a hint. At the end a table shows the points
        each function earns from the public checks. If the command `pytest` is not found, use
        `python -m pytest`.

        Your code runs in a separate process with a time limit, exactly as at grading time: an endless
        loop is stopped and reported instead of hanging.

        Working in a notebook instead? Define the functions in its code cells and run
        `pytest --submission my_work.ipynb` (a `.py` file or another folder works too).

        ## What grading adds

        The public checks are a good guide, not your grade. At grading time **hidden checks** test
        every function much more thoroughly: many more generated inputs (huge and tiny numbers, ties,
        a single row, absent classes, pandas inputs with a shuffled index, ...) and comparisons with
        reference solutions. A function that passes the public checks can still lose points there, but
        never the other way round: whatever passes every hidden check passes every public one, so a
        public failure always points at a real problem. Two rules that grading also
        enforces: functions outside `exercises/sklearn_models.py` are written from scratch (NumPy and the
        standard library; SciPy's special functions such as `expit` are fine): a function that calls
        scikit-learn there scores 0. And no function may print, modify its inputs, or use global random
        state.

        Points per function (the public checks have their own, separate points):

        {points}

        ## Lessons

        `lessons/` holds one notebook per exercise file. Open them with Jupyter
        (`python -m pip install jupyterlab`, then `jupyter lab`) or your editor's notebook support.
        They import your functions from `exercises/`, so they come alive as you fill them in. The data
        are generated by `lessons/course_data.py`: nothing is downloaded.

        ## Submit

        Submit your `exercises/` folder (zipped, if your course asks for a `.zip`): the five `.py`
        files are what is graded. A single `.py` file or a notebook holding the functions is accepted
        too. A file that does not import costs only the functions in it, so make sure each file at
        least imports: `pytest` tells you.
        """).format(setup=SETUP_COMMAND, points=_points_table())


def _write_files(target):
    (target / MARKER).write_text("Built by `python -m grader release`.\n", encoding="utf-8")
    (target / "README.md").write_text(readme(), encoding="utf-8")
    (target / "requirements.txt").write_text("\n".join(REQUIREMENTS) + "\n", encoding="utf-8")
    (target / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (target / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    exercises = target / "exercises"
    exercises.mkdir()
    for stub in sorted((ROOT / "exercises").glob("*.py")):
        shutil.copyfile(stub, exercises / stub.name)
    tests = target / "tests"
    tests.mkdir()
    for module in contract.MODULES:
        (tests / f"test_{module}.py").write_text(_test_module(module), encoding="utf-8")
    lessons.build_notebooks(target / "lessons", ROOT / "exercises")
    shutil.copyfile(PACKAGE / "data.py", target / "lessons" / "course_data.py")
    _copy_engine(target / ENGINE_DIR)


def build_handout(out):
    """Build the handout into ``out`` (replacing a handout built there before); return its path.

    Raises
    ------
    ReleaseError
        When ``out`` exists and is not a handout, or something secret would be needed.
    """
    out = Path(out).resolve()
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ReleaseError(f"{out} exists and is not a handout built by this command; choose another folder")
    if out == ROOT or out in ROOT.parents:
        raise ReleaseError(f"{out} holds this project; choose another folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".handout-", dir=out.parent))  # same file system: rename is atomic
    try:
        _write_files(staging)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
