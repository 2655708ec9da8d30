"""The student's report: one table of functions, then what went wrong and why.

Rendered as Markdown that also reads well as plain text in a terminal. The
report holds no timing, path or other machine detail, so the same grade gives
the same bytes on every run.
"""

from grader.results import Grade

STATUS_MARK = {"passed": "ok"}


def _points(value):
    return f"{value:g}"


def render_markdown(grade: Grade):
    """The full report for one graded submission.

    Parameters
    ----------
    grade : Grade

    Returns
    -------
    str
    """
    lines = [f"# {grade.student}: {_points(grade.total)} / {_points(grade.max_total)} points", ""]
    if grade.status != "ok":
        lines += [f"Status: {grade.status}", ""]
    for note in grade.notes:
        lines.append(f"- Note: {note}")
    if grade.notes:
        lines.append("")
    width = max(len(f.name) for f in grade.functions) if grade.functions else 10
    lines.append(f"| {'function'.ljust(width)} | status           | points  |")
    lines.append(f"|-{'-' * width}-|------------------|---------|")
    for function in grade.functions:
        points = f"{_points(function.points)} / {_points(function.max_points)}"
        lines.append(f"| {function.name.ljust(width)} | {function.status.ljust(16)} | {points.ljust(7)} |")
    lines.append("")
    for function in grade.functions:
        if function.status == "passed":
            continue
        lines += _function_section(function)
    if all(f.status == "passed" for f in grade.functions):
        lines.append("Every check passed. Well done!")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _function_section(function):
    lines = [f"## {function.name}: {function.status} ({_points(function.points)} / "
             f"{_points(function.max_points)})", ""]
    if function.detail:
        lines += [function.detail, ""]
    if function.traceback:
        lines += ["```", function.traceback.rstrip(), "```", ""]
    if function.checks and not function.detail:
        passed = [c for c in function.checks if c.passed]
        if passed and function.failures:
            names = ", ".join(f"{c.name} ({_points(c.points)})" for c in passed)
            lines += [f"Passed: {names}.", ""]
        if any(c.passed and c.kind == "form" and c.points == 0 for c in function.checks):
            lines += ["Points for form (types, shapes, no mutation, no warnings) count once at least one "
                      "check of the values passes.", ""]
    for failure in function.failures:
        points = next((c.max_points for c in function.checks if c.name == failure.check), 0)
        lines.append(f"### Failed: {failure.check} ({_points(points)} points)")
        lines.append(f"Property: {failure.statement}")
        lines.append("")
        lines.append("    " + failure.call.replace("\n", "\n    "))
        lines.append("")
        lines.append(f"- What went wrong: {failure.reason}")
        if failure.got is not None:
            lines.append(f"- Got:       {failure.got}")
        if failure.expected is not None:
            lines.append(f"- Expected:  {failure.expected}")
        if failure.tolerance is not None:
            lines.append(f"- Tolerance: {failure.tolerance}")
        if failure.traceback:
            lines += ["", "```", failure.traceback.rstrip(), "```"]
        lines.append(f"- Hint: {failure.hint}")
        lines.append("")
    if function.output:
        lines += ["Your function printed (functions should not print):", "```",
                  function.output.rstrip(), "```", ""]
    return lines
