"""The outcome of grading one submission, as plain data.

These records are what every output is made from: the student's report, the
gradebook row, the Gradescope ``results.json`` and the class report. They hold
only text and numbers that the trusted side produced.
"""

from dataclasses import asdict, dataclass, field

STATUSES = ("passed", "wrong", "crashed", "timed out", "not implemented", "not found", "import error",
            "uses scikit-learn", "tampered")


@dataclass
class Failure:
    """One failing check, with the small example that shows it."""

    check: str
    statement: str
    call: str
    reason: str
    hint: str
    got: str = None
    expected: str = None
    tolerance: str = None
    traceback: str = None
    mistake: str = None


@dataclass
class CheckResult:
    """One check's verdict and points."""

    name: str
    statement: str
    kind: str
    points: float
    max_points: float
    passed: bool


@dataclass
class FunctionResult:
    """Everything about one function of one submission."""

    module: str
    name: str
    status: str
    points: float
    max_points: float
    checks: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    detail: str = None
    traceback: str = None
    output: str = ""


@dataclass
class Grade:
    """A whole submission's grade.

    Attributes
    ----------
    student : str
        The student id.
    functions : list of FunctionResult
        In contract order.
    notes : list of str
        Things the student should know that belong to no one function
        (a notebook cell that was skipped, a module that failed to import).
    status : str
        ``"ok"``, or a short reason (``"import error"``, ``"timeout"``,
        ``"unreadable"``, ...).
    source : str
        The file or folder name the submission was read from.
    confinement : list of str
        The confinement layers the submission ran under.
    """

    student: str
    functions: list
    notes: list = field(default_factory=list)
    status: str = "ok"
    source: str = ""
    confinement: list = field(default_factory=list)

    @property
    def total(self):
        return round(sum(f.points for f in self.functions), 4)

    @property
    def max_total(self):
        return round(sum(f.max_points for f in self.functions), 4)

    def to_dict(self):
        """Plain, JSON-ready data."""
        data = asdict(self)
        data["total"] = self.total
        data["max_total"] = self.max_total
        return data


def overall_status(functions, unreadable=None):
    """The gradebook status: ``ok`` or the most telling problems, comma-separated."""
    if unreadable:
        return unreadable
    problems = []
    for label, statuses in (("tampered", {"tampered"}), ("import error", {"import error"}),
                            ("timeout", {"timed out"}), ("crashed", {"crashed"})):
        if any(f.status in statuses for f in functions):
            problems.append(label)
    return ", ".join(problems) or "ok"
