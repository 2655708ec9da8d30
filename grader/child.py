"""The untrusted side: a child process that loads a submission and answers calls.

The grader starts this file as a separate Python process (see
``grader/sandbox.py``) from a private runtime folder holding only this file and
a copy of ``protocol.py``. It holds nothing secret: no reference, no check, no
expected value ever reaches it. It speaks the protocol of ``protocol.py`` on
two inherited pipe file descriptors; its own stdout and stderr go nowhere.

Requests (grader to child) and replies (child to grader):

``setup``  ``{root, paths, display}``: add the submission's folders to
    ``sys.path``; reply ``ready``.
``load``   ``{module, file | cells, expect}``: import one student module (or
    build it from notebook cells); reply ``loaded`` with its status and, for
    each expected name, ``callable``, ``not callable`` or ``missing``.
``call``   ``{id, module, function, args, kwargs, stand_ins, detect, watch, inspects}``: call one
    student function; reply ``result``. With ``detect`` (a from-scratch
    function), the reply says ``sklearn_tripped`` when scikit-learn ran
    during the call; with ``watch`` too, ``sklearn`` names what was called.
    While the call runs, a *stand-in* (a function the student's code calls
    in place of one of its own dependencies, say ``sigmoid`` while
    ``predict_proba`` is graded) may send
    ``oracle`` requests and wait for ``oracle_result`` replies: the value
    comes from the grader, the reference never comes here.
    A call may carry ``answers``, a table of stand-in answers locked with
    the arguments that ask for them (see ``grader/answers.py``), and
    ``stand_in_parameters`` (the parameter names of each stand-in): a
    stand-in call whose arguments open an answer needs no round trip.
    ``inspects`` lists what the check reads besides the value: ``mutated``
    (snapshots of the arguments before and after) and ``aliased``; the
    reply holds those fields only when asked.
``batch``  ``{calls, stand_ins, stand_in_parameters, detect, stream, inspects}``: make each call in turn as
    ``call`` would (``calls`` holds ``{id, module, function, args, kwargs}``),
    sending one ``result`` per call as soon as it is made, then ``batch_done``
    ``{done}``. A ``stop`` request that arrives meanwhile ends the batch after
    the call under way (``stop`` outside a batch is ignored). With ``stream``,
    results are held back and sent together, at the latest
    ``HOLD_SECONDS`` after the first of them (checked when a call ends) and
    before any other message; which call a crash or a hang came from is then
    uncertain, so the grader makes such a verdict again without ``stream``.
``batch_ref`` ``{digest}``: the ``batch`` request the zygote decoded before
    forking this child (its ``preload`` request, see :class:`_Preloaded`),
    handled as if it had just arrived.
``exit``   end.

Everything this process sends is just the student's claim: the grader parses
it strictly and judges it on its own side.
"""

import __future__
import ast
import builtins
import contextlib
import functools
import importlib
import importlib.util
import io
import itertools
import json
import linecache
import operator
import os
import pickle
import random
import re
import symtable
import sys
import threading
import time
import traceback
import types
import warnings

if __name__ == "__main__":
    # Confine this process before it reads anything else: NumPy, the submission.
    try:
        import _lrg_confine as _confine
    except ImportError:  # pragma: no cover - run from the package
        from grader import confine as _confine
    # (The zygote applies each child's own confinement after forking it.)
    CONFINEMENT = [] if sys.argv[1:2] == ["--zygote"] else _confine.apply()
else:
    CONFINEMENT = []

sys.path.extend(json.loads(os.environ.pop("LRG_SITE_PATHS", "[]")))

import numpy as np  # noqa: E402  (needs the site paths above)

try:
    import _lrg_protocol as protocol  # the copy beside this file in the runtime folder
except ImportError:  # imported from the grader's own package (tests)
    from grader import protocol

MAX_STAND_IN_CALLS = 20_000  # per call: more is an endless loop
HOLD_SECONDS = 0.05  # a streamed batch's results wait at most this long (plus the next call) to be sent
REPLY_BUFFER = 1 << 16  # bytes of held results (a pipe's capacity): a fuller buffer is sent at once
MAX_CAPTURE = 4000  # characters of printed output kept per call
MAX_TRACEBACK = 4000
REPEATED_FRAMES_SHOWN = 3  # a recursion's frame is shown this often, then counted (as Python does)
MAX_MESSAGE = 1000
# Exceptions a stand-in may re-raise from the grader's answer; anything else
# arrives as a RuntimeError.
SAFE_EXCEPTIONS = {
    name: getattr(builtins, name)
    for name in ("ValueError", "TypeError", "IndexError", "KeyError", "ZeroDivisionError", "ArithmeticError")
}
_CLEAN_PATH = list(sys.path)
PROFILING = False


class _CappedWriter(io.TextIOBase):
    """A stand-in for sys.stdout/sys.stderr that keeps the first characters only."""

    def __init__(self):
        self.parts = []
        self.kept = 0
        self.dropped = 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = MAX_CAPTURE - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self):
        out = "".join(self.parts)
        if self.dropped:
            out += f"\n... ({self.dropped} more characters not shown)"
        return out


def _short(text, limit=MAX_MESSAGE):
    text = str(text)
    return text if len(text) <= limit else text[:limit] + " ..."


