"""What a check is, the kinds of check, and how one is run with Hypothesis.

A :class:`Check` states one property of one student function, with its points,
its tolerance and its hint. Its ``prop`` receives the function under test (a
handle that calls into the child process, see ``engine.py``) and one
:class:`Example`, and raises :class:`Mismatch` when the property does not hold.
The builders below (:func:`agrees`, :func:`raises`, :func:`holds`,
:func:`unchanged`, :func:`returns_new`, :func:`no_warnings`,
:func:`returns_form`) make the usual kinds.

:func:`run_check` first tries the check's fixed examples, then searches the
check's strategy with :func:`hypothesis.find`, seeded from the check's name, so
that the same submission always meets the same inputs; a failure is shrunk to
a small counterexample (``grader/shrinking.py``, which shares the searches
between submissions). A problem that must stop the whole function (timeout,
dead process, forbidden call) is a :class:`Fatal`, a ``BaseException``, which
Hypothesis lets through at once instead of shrinking.
"""

import copy
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from random import Random

from hypothesis import HealthCheck, Phase, Verbosity, find, settings
from hypothesis.errors import NoSuchExample

from grader import shrinking
from grader.values import EXACT, compare, describe_type, to_plain


@dataclass(frozen=True)
class Example:
    """The arguments of one call."""

    args: tuple
    kwargs: dict = field(default_factory=dict)


class Mismatch(Exception):
    """A property did not hold on one example.

    Parameters
    ----------
    example : Example
        The call that showed it.
    reason : str
        What was wrong, for the student.
    got, expected : object, optional
        The values compared (expected may be absent for a pure property).
    mistake : str, optional
        The key of a known mistake this failure identifies.
    """

    def __init__(self, example, reason, *, got=None, expected=None, mistake=None, has_expected=True):
        super().__init__(reason)
        self.example = example
        self.reason = reason
        self.got = got
        self.expected = expected
        self.has_expected = has_expected and expected is not None
        self.mistake = mistake


class StudentRaised(Exception):
    """The student's function raised an exception (an ordinary one) on an example."""

    def __init__(self, example, error):
        super().__init__(error.get("message", ""))
        self.example = example
        self.error = error

    @property
    def type_name(self):
        return self.error.get("exc_type", "Exception")


class Fatal(BaseException):
    """Stops grading this function: timeout, dead process, forbidden call, ...

    A ``BaseException`` so that Hypothesis passes it straight through.

    Parameters
    ----------
    status : str
        The function's status (``"timed out"``, ``"crashed"``, ...).
    detail : str
        What happened, for the student.
    example : Example, optional
        The call during which it happened.
    """

    def __init__(self, status, detail, example=None, traceback=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.example = example
        self.traceback = traceback


@dataclass(frozen=True)
class Check:
    """One property of one function, with its points and hint.

    Attributes
    ----------
    name : str
        Short name, unique within the function.
    statement : str
        The property, in one sentence a student can read.
    points : float
        Points for this check.
    kind : str
        ``"value"`` (the function computes the right thing) or ``"form"``
        (types, shapes, no mutation, no warnings). Form points count only
        when at least one value check of the function passes.
    prop : callable
        ``prop(function, example)``; raises :class:`Mismatch` on failure.
    hint : str
        What to look at when this check fails and no known mistake matches.
    tolerance : Tolerance or None
        How close values must be, when the check compares values.
    strategy : SearchStrategy or None
        Where Hypothesis draws examples from.
    examples : tuple of Example
        Fixed examples, always tried first.
    max_examples : int
        How many examples Hypothesis draws.
    public : bool
        Whether the check also runs in the student handout (it must not need
        the reference).
    inspects : tuple of str
        What the property reads of a call besides its value and warnings:
        ``"mutated"`` (the child snapshots every argument before and after
        the call) and ``"aliased"`` (whether the result shares memory with an
        argument). The child observes these only for checks that ask, since
        the snapshots cost more than many of the functions under test; for the
        other checks the :class:`~grader.engine.Outcome` holds None.
    """

    name: str
    statement: str
    points: float
    kind: str
    prop: object
    hint: str
    tolerance: object = None
    strategy: object = None
    examples: tuple = ()
    max_examples: int = 30
    public: bool = False
    inspects: tuple = ()


def _deterministic_hypothesis():
    """Make Hypothesis draw the same inputs whatever else is loaded, and write nothing.

    Recent Hypothesis versions mix in constants collected from the source of
    every "local" module that happens to be imported (here: the grader, the
    references, the tests), and cache them in ``.hypothesis/`` in the working
    folder. Both would make the inputs depend on the process (``check`` vs
    ``grade`` vs ``pytest``) and the folder, so the collection is switched off
    and Hypothesis's storage goes to a private temporary folder, removed when
    the process ends (every student's ``pytest`` imports this module).
    """
    import atexit

    from hypothesis import configuration

    from grader import tempfolders

    home = tempfolders.make("lrg-hypothesis-")  # (a run killed with SIGKILL: a later one removes it)
    atexit.register(tempfolders.remove, home)
    configuration.set_hypothesis_home_dir(home)
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a Hypothesis without the providers module
        return
    if hasattr(providers, "_get_local_constants") and hasattr(providers, "Constants"):
        providers._get_local_constants = lambda: providers.Constants()


_deterministic_hypothesis()


def check_seed(function_name, check_name):
    """The seed of a check's search: the same inputs for every submission, in every process."""
    return zlib.crc32(f"{function_name}/{check_name}".encode("utf-8"))


def search_settings(max_examples):
    """Hypothesis settings for grading: deterministic, database-free, no deadline."""
    return settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,  # the seed comes from the check's name instead
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        print_blob=False,
        report_multiple_bugs=False,
    )


