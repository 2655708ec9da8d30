"""Shrinking a failure to a small counterexample, with the searches shared between submissions.

When a property fails, Hypothesis's ``find`` searches the check's strategy
(seeded by the check) for a failing example and shrinks it. Given its seed,
that search is a function of the answers it gets and nothing else: which
candidate it tries next depends only on which of the earlier ones failed. So
the searches made for earlier submissions are kept, per check, as a tree of
candidates with a branch for "failed" and one for "held", and a new
submission first walks that tree: its property is tried on each node's
candidate and its answer picks the branch.

- Where the walk reaches the end of a search, its result is the one
  Hypothesis would have found for this submission.
- Where the submission answers as no earlier one did, Hypothesis searches
  for it (trying the same candidates up to that point, then new ones), and
  the search joins the tree.

A mistake many students make is thus searched by Hypothesis once; every
student still gets exactly the counterexample Hypothesis would give them,
while Hypothesis's own work per candidate (most of the cost of shrinking) is
not repeated. Every search stops after :data:`MAX_TRIES` tries of the
property, with the smallest failure found so far: a count, never a clock,
so the result never depends on the machine.
"""

from random import Random

from hypothesis import find
from hypothesis.errors import NoSuchExample

MAX_TRIES = 2_000  # tries of the property in one search
MAX_NODES = 20_000  # candidates kept per check

FOUND, NOT_FOUND = "found", "not found"
SHARED = True  # False: Hypothesis searches for every submission (the tests compare the two)


class _Node:
    """A candidate the search tried, and what it tried next after each answer."""

    __slots__ = ("example", "after")

    def __init__(self, example):
        self.example = example
        self.after = {}  # True (failed) / False (held) -> _Node, FOUND or NOT_FOUND


class _Tree:
    def __init__(self, check):
        self.check = check  # kept, so that its id (the key) is never reused
        self.root = None
        self.nodes = 0


class _OutOfTries(BaseException):
    """Ends a search that has tried the property MAX_TRIES times."""


_TREES = {}


def shrink(check, seed, attempt, first_failure, settings):
    """The failure to report for a check whose property failed: small, as Hypothesis would shrink it.

    Parameters
    ----------
    check : Check
    seed : int
        The check's seed (``checks.check_seed``).
    attempt : callable
        ``attempt(example)`` tries the property on one example; returns the
        failure (a ``Mismatch`` or ``StudentRaised``) or None.
    first_failure : Mismatch or StudentRaised
        The failure already seen, reported when the search finds none.
    settings : hypothesis.settings

    Returns
    -------
    Mismatch or StudentRaised
    """
    tree = _TREES.setdefault((id(check), seed), _Tree(check)) if SHARED else _Tree(check)
    last, node, walked = None, tree.root, []
    while isinstance(node, _Node):
        failure = attempt(node.example)
        walked.append(failure)
        if failure is not None:
            last = failure
        following = node.after.get(failure is not None)
        if following == FOUND:
            return last
        if following == NOT_FOUND:
            return first_failure
        node = following
    return _search(tree, check, seed, attempt, first_failure, settings, walked)


def _search(tree, check, seed, attempt, first_failure, settings, walked):
    """Let Hypothesis search, and add its tries to the tree.

    Its first tries are the candidates just walked (the search is the same
    up to there), so their answers are taken from the walk, not asked again.
    """
    trail, found = [], []

    def fails(example):
        if len(trail) >= MAX_TRIES:
            raise _OutOfTries
        failure = walked[len(trail)] if len(trail) < len(walked) else attempt(example)
        trail.append((example, failure is not None))
        if failure is not None:
            found[:] = [failure]
        return failure is not None

    try:
        find(check.strategy, fails, settings=settings, random=Random(seed))
        outcome = FOUND
    except NoSuchExample:
        outcome = NOT_FOUND
    except _OutOfTries:
        outcome = FOUND if found else NOT_FOUND
    _add(tree, trail, outcome)
    return found[0] if outcome == FOUND else first_failure


def _add(tree, trail, outcome):
    """Record one search: its candidates in order, the answers, how it ended."""
    if not trail or tree.nodes + len(trail) > MAX_NODES:
        return
    if tree.root is None:
        tree.root = _Node(trail[0][0])
        tree.nodes += 1
    node = tree.root
    for index, (_, failed) in enumerate(trail):
        if index + 1 == len(trail):
            node.after[failed] = outcome
            return
        following = node.after.get(failed)
        if not isinstance(following, _Node):
            following = node.after[failed] = _Node(trail[index + 1][0])
            tree.nodes += 1
        node = following
