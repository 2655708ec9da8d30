"""Grade one submission: load it in a child process, run every check, collect results.

How one mistake is charged once
-------------------------------
Each function is graded on its own. While, say, ``predict_proba`` is graded,
every name in the student's modules that refers to the student's own
``sigmoid`` is rebound, inside the child, to a *stand-in*: a small function
that sends its arguments to this (trusted) process and returns what the
reference computes for them. The reference itself never enters the child:
only the values it computes for the arguments the student's code passes.
So a wrong ``sigmoid`` costs ``sigmoid``'s points and nothing else, while
``predict_proba`` is judged on what it does with a correct ``sigmoid``. Only
the declared dependencies of the function under test get stand-ins (never the
function itself, never anything above it), so a stand-in cannot hand a
function its own answer. Every function is judged by the same checks whether
or not it calls its dependencies.

Stand-ins cost time (a round trip, or a locked answer to hash and open, per
call of a dependency: most of ``fit``'s grading). So when every dependency of
a function has already passed all its checks, the function is first graded
with the student's own versions, and that grade is kept if it passes every
check without printing; otherwise grading stops at the first failure and
starts again with stand-ins (see ``grade_function``). So every failure is
reported exactly as the stand-ins make it; only a clean pass, with
dependencies the checks found right, comes from the shortcut.

The child is started once per submission and restarted (with the modules
that loaded cleanly) after anything that killed it; every call has a time
limit, and so does each function as a whole. A check's calls travel to the
child in one batch (``grader/batches.py``), and the stand-ins' answers a
correct function will need may travel with a call, each locked by the
arguments that ask for it (``grader/answers.py``); neither changes what a
check sees.

Bulk grading asks for *streamed* batches: the child holds a batch's results
back and sends several at once (fewer system calls and wake-ups on both
sides). Streaming leaves every value and every reply as it is, but not the
moment a reply arrives, so when a streamed function ends in a crash or a
hang, which call caused it is uncertain: that verdict is made again without
streaming (a crash at once; a hang in the re-run every timeout gets anyway).
"""

import contextlib
import functools
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader import answers, batches, contract, sandbox, tempfolders
from grader.checks import Example, Fatal, Mismatch, StudentRaised, run_check
from grader.results import CheckResult, Failure, FunctionResult, Grade, overall_status
from grader.submission import SubmissionError, read_submission, stage
from grader.values import compare, show, show_call, to_plain

MAX_OUTPUT = 1000  # characters of a function's printed output kept for its report
MAX_OUTPUT_LINES = 12
MAX_ORACLE_CALLS = 200_000  # stand-in round trips per function (the child stops a call at 20,000 itself)
MAX_ORACLE_ELEMENTS = 2_000_000
QUICK_CALL_SECONDS = 2.0  # limits of a first grading with the student's own dependencies (see grade_function)
QUICK_FUNCTION_SECONDS = 20.0


@dataclass(frozen=True)
class Limits:
    """Time limits, in seconds. Generous: machine load must never change a grade.

    ``submission`` bounds the grading of a whole submission (its imports
    included), so that one far too slow submission cannot hold a worker
    for half an hour: what is not graded by then scores 0 as timed out.
    """

    call: float = 10.0
    load: float = 60.0
    function: float = 120.0
    submission: float = 300.0


@dataclass
class Outcome:
    """What one call of a student function returned.

    ``mutated`` (the positions of the arguments the call changed) and
    ``aliased`` (those the result shares memory with) are observed only
    during a check that asks for them (``Check.inspects``); otherwise None.
    """

    value: object
    mutated: list = None
    aliased: list = None
    warnings: list = field(default_factory=list)


@dataclass
class UnitStatus:
    """How one load unit fared when the child imported it."""

    status: str
    error: dict = None
    functions: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


START_RETRY_PAUSES = (0.0, 0.5, 2.0)  # seconds before each attempt to start a child


class GraderError(Exception):
    """The grader's own machinery failed (a child could not start): no grade may be recorded."""