class Server:
    """Serve the grader's requests on a pair of binary streams."""

    def __init__(self, incoming, outgoing):
        self.incoming = incoming
        self.outgoing = outgoing
        self.pid = os.getpid()
        self.root = None
        self.display = {}
        self.modules = {}
        self.lock = threading.Lock()
        self.oracle_counter = 0
        self.sklearn_calls = []  # where the call entered scikit-learn, under the watch
        self.sklearn_lines = []  # of those, the student's own lines
        self.sklearn_tripped = False  # the trip wire saw scikit-learn at work during the call
        self._trip_wire = _SklearnTripWire()
        self._module_cache = (None, [], [], {})
        self.stop_requested = False
        self.streaming = False  # in a batch with ``stream``: results are held back (see ``send``)
        self._held_since = None  # when the oldest result not yet sent was written
        self.answers = None
        self.stand_in_parameters = {}
        self.stand_in_calls = 0
        self._watch = None  # the scikit-learn watch while a call runs under it
        # Last: the seal notes the runtime as it is now, before any student code (a bound method, kept here,
        # still runs the original if the class's is replaced).
        self._broken = _RuntimeSeal([sys.modules[__name__], protocol]).broken

    # -- transport -----------------------------------------------------------

    def send(self, message):
        if os.getpid() != self.pid:
            # A copy made by the student's os.fork() that returned into the
            # server: it must not speak (or read) for the real child.
            os._exit(0)
        try:
            frame = protocol.pack(message)
        except protocol.ProtocolError as error:
            frame = protocol.pack({"op": message["op"], "id": message.get("id"), "outcome": "unsendable",
                                   "reason": str(error)})
        self.outgoing.write(frame)
        if self.streaming and message["op"] == "result":
            now = time.monotonic()
            if self._held_since is None:
                self._held_since = now
            if now - self._held_since < HOLD_SECONDS:
                return  # (the buffer sends itself when full)
        self.outgoing.flush()
        self._held_since = None

    def receive(self):
        message = protocol.read_message(self.incoming, make_pandas=_make_pandas)
        if message is not None and message["op"] == "batch_ref":
            return _PRELOADED.take(message.get("digest"))
        return message

    def serve(self):
        while True:
            message = self.receive()
            if message is None or message["op"] == "exit":
                return
            handler = getattr(self, "op_" + message["op"], None)
            if handler is None:
                self.send({"op": "error", "reason": f"unknown op {message['op']!r}"})
                continue
            handler(message)

    def _stop_arrived(self):
        """Whether the grader asked to stop the batch (checked between its calls, without waiting)."""
        if not self.stop_requested:
            import select

            while select.select([self.incoming], [], [], 0)[0]:
                message = self.receive()
                if message is None or message.get("op") != "stop":
                    os._exit(0)  # only a stop may arrive during a batch; anything else: end cleanly
                self.stop_requested = True
        return self.stop_requested

    # -- requests ------------------------------------------------------------

    def op_setup(self, message):
        self.root = message["root"]
        self.display = dict(message.get("display") or {})
        for path in reversed(message["paths"]):
            sys.path.insert(0, path)
        aliases = message.get("aliases") or {}
        if aliases:
            sys.meta_path.insert(0, _ShortNames({str(k): str(v) for k, v in aliases.items()}))
        os.chdir(self.root)
        self.send({"op": "ready", "layers": list(CONFINEMENT)})

    def op_load(self, message):
        name = message["module"]
        expect = message["expect"]
        notes = []
        status, error = "ok", None
        try:
            with self._quiet():
                if message.get("cells") is not None:
                    module, notes = _module_from_cells(name, message["cells"], expect)
                else:
                    module = _import_file(name, os.path.join(self.root, message["file"]))
            self.modules[name] = module
            self._module_cache = (None, [], [], {})
        except BaseException as exc:  # noqa: BLE001 - any failure at import costs this module only
            status, error = "error", self._describe(exc)
            module = None
        tampered = self._broken()
        left = _stop_left_running()
        if tampered:
            self.modules.pop(name, None)
            module, status, error = None, "error", _tampering(f"importing it changed the grader's own code "
                                                                f"({', '.join(tampered)})")
        elif left:
            self.modules.pop(name, None)
            module, status, error = None, "error", _left_behind(left)
        functions = {}
        for function in expect:
            if module is None or not hasattr(module, function):
                functions[function] = "missing"
            else:
                functions[function] = "callable" if callable(getattr(module, function, None)) else "not callable"
        self.send({"op": "loaded", "status": status, "error": error, "functions": functions, "notes": notes})

    def op_stop(self, message):
        """A stop that arrived after its batch had ended: nothing to do."""

    def op_batch(self, message):
        self.stop_requested = False
        self.streaming = message.get("stream") is True
        done = 0
        try:
            for call in message["calls"]:
                if self._stop_arrived():
                    break
                self.op_call({**call, "stand_ins": message.get("stand_ins"), "detect": message.get("detect"),
                              "stand_in_parameters": message.get("stand_in_parameters"),
                              "inspects": message.get("inspects"), "batched": True})
                done += 1
        finally:
            self.streaming = False
        self.stop_requested = False
        # Once a batch, not once a call: the seal's look costs about 15 us, the look for processes about 30.
        self.send({"op": "batch_done", "done": done, "tampered": self._broken(), "left_running": _stop_left_running()})

    def op_call(self, message):
        module = self.modules.get(message["module"])
        function = getattr(module, message["function"], None) if module is not None else None
        args = list(message["args"])
        kwargs = dict(message["kwargs"])
        arguments = args + list(kwargs.values())  # (the call gets its own list and dict; these objects stay)
        inspects = message.get("inspects") or ()
        # Snapshots only when the check reads them: they cost more than many of the functions under test.
        before = [_snapshot(a) for a in arguments] if "mutated" in inspects else None
        writer = _CappedWriter()
        restore = self._install_stand_ins(message.get("stand_ins") or [])
        self.answers = _AnswerTable.of(message.get("answers"))
        self.stand_in_parameters = dict(message.get("stand_in_parameters") or {})
        self.stand_in_calls = 0
        random.seed(0)
        np.random.seed(0)
        self.sklearn_calls = []
        self.sklearn_lines = []
        self.sklearn_tripped = False
        reply = {"op": "result", "id": message["id"]}
        try:
            with warnings.catch_warnings(record=True) as caught, \
                    contextlib.redirect_stdout(writer), contextlib.redirect_stderr(writer):
                warnings.simplefilter("always")
                try:
                    if function is None:
                        raise NameError(f"{message['function']} is not defined")
                    value = self._run(function, args, kwargs, bool(message.get("detect")), bool(message.get("watch")))
                    reply["outcome"] = "returned"
                except BaseException as exc:  # noqa: BLE001 - reported, judged by the grader
                    reply.update(outcome="raised", **self._describe(exc))
                    value = None
        finally:
            restore()
        if not message.get("batched"):  # (a batch's calls: see op_batch)
            tampered, left = self._broken(), _stop_left_running()
            if tampered:
                reply["tampered"] = tampered
            if left:
                reply["left_running"] = left
        if before is not None:
            reply["mutated"] = [i for i, (b, a) in enumerate(zip(before, map(_snapshot, arguments))) if b != a]
        if reply["outcome"] == "returned":
            reply["value"] = value
            if "aliased" in inspects:
                reply["aliased"] = [i for i, a in enumerate(arguments) if _aliases(value, a)]
        reply["warnings"] = _warning_list(caught)
        reply["stdout"] = writer.text()
        # The student's own lines say best what to change; else what of scikit-learn was entered.
        reply["sklearn"] = (self.sklearn_lines or self.sklearn_calls)[:3]
        if self.sklearn_tripped:
            reply["sklearn_tripped"] = True
        self.send(reply)

    def _run(self, function, args, kwargs, detect, watch=False):
        """Call the student's function; with ``detect``, looking out for scikit-learn during the call only.

        Under the trip wire (see :class:`_SklearnTripWire`), which costs
        nothing until scikit-learn runs; the grader makes a call that trips
        it again with ``watch``: under the scikit-learn watch, a profile
        function that names what was called, but slows every line that runs
        under it (so the grader's own set-up and reporting stay outside).
        """
        if detect and not watch and self._trip_wire.arm():
            try:
                return function(*args, **kwargs)
            finally:
                self.sklearn_tripped = self._trip_wire.disarm()
        watching = detect and self._start_sklearn_watch()
        try:
            return function(*args, **kwargs)
        finally:
            if watching:
                self._stop_sklearn_watch()

    # -- stand-ins for the student's own dependencies -------------------------

    def _install_stand_ins(self, stand_ins):
        """Put a stand-in in place of each dependency, wherever the student's code holds it; return an undo."""
        if not stand_ins:
            return lambda: None
        undo, swaps = [], {}
        for target, home, name in stand_ins:
            home_module = self.modules.get(home)
            original = getattr(home_module, name, None) if home_module is not None else None
            replacement = self._make_stand_in(target, name)
            if original is not None:
                swaps[id(original)] = (original, replacement)
            elif home_module is not None:  # the module lacks it: a call by that name still gets the stand-in
                undo.append(functools.partial(_put, home_module, name, home_module.__dict__.get(name, _MISSING)))
                home_module.__dict__[name] = replacement
        undo += _rebind(self._student_modules(), swaps) if swaps else []

        def restore():
            for put_back in reversed(undo):
                put_back()
        return restore

    def _student_modules(self):
        """The student's modules: those loaded here, and any module imported from their folder.

        Looked for again only when ``sys.modules`` has changed size, and then
        only among the entries not seen before (a thousand library modules
        are loaded, and libraries import more as they are used).
        """
        count, modules, found, seen = self._module_cache
        now = len(sys.modules)
        if count == now:
            return modules
        for name, module in list(sys.modules.items()):
            if seen.get(name) is module:
                continue
            seen[name] = module
            path = getattr(module, "__file__", None)
            if path and self.root and os.path.abspath(path).startswith(self.root + os.sep) and module not in found:
                found.append(module)
        modules = [m for m in self.modules.values() if m is not None]
        modules += [m for m in found if m not in modules]
        self._module_cache = (now, modules, found, seen)
        return modules

    def _make_stand_in(self, target, name):
        server = self

        def stand_in(*args, **kwargs):
            return server.oracle(target, args, kwargs)

        stand_in.__name__ = stand_in.__qualname__ = name
        stand_in.__doc__ = f"The grader's stand-in for {name} (one mistake is charged once)."
        return stand_in

    def oracle(self, target, args, kwargs):
        """A stand-in's answer: from the call's locked answers, else asked of the grader."""
        # The grader's own code needs no scikit-learn watch, and under it runs several times slower.
        # Paused only for plain data: hashing anything else could run the student's own methods.
        watch = sys.getprofile()
        paused = watch is not None and watch is self._watch and _plain(args) and _plain(kwargs)
        if paused:
            sys.setprofile(None)
        try:
            return self._answer(target, args, kwargs)
        finally:
            if paused:
                sys.setprofile(watch)

    def _answer(self, target, args, kwargs):
        self.stand_in_calls += 1
        if self.stand_in_calls > MAX_STAND_IN_CALLS:
            name = str(target).split(".")[-1][:60]
            raise RuntimeError(f"called {name} more than {MAX_STAND_IN_CALLS:,} times in one call (an endless loop?)")
        if self.answers is not None:
            found, value = self.answers.find(target, self.stand_in_parameters.get(target), args, kwargs)
            if found:
                return value
        with self.lock:
            self.oracle_counter += 1
            request_id = self.oracle_counter
            self.send({"op": "oracle", "id": request_id, "target": target, "args": list(args), "kwargs": dict(kwargs)})
            reply = self.receive()
            while reply is not None and reply.get("op") == "stop":  # the batch ends after this call
                self.stop_requested = True
                reply = self.receive()
        if reply is None or reply.get("op") != "oracle_result" or reply.get("id") != request_id:
            raise RuntimeError("the grader did not answer the stand-in call")
        if reply.get("outcome") == "returned":
            return reply["value"]
        exc_type = SAFE_EXCEPTIONS.get(reply.get("exc_type")) or RuntimeError
        raise exc_type(reply.get("message", ""))

    # -- detecting scikit-learn in from-scratch functions ---------------------

    def _start_sklearn_watch(self):
        if PROFILING:  # (bench/: the watch would displace the profiler)
            return False
        self._sklearn_loaded_before = "sklearn" in sys.modules

        def profile(frame, event, arg):
            if event != "call" or len(self.sklearn_lines) >= 3 or len(self.sklearn_calls) >= 6:
                return
            if _in_sklearn(frame.f_code.co_filename):
                caller = frame.f_back
                if caller is None or not _in_sklearn(caller.f_code.co_filename):
                    self._note_sklearn_entry(frame, caller)

        self._watch = profile
        sys.setprofile(profile)
        threading.setprofile(profile)
        return True

    def _note_sklearn_entry(self, frame, caller):
        """Note a call from outside scikit-learn into it: the function entered and, from the student's code, the line.

        (The function entered is often a wrapper, ``sklearn.utils._param_validation.wrapper``,
        or a helper entered from the standard library, ``sklearn._config.config_context``:
        the student's line names what they called.)
        """
        module = frame.f_globals.get("__name__", "sklearn")
        entered = f"{module}.{frame.f_code.co_name}"
        if entered not in self.sklearn_calls:
            self.sklearn_calls.append(entered)
        shown = self._shown_path(caller.f_code.co_filename) if caller is not None else None
        if shown is not None:
            code = " ".join(linecache.getline(caller.f_code.co_filename, caller.f_lineno).split())
            line = f"at {shown}, line {caller.f_lineno}" + (f": `{_short(code, 120)}`" if code else "")
            if line not in self.sklearn_lines:
                self.sklearn_lines.append(line)

    def _stop_sklearn_watch(self):
        tampered = sys.getprofile() is not self._watch
        sys.setprofile(None)
        threading.setprofile(None)
        if tampered:
            self.sklearn_calls.append("(the call switched off the grader's watch)")
        if not self._sklearn_loaded_before and "sklearn" in sys.modules:
            self.sklearn_calls.append("import sklearn")

    # -- helpers -------------------------------------------------------------

    @contextlib.contextmanager
    def _quiet(self):
        writer = _CappedWriter()
        with contextlib.redirect_stdout(writer), contextlib.redirect_stderr(writer), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield

    def _describe(self, exc):
        """An exception as plain data, with the traceback trimmed to the student's code."""
        exc_type = type(exc)
        try:
            message = _short(exc)
        except BaseException:  # noqa: BLE001 - a __str__ that raises
            message = "(the exception's message could not be shown)"
        frames = []
        for frame in traceback.extract_tb(exc.__traceback__):
            shown = self._shown_path(frame.filename)
            if shown is None:
                continue
            text = [f'  File "{shown}", line {frame.lineno}, in {frame.name}\n']
            if frame.line:
                text.append(f"    {frame.line.strip()}\n")
            frames.append(((shown, frame.lineno, frame.name), text))
        lines = _folded(frames)
        if isinstance(exc, SyntaxError) and exc.filename:
            shown = self._shown_path(exc.filename) or os.path.basename(str(exc.filename))
            message = f"{exc.msg} ({shown}, line {exc.lineno})"
            if exc.text:
                message += f"\n    {exc.text.strip()}"
        type_name = getattr(exc_type, "__name__", "Exception")
        text = "".join(lines[-16:]) + f"{type_name}: {message}"
        return {
            "exc_type": str(type_name)[:100],
            "message": message,
            "traceback": _short(text, MAX_TRACEBACK),
            "is_exception": isinstance(exc, Exception),
            "exc_bases": [str(getattr(c, "__name__", "?"))[:100] for c in exc_type.__mro__][:20],
        }

    def _shown_path(self, filename):
        if filename.startswith("<cell "):
            return filename
        if filename.startswith("<"):  # <frozen importlib._bootstrap>, <string>: no file of the student's
            return None  # (made absolute, such a name would look like one in their folder, the working one)
        if self.root and os.path.abspath(filename).startswith(self.root + os.sep):
            relative = os.path.relpath(filename, self.root)
            return self.display.get(relative, relative)
        return None


