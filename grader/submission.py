"""Read one submission from disk into plain data, without running any of it.

A submission is a folder (``exercises/*.py``, or the module files at its top
level or one or two folders down, with any helper modules and packages the
student keeps beside them), a single ``.py`` file holding any of the
functions, or a Jupyter notebook. This module only reads bytes and, for a
notebook, JSON: nothing here imports, executes or unpickles student code.
The result says which *load units* the child process must import and which
exercise modules each one provides.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from grader.contract import MODULES  # noqa: E402  (re-exported for the loaders)
MAX_FILE_BYTES = 1_000_000
MAX_FILES = 200
MAX_TOTAL_BYTES = 10_000_000
MAX_NOTEBOOK_BYTES = 20_000_000
MAX_SEARCH_DEPTH = 3
IGNORED_DIRS = {"__pycache__", ".git", ".ipynb_checkpoints", "__MACOSX", "node_modules", ".venv", "venv"}


class SubmissionError(Exception):
    """The submission cannot be read at all; the message says why, for the student."""


@dataclass(frozen=True)
class LoadUnit:
    """One thing the child imports: a file of the package, or the whole submission.

    Attributes
    ----------
    module_name : str
        The name the child imports it under (``exercises.logistic``,
        ``submission`` or ``notebook``).
    file : str or None
        Its path inside the staged folder (None for a notebook).
    cells : tuple of str or None
        A notebook's code cells.
    provides : tuple of str
        The exercise modules whose functions are looked up in it.
    """

    module_name: str
    file: object
    cells: object
    provides: tuple


@dataclass
class Submission:
    """A submission read from disk.

    Attributes
    ----------
    kind : str
        ``"package"``, ``"single"`` or ``"notebook"``.
    files : dict
        Staged path -> bytes, for the child's folder.
    units : list of LoadUnit
        What to import, in order.
    display : dict
        Staged path -> the name the student knows the file by.
    source : str
        What was read, for messages (a file or folder name).
    """

    kind: str
    files: dict
    units: list
    display: dict = field(default_factory=dict)
    source: str = ""


def read_submission(path):
    """Read a submission folder, ``.py`` file or ``.ipynb`` notebook.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Submission

    Raises
    ------
    SubmissionError
        When nothing gradable can be read; the message says what to fix.
    """
    path = Path(path)
    if path.is_symlink():
        raise SubmissionError(f"{path.name} is a symbolic link; submit the file itself")
    if path.is_dir():
        return _read_folder(path)
    if not path.is_file():
        raise SubmissionError(f"{path.name} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".py":
        return _read_single(path)
    if suffix == ".ipynb":
        return _read_notebook(path)
    raise SubmissionError(f"{path.name} is not a .py file, a .ipynb notebook or a folder")


def _read_bytes(path, limit):
    size = path.stat().st_size
    if size > limit:
        raise SubmissionError(f"{path.name} is {size:,} bytes; the limit is {limit:,}")
    try:
        return path.read_bytes()
    except OSError as error:
        raise SubmissionError(f"{path.name} could not be read ({error.strerror})") from None


def _read_single(path):
    data = _read_bytes(path, MAX_FILE_BYTES)
    if not data.strip():
        raise SubmissionError(f"{path.name} is empty")
    unit = LoadUnit("submission", "submission.py", None, MODULES)
    return Submission("single", {"submission.py": data}, [unit], {"submission.py": path.name}, path.name)


def notebook_cells(data, name="the notebook"):
    """The code cells of a notebook, as source strings.

    Parameters
    ----------
    data : bytes
        The ``.ipynb`` file's contents.
    name : str
        The file's name, for messages.

    Returns
    -------
    list of str

    Raises
    ------
    SubmissionError
        If it is not a notebook.
    """
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SubmissionError(f"{name} is not a valid notebook (it is not JSON); "
                              "save it again from Jupyter and resubmit") from None
    if not isinstance(notebook, dict):
        raise SubmissionError(f"{name} is not a valid notebook (no cells)")
    cells = notebook.get("cells")
    if cells is None and isinstance(notebook.get("worksheets"), list):  # nbformat 3
        cells = [c for sheet in notebook["worksheets"] if isinstance(sheet, dict) for c in sheet.get("cells", [])]
    if not isinstance(cells, list):
        raise SubmissionError(f"{name} is not a valid notebook (no cells)")
    sources = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list):
            source = "".join(part for part in source if isinstance(part, str))
        if isinstance(source, str):
            sources.append(source)
    if not any(source.strip() for source in sources):
        raise SubmissionError(f"{name} has no code cells")
    return sources


def _read_notebook(path):
    cells = notebook_cells(_read_bytes(path, MAX_NOTEBOOK_BYTES), path.name)
    unit = LoadUnit("notebook", None, tuple(cells), MODULES)
    return Submission("notebook", {}, [unit], {}, path.name)


def _python_files(folder):
    return sorted(p for p in folder.iterdir() if p.suffix == ".py" and p.is_file() and not p.is_symlink())


def _package_files(folder):
    """The module folder's ``.py`` files, then those of its helper packages (``exercises/_lib/...``), in order.

    A subfolder counts when it is a package (it has an ``__init__.py``), at
    most ``MAX_SEARCH_DEPTH`` levels down; symbolic links are never followed.
    """
    found, level = list(_python_files(folder)), [folder]
    for _ in range(MAX_SEARCH_DEPTH):
        level = sorted(
            child for parent in level for child in parent.iterdir()
            if child.is_dir() and not child.is_symlink() and child.name not in IGNORED_DIRS
            and (child / "__init__.py").is_file() and not (child / "__init__.py").is_symlink()
        )
        found += [path for package in level for path in _python_files(package)]
    return found


def _find_module_folder(root):
    """The shallowest folder named ``exercises``, else the shallowest holding a module file."""
    level = [root]
    for _ in range(MAX_SEARCH_DEPTH + 1):
        for folder in level:
            if folder.name == "exercises" and folder != root:
                return folder
        for folder in level:
            names = {p.stem for p in _python_files(folder)}
            if names & set(MODULES):
                return folder
        level = sorted(
            child for folder in level for child in folder.iterdir()
            if child.is_dir() and not child.is_symlink() and child.name not in IGNORED_DIRS
        )
        if not level:
            break
    return None


def _read_folder(root):
    folder = _find_module_folder(root)
    if folder is None:
        notebooks = sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and not p.is_symlink())
        singles = sorted(p for p in root.glob("*.py") if p.is_file() and not p.is_symlink())
        if len(notebooks) == 1 and not singles:
            return _read_notebook(notebooks[0])
        if len(singles) == 1 and not notebooks:
            return _read_single(singles[0])
        raise SubmissionError(
            f"{root.name} holds none of the exercise modules ({', '.join(m + '.py' for m in MODULES)}); "
            "submit your exercises/ folder"
        )
    files, display, total = {}, {}, 0
    for path in _package_files(folder)[:MAX_FILES]:
        if path == folder / "__init__.py":
            continue  # replaced by an empty one: one broken module must not break the others
        data = _read_bytes(path, MAX_FILE_BYTES)
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise SubmissionError(f"{root.name} holds more than {MAX_TOTAL_BYTES:,} bytes of Python files")
        staged = f"exercises/{path.relative_to(folder).as_posix()}"
        files[staged] = data
        display[staged] = path.relative_to(root).as_posix()
    files["exercises/__init__.py"] = b""
    units = [LoadUnit(f"exercises.{m}", f"exercises/{m}.py", None, (m,)) for m in MODULES]
    return Submission("package", files, units, display, root.name)


def stage(submission, folder):
    """Write the submission's files into ``folder`` for the child; return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for relative, data in submission.files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder
