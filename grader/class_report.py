"""``report.html``: the class at a glance, for the instructor.

Built from the students' ``results.json`` files only (their ``extra_data``
carries each function's status, each check's verdict and each failure's
known-mistake key), so it is the same whether a run was interrupted or not.
Four plots (matplotlib, embedded as SVG) and the tables behind them:

- the distribution of total scores;
- per function, how many students got full, partial and no points;
- per check, the share of students who passed it;
- each function's most common failures, grouped by function, check and
  known mistake (or by status: not implemented, import error, ...), with how
  many students share each one, and the hint those students were given.

The page holds no timestamp and the SVG ids are seeded, so the same results
give the same bytes.
"""

import html
import io
import statistics
from collections import Counter

from grader.declaration import EXERCISES
from grader.outputs import number

COLORS = {"full": "#2e7d32", "partial": "#f9a825", "none": "#c62828", "bar": "#3f6fb5"}
PER_FUNCTION = 3
UNREADABLE = {"empty", "not a zip", "unsafe archive", "unreadable"}


def render(collected):
    """The report page.

    Parameters
    ----------
    collected : list of (str, dict)
        ``(student, results.json data)`` for every graded student.

    Returns
    -------
    str
        A self-contained HTML page.
    """
    stats = ClassStats(collected)
    sections = [
        _overview(stats),
        _section("Score distribution", _svg(_score_histogram, stats)),
        _section("Points per function", _svg(_function_outcomes, stats), _function_table(stats)),
        _section("Pass rate per check", _svg(_check_rates, stats)),
        _section("Most common failures", _svg(_top_failures, stats), _failure_table(stats)),
        _section("Students", _student_table(stats)),
    ]
    return PAGE.format(body="\n".join(s for s in sections if s))


class ClassStats:
    """Counts behind the report, from the students' results."""

    def __init__(self, collected):
        self.students = sorted(collected, key=lambda item: item[0])
        self.scores = [float(r.get("score", 0)) for _, r in self.students]
        self.max_total = max((float(r.get("max_score", 0)) for _, r in self.students), default=0.0)
        seen = {t.get("name") for _, r in self.students for t in r["tests"]}
        self.functions = [e for e in EXERCISES if e.name in seen]
        self.unreadable = sum(1 for _, r in self.students if (r.get("extra_data") or {}).get("status") in UNREADABLE)
        self.outcomes = {e.name: Counter() for e in self.functions}
        self.checks = {e.name: {c.name: [0, 0] for c in e.checks} for e in self.functions}
        self.failures = {e.name: Counter() for e in self.functions}
        for _, results in self.students:
            unreadable = (results.get("extra_data") or {}).get("status") in UNREADABLE
            for test in results["tests"]:
                if test.get("name") in self.outcomes:
                    self._add(test, unreadable)

    def _add(self, test, unreadable=False):
        name = test["name"]
        extra = test.get("extra_data") or {}
        score, max_score = float(test.get("score", 0)), float(test.get("max_score", 0))
        self.outcomes[name]["full" if score >= max_score > 0 else "partial" if score > 0 else "none"] += 1
        for check in extra.get("checks", []):
            counts = self.checks[name].setdefault(check.get("name"), [0, 0])
            counts[0] += bool(check.get("passed"))
            counts[1] += 1
        status = extra.get("status", "passed")
        if status == "passed":
            return
        if unreadable:
            return  # no code to learn from: counted once in the overview, not once per function
        failures = extra.get("failures") or []
        groups = {(f.get("check"), f.get("mistake")) for f in failures} or {(None, status)}
        for group in groups:
            self.failures[name][group] += 1

    @property
    def n(self):
        return len(self.students)

    def most_common(self, function, limit):
        """[((check, mistake or status), count)] of one function, most shared first."""
        return sorted(self.failures[function].items(), key=lambda item: (-item[1], str(item[0])))[:limit]


def failure_label(check, mistake):
    """How a group of failures is named: ``check: mistake``, ``check`` or a status."""
    if check is None:
        return mistake  # a status such as "not implemented"
    return f"{check}: {mistake}" if mistake else f"{check} (no known mistake)"


def failure_hint(function, check, mistake):
    exercise = next((e for e in EXERCISES if e.name == function), None)
    if exercise is None or check is None:
        return ""
    known = exercise.mistake(mistake) if mistake else None
    if known:
        return known.hint
    declared = next((c for c in exercise.checks if c.name == check), None)
    return declared.hint if declared is not None else ""


# --------------------------------------------------------------------------
# Plots
# --------------------------------------------------------------------------


def _svg(draw, stats):
    """Draw one figure and return it as inline SVG markup (empty when there is nothing to show)."""
    if not stats.n:
        return ""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.hashsalt": "lrg-class-report", "svg.fonttype": "none",
                                "font.size": 10, "axes.spines.top": False, "axes.spines.right": False}):
        figure = Figure(figsize=(8, 3.5), layout="constrained")
        if draw(figure, stats) is False:
            return ""
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and doctype: inline in HTML


def _score_histogram(figure, stats):
    axes = figure.subplots()
    top = stats.max_total or 100
    width = max(top / 20, 1)
    edges = [i * width for i in range(int(top // width) + 1)]
    if edges[-1] < top:
        edges.append(top)
    axes.hist(stats.scores, bins=edges, color=COLORS["bar"], edgecolor="white")
    mean, median = statistics.fmean(stats.scores), statistics.median(stats.scores)
    axes.axvline(mean, color="#333", linestyle="--", linewidth=1, label=f"mean {mean:.1f}")
    axes.axvline(median, color="#333", linestyle=":", linewidth=1, label=f"median {median:g}")
    axes.set_xlim(0, top)
    axes.set_xlabel(f"total score (out of {number(top)})")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False)
    axes.set_title(f"{stats.n} students", loc="left")


def _function_outcomes(figure, stats):
    names = [e.name for e in stats.functions]
    if not names:
        return False
    figure.set_size_inches(8, 0.32 * len(names) + 1.2)
    axes = figure.subplots()
    rows = list(range(len(names)))[::-1]
    left = [0] * len(names)
    for key, label in (("full", "full points"), ("partial", "some points"), ("none", "no points")):
        values = [stats.outcomes[name][key] for name in names]
        axes.barh(rows, values, left=left, color=COLORS[key], label=label, height=0.7)
        left = [a + b for a, b in zip(left, values)]
    axes.set_yticks(rows, names)
    axes.set_xlim(0, stats.n)
    axes.set_xlabel("students")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))


def _check_rates(figure, stats):
    labels, rates, groups = [], [], []
    for index, exercise in enumerate(stats.functions):
        for check, (passed, total) in stats.checks[exercise.name].items():
            if total:
                labels.append(f"{exercise.name}: {check}")
                rates.append(100.0 * passed / total)
                groups.append(index)
    if not labels:
        return False
    figure.set_size_inches(8, 0.2 * len(labels) + 1.0)
    axes = figure.subplots()
    rows = list(range(len(labels)))[::-1]
    colors = [COLORS["bar"] if g % 2 == 0 else "#7d9fd6" for g in groups]  # alternate shades per function
    axes.barh(rows, rates, color=colors, height=0.75)
    for row, rate in zip(rows, rates):
        axes.text(min(rate, 100) + 1, row, f"{rate:.0f}%", va="center", fontsize=7)
    axes.set_yticks(rows, labels, fontsize=7)
    axes.set_xlim(0, 108)
    axes.set_xlabel("students who passed the check (%)")


def _top_failures(figure, stats):
    """One bar per function: its most common failure and how many students share it."""
    rows = []
    for exercise in stats.functions:
        top = stats.most_common(exercise.name, 1)
        if top:
            (check, mistake), count = top[0]
            rows.append((f"{exercise.name} · {failure_label(check, mistake)}", count))
    if not rows:
        return False
    figure.set_size_inches(8, 0.3 * len(rows) + 1.0)
    axes = figure.subplots()
    positions = list(range(len(rows)))[::-1]
    axes.barh(positions, [count for _, count in rows], color=COLORS["none"], height=0.7)
    axes.set_yticks(positions, [label for label, _ in rows], fontsize=8)
    axes.set_xlim(0, stats.n)
    axes.set_xlabel("students who share the function's most common failure")
    axes.xaxis.get_major_locator().set_params(integer=True)


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Class report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }}
table {{ border-collapse: collapse; margin: 1rem 0; font-size: .9rem; }}
th, td {{ border: 1px solid #ccc; padding: .2rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #f2f2f2; }}
td.num {{ text-align: right; }}
.figures {{ display: flex; gap: 2rem; flex-wrap: wrap; }}
.figure {{ font-size: 1.4rem; }} .figure small {{ display: block; font-size: .8rem; color: #555; }}
svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<h1>Class report</h1>
{body}
</body>
</html>
"""


def _section(title, *parts):
    body = "\n".join(p for p in parts if p)
    return f"<h2>{html.escape(title)}</h2>\n{body}" if body else ""


def _overview(stats):
    if not stats.n:
        return "<p>No submission was graded.</p>"
    mean, median = statistics.fmean(stats.scores), statistics.median(stats.scores)
    full = sum(1 for s in stats.scores if s >= stats.max_total > 0)
    figures = [("students", stats.n), ("mean score", f"{mean:.1f}"), ("median", f"{median:g}"),
               ("full marks", full), ("out of", number(stats.max_total)),
               ("could not be read", stats.unreadable)]
    cells = "".join(f"<div class=\"figure\">{html.escape(str(v))}<small>{html.escape(k)}</small></div>"
                    for k, v in figures)
    return f"<div class=\"figures\">{cells}</div>"


def _function_table(stats):
    lines = ["<table>", "<thead><tr><th>function</th><th>full points</th><th>some points</th>"
             "<th>no points</th><th>mean</th></tr></thead>", "<tbody>"]
    for exercise in stats.functions:
        counts = stats.outcomes[exercise.name]
        scores = [float(t.get("score", 0)) for _, r in stats.students for t in r["tests"]
                  if t.get("name") == exercise.name]
        mean = statistics.fmean(scores) if scores else 0.0
        lines.append(f"<tr><td>{html.escape(exercise.name)}</td><td class=\"num\">{counts['full']}</td>"
                     f"<td class=\"num\">{counts['partial']}</td><td class=\"num\">{counts['none']}</td>"
                     f"<td class=\"num\">{mean:.2f} / {number(exercise.points)}</td></tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _failure_table(stats):
    lines = ["<p>Each function's most common failures (a student counts once per failure; submissions that "
             "could not be read are left out).</p>", "<table>",
             "<thead><tr><th>function</th><th>failure</th><th>students</th><th>hint given</th></tr></thead>",
             "<tbody>"]
    any_row = False
    for exercise in stats.functions:
        for (check, mistake), count in stats.most_common(exercise.name, PER_FUNCTION):
            any_row = True
            lines.append(f"<tr><td>{html.escape(exercise.name)}</td>"
                         f"<td>{html.escape(failure_label(check, mistake))}</td><td class=\"num\">{count}</td>"
                         f"<td>{html.escape(failure_hint(exercise.name, check, mistake))}</td></tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines) if any_row else "<p>No failures: every student passed every check.</p>"


def _student_table(stats):
    lines = ["<table>", "<thead><tr><th>student</th><th>score</th><th>status</th><th>late</th></tr></thead>",
             "<tbody>"]
    for student, results in stats.students:
        extra = results.get("extra_data") or {}
        link = f"feedback/{html.escape(student, quote=True)}.html"
        lines.append(f"<tr><td><a href=\"{link}\">{html.escape(student)}</a></td>"
                     f"<td class=\"num\">{number(results.get('score', 0))} / "
                     f"{number(results.get('max_score', 0))}</td>"
                     f"<td>{html.escape(str(extra.get('status', '')))}</td>"
                     f"<td>{'late' if extra.get('late') else ''}</td></tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)
