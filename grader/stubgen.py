"""Make the exercise stubs from the reference solutions.

A stub keeps exactly what the student needs from its reference: the lesson (the
module docstring), the imports, ``__all__`` and each public function's
signature and docstring. Every body becomes ``raise NotImplementedError(...)``
naming the function; private helpers are left out, since they are part of one
possible answer. ``exercises/`` is generated with this module and a test keeps
it in step with ``solutions/``:

    python -m grader.stubgen            # rewrite exercises/ from solutions/
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("mle", "linear_gd", "logistic", "evaluation", "sklearn_models")

STUB_HEADER = "# Fill in the functions below. Run `pytest` to check your work.\n"


def stub_source(reference_source):
    """Return the stub module for one reference module's source text.

    Parameters
    ----------
    reference_source : str
        Source of a module in ``solutions/``.

    Returns
    -------
    str
        The same module with private helpers dropped and each public
        function's body replaced by ``raise NotImplementedError``.
    """
    tree = ast.parse(reference_source)
    lines = reference_source.splitlines()
    out = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            if node.name.startswith("_"):
                continue  # a private helper belongs to one possible answer
            if ast.get_docstring(node) is None:
                raise ValueError(f"{node.name} has no docstring: a stub is its signature and docstring")
            docstring_end = node.body[0].end_lineno
            first_line = min([node.lineno] + [d.lineno for d in node.decorator_list])
            head = "\n".join(lines[first_line - 1 : docstring_end])
            message = f"{node.name} is not implemented yet: replace this line with your code"
            out.append(f'{head}\n    raise NotImplementedError("{message}")')
        elif isinstance(node, ast.ClassDef) or (isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.startswith("_") and not t.id.startswith("__") for t in node.targets)):
            continue  # classes and private constants belong to an answer too
        else:
            out.append("\n".join(lines[node.lineno - 1 : node.end_lineno]))
    if not (tree.body and isinstance(tree.body[0], ast.Expr) and isinstance(tree.body[0].value, ast.Constant)):
        raise ValueError("a reference module must open with its lesson (the module docstring)")
    docstring, rest = out[0], _group(out[1:])
    rest[0] = STUB_HEADER + rest[0]
    return docstring + "\n\n" + "\n\n\n".join(rest) + "\n"


def _group(segments):
    """Keep consecutive import lines together (no blank lines between them)."""
    grouped = []
    for segment in segments:
        is_import = segment.startswith(("import ", "from "))
        if grouped and is_import and grouped[-1].startswith(("import ", "from ")):
            grouped[-1] += "\n" + segment
        else:
            grouped.append(segment)
    return grouped


def write_stubs(solutions_dir=ROOT / "solutions", exercises_dir=ROOT / "exercises"):
    """Regenerate every stub module from its reference; return the paths written."""
    exercises_dir.mkdir(exist_ok=True)
    written = []
    for name in MODULES:
        source = (solutions_dir / f"{name}.py").read_text(encoding="utf-8")
        target = exercises_dir / f"{name}.py"
        target.write_text(stub_source(source), encoding="utf-8")
        written.append(target)
    (exercises_dir / "__init__.py").write_text('"""Your logistic-regression exercises: fill in each module."""\n', encoding="utf-8")
    return written


if __name__ == "__main__":
    for path in write_stubs():
        print(path.relative_to(ROOT))
    sys.exit(0)