class Session:
    """The child process of one submission: started, loaded, restarted when killed."""

    def __init__(self, submission, workdir, runtime, launcher=None, limits=Limits(), exercises=(), preload=False):
        self.submission = submission
        self.preload = preload
        self.exercises = exercises
        self.workdir = Path(workdir)
        self.runtime = runtime
        self.launcher = launcher
        self.limits = limits
        self.child = None
        self.units = {}
        self.layers = []
        self.deadline = None  # when the submission's time is up (``Limits.submission``), by time.monotonic()
        self.ran_out_of_time = False  # a function was stopped, or not graded, because that time was up

    def _start(self):
        """Start a child and set it up (no student code runs yet); retry the grader's own failures."""
        paths = [str(self.workdir), str(self.workdir / "exercises")]
        # A package's modules, imported by their short names too (``from logistic import sigmoid``), are the
        # ones the grader loads, stand-ins included.
        aliases = {unit.module_name.split(".", 1)[1]: unit.module_name for unit in self.submission.units
                   if unit.module_name.startswith("exercises.") and unit.file in self.submission.files}
        message = {"op": "setup", "root": str(self.workdir), "paths": paths, "display": self.submission.display,
                   "aliases": aliases}
        problem = None
        for attempt, pause in enumerate(START_RETRY_PAUSES):
            time.sleep(pause)
            try:
                self.child = sandbox.ChildProcess(self.runtime, self.workdir, self.launcher,
                                                  preload=batches.preloadable() if self.preload else ())
                reply = self.child.request(message, self.limits.load)
            except (sandbox.ChildError, OSError) as error:
                problem = getattr(error, "detail", None) or str(error)
                if self.child is not None:
                    self.child.kill()
                continue
            if reply.get("op") == "ready":
                self.layers = [str(layer)[:60] for layer in reply.get("layers") or [] if isinstance(layer, str)]
                return
            problem = "the child did not answer its set-up"
            self.child.kill()
        raise GraderError(f"the grading process could not be started ({problem}); this is not the "
                          "student's fault, nothing was recorded")

    def _load(self, unit):
        expect = [e.name for e in self.exercises if e.module in unit.provides]
        message = {"op": "load", "module": unit.module_name, "file": unit.file, "expect": expect,
                   "cells": list(unit.cells) if unit.cells is not None else None}
        reply = self.child.request(message, self.limits.load)
        if reply.get("op") != "loaded" or reply.get("status") not in ("ok", "error"):
            raise sandbox.ChildProtocolError("unexpected answer to a load request")
        functions = reply.get("functions") if isinstance(reply.get("functions"), dict) else {}
        error = reply.get("error") if isinstance(reply.get("error"), dict) else None
        notes = [str(n)[:300] for n in reply.get("notes") or [] if isinstance(n, str)][:20]
        return UnitStatus(reply["status"], error, {k: functions.get(k, "missing") for k in expect}, notes)

    def load(self):
        """Start the child and import every unit once; return {module_name: UnitStatus}."""
        for unit in self.submission.units:
            if unit.file is not None and unit.file not in self.submission.files:
                self.units[unit.module_name] = UnitStatus("missing")
                continue
            if self.child is None or self.child.dead:
                self._start()
            try:
                self.units[unit.module_name] = self._load(unit)
            except sandbox.ChildError as error:
                self.units[unit.module_name] = UnitStatus("error", {
                    "exc_type": "TimeoutError" if error.kind == "timeout" else "ProcessError",
                    "message": _import_failure(error, self.limits.load), "traceback": ""})
        return self.units

    def restart(self):
        """Kill the child; the next call starts a fresh one."""
        if self.child is not None:
            self.child.kill()

    def ensure_running(self):
        """Restart the child after a kill, reloading the units that loaded cleanly."""
        if self.child is not None and not self.child.dead:
            return
        self._start()
        for unit in self.submission.units:
            if self.units.get(unit.module_name, UnitStatus("error")).status == "ok":
                self._load(unit)

    def call(self, message, timeout, on_oracle):
        """Send one call; return the reply or raise a ``sandbox.ChildError``."""
        self.ensure_running()
        return self.child.request(message, timeout, on_oracle)

    def close(self):
        if self.child is not None:
            self.child.close()


def _import_failure(error, timeout):
    if error.kind == "timeout":
        return f"importing it did not finish within {timeout:g} s (an endless loop or heavy work at module level?)"
    return f"importing it stopped the process: {error.detail}"


