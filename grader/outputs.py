"""Write what grading produces: per-student files, the gradebook, and their formats.

Layout of the output folder (``grades/`` by default)::

    grades.csv               one row per student, rebuilt at the end of every run
    results/<student>.json   Gradescope's results.json schema; written last: the "done" marker
    feedback/<student>.md    the student's report (grader.report.render_markdown)
    feedback/<student>.html  the same report as a small, escaped HTML page
    report.html              the class at a glance (grader.class_report)

Every file is written atomically (a temporary file in the same folder, then
``os.replace``), so a run killed at any moment leaves each file either absent
or whole. Nothing written holds a timestamp, an absolute path or anything
else that differs between runs: JSON keys are sorted, numbers are rounded.
"""

import csv
import html
import io
import json
import os
import re
from pathlib import Path

from grader.declaration import FUNCTION_NAMES
from grader.report import _function_section, render_markdown

TEMP_MARK = ".lrg-tmp"
FAILED = "failed"
PASSED = "passed"


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def atomic_write(path, data):
    """Write ``data`` to ``path`` so that the file is either the old one or all of the new one.

    Parameters
    ----------
    path : path
    data : bytes or str
        Text is written as UTF-8.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    temporary = path.with_name(f".{path.name}.{os.getpid()}{TEMP_MARK}")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def remove_temporaries(out):
    """Remove temporary files that a killed run left behind in the output folder."""
    for folder in (Path(out), Path(out) / "results", Path(out) / "feedback"):
        if folder.is_dir():
            for item in folder.iterdir():
                if item.name.startswith(".") and item.name.endswith(TEMP_MARK):
                    item.unlink(missing_ok=True)


def result_path(out, student):
    """``OUT/results/<student>.json``."""
    return Path(out) / "results" / f"{student}.json"


def feedback_paths(out, student):
    """``OUT/feedback/<student>.md`` and ``.html``."""
    folder = Path(out) / "feedback"
    return folder / f"{student}.md", folder / f"{student}.html"


def dumps(data):
    """Canonical JSON: sorted keys, two-space indent, UTF-8 text, final newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def number(value):
    """A score as a plain JSON/CSV number: an int when whole, else rounded to 4 places."""
    value = round(float(value), 4)
    return int(value) if value.is_integer() else value


# --------------------------------------------------------------------------
# One student
# --------------------------------------------------------------------------


def function_output(function):
    """The feedback text for one function (Markdown), as its Gradescope test output."""
    if function.status == PASSED:
        checks = ", ".join(f"{c.name} ({number(c.points)})" for c in function.checks)
        return f"Every check passed: {checks}." if checks else "Passed."
    lines = _function_section(function)
    return "\n".join(lines[2:]).strip() + "\n"  # the section's heading repeats the test's name


def summary_output(grade, late=False):
    """The top-level text of a results.json: score, status and notes."""
    lines = [f"{number(grade.total)} / {number(grade.max_total)} points."]
    if grade.status != "ok":
        lines.append(f"Status: {grade.status}.")
    if late:
        lines.append("This submission was marked late.")
    lines += [f"- {note}" for note in grade.notes]
    lines.append("Each function below has its own feedback: the check that failed, a small call that shows "
                 "it, what came back, what was expected and a hint.")
    return "\n".join(lines) + "\n"


def results_json(grade, *, late=False, submission_sha256=None, grader_sha256=None):
    """A grade in Gradescope's ``results.json`` schema.

    Parameters
    ----------
    grade : Grade
    late : bool
        The LMS marked the submission late (kept in ``extra_data``).
    submission_sha256, grader_sha256 : str, optional
        Digests of the submission and of the grader; a resumed run grades a
        student again when either changed.

    Returns
    -------
    dict
        ``score``, ``max_score``, ``output``, ``tests`` (one per function,
        in contract order: ``name``, ``score``, ``max_score``, ``status``
        ``"passed"``/``"failed"``, ``output`` = that function's feedback,
        ``visibility``) and ``extra_data`` with what the class report needs.
    """
    tests = []
    for function in grade.functions:
        tests.append({
            "name": function.name,
            "score": number(function.points),
            "max_score": number(function.max_points),
            "status": PASSED if function.status == PASSED else FAILED,
            "output": function_output(function),
            "output_format": "md",
            "visibility": "visible",
            "extra_data": {
                "module": function.module,
                "status": function.status,
                "checks": [{"name": c.name, "passed": bool(c.passed), "points": number(c.points),
                            "max_points": number(c.max_points)} for c in function.checks],
                "failures": [{"check": f.check, "mistake": f.mistake} for f in function.failures],
            },
        })
    extra = {"student": grade.student, "status": grade.status, "late": bool(late), "source": grade.source}
    if submission_sha256:
        extra["submission_sha256"] = submission_sha256
    if grader_sha256:
        extra["grader_sha256"] = grader_sha256
    return {
        "score": number(grade.total),
        "max_score": number(grade.max_total),
        "output": summary_output(grade, late),
        "output_format": "md",
        "test_output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": extra,
    }