def run_check(check, function, function_name, shrink=True):
    """Run one check; return the failure (shrunk) or None.

    Parameters
    ----------
    check : Check
    function : callable
        The function under test (see ``engine.FunctionUnderTest``); when it
        has ``begin_check`` and ``end_check``, they are told when the check
        starts (with its examples) and ends (see ``grader/batches.py``).
    function_name : str
        Used with the check's name to seed the search.
    shrink : bool
        Shrink a failure to a small counterexample (else the first one found is returned).

    Returns
    -------
    Mismatch or StudentRaised or None

    Raises
    ------
    Fatal
        When the function cannot go on being graded.
    """
    seed = check_seed(function_name, check.name)
    drawn = generated_examples(check, seed) if check.strategy is not None else ()
    begin, end = getattr(function, "begin_check", None), getattr(function, "end_check", None)
    if begin is not None:
        begin(check, _all_examples(check, drawn))
    failure = passed = None
    try:
        failure = _run(check, function, seed, drawn, shrink)
        passed = failure is None
    finally:
        if end is not None:
            end(check, bool(passed))
    return failure


def _run(check, function, seed, drawn, shrink=True):
    """:func:`run_check` once its examples are drawn."""
    # Fast path: the inputs Hypothesis draws for a function that never fails
    # are the same for every submission, so they are drawn once per process
    # and replayed. Only on a failure does Hypothesis search again (drawing
    # the same inputs up to that failure) and shrink it.
    for example in check.examples:
        try:
            check.prop(function, example)
        except (Mismatch, StudentRaised) as failure:
            return failure
    if check.strategy is None:
        return None
    first_failure = None
    for example in drawn:
        try:
            check.prop(function, example)
        except (Mismatch, StudentRaised) as failure:
            first_failure = failure
            break
    if first_failure is None or not shrink:
        return first_failure

    def attempt(example):
        try:
            check.prop(function, example)
        except (Mismatch, StudentRaised) as failure:
            return failure
        return None

    return shrinking.shrink(check, seed, attempt, first_failure, search_settings(check.max_examples))


_GENERATED = {}
_ALL_EXAMPLES = {}


def _all_examples(check, drawn):
    """The check's fixed examples followed by the drawn ones: one tuple per (check, draw), kept."""
    key = (id(check), id(drawn))
    if key not in _ALL_EXAMPLES:
        _ALL_EXAMPLES[key] = (check, drawn, tuple(check.examples) + tuple(drawn))
    return _ALL_EXAMPLES[key][2]


def generated_examples(check, seed):
    """The examples Hypothesis draws from ``check.strategy`` with ``seed`` while nothing fails.

    Drawn once per process and kept; the tuple is never modified.
    """
    key = (id(check), seed)
    if key not in _GENERATED:
        drawn = []

        def never_fails(example):
            drawn.append(example)
            return False

        try:
            find(check.strategy, never_fails, settings=search_settings(check.max_examples), random=Random(seed))
        except NoSuchExample:
            pass
        _GENERATED[key] = (check, tuple(drawn))  # the check is kept so its id is never reused
    return _GENERATED[key][1]


def has_examples(check, seed):
    """Whether this process has the examples of ``check`` for ``seed`` already (drawn or read)."""
    return (id(check), seed) in _GENERATED


def preset_examples(check, seed, examples):
    """Use ``examples`` as what ``check.strategy`` draws with ``seed`` (read from ``grader.example_cache``)."""
    _GENERATED[(id(check), seed)] = (check, tuple(examples))


# --------------------------------------------------------------------------
# Kinds of check
# --------------------------------------------------------------------------


_EXPECTED = OrderedDict()  # (id(oracle), id(example)) -> (oracle, example, its value): see expected_value
MAX_EXPECTED = 20_000


def expected_value(oracle, example):
    """``oracle``'s value on ``example``: computed once per example object, then copied.

    Every submission meets the same example objects (drawn once per
    process), and an oracle is deterministic, so its value is kept with the
    example (both held, so that their ids stay theirs). This saves
    encoding the arguments again to find a remembered reference value.
    """
    key = (id(oracle), id(example))
    kept = _EXPECTED.get(key)
    if kept is None:
        kept = (oracle, example, oracle(*to_plain(example.args), **to_plain(example.kwargs)))
        _EXPECTED[key] = kept
        if len(_EXPECTED) > MAX_EXPECTED:
            _EXPECTED.popitem(last=False)
    else:
        _EXPECTED.move_to_end(key)
    return copy.deepcopy(kept[2])  # the caller may modify what it gets