class FunctionUnderTest:
    """A student function, callable from the trusted side; each call runs in the child."""

    def __init__(self, session, exercise, unit_name, stand_ins, limits, oracle=None, stream=False):
        self.session = session
        self.stream = stream
        self.oracle = oracle
        self.exercise = exercise
        self.unit_name = unit_name
        self.stand_ins = stand_ins
        self.allowed_oracles = {target for target, _, _ in stand_ins}
        self.limits = limits
        self.calls = 0
        self.oracle_calls = 0
        self.started = time.monotonic()
        self.output = ""
        self.parameters = list(contract.parameters(exercise.name))
        self._batch = None
        self._recording = None
        self._inspects = ()  # what the running check reads besides values (Check.inspects)
        self.tampered = []  # what the child's runtime seal found changed (see ``_note_misbehaviour``)
        self.left_running = 0  # processes the function left running, which the child stopped

    def __call__(self, *args, **kwargs):
        """Call the function under test; return its Outcome (see the module docstring)."""
        example = Example(tuple(args), dict(kwargs))
        reply, planned = self._batched_reply(example)
        if reply is None:
            reply = self._send_call(self.exercise.name, self.unit_name, example, self.stand_ins)
        if self._recording is not None:
            self._recording.append(planned or batches.PlannedCall.copied(args, kwargs))
        if reply.get("outcome") == "raised":
            self._raise_for(reply, example)
        return self._outcome(reply, example)

    def other(self, name):
        """Another of the student's functions, called as it is (no stand-ins).

        For the public checks of the handout only, which compare a function
        with the student's own dependencies (``predict_proba`` with their
        ``sigmoid``). The hidden checks never use this: they would charge a
        dependency's mistake twice.
        """
        module = contract.module_of(name)
        unit = next(u.module_name for u in self.session.submission.units if module in u.provides)

        def call(*args, **kwargs):
            example = Example(tuple(args), dict(kwargs))
            reply = self._send_call(name, unit, example, [])
            if reply.get("outcome") == "raised":
                kind = str(reply.get("exc_type", "Exception"))[:100]
                if kind == "NotImplementedError":
                    reason = f"this check needs your {name}, which is not implemented yet"
                else:
                    reason = f"this check needs your {name}, which raised {kind}: {str(reply.get('message'))[:300]}"
                raise Mismatch(example, reason, has_expected=False, mistake="dependency_failed")
            return self._outcome(reply, example).value

        return call

    # -- one call at a time ----------------------------------------------------

    def _send_call(self, function_name, unit_name, example, stand_ins, watch=False):
        self.finish_batch()
        self._check_budget(example)
        self.calls += 1
        message = {"op": "call", "id": self.calls, "module": unit_name, "function": function_name,
                   "args": list(example.args), "kwargs": dict(example.kwargs),
                   "stand_ins": [list(s) for s in stand_ins], "detect": _detects_sklearn(function_name),
                   "watch": watch,
                   "stand_in_parameters": _stand_in_parameters(stand_ins), "inspects": list(self._inspects),
                   "answers": answers.table_cached(self.oracle, function_name, tuple(map(tuple, stand_ins)),
                                                   example.args, example.kwargs)}
        try:
            reply = self.session.call(message, self.limits.call, self._answer_oracle)
        except sandbox.ChildError as error:
            raise _call_failed(error, self.limits, example) from None
        return self._accept(reply, self.calls, function_name, example, unit_name, stand_ins, watched=watch)

    def _check_budget(self, example):
        now = time.monotonic()
        if now - self.started > self.limits.function:
            raise Fatal("timed out", f"grading this function took more than {self.limits.function:g} s in all; "
                        "it is far too slow", example)
        if self.session.deadline is not None and now > self.session.deadline:
            self.session.ran_out_of_time = True
            raise Fatal("timed out", _out_of_time(self.limits), example)

    def _accept(self, reply, expected_id, function_name, example, unit_name, stand_ins, watched=False):
        """Check a call's reply and keep what it printed; raise Fatal when it cannot be graded.

        When scikit-learn ran during a from-scratch function (the child's
        trip wire says so) and the call was not ``watched``, the call is made
        again under the child's scikit-learn watch, which names what was
        called, and that reply is returned: the one judged.
        """
        if reply.get("op") != "result" or reply.get("id") != expected_id:
            self.session.child.kill()
            raise Fatal("crashed", "the call sent the grader something other than its result", example)
        self._note_misbehaviour(reply)
        self.raise_if_misbehaved(example)
        if reply.get("sklearn_tripped") is True and not watched and _detects_sklearn(function_name):
            return self._send_call(function_name, unit_name, example, stand_ins, watch=True)
        self._keep_output(reply.get("stdout"))
        used = [str(u)[:200] for u in reply.get("sklearn") or [] if isinstance(u, str)]
        if used and _detects_sklearn(function_name):
            raise Fatal("uses scikit-learn", f"{function_name} calls scikit-learn ({'; '.join(used)}). "
                        "This exercise is from scratch: write it with NumPy. scikit-learn belongs in "
                        "sklearn_models.py only.", example)
        return reply

    # -- a check's calls in one batch (see grader/batches.py) ---------------------

    @property
    def _scope(self):
        return (self.exercise.name, self.unit_name, tuple(map(tuple, self.stand_ins)))

    def begin_check(self, check, examples):
        """Send the calls ``check`` is expected to make to the child in one batch."""
        self.finish_batch()
        self._inspects = tuple(check.inspects)
        scope = self._scope
        self._recording = None if batches.is_recorded(check, scope) else []
        plan = batches.plan_for(check, scope, examples)
        if not plan:
            return
        stand_ins = scope[2]
        common = {"stand_ins": [list(s) for s in stand_ins], "stand_in_parameters": _stand_in_parameters(stand_ins),
                  "detect": _detects_sklearn(self.exercise.name), "stream": self.stream,
                  "inspects": list(self._inspects)}

        def make_call(index, planned):
            return {"id": index, "module": self.unit_name, "function": self.exercise.name,
                    "args": list(planned.args), "kwargs": dict(planned.kwargs),
                    "answers": answers.table_cached(self.oracle, self.exercise.name, stand_ins, planned.args,
                                                    planned.kwargs)}

        packed = batches.batch_frame(plan, scope, make_call, common)
        if packed is None:
            return
        self.session.ensure_running()
        child = self.session.child
        try:
            child.send_frame(packed.for_child(child), time.monotonic() + self.limits.call)
        except sandbox.ChildError:
            return  # the child was killed; the calls go one at a time
        self._batch = batches.Batch(child, plan)

    def end_check(self, check, passed):
        """The check is over: a passing run's calls become its plan (for the next submission)."""
        if passed and self._recording:
            batches.remember(check, self._scope, self._recording)
        self._recording = None
        self._inspects = ()

    def _batched_reply(self, example):
        """(the batch's reply, the planned call) when the batch holds this call; else (None, None)."""
        batch = self._batch
        if batch is None:
            return None, None
        index = batch.index_of(example.args, example.kwargs)
        if index is None:
            return None, None
        self._check_budget(example)
        while batch.next < index:  # calls the property skipped: their replies are read and dropped
            if self._read_batch_reply(batch) is None:
                return None, None
        self.calls += 1
        deadline = time.monotonic() + self.limits.call
        try:
            reply = batch.child.request_reply(deadline, self._answer_oracle)
        except sandbox.ChildError as error:
            self._batch = None
            raise _call_failed(error, self.limits, example) from None
        batch.next += 1
        reply = self._accept(reply, index, self.exercise.name, example, self.unit_name, self.stand_ins)
        planned = batch.calls[index]
        if batch.done:
            self.finish_batch()
        return reply, planned

    def _read_batch_reply(self, batch):
        try:
            reply = batch.child.request_reply(time.monotonic() + self.limits.call, self._answer_oracle)
        except sandbox.ChildError:
            self._batch = None
            return None
        batch.next += 1
        return reply

    def finish_batch(self):
        """Stop the batch in flight (if any) and read what is left of it, so the child is ready again."""
        batch, self._batch = self._batch, None
        if batch is None or batch.child.dead:
            return
        try:
            if not batch.done:
                batch.child.send({"op": "stop"}, time.monotonic() + self.limits.call)
            while True:
                reply = batch.child.request_reply(time.monotonic() + self.limits.call, self._answer_oracle)
                if reply.get("op") == "batch_done":
                    self._note_misbehaviour(reply)
                    return
                if reply.get("op") != "result":
                    batch.child.kill()
                    return
        except sandbox.ChildError:
            return  # the child was killed; the next call starts a fresh one

    def _note_misbehaviour(self, reply):
        """Keep what the child found after a call or a batch: a changed runtime (see ``child._RuntimeSeal``),
        processes left running (``child._stop_left_running``)."""
        found = [str(name)[:60] for name in reply.get("tampered") or [] if isinstance(name, str)]
        self.tampered = (self.tampered + found)[:5]
        left = reply.get("left_running")
        if type(left) is int and left > 0:
            self.left_running = max(self.left_running, min(left, 1_000_000))

    def raise_if_misbehaved(self, example=None):
        """Stop grading this function when its code changed the grader's runtime or left processes running."""
        name = self.exercise.name
        if self.tampered:
            raise Fatal("tampered", f"{name} changed the grader's own code ({', '.join(self.tampered)}); that was "
                        f"undone, and {name} scores 0. A submission must never touch the grader.", example)
        if self.left_running:
            count = self.left_running
            what = ("a process running after it returned; it was" if count == 1 else
                    f"processes running after it returned ({count} in all, over its calls); they were")
            raise Fatal("crashed", f"{name} left {what} stopped, and {name} scores 0. A function must be done when "
                        "it returns: wait for every process it starts (join it, or use a pool in a with block), "
                        "and never leave one behind on purpose.", example)

    def _outcome(self, reply, example):
        outcome = reply.get("outcome")
        if outcome == "unsendable":
            raise Mismatch(example, f"returned a value the grader cannot check ({str(reply.get('reason'))[:200]})",
                           has_expected=False)
        if outcome != "returned":
            raise Fatal("crashed", "the call sent the grader an answer it cannot read", example)
        return Outcome(reply.get("value"),
                       _positions(reply.get("mutated")) if "mutated" in self._inspects else None,
                       _positions(reply.get("aliased")) if "aliased" in self._inspects else None,
                       _warnings(reply.get("warnings")))

    def _raise_for(self, reply, example):
        error = {
            "exc_type": str(reply.get("exc_type", "Exception"))[:100],
            "message": str(reply.get("message", ""))[:1000],
            "traceback": str(reply.get("traceback", ""))[:4000],
            "exc_bases": [str(b)[:100] for b in reply.get("exc_bases") or [] if isinstance(b, str)][:20],
        }
        if reply.get("is_exception") is not True:
            raise Fatal("crashed", f"the call raised {error['exc_type']}, which stops a program rather than "
                        "reporting an error; never exit or interrupt from a function", example, error["traceback"])
        if error["exc_type"] == "NotImplementedError" and self.calls == 1:
            frames = re.findall(r", in (\w+)\n", error["traceback"])
            source = frames[-1] if frames else self.exercise.name
            where = "" if source == self.exercise.name else f" (from {source}, which it calls)"
            raise Fatal("not implemented", f"{self.exercise.name} still raises NotImplementedError{where}", example)
        raise StudentRaised(example, error)

    def _keep_output(self, text):
        if isinstance(text, str) and text and len(self.output) < MAX_OUTPUT:
            kept = (self.output + text)[:MAX_OUTPUT].splitlines(keepends=True)[:MAX_OUTPUT_LINES]
            self.output = "".join(kept)

    def _answer_oracle(self, request):
        """Compute a stand-in's value with the reference, for plain-data arguments only."""
        reply = {"op": "oracle_result", "id": request.get("id")}
        target = request.get("target")
        self.oracle_calls += 1
        if self.oracle_calls > MAX_ORACLE_CALLS:
            name = str(target).split(".")[-1][:60]
            return {**reply, "outcome": "raised", "exc_type": "RuntimeError",
                    "message": f"called {name} more than {MAX_ORACLE_CALLS:,} times (an endless loop?)"}
        if self.oracle is None or target not in self.allowed_oracles:
            return {**reply, "outcome": "raised", "exc_type": "RuntimeError",
                    "message": "no stand-in is available for this call"}
        args, kwargs = request.get("args"), request.get("kwargs")
        if not isinstance(args, list) or not isinstance(kwargs, dict) or _elements(args, kwargs) > MAX_ORACLE_ELEMENTS:
            return {**reply, "outcome": "raised", "exc_type": "ValueError", "message": "arguments too large"}
        try:
            value = self.oracle(target)(*to_plain(args), **to_plain(kwargs))
        except Exception as error:  # noqa: BLE001 - relayed to the student's code as its own error
            return {**reply, "outcome": "raised", "exc_type": type(error).__name__, "message": str(error)[:500]}
        return {**reply, "outcome": "returned", "value": value}

    def argument_names(self, example, positions):
        """Names of the arguments at these positions (positional first, then keywords)."""
        names = self.parameters[: len(example.args)] + list(example.kwargs)
        return [names[p] if p < len(names) else f"#{p}" for p in positions]


def _stand_in_parameters(stand_ins):
    """Each stand-in's parameter names (a stand-in call is then the same call however it is written)."""
    return {target: list(contract.parameters(name)) for target, _, name in stand_ins}


def _detects_sklearn(function_name):
    """Whether calls of this function must not use scikit-learn (every from-scratch exercise)."""
    return contract.module_of(function_name) != "sklearn_models"


def _call_failed(error, limits, example):
    """The Fatal for a call the child could not answer."""
    if isinstance(error, sandbox.ChildTimeout):
        return Fatal("timed out", f"the call did not return within {limits.call:g} s (an endless loop?)", example)
    return Fatal("crashed", f"the call stopped the grading process: {error.detail}", example)


def _positions(value):
    if not isinstance(value, list):
        return []
    return [p for p in value if isinstance(p, int) and not isinstance(p, bool) and 0 <= p < 100][:20]


def _warnings(value):
    if not isinstance(value, list):
        return []
    return [(str(w[0])[:100], str(w[1])[:300]) for w in value
            if isinstance(w, list) and len(w) == 2][:10]


def _elements(*values):
    import numpy as np

    total = 0
    stack = list(values)
    while stack:
        item = stack.pop()
        if isinstance(item, np.ndarray):
            total += item.size
        elif isinstance(item, (list, tuple)):
            total += len(item)
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif hasattr(item, "values") and hasattr(item, "index"):
            total += np.asarray(item.values).size
    return total


