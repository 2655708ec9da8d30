"""The lesson notebooks: valid, deterministic, and they run top to bottom on the references with their plots."""

import shutil
from pathlib import Path

import nbformat
import pytest

from grader import contract, data, lessons

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    return lessons.build_notebooks(tmp_path_factory.mktemp("lessons"))


def test_one_valid_notebook_per_module(notebooks):
    assert len(notebooks) == len(contract.MODULES)
    for path, module in zip(notebooks, contract.MODULES):
        assert module in path.name
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)
        assert notebook.metadata.kernelspec.name == "python3"
        sources = "\n".join(cell.source for cell in notebook.cells)
        assert f"from exercises.{module} import" in sources  # explores the student's own functions
        assert "course_data" in sources  # on the data the handout ships


def test_each_notebook_opens_with_its_lesson(notebooks):
    import ast

    for path, module in zip(notebooks, contract.MODULES):
        notebook = nbformat.read(str(path), as_version=4)
        stub = (ROOT / "exercises" / f"{module}.py").read_text(encoding="utf-8")
        lesson = ast.get_docstring(ast.parse(stub))
        markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
        assert lesson in markdown


def test_notebooks_are_built_the_same_every_time(notebooks, tmp_path):
    again = lessons.build_notebooks(tmp_path)
    assert [p.read_bytes() for p in notebooks] == [p.read_bytes() for p in again]


def test_data_sets_are_deterministic_and_small():
    assert data.coin_flips().sum() == 55
    budget, gross = data.movies()
    assert budget.shape == gross.shape == (30,)
    X, y, names = data.patients()
    assert X.shape == (300, 4) and set(y) == {0, 1} and len(names) == 4
    X_train, X_test, y_train, y_test = data.split(X, y)
    assert len(y_test) == 75 and len(y_train) == 225
    again = data.patients()
    assert (again[0] == X).all() and (again[1] == y).all()


@pytest.mark.slow
def test_notebooks_run_on_the_references_and_plot(tmp_path):
    """Build the handout, put the references in exercises/, execute every notebook headlessly."""
    from nbclient import NotebookClient

    from grader.release import build_handout

    handout = build_handout(tmp_path / "handout")
    for solution in (ROOT / "solutions").glob("*.py"):
        shutil.copyfile(solution, handout / "exercises" / solution.name)
    folder = handout / "lessons"
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
        outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
        assert not [o for o in outputs if o.output_type == "error"], path.name
        images = [o for o in outputs if "image/png" in o.get("data", {})]
        assert images, f"{path.name} produced no plot"