def write_student(out, grade, results):
    """Write one student's feedback (.md, .html), then their results.json, the done marker."""
    markdown, page = feedback_paths(out, grade.student)
    text = render_markdown(grade)
    atomic_write(markdown, text)
    atomic_write(page, markdown_page(text, f"Feedback for {grade.student}"))
    atomic_write(result_path(out, grade.student), dumps(results))


def read_results(path):
    """A results.json written by :func:`write_student`, or None when it is missing or unusable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("tests"), list) else None


# --------------------------------------------------------------------------
# The gradebook
# --------------------------------------------------------------------------


def gradebook_header():
    """The contract's columns: student, one per function in contract order, total, max_total, status."""
    return ["student", *FUNCTION_NAMES, "total", "max_total", "status"]


def gradebook_row(student, results=None, status=None):
    """One gradebook row from a results.json; blank points when there is none."""
    if results is None:
        return [student, *([""] * len(FUNCTION_NAMES)), "", "", status or "not graded"]
    scores = {t.get("name"): t.get("score") for t in results["tests"]}
    cells = [_cell(scores.get(name)) for name in FUNCTION_NAMES]
    extra = results.get("extra_data") or {}
    return [student, *cells, _cell(results.get("score")), _cell(results.get("max_score")),
            extra.get("status", "ok")]


def _cell(value):
    return "" if value is None else str(number(value))


def gradebook_csv(rows):
    """The CSV text of the gradebook: the contract's header, then rows sorted by student."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(gradebook_header())
    for row in sorted(rows, key=lambda r: r[0]):
        writer.writerow(row)
    return buffer.getvalue()


# --------------------------------------------------------------------------
# Markdown to HTML (the small subset render_markdown produces)
# --------------------------------------------------------------------------


PAGE_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; color: #1a1a1a; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; }
th { background: #f2f2f2; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; border-radius: 4px; }
code { font-family: ui-monospace, monospace; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05rem; }
.passed { color: #1b7a1b; } .failed { color: #b3261e; }
"""


def markdown_page(text, title):
    """A whole HTML page for a Markdown report."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n"
            f"{markdown_to_html(text)}</body>\n</html>\n")


def markdown_to_html(text):
    """Render the Markdown of a student report as escaped HTML.

    Handles what :func:`grader.report.render_markdown` writes: headings,
    pipe tables, fenced and indented code, bullet lists and paragraphs.
    Every piece of text is escaped, so nothing a student wrote (a traceback,
    printed output) can become markup.
    """
    lines = text.splitlines()
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            block, i = [], i + 1
            while i < len(lines) and not lines[i].startswith("```"):
                block.append(lines[i])
                i += 1
            out.append(f"<pre><code>{html.escape(chr(10).join(block))}</code></pre>")
            i += 1
        elif line.startswith("    "):
            block = []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                block.append(lines[i][4:])
                i += 1
            out.append(f"<pre><code>{html.escape(chr(10).join(block).rstrip())}</code></pre>")
        elif re.match(r"#{1,6} ", line):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{_inline(line[level + 1:])}</h{level}>")
            i += 1
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(lines[i])
                i += 1
            out.append(_table(rows))
        elif line.startswith("- "):
            items = []
            while i < len(lines) and lines[i].startswith("- "):
                items.append(f"<li>{_inline(lines[i][2:])}</li>")
                i += 1
            out.append("<ul>\n" + "\n".join(items) + "\n</ul>")
        elif not line.strip():
            i += 1
        else:
            block = []
            while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
                block.append(lines[i])
                i += 1
            out.append(f"<p>{_inline(' '.join(block))}</p>")
    return "\n".join(out) + "\n"


def _starts_block(line):
    return line.startswith(("```", "    ", "|", "- ")) or re.match(r"#{1,6} ", line) is not None


def _inline(text):
    """Escape, then turn `code` spans into <code>."""
    escaped = html.escape(text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def _table(rows):
    cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
    body = [r for r in cells[1:] if not all(set(c) <= set("-: ") for c in r)]
    head = "".join(f"<th>{_inline(c)}</th>" for c in cells[0])
    lines = [f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>"]
    for row in body:
        tds = []
        for cell in row:
            css = ' class="passed"' if cell == PASSED else (' class="failed"' if cell in _BAD else "")
            tds.append(f"<td{css}>{_inline(cell)}</td>")
        lines.append(f"<tr>{''.join(tds)}</tr>")
    lines.append("</tbody>\n</table>")
    return "\n".join(lines)


_BAD = {"wrong", "crashed", "timed out", "not implemented", "not found", "import error", "uses scikit-learn",
        "tampered"}