def _folded(frames):
    """The lines of ``(where, lines)`` frames, each run of one repeated frame cut short with a count.

    A runaway recursion would otherwise fill the shown traceback with one line
    of the student's, over and over; Python's own traceback folds it the same
    way ("[Previous line repeated 996 more times]").
    """
    lines, previous, repeats = [], None, 0
    for where, text in frames:
        if where == previous:
            repeats += 1
        else:
            lines.extend(_repeat_note(repeats))
            previous, repeats = where, 0
        if repeats < REPEATED_FRAMES_SHOWN:
            lines.extend(text)
    lines.extend(_repeat_note(repeats))
    return lines


def _repeat_note(repeats):
    hidden = repeats + 1 - REPEATED_FRAMES_SHOWN
    if hidden <= 0:
        return []
    return [f"  [Previous line repeated {hidden} more time{'s' if hidden > 1 else ''}]\n"]


_MISSING = object()
_CODE = operator.attrgetter("__code__")


class _RuntimeSeal:
    """This runtime as it was before any student code ran, to notice and undo a change to it.

    What the child reports of a call besides its value (arguments changed,
    the result aliased, warnings, output, scikit-learn at work) is observed
    here, inside the student's process. A submission that replaced an
    observer (``sys.modules["__main__"]._snapshot = ...``) could report
    anything. The seal notes every global of the runtime's modules, every
    attribute of their classes and every function's code; after an import,
    a single call or a batch of calls, anything that differs is reported,
    and the original is put back. Code that digs further (the server object through ``gc``, the
    standard library, NumPy) is not stopped by this: values, compared on the
    trusted side, stay unforgeable; these observations are hardened only.
    """

    def __init__(self, modules):
        self.spaces = []  # (owner, its namespace, a copy, the values in order)
        functions = []
        for module in modules:
            self._note(module, module.__dict__)
            for value in list(module.__dict__.values()):
                if isinstance(value, type) and value.__module__ == module.__name__:
                    self._note(value, value.__dict__)
                    functions += [v for v in vars(value).values() if isinstance(v, types.FunctionType)]
                elif isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
                    functions.append(value)
        self.functions = tuple(functions)
        self.codes = tuple(map(_CODE, functions))

    def _note(self, owner, namespace):
        self.spaces.append((owner, namespace, dict(namespace), tuple(namespace.values())))

    def broken(self):
        """The names of what changed since the seal (each now put back); empty when nothing did."""
        changed = []
        for owner, namespace, original, values in self.spaces:
            if len(namespace) == len(values) and all(map(operator.is_, namespace.values(), values)):
                continue  # (the common case, at C speed)
            for key in [k for k in namespace if k not in original]:
                changed.append(key)
                _put(owner, key, _MISSING)
            for key, value in original.items():
                if namespace.get(key, _MISSING) is not value:
                    changed.append(key)
                    _put(owner, key, value)
        if not all(map(operator.is_, map(_CODE, self.functions), self.codes)):
            for function, code in zip(self.functions, self.codes):
                if function.__code__ is not code:
                    changed.append(function.__qualname__)
                    function.__code__ = code
        return [str(name)[:60] for name in changed[:5]]