# --------------------------------------------------------------------------
# Grading
# --------------------------------------------------------------------------


def _hint_for(exercise, check, failure):
    """The hint of the known mistake this failure shows, else the check's own hint."""
    if isinstance(failure, Mismatch) and failure.mistake:
        known = exercise.mistake(failure.mistake)
        return (known.hint if known else check.hint), failure.mistake
    if isinstance(failure, Mismatch) and failure.got is not None and check.kind == "value":
        for mistake in exercise.mistakes:
            if mistake.model is None:
                continue
            try:
                wrong = mistake.model(*to_plain(failure.example.args), **to_plain(failure.example.kwargs))
            except Exception:  # noqa: BLE001 - the mistake does not apply to this input
                continue
            if compare(failure.got, wrong, check.tolerance or _loose()) is None:
                return mistake.hint, mistake.key
    if isinstance(failure, StudentRaised):
        import re

        text = failure.error.get("traceback", "") + "\n" + failure.error.get("message", "")
        for mistake in exercise.mistakes:
            if mistake.error and re.search(mistake.error, text):
                return mistake.hint, mistake.key
    return check.hint, None


def _loose():
    from grader.values import Tolerance

    return Tolerance(rtol=1e-9, atol=1e-12)


def _failure_record(exercise, check, failure):
    hint, mistake = _hint_for(exercise, check, failure)
    example = failure.example
    call = show_call(exercise.name, example.args, example.kwargs)
    if isinstance(failure, StudentRaised):
        return Failure(check.name, check.statement, call, f"raised {failure.type_name}: {failure.error['message']}",
                       hint, traceback=failure.error.get("traceback"), mistake=mistake)
    return Failure(
        check.name, check.statement, call, failure.reason, hint,
        got=show(failure.got) if failure.got is not None else None,
        expected=show(failure.expected) if failure.has_expected else None,
        tolerance=str(check.tolerance) if (check.tolerance is not None and failure.has_expected) else None,
        mistake=mistake,
    )