def agrees(statement, *, points, strategy, oracle, tolerance=EXACT, hint, examples=(),
           name="agrees with the reference", max_examples=30, public=False):
    """The function's value equals ``oracle``'s on every example, within ``tolerance``.

    ``oracle`` must be deterministic: its value is kept per example (see :func:`expected_value`).
    """

    def prop(function, example):
        got = function(*example.args, **example.kwargs).value
        expected = expected_value(oracle, example)
        reason = compare(got, expected, tolerance)
        if reason:
            raise Mismatch(example, reason, got=got, expected=expected)

    return Check(name, statement, points, "value", prop, hint, tolerance, strategy, tuple(examples),
                 max_examples, public)


def holds(statement, *, points, strategy=None, prop, hint, name, examples=(), kind="value",
          tolerance=None, max_examples=30, public=False):
    """A property checked by ``prop(function, example)``, which raises Mismatch."""
    return Check(name, statement, points, kind, prop, hint, tolerance, strategy, tuple(examples),
                 max_examples, public)


def raises(statement, *, points, valid, strategy=None, examples=(), exception="ValueError", hint,
           name=None, max_examples=10, public=True):
    """The function raises ``exception`` (or a subclass) on every example, and not on the ``valid`` call.

    ``valid`` is an :class:`Example` of good input: a function that raises on
    everything has not told bad input from good, and earns nothing here.
    """

    def prop(function, example):
        try:
            outcome = function(*example.args, **example.kwargs)
        except StudentRaised as raised:
            if exception not in raised.error.get("exc_bases", [raised.type_name]):
                raise Mismatch(example, f"raised {raised.type_name}, expected {exception}",
                               has_expected=False) from None
        else:
            raise Mismatch(example, f"returned {describe_type(outcome.value)} instead of raising {exception}",
                           got=outcome.value, has_expected=False)
        try:
            function(*valid.args, **valid.kwargs)
        except StudentRaised as raised:
            raise Mismatch(valid, f"raised {raised.type_name} on good input too: a function that raises on "
                           "every input has not told bad input from good", has_expected=False) from None

    return Check(name or f"raises {exception}", statement, points, "value", prop, hint, None, strategy,
                 tuple(examples), max_examples, public)


def unchanged(*, points, strategy, hint, examples=(), max_examples=15, public=True):
    """No argument is modified by the call."""

    def prop(function, example):
        outcome = function(*example.args, **example.kwargs)
        if outcome.mutated:
            names = ", ".join(function.argument_names(example, outcome.mutated))
            raise Mismatch(example, f"the call changed its argument {names}", got=outcome.value,
                           has_expected=False, mistake="mutates_input")

    return Check("leaves its inputs unchanged", "The function never modifies the arrays it is given.",
                 points, "form", prop, hint, None, strategy, tuple(examples), max_examples, public,
                 inspects=("mutated",))


def returns_new(*, points, strategy, hint, examples=(), max_examples=10, public=True):
    """The result is a new array, never one of the arguments (or a view of one)."""

    def prop(function, example):
        outcome = function(*example.args, **example.kwargs)
        if outcome.aliased:
            names = ", ".join(function.argument_names(example, outcome.aliased))
            raise Mismatch(example, f"the result is the argument {names} itself (or shares its memory)",
                           got=outcome.value, has_expected=False, mistake="returns_input")

    return Check("returns a new array", "The result is a new array, not one of the inputs.", points, "form",
                 prop, hint, None, strategy, tuple(examples), max_examples, public, inspects=("aliased",))


def no_warnings(statement, *, points, strategy, hint, examples=(), max_examples=20, public=True):
    """The call emits no warning (overflow, divide by zero, invalid value, ...)."""

    def prop(function, example):
        outcome = function(*example.args, **example.kwargs)
        if outcome.warnings:
            category, message = outcome.warnings[0]
            raise Mismatch(example, f"the call warned: {category}: {message}", got=outcome.value,
                           has_expected=False, mistake="warning")

    return Check("no warnings", statement, points, "form", prop, hint, None, strategy, tuple(examples),
                 max_examples, public)


def returns_form(statement, *, points, strategy, expect, hint, examples=(), name="returns the right type",
                 max_examples=15, public=True):
    """``expect(example, value)`` returns None, or what is wrong with the result's type or shape."""

    def prop(function, example):
        outcome = function(*example.args, **example.kwargs)
        problem = expect(example, outcome.value)
        if problem:
            raise Mismatch(example, problem, got=outcome.value, has_expected=False)

    return Check(name, statement, points, "form", prop, hint, None, strategy, tuple(examples), max_examples,
                 public)