def _rebind(modules, swaps):
    """Put each stand-in in place of its original wherever the student's modules hold it.

    ``swaps`` maps ``id(original)`` to ``(original, stand-in)``. Besides a
    module's own names, that is a default argument (``def predict_proba(X, w,
    link=sigmoid)``), a closure (``make_gradient(sigmoid)``), a
    ``functools.partial``, a list, dict or tuple of functions (``LINKS =
    {"logistic": sigmoid}``), a class attribute (``link =
    staticmethod(sigmoid)``) and a method reached through ``self``
    (``sigmoid = model.sigmoid``, then ``self.sigmoid(...)`` inside
    ``model.predict_proba``). One walk for all the stand-ins of a call;
    returns what puts each one back (callables, to be called in reverse order).
    """
    def swapped(value):
        found = swaps.get(id(value))
        return found[1] if found is not None and found[0] is value else value

    def held(values):
        return any(swapped(v) is not v for v in values)

    undo = []
    for original, replacement in swaps.values():
        owner = getattr(original, "__self__", None)
        if isinstance(original, types.MethodType) and isinstance(getattr(owner, "__dict__", None), dict) \
                and not isinstance(owner, (type, types.ModuleType)):
            name = original.__func__.__name__  # the instance's own attribute now shadows the method
            undo.append(functools.partial(_put, owner, name, owner.__dict__.get(name, _MISSING)))
            owner.__dict__[name] = replacement
    for module in modules:
        namespace = vars(module)
        for key, value in list(namespace.items()):
            if swapped(value) is not value:  # the module's own name for it (or one of its own)
                undo.append(functools.partial(namespace.__setitem__, key, value))
                namespace[key] = swapped(value)
            elif isinstance(value, types.FunctionType):
                if value.__defaults__ and held(value.__defaults__):
                    undo.append(functools.partial(setattr, value, "__defaults__", value.__defaults__))
                    value.__defaults__ = tuple(map(swapped, value.__defaults__))
                if value.__kwdefaults__ and held(value.__kwdefaults__.values()):
                    undo.append(functools.partial(setattr, value, "__kwdefaults__", value.__kwdefaults__))
                    value.__kwdefaults__ = {name: swapped(v) for name, v in value.__kwdefaults__.items()}
                for cell in value.__closure__ or ():
                    try:
                        contents = cell.cell_contents
                    except ValueError:  # an empty cell
                        continue
                    if swapped(contents) is not contents:
                        undo.append(functools.partial(setattr, cell, "cell_contents", contents))
                        cell.cell_contents = swapped(contents)
            elif type(value) is functools.partial and held(itertools.chain(
                    (value.func,), value.args, value.keywords.values())):
                state = value.__reduce__()[2]
                undo.append(functools.partial(value.__setstate__, state))
                func, args, keywords, extra = state
                value.__setstate__((swapped(func), tuple(map(swapped, args)),
                                    {name: swapped(v) for name, v in keywords.items()}, extra))
            elif type(value) in (list, dict):
                items = value.items() if type(value) is dict else enumerate(value)
                for position, item in [(k, v) for k, v in items if swapped(v) is not v]:
                    undo.append(functools.partial(value.__setitem__, position, item))
                    value[position] = swapped(item)
            elif type(value) is tuple and held(value):
                undo.append(functools.partial(namespace.__setitem__, key, value))
                namespace[key] = tuple(map(swapped, value))
            elif isinstance(value, type) and value.__module__ == module.__name__:
                for name, member in list(vars(value).items()):
                    inner = member.__func__ if isinstance(member, staticmethod) else member
                    if swapped(inner) is not inner:
                        undo.append(functools.partial(setattr, value, name, member))
                        setattr(value, name, staticmethod(swapped(inner)))
    return undo


PR_SET_CHILD_SUBREAPER = 36


def _adopt_orphans():
    """Make this process the parent of every orphan below it, so that :func:`_stop_left_running` sees them.

    (The first process of a pid namespace is that already; without one, on
    a laptop, this makes it so.)
    """
    import ctypes

    try:
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: only direct children are seen
        pass


def _children():
    """Pids of this process's children, exited ones included."""
    pids = []
    try:
        threads = os.listdir("/proc/self/task")
    except OSError:
        return pids
    for thread in threads:  # (a child belongs to the thread that forked it)
        try:
            with open(f"/proc/self/task/{thread}/children", "rb") as file:
                pids += map(int, file.read().split())
        except FileNotFoundError:  # a kernel without CONFIG_PROC_CHILDREN: by the parent pid of each process
            return _children_by_parent()
        except (OSError, ValueError):
            continue
    return pids