def _stand_ins(exercise, submission):
    """(target, module the child imported it as, function name) for each dependency."""
    result = []
    for target in exercise.depends_on:
        module, name = target.split(".")
        unit = next(u for u in submission.units if module in u.provides)
        result.append((target, unit.module_name, name))
    return result


def grade_function(session, exercise, unit_name, limits, oracle=None, stream=False, passed_functions=()):
    """Run every check of one exercise; return its FunctionResult.

    With an ``oracle`` (``oracle("module.function")`` returns the trusted
    function), the student's own dependencies are replaced by stand-ins
    answered by it; without one (the public checks of the handout) the
    student's own dependencies are used. With ``stream``, batches are
    streamed (see the module docstring); a crash is then graded again
    without, so that it names the call that caused it.

    ``passed_functions`` holds the functions of this submission that passed
    every check. When all of the exercise's dependencies are among them, it is
    first graded with the student's own dependencies: a stand-in's round
    trip or locked answer costs far more than a correct ``sigmoid``. That
    grade is kept only if every check passes and nothing was printed;
    anything else stops at its first failure (no shrinking) and is graded
    again with stand-ins, so every failure is reported as stand-ins make it.
    """
    if oracle is not None and exercise.depends_on and exercise.own_dependencies_first \
            and all(target in passed_functions for target in exercise.depends_on):
        # Short limits: a slow dependency of the student's must not add a whole timeout before the real grading.
        quick = replace(limits, call=min(limits.call, QUICK_CALL_SECONDS),
                        function=min(limits.function, QUICK_FUNCTION_SECONDS))
        result = _run_checks(session, exercise, unit_name, quick, oracle, stream, [], until_failure=True)
        if result is not None:
            return result
    stand_ins = _stand_ins(exercise, session.submission) if oracle is not None else []
    return _run_checks(session, exercise, unit_name, limits, oracle, stream, stand_ins)