def _children_by_parent():
    own, pids = os.getpid(), []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as file:
                    if int(file.read().rsplit(b")", 1)[1].split()[1]) == own:
                        pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return pids


def _stop_left_running(rounds=100):
    """Kill every process the student's code left running; return how many there were.

    A function must be done when it returns: a process it started and left
    running (a double fork, a pool never closed, ``subprocess.Popen`` never
    waited for) could go on working, or waiting, between the grader's calls.
    This process adopts every orphan below it (see :func:`_adopt_orphans`),
    so such a process is its child, or the child of one: each is killed, and
    what it started comes up to here in turn. A child that has exited is
    only reaped and not counted: it runs no more.
    """
    stopped = set()
    for _ in range(rounds):
        running = []
        for pid in _children():
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == 0:
                    running.append(pid)
            except ChildProcessError:
                continue
        if not running:
            break
        for pid in running:
            stopped.add(pid)
            try:
                os.kill(pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
        for pid in running:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    return len(stopped)


def _left_behind(count):
    """A load error for a module whose import left processes running (see :func:`_stop_left_running`)."""
    return _load_error("ProcessLeftRunning",
                       f"importing it left {count} process{'es' if count > 1 else ''} running; "
                       f"{'they were' if count > 1 else 'it was'} stopped, and nothing of this module is graded. "
                       "Start no process at module level, and wait for every process you start")


def _tampering(message):
    """A load error for a submission that changed the runtime (see :class:`_RuntimeSeal`)."""
    return _load_error("TamperingError", message + "; that was undone, and nothing of this module is graded")


def _load_error(kind, message):
    """A load error the grader's side makes, shaped as :meth:`Server._describe` shapes the student's own."""
    return {"exc_type": kind, "message": message, "traceback": f"{kind}: {message}", "is_exception": True,
            "exc_bases": [kind, "Exception", "BaseException", "object"]}


def _put(owner, key, value):
    """Set (or, for ``_MISSING``, remove) ``key`` in a class's, a module's or an instance's own namespace."""
    if isinstance(owner, type):  # (a class's namespace is read-only: through setattr)
        if value is _MISSING:
            delattr(owner, key)
        else:
            setattr(owner, key, value)
    elif value is _MISSING:
        owner.__dict__.pop(key, None)
    else:
        owner.__dict__[key] = value


class _AnswerTable:
    """Stand-in answers sent with a call, each locked with the arguments that ask for it."""

    def __init__(self, ids, ends, data):
        self.where = {}
        start = 0
        for index in range(len(ids)):
            self.where[ids[index].tobytes()] = (start, int(ends[index]))
            start = int(ends[index])
        self.data = data.tobytes()

    @classmethod
    def of(cls, message):
        if not isinstance(message, dict):
            return None
        try:
            return cls(message["ids"], message["ends"], message["data"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def find(self, target, parameters, args, kwargs):
        """(True, answer) when these arguments open an answer; else (False, None)."""
        if not parameters:
            return False, None
        arguments = protocol.bind_arguments(list(parameters), args, kwargs)
        key = protocol.answer_key(target, arguments) if arguments is not None else None
        if key is None or key[0] not in self.where:
            return False, None
        start, end = self.where[key[0]]
        try:
            value = protocol.unpack_answer(protocol.seal(key[1], self.data[start:end]), make_pandas=_make_pandas)
        except protocol.ProtocolError:
            return False, None
        return True, value


class _Preloaded:
    """Batch requests the zygote decoded once, for every child forked after (``batch_ref`` names one).

    The grader sends the same batches to the child of every submission, and
    decoding one (arrays, pandas objects) costs more than many of the calls
    it holds. A child takes a decoded request once, as if it had just
    decoded it: the student's calls may change the objects in it. Asked
    again for the same batch, it decodes the kept bytes afresh.
    """

    MAX_BYTES = 256 * 1024 * 1024  # of requests kept, over the zygote's life

    def __init__(self):
        self.entries = {}  # digest -> [frame bytes, decoded request or None once taken]
        self.size = 0

    def add(self, digest, frame):
        """Decode and keep one request (in the zygote); False when it is refused (too much kept, malformed)."""
        if digest in self.entries:
            return True
        if self.size + len(frame) > self.MAX_BYTES:
            return False
        try:
            message = protocol.unpack_frame(frame, make_pandas=_make_pandas)
        except protocol.ProtocolError:
            return False
        if message.get("op") != "batch":
            return False
        self.entries[digest] = [frame, message]
        self.size += len(frame)
        return True

    def take(self, digest):
        """The request ``digest`` names, decoded as if it had just arrived."""
        entry = self.entries.get(digest)
        if entry is None:
            raise protocol.ProtocolError("a batch_ref to a batch this child does not hold")
        message, entry[1] = entry[1], None
        return message if message is not None else protocol.unpack_frame(entry[0], make_pandas=_make_pandas)


_PRELOADED = _Preloaded()


def _preload(request, fds):
    """The zygote's ``preload`` request: frames read from the attached file, in the order of their digests."""
    accepted = []
    with os.fdopen(fds[0], "rb") as source:
        for digest, size in zip(request["digests"], request["sizes"]):
            frame = source.read(size)
            if len(frame) != size:
                break
            if _PRELOADED.add(digest, frame):
                accepted.append(digest)
    for fd in fds[1:]:
        os.close(fd)
    return accepted


_PLAIN_TYPES = frozenset({np.ndarray, float, int, bool, str, type(None), np.float64, np.int64, np.bool_})


def _plain(value, depth=0):
    """True for data whose hashing runs none of the student's code: NumPy arrays, numbers, and containers of them."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return True
    if kind in (list, tuple) and depth < 4:
        if set(map(type, value)) <= _PLAIN_TYPES:  # (a stand-in's arguments, mostly: checked in one pass)
            return True
        return all(_plain(item, depth + 1) for item in value)
    if kind is dict and depth < 4:
        return all(type(key) is str and _plain(item, depth + 1) for key, item in value.items())
    return False


class _SklearnTripWire:
    """Notices scikit-learn at work during a call, at no cost until it is.

    Nearly every entry point of scikit-learn reads its configuration
    (parameter validation, ``check_array``, the array-API namespace: the
    estimators, the metrics, the preprocessing and the validation helpers
    all do), and every read goes through
    ``sklearn._config._get_threadlocal_config``. While a from-scratch
    function runs, that function is replaced by one that also notes the
    read. Only a few numeric helpers (``stable_cumsum``, ``density``) read
    no configuration and go unnoticed.
    """

    def __init__(self):
        self.tripped = False
        self._module = self._original = self._wire = None

    def arm(self):
        """Lay the wire; False when scikit-learn is not imported (or not as expected): watch instead."""
        module = sys.modules.get("sklearn._config")
        original = getattr(module, "_get_threadlocal_config", None)
        if not callable(original):
            return False
        self.tripped = False

        def wire():
            self.tripped = True
            return original()

        self._module, self._original, self._wire = module, original, wire
        module._get_threadlocal_config = wire
        return True

    def disarm(self):
        """Take the wire up; return whether it tripped (a wire the call replaced counts as tripped)."""
        replaced = getattr(self._module, "_get_threadlocal_config", None) is not self._wire
        self._module._get_threadlocal_config = self._original
        self._module = self._original = self._wire = None
        return self.tripped or replaced


def _in_sklearn(filename):
    return f"{os.sep}sklearn{os.sep}" in filename


_NUMBER_TYPES, _LIST_ONLY = frozenset({int, float, bool}), frozenset({list})


def _number_rows(value):
    """True for a list of exact numbers, or a list of such lists (a list-format vector or matrix)."""
    kinds = set(map(type, value))
    if kinds <= _NUMBER_TYPES:
        return True
    return kinds == _LIST_ONLY and set(map(type, itertools.chain.from_iterable(value))) <= _NUMBER_TYPES


def _snapshot(value):
    """A value that changes when ``value``'s contents change (for the no-mutation check)."""
    if type(value) is np.ndarray and value.dtype.kind in "biuf":  # the common case, quickly (one copy)
        return value.dtype.str, value.shape, value.tobytes()
    if value is None or type(value) in (bool, int, float, str, bytes) or isinstance(value, np.generic):
        return b"immutable"  # nothing a call can change
    if type(value) is list and _number_rows(value):
        # Lists of rows are a third of the arguments; pickle writes them in C, exactly: each
        # number with its type and all its bits, and no student code runs for these types.
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    blobs = []
    try:
        tree = protocol.encode(value, blobs)
    except Exception:  # noqa: BLE001 - an unencodable argument: compare nothing
        return None
    return json.dumps(tree, sort_keys=True).encode() + b"".join(blobs)


def _aliases(result, argument):
    """True when the result shares memory with an argument (returned the input itself)."""
    if result is argument and not isinstance(result, (int, float, bool, str, type(None))):
        return True
    if isinstance(result, np.ndarray) and isinstance(argument, np.ndarray):
        if not np.may_share_memory(result, argument):  # apart in memory: the exact test cannot say yes
            return False
        try:
            return bool(np.shares_memory(result, argument, max_work=10_000))
        except Exception:  # noqa: BLE001 - too hard to decide exactly: their bounds overlap, as before
            return True
    return False


def _warning_list(caught):
    seen = []
    for item in caught:
        entry = [getattr(item.category, "__name__", "Warning"), _short(item.message, 300)]
        if entry not in seen:
            seen.append(entry)
        if len(seen) >= 10:
            break
    return seen


def _import_pandas():
    """Import pandas with the clean path, so no student file can stand in for it."""
    saved = list(sys.path)
    sys.path[:] = _CLEAN_PATH
    try:
        import pandas
    finally:
        sys.path[:] = saved
    return pandas


def _make_pandas(data):
    return data.build(_import_pandas())


class _ShortNames:
    """``import logistic`` gives the very module the grader loads as ``exercises.logistic``.

    The package's folder is on ``sys.path`` (students run their files as
    scripts), so the short name would otherwise import a second copy of the
    same file. The stand-ins replace the grader's copy only, so a function
    that imported another by its short name would keep the student's own
    dependency, and be charged for its mistake a second time.
    """

    def __init__(self, aliases):
        self.aliases = aliases  # short name -> the name the grader loads it under

    def find_spec(self, name, path=None, target=None):
        # (Nothing is imported here: this finder is asked about every import, its own ones too.)
        if path is None and name in self.aliases:
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        return None  # (a placeholder: exec_module puts the real module in its place)

    def exec_module(self, module):
        # The import system hands out whatever sys.modules holds under the name once this returns.
        sys.modules[module.__name__] = importlib.import_module(self.aliases[module.__name__])


class _WrittenFiles:
    """Modules a notebook wrote with ``%%writefile helpers.py``, for its own ``import helpers``.

    Served from memory, as the cell that wrote each one: the submission's
    folder is read-only, and nothing here may depend on the disk.
    """

    sources = {}  # module name -> (source, cell file name); one notebook per child

    @classmethod
    def install(cls, sources):
        cls.sources.update(sources)
        if sources and not any(isinstance(finder, cls) for finder in sys.meta_path):
            sys.meta_path.insert(0, cls())

    def find_spec(self, name, path=None, target=None):
        if path is None and name in self.sources:
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        source, filename = self.sources[module.__name__]
        exec(compile(source, filename, "exec", dont_inherit=True), module.__dict__)  # noqa: S102 - untrusted side


def _written_file(source):
    """``(module name, appends, body)`` for a ``%%writefile NAME.py`` cell (the body keeps its line numbers)."""
    lines = source.splitlines()
    words = lines[0].split() if lines else []
    if not words or words[0] != "%%writefile":
        return None
    appends = "-a" in words[1:] or "--append" in words[1:]
    names = [w for w in words[1:] if not w.startswith("-")]
    if len(names) != 1 or not names[0].endswith(".py") or not names[0][:-3].isidentifier():
        return None
    return names[0][:-3], appends, "\n" + "\n".join(lines[1:]) + "\n"


def _import_file(name, path):
    """Import a student module by its dotted name (its folder is on sys.path)."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"{os.path.basename(path)} is missing")
    return importlib.import_module(name)


# -- notebooks ----------------------------------------------------------------

KEPT_STATEMENTS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# Run when they set a name the kept code reads: EPS = np.finfo(float).eps, ArrayLike = Union[...],
# predict = functools.partial(...), try: from scipy.special import expit / except ImportError: def expit...
DEFINING_STATEMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Try, ast.If, ast.With, ast.Match)
# Run when they change such a name, and everything they read is there already: SETTINGS.update(...),
# a loop filling a table, sigmoid = np.vectorize(sigmoid) (but not auc = auc(fpr, tpr) after training).
TOUCHING_STATEMENTS = DEFINING_STATEMENTS + (ast.For, ast.While, ast.Expr)
PYTHON_CELL_MAGICS = ("time", "timeit", "capture", "prun")  # their body is Python, run once here


def _is_constant_expression(node):
    """True for a value that is safe and cheap to compute: numbers, strings, tuples of those."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        return True
    if isinstance(node, ast.BinOp):
        return _is_constant_expression(node.left) and _is_constant_expression(node.right)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_constant_expression(e) for e in node.elts)
    return False


def _strip_ipython(source):
    """Comment out IPython-only lines (magics, shell escapes, help); None for a cell magic whose body is not Python."""
    lines = source.splitlines()
    first = lines[0].lstrip() if lines else ""
    if first.startswith("%%"):
        magic = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return None
        lines = ["# " + first] + lines[1:]  # (a comment keeps the line numbers)
    out = []
    for line in lines:
        stripped = line.lstrip()
        if (stripped.startswith(("%", "!")) or ("?" in stripped and _HELP.fullmatch(stripped))
                or _SHELL_ASSIGNMENT.match(stripped)):
            out.append(line[: len(line) - len(stripped)] + "pass  # " + stripped)
        else:
            out.append(line)
    return "\n".join(out) + "\n"


_SHELL_ASSIGNMENT = re.compile(r"[\w\s,.\[\]()*]+=\s*[!%]")  # files = !ls, t = %timeit -o f(x)
_HELP = re.compile(r"\?{0,2}[\w.*]+\?{0,2}")  # np.exp?, ?np.exp, np.*exp*?? (not a comment ending in "?")


def _reads_and_writes(statement):
    """The global names a top-level statement reads (its own code and every function in it) and sets.

    Names it changes in place (``CONFIG["eps"] = ...``) count as set.
    """
    try:
        table = symtable.symtable(ast.unparse(statement), "<cell>", "exec")
    except (SyntaxError, ValueError, RecursionError):
        return set(), set()
    writes = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    writes |= _changed_in_place(statement)
    reads, tables = set(), [table]
    while tables:
        scope = tables.pop()
        for symbol in scope.get_symbols():
            if symbol.is_referenced() and (scope.get_type() == "module" or symbol.is_global()):
                reads.add(symbol.get_name())
        tables.extend(scope.get_children())
    return reads, writes


def _changed_in_place(statement):
    """Names a statement changes without rebinding them: ``CONFIG["eps"] = ...``, ``SETTINGS.update(...)``.

    Anywhere in the statement (a loop filling a table), but not inside the
    functions, classes and lambdas it defines: those run only when called.
    """
    names, nodes = set(), [statement]
    while nodes:
        node = nodes.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Attribute):
            targets = [node.value.func.value]  # the object whose method is called
        else:
            targets = []
        for target in targets:
            while isinstance(target, (ast.Attribute, ast.Subscript)):
                target = target.value
            if isinstance(target, ast.Name):
                names.add(target.id)
        nodes.extend(ast.iter_child_nodes(node))
    return names


def _chosen_statements(statements, expect):
    """Which of a notebook's ``(cell, statement)`` pairs run: definitions, and what the graded ones need.

    Imports, functions, classes and constants always run. An assignment (or a
    ``try``, ``if``, ``with`` or ``match`` block) runs when it provides a name
    that a graded function reads, directly or through the code it needs: a
    helper constant, a type alias, a function built by ``functools.partial``;
    what it reads is then needed too. A statement that only changes such a
    name (a definition's name rebound, a table filled in place, a method
    called on it) runs when everything it reads is there already, and pulls
    nothing in: ``auc = auc(fpr, tpr)`` at the end of a notebook must not
    bring its whole training along. Loading data, training, plotting and
    printing provide nothing the functions read, so they stay out.
    """
    analysed = [_reads_and_writes(statement) for _, statement in statements]
    chosen = [isinstance(statement, KEPT_STATEMENTS) or (
        isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None
        and _is_constant_expression(statement.value)) for _, statement in statements]
    available = set(dir(builtins)).union(*(writes for (_, writes), keep in zip(analysed, chosen) if keep))
    counted = [False] * len(statements)  # whether a statement's reads are needed yet
    needed = set(expect)
    grown = True
    while grown:  # until nothing more is needed: what is needed may read more
        grown = False
        for index, ((_, statement), (reads, writes)) in enumerate(zip(statements, analysed)):
            if counted[index] or not writes & needed:
                continue
            provides = isinstance(statement, DEFINING_STATEMENTS) and (writes & needed) - available
            if chosen[index] or provides:
                chosen[index] = counted[index] = grown = True
                needed |= reads
                available |= writes
            elif isinstance(statement, TOUCHING_STATEMENTS) and reads - writes <= available:  # (a loop's variable)
                chosen[index] = counted[index] = grown = True
                available |= writes
    return chosen


def _module_from_cells(name, cells, expect=()):
    """Build a module from a notebook: definitions, imports, constants and what the definitions need.

    Cells that load data, train, plot or print are left out, so they cannot
    stop the functions from being graded (see :func:`_chosen_statements`).
    Each chosen statement runs on its own, in the notebook's order; one that
    fails (an import of a package that is not installed, say) is noted and
    skipped, and a later line that turns a function's name into data
    (``auc = auc(fpr, tpr)``) leaves the function in place.
    """
    module = types.ModuleType(name)
    module.__file__ = None
    sys.modules[name] = module
    notes, statements, written = [], [], {}
    for number, source in enumerate(cells, start=1):
        filename = f"<cell {number}>"
        wrote = _written_file(source)
        if wrote is not None:
            module_name, appends, body = wrote
            before = written.get(module_name, ("", filename))[0] if appends else ""
            written[module_name] = (before + body, filename)
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            continue
        cleaned = _strip_ipython(source)
        if cleaned is None:
            continue
        linecache.cache[filename] = (len(cleaned), None, cleaned.splitlines(True), filename)
        try:
            tree = ast.parse(cleaned, filename)
        except SyntaxError as error:
            notes.append(f"cell {number} has a syntax error (line {error.lineno}: {error.msg}); it was skipped")
            continue
        statements.extend((number, statement) for statement in tree.body)
    _WrittenFiles.install(written)
    future_flags = 0
    for (number, statement), chosen in zip(statements, _chosen_statements(statements, expect)):
        if not chosen:
            continue
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            future_flags |= _future_flags(statement)
        functions = {key: value for key, value in module.__dict__.items() if callable(value)}
        try:
            code = compile(ast.Module(body=[statement], type_ignores=[]), f"<cell {number}>", "exec",
                           flags=future_flags, dont_inherit=True)
            exec(code, module.__dict__)  # noqa: S102 - this is the untrusted process
        except Exception as error:  # noqa: BLE001
            notes.append(f"cell {number}, line {statement.lineno}: {type(error).__name__}: {_short(error, 200)}")
        for key, function in functions.items():
            if key in module.__dict__ and not callable(module.__dict__[key]):
                module.__dict__[key] = function
                notes.append(f"cell {number}, line {statement.lineno} sets {key} to data; the function {key} "
                             "defined before it was kept")
    return module, notes[:20]


def _future_flags(statement):
    """The compiler flags of a ``from __future__ import ...`` (annotations, say), for the statements after it."""
    flags = 0
    for alias in statement.names:
        feature = getattr(__future__, alias.name, None)
        flags |= getattr(feature, "compiler_flag", 0)
    return flags


class _TimedServer(Server):
    """A :class:`Server` that adds up the CPU time of each student function's calls (for ``bench/``).

    Only the call itself counts (the trip wire, a stand-in's bookkeeping and
    any watched re-run included); time spent waiting for the grader is not
    CPU time.
    """

    def __init__(self, incoming, outgoing):
        super().__init__(incoming, outgoing)
        self.own_cpu = {}

    def _run(self, function, args, kwargs, detect, watch=False):
        started = time.process_time()
        try:
            return super()._run(function, args, kwargs, detect, watch)
        finally:
            name = str(getattr(function, "__name__", "?"))
            self.own_cpu[name] = self.own_cpu.get(name, 0.0) + time.process_time() - started


def serve(read_fd, write_fd):
    """Be the child: serve the grader on these two file descriptors, then exit."""
    # Unbuffered: whether a request is waiting (a batch's stop) is then exactly whether the pipe is readable.
    incoming = os.fdopen(read_fd, "rb", buffering=0)
    outgoing = os.fdopen(write_fd, "wb", buffering=REPLY_BUFFER)
    # The student's prints are captured per call; anything written straight to
    # the file descriptors goes nowhere.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.environ["MPLBACKEND"] = "Agg"
    _adopt_orphans()
    profile_path = os.environ.pop("LRG_CHILD_PROFILE", None)
    times_path = os.environ.pop("LRG_CHILD_TIMES", None)
    if times_path:  # bench/: the CPU time of the submission's own code (confinement off only)
        server = _TimedServer(incoming, outgoing)
        server.serve()
        with open(times_path, "a", encoding="utf-8") as file:
            file.write(json.dumps({"cpu": time.process_time(), "functions": server.own_cpu}) + "\n")
    elif profile_path:  # bench/: where the child's time goes (confinement off only)
        import cProfile

        global PROFILING
        PROFILING = True

        cProfile.runctx("Server(incoming, outgoing).serve()", globals(), locals(), profile_path)
    else:
        Server(incoming, outgoing).serve()
    outgoing.flush()
    os._exit(0)


def _reap(finished):
    """Reap the zygote's children that ended, keeping their exit status (for ``status`` requests)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        finished[pid] = os.waitstatus_to_exitcode(status)


def _end_everything_else(finished, seconds=10.0):
    """In a sandboxed zygote's own pid namespace: kill every process but the zygote and its init, and wait.

    Such a zygote serves one child at a time, so everything else in its
    namespace is what that child started (in namespaces of its own). The
    wait lasts until they are gone, reaped included, so that the grader never
    moves on while a killed submission is still releasing its memory.
    """
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        others = [int(e) for e in os.listdir("/proc") if e.isdigit() and int(e) not in (1, os.getpid())]
        if not others:
            return
        for pid in others:
            try:
                os.kill(pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
        _reap(finished)  # the zygote's own children (the waiting processes)
        time.sleep(0.005)


MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = (
    1, 2, 4, 8, 32, 4096, 8192, 16384, 1 << 18)
CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWIPC = 0x00020000, 0x20000000, 0x08000000
PR_SET_PDEATHSIG = 1


def _isolate(settings, fds):
    """Give a child forked by a sandboxed zygote namespaces of its own, like a fresh bubblewrap would.

    The zygote runs inside bubblewrap (no network, read-only system, the
    worker's scratch folder bound in). Each child then gets its own pid
    namespace, in which it is the first process, so killing it ends
    everything it started, and its own mount namespace with a fresh
    ``/proc``, a fresh size-capped ``/tmp``, and only its own runtime and
    submission folders bound in read-only: nothing of other submissions. Its
    own IPC namespace ends with it, and with it any System V shared memory
    it left: no channel to the next submission, no memory held past its limits.
    The process that called this waits for that first process and ends as
    it ends; only the first process returns.
    """
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)

    def mount(source, target, kind, flags, data=None):
        if libc.mount(source and source.encode(), target.encode(), kind and kind.encode(), flags,
                      data and data.encode()) != 0:
            raise OSError(ctypes.get_errno(), f"mount {target}")

    try:
        if libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC) != 0:
            raise OSError(ctypes.get_errno(), "unshare")
        mount(None, "/", None, MS_REC | MS_PRIVATE)
    except OSError:
        os._exit(71)
    pid = os.fork()
    if pid:
        for fd in fds:
            os.close(fd)
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
        if os.WIFSIGNALED(status):
            signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
            os.kill(os.getpid(), os.WTERMSIG(status))
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
    try:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the waiting process killed: this one (and all) too
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        hold = f"/.lrg-hold-{os.getpid()}"
        os.mkdir(hold, 0o700)
        binds = [str(path) for path in settings["binds"]]
        for index, path in enumerate(binds):  # set aside before the fresh /tmp covers them
            os.mkdir(f"{hold}/{index}", 0o700)
            mount(path, f"{hold}/{index}", None, MS_BIND)
        mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
              f"size={int(settings['tmp_bytes'])},mode=1777")
        for index, path in enumerate(binds):
            os.makedirs(path, mode=0o755, exist_ok=True)
            mount(f"{hold}/{index}", path, None, MS_MOVE)
            mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        for index in range(len(binds)):
            os.rmdir(f"{hold}/{index}")
        os.rmdir(hold)
    except (OSError, KeyError, TypeError, ValueError):
        os._exit(72)


PRE_IMPORTED = ("pandas", "scipy.special", "sklearn.linear_model", "sklearn.metrics")


def _warm_up():
    """Check pandas input once with scikit-learn, so that what it imports on first use is imported here.

    (scikit-learn looks at pandas input through narwhals, which imports its
    pandas backend, some twenty modules, on first use: once here instead of
    in every child, about 15 ms each.)
    """
    try:
        import pandas
        from sklearn.metrics import roc_auc_score

        roc_auc_score(pandas.Series([0, 1, 0, 1]), pandas.Series([0.1, 0.9, 0.2, 0.8]))
    except Exception:  # noqa: BLE001 - only a head start; without it a child imports them itself
        pass


def zygote(control_fd):
    """Pre-import the libraries, then fork one child per ``spawn`` request.

    Holds nothing secret: the same runtime as any child, plus NumPy, pandas,
    SciPy and scikit-learn already imported, so a child starts in
    milliseconds. Requests arrive on a Unix socket as JSON: ``spawn``, with
    the child's two pipe ends attached (SCM_RIGHTS; each child gets its own
    session, environment, folder and confinement before it reads anything),
    ``status``, ``kill``, and ``preload``, with a file of the grader's batch
    requests attached, decoded here once for every child forked after.
    """
    import socket

    for name in PRE_IMPORTED:
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - a library that is missing is imported (and fails) later
            pass
    _warm_up()
    try:
        _confine._libc()  # found here once: each child would otherwise look for it (ldconfig, gcc) again
    except (OSError, AttributeError):  # (each child tries, and reports, for itself)
        pass
    control = socket.socket(fileno=control_fd)
    finished = {}
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 1 << 20, 2)
        except OSError:
            os._exit(0)
        if not data:
            os._exit(0)
        request = json.loads(data.decode("utf-8"))
        _reap(finished)
        if request["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                control.close()
                os.setsid()
                if request.get("isolate"):
                    _isolate(request["isolate"], fds)  # returns in the new namespaces' first process only
                os.environ.clear()
                os.environ.update(request["env"])
                os.chdir(request["workdir"])
                global CONFINEMENT
                CONFINEMENT = _confine.apply()
                serve(fds[0], fds[1])
            for fd in fds:
                os.close(fd)
            control.sendall(json.dumps({"pid": pid}).encode())
        elif request["op"] == "kill":  # (a sandboxed zygote's pids mean nothing to the grader's kill)
            try:
                os.killpg(int(request["pid"]), 9)
            except (ProcessLookupError, PermissionError):
                pass
            if request.get("everything"):
                _end_everything_else(finished)
            control.sendall(json.dumps({"pid": request["pid"]}).encode())
        elif request["op"] == "preload":
            control.sendall(json.dumps({"accepted": _preload(request, fds)}).encode())
        elif request["op"] == "status":
            pid = int(request["pid"])
            code = finished.pop(pid, None)
            if code is None:
                try:
                    done, status = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done, status = pid, 0
                code = os.waitstatus_to_exitcode(status) if done else None
            control.sendall(json.dumps({"pid": pid, "code": code}).encode())


def main(argv):
    """Entry point: ``child.py READ_FD WRITE_FD``, or ``child.py --zygote CONTROL_FD``."""
    if argv[1] == "--zygote":
        zygote(int(argv[2]))
    serve(int(argv[1]), int(argv[2]))


if __name__ == "__main__":
    main(sys.argv)