def _run_checks(session, exercise, unit_name, limits, oracle, stream, stand_ins, until_failure=False):
    """:func:`grade_function` with these stand-ins; with ``until_failure``, None at the first failure or output."""
    function = FunctionUnderTest(session, exercise, unit_name, stand_ins, limits, oracle, stream)
    result = FunctionResult(exercise.module, exercise.name, "passed", 0.0, exercise.points)
    crashed = False
    for check in exercise.checks:
        try:
            failure = run_check(check, function, exercise.target, shrink=not until_failure)
            function.finish_batch()  # (its end tells whether the batch's calls changed the runtime or left processes)
            function.raise_if_misbehaved()
        except Fatal as fatal:
            function.finish_batch()
            if until_failure:
                return None
            if stream and fatal.status == "crashed":
                session.restart()
                return _run_checks(session, exercise, unit_name, limits, oracle, False, stand_ins)
            result.status = fatal.status
            result.detail = fatal.detail
            if fatal.example is not None and fatal.status != "not implemented":
                result.detail += f"\nThe call: {show_call(exercise.name, fatal.example.args, fatal.example.kwargs)}"
            result.traceback = fatal.traceback
            result.checks = [CheckResult(c.name, c.statement, c.kind, 0.0, c.points, False) for c in exercise.checks]
            result.failures = []
            result.points = 0.0
            result.output = function.output
            return result
        passed = failure is None
        if until_failure and not (passed and function.output == ""):
            function.finish_batch()
            return None
        result.checks.append(CheckResult(check.name, check.statement, check.kind, 0.0, check.points, passed))
        if not passed:
            crashed = crashed or isinstance(failure, StudentRaised)
            result.failures.append(_failure_record(exercise, check, failure))
    function.finish_batch()
    value_passed = any(c.passed and c.kind == "value" for c in result.checks)
    for check_result in result.checks:
        if check_result.passed and (value_passed or check_result.kind == "value"):
            check_result.points = check_result.max_points
    result.points = round(sum(c.points for c in result.checks), 4)
    if result.failures:
        result.status = "crashed" if crashed and not value_passed else "wrong"
    result.output = function.output
    return result


@functools.cache
def _one_thread_per_process():
    """Keep BLAS/OpenMP in this process to one thread.

    The reference computations are tiny; with parallel workers and their
    children on the same cores, extra BLAS threads only fight each other
    (scikit-learn fits were seen 15x slower that way).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn brings it; without it, nothing to limit
        return None
    return threadpool_limits(1)


def _unavailable(exercise, status, detail, traceback=None):
    return FunctionResult(exercise.module, exercise.name, status, 0.0, exercise.points, detail=detail,
                          traceback=traceback)


def grade_submission(submission, student, *, launcher=None, limits=Limits(), workdir=None, only=None,
                     exercises=None, oracle=None, exclusive=contextlib.nullcontext, stream=False, preload=False):
    """Grade a submission that has been read from disk.

    Parameters
    ----------
    submission : Submission
    student : str
        The student id, for the record.
    launcher : sandbox.Launcher, optional
        Confinement for the child.
    limits : Limits
    workdir : path, optional
        A scratch folder (a temporary one by default).
    only : collection of str, optional
        Grade only these functions (for the project's own tests); the grade
        then lists only them.
    exercises : sequence of Exercise, optional
        What to grade; the hidden suite (``grader.declaration``) by default.
    oracle : callable, optional
        Answers stand-ins; the reference solutions by default when grading
        the hidden suite, none otherwise.
    exclusive : callable, optional
        Returns a context manager during which no other grading runs (bulk
        grading passes a shared lock); a timed-out function is re-run inside it.
    stream : bool
        Stream the batches (bulk grading: higher throughput, a little later
        feedback; see the module docstring). A timed-out function's re-run
        never streams.
    preload : bool
        Have the zygote decode the batch requests packed so far before it
        forks this submission's child (bulk grading: every submission gets
        the same ones; see ``Zygote.preload``).

    Raises
    ------
    GraderError
        When the grader's own machinery fails; nothing may be recorded then.

    Returns
    -------
    Grade
    """
    _one_thread_per_process()
    if exercises is None:
        from grader import example_cache
        from grader.declaration import EXERCISES

        example_cache.prepare(EXERCISES)  # once per process: the examples of every check, drawn or read
    scratch = Path(workdir or tempfolders.make("lrg-grade-", dir=sandbox.scratch_root(launcher)))
    try:
        runtime = sandbox.make_runtime(scratch / "runtime")
        staged = stage(submission, scratch / "submission")
        if exercises is None:
            from grader import references
            from grader.declaration import EXERCISES as exercises

            oracle = oracle or references.function
        exercises = [e for e in exercises if only is None or e.name in only]
        needed = {e.module for e in exercises} | {t.split(".")[0] for e in exercises for t in e.depends_on}
        submission.units = [u for u in submission.units if set(u.provides) & needed]
        session = Session(submission, staged, runtime, launcher, limits, exercises, preload)
        session.deadline = time.monotonic() + limits.submission
        try:
            units = session.load()
            notes = []
            for unit in submission.units:
                status = units[unit.module_name]
                notes.extend(status.notes)
                if status.status != "ok" and status.error:
                    where = ", ".join(unit.provides) if len(unit.provides) == 1 else "the submission"
                    notes.append(f"{where} could not be imported: {status.error.get('exc_type')}: "
                                 f"{str(status.error.get('message'))[:300]}")
            results = _grade_exercises(session, exercises, units, limits, oracle, stream, exclusive)
            if session.ran_out_of_time:
                # Load must never change a grade: the submission's time runs out
                # only if it runs out again with the machine to itself.
                with exclusive():
                    session.restart()
                    session.deadline, session.ran_out_of_time = time.monotonic() + limits.submission, False
                    results = _grade_exercises(session, exercises, units, limits, oracle, False)
            functions = [results[exercise.target] for exercise in exercises]  # contract order again
        finally:
            session.close()
        layers = list(getattr(launcher, "layers", []) or [])
        return Grade(student, functions, notes, overall_status(functions), submission.source,
                     confinement=sorted(set(layers) | {layer.split(" ")[0] for layer in session.layers}))
    finally:
        if workdir is None:
            tempfolders.remove(scratch)


def _grade_exercises(session, exercises, units, limits, oracle, stream, exclusive=contextlib.nullcontext):
    """Grade each exercise of the loaded submission, each after what it depends on; return {target: result}.

    A timed-out function is graded again, alone (inside ``exclusive``), so
    that only its own slowness fails it. Once the submission's time is up
    (``session.deadline``), what is left scores 0 as timed out.
    """
    passed_functions = set()  # what passed every check: its dependents try the student's own version first
    results = {}
    for exercise in dependencies_first(exercises):
        unit = next(u for u in session.submission.units if exercise.module in u.provides)
        status = units[unit.module_name]
        result = _grade_or_explain(session, exercise, unit, status, limits, oracle, stream, passed_functions)
        if result.status == "timed out" and not session.ran_out_of_time:
            # Load must never change a grade: a timeout stands only if
            # it happens again in a fresh child with the machine to itself.
            with exclusive():
                session.restart()
                result = _grade_or_explain(session, exercise, unit, status, limits, oracle)
        results[exercise.target] = result
        if result.status == "passed":
            passed_functions.add(exercise.target)
    return results


def _out_of_time(limits):
    return (f"grading this submission took more than {limits.submission:g} s in all, the limit for a whole "
            "submission; the functions graded before that keep their grades. Look for a function that is far "
            "slower than it needs to be (loops over every element, work repeated in every call)")


def dependencies_first(exercises):
    """The exercises in contract order, except that each comes after the ones it depends on.

    A function is tried with the student's own dependencies only once they
    have passed (see :func:`grade_function`), so they must be graded first:
    ``log_likelihood`` may call ``predict_proba``, which the contract lists
    later.
    """
    pending, done, order = list(exercises), set(), []
    targets = {exercise.target for exercise in exercises}
    while pending:
        ready = next((e for e in pending if all(t in done or t not in targets for t in e.depends_on)), pending[0])
        pending.remove(ready)
        done.add(ready.target)
        order.append(ready)
    return order


def _grade_or_explain(session, exercise, unit, status, limits, oracle, stream=False, passed_functions=()):
    if status.status == "missing":
        return _unavailable(exercise, "not found", f"{unit.file.split('/')[-1]} is missing from the submission")
    if status.status != "ok":
        error = status.error or {}
        if error.get("exc_type") == "TamperingError":  # (made by the child's runtime seal, not by the student)
            return _unavailable(exercise, "tampered", f"{error.get('message')}.")
        return _unavailable(exercise, "import error",
                            f"the module could not be imported: {error.get('exc_type')}: {error.get('message')}",
                            error.get("traceback") or None)
    availability = status.functions.get(exercise.name, "missing")
    if availability == "missing":
        return _unavailable(exercise, "not found", f"no function named {exercise.name} was found")
    if availability != "callable":
        return _unavailable(exercise, "not found", f"{exercise.name} is defined but is not a function")
    if session.deadline is not None and time.monotonic() > session.deadline:
        session.ran_out_of_time = True
        return _unavailable(exercise, "timed out", "not graded: " + _out_of_time(limits))
    return grade_function(session, exercise, unit.module_name, limits, oracle, stream, passed_functions)


def grade_path(path, student=None, **options):
    """Read and grade the submission at ``path``; unreadable input becomes a Grade too."""
    path = Path(path)
    student = student or path.stem
    try:
        submission = read_submission(path)
    except SubmissionError as error:
        exercises = options.get("exercises")
        if exercises is None:
            from grader.declaration import EXERCISES as exercises
        only = options.get("only")
        functions = [_unavailable(e, "not found", str(error)) for e in exercises if only is None or e.name in only]
        return Grade(student, functions, [str(error)], "unreadable", path.name)
    return grade_submission(submission, student, **options)
