"""The confinement self-test: a probe submission tries to break out, and must fail.

Run before a class is graded. The probe runs in a child started exactly like
a student's, and tries to read a canary file planted outside its view and the
reference solutions, connect to a port this process listens on, signal this
process, write into the output folder, start more processes than the cap
allows and allocate more memory than the cap allows. Each attempt is bounded
(a fixed number of forks, one allocation), so a missing layer shows as a
failed line, never as a stuck machine.
"""

import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from grader import references, sandbox, tempfolders
from grader.confinement import ConfinedLauncher

PROBE = '''
import os, socket


def read_file(path):
    try:
        with open(path) as handle:
            return "read: " + handle.read(200)
    except OSError as error:
        return "refused: " + type(error).__name__


def write_file(path):
    try:
        with open(path, "w") as handle:
            handle.write("written by the probe")
        return "written"
    except OSError as error:
        return "refused: " + type(error).__name__


def connect(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return "connected"
    except OSError as error:
        return "refused: " + type(error).__name__


def signal_process(pid):
    try:
        os.kill(pid, 0)
        return "reachable"
    except OSError as error:
        return "refused: " + type(error).__name__


def spawn(count):
    # Each process lives until the last copy of the pipe's write end is closed, so all are alive at once.
    read_end, write_end = os.pipe()
    started = []
    try:
        for _ in range(count):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                os.close(write_end)
                os.read(read_end, 1)
                os._exit(0)
            started.append(pid)
    finally:
        os.close(write_end)
        for pid in started:
            os.waitpid(pid, 0)
    return len(started)


def allocate(size):
    try:
        block = bytearray(size)
        return "allocated %d" % len(block)
    except MemoryError:
        return "refused: MemoryError"
'''


@dataclass(frozen=True)
class ProbeResult:
    """One attempt of the self-test."""

    name: str
    contained: bool
    detail: str


def _call(child, function, *args, timeout=30.0):
    reply = child.request({"op": "call", "id": 1, "module": "submission", "function": function,
                           "args": list(args), "kwargs": {}}, timeout)
    if reply.get("outcome") != "returned":
        return f"{reply.get('outcome')}: {reply.get('exc_type', '')} {reply.get('message', '')}"
    return reply.get("value")


def run_self_test(launcher, output_dir=None):
    """Run the probe under ``launcher``.

    Parameters
    ----------
    launcher : sandbox.Launcher
    output_dir : path, optional
        The grading output folder, which the probe must not be able to write.

    Returns
    -------
    list of ProbeResult
    """
    results = []
    with tempfolders.folder("lrg-selftest-") as scratch:
        scratch = Path(scratch)
        canary_dir = scratch / "canary"
        canary_dir.mkdir()
        canary = canary_dir / "canary.txt"
        canary.write_text(f"CANARY-{secrets.token_hex(8)}")
        canary_dir.chmod(0o755)
        canary.chmod(0o644)
        target_dir = Path(output_dir) if output_dir else scratch / "output"
        target_dir.mkdir(parents=True, exist_ok=True)
        # Staged where real submissions are (a sandboxed zygote serves only its own jobs folder), beside
        # another "submission" holding a canary of its own.
        staging = Path(tempfolders.make("lrg-selftest-", dir=sandbox.scratch_root(launcher)))
        workdir = staging / "submission"
        workdir.mkdir()
        (workdir / "submission.py").write_text(PROBE)
        runtime = sandbox.make_runtime(staging / "runtime")
        neighbour = Path(tempfolders.make("lrg-selftest-other-", dir=staging.parent)) / "submission"
        neighbour.mkdir()
        (neighbour / "answers.txt").write_text(f"NEIGHBOUR-{secrets.token_hex(8)}")
        for path in (neighbour.parent, neighbour, neighbour / "answers.txt", staging):
            path.chmod(0o755 if path.is_dir() else 0o644)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        port = listener.getsockname()[1]
        child = sandbox.ChildProcess(runtime, workdir, launcher)
        try:
            ready = child.request({"op": "setup", "root": str(workdir), "paths": [str(workdir)], "display": {}}, 60)
            child.request({"op": "load", "module": "submission", "file": "submission.py",
                           "expect": ["read_file"], "cells": None}, 60)

            answer = _call(child, "read_file", str(canary))
            results.append(ProbeResult("read a file outside the sandbox", "CANARY" not in str(answer), str(answer)))
            reference = str(references.SOLUTIONS_DIR / "logistic.py")
            answer = _call(child, "read_file", str(neighbour / "answers.txt"))
            results.append(ProbeResult("read another submission's files", "NEIGHBOUR" not in str(answer),
                                       str(answer)[:80]))
            answer = _call(child, "read_file", reference)
            results.append(ProbeResult("read the reference solutions", not str(answer).startswith("read:"),
                                       str(answer)[:80]))
            answer = _call(child, "write_file", str(target_dir / "forged.json"))
            forged = (target_dir / "forged.json").exists()
            results.append(ProbeResult("write into the output folder", not forged, str(answer)))
            answer = _call(child, "connect", port)
            results.append(ProbeResult("connect to a local port", answer != "connected", str(answer)))
            answer = _call(child, "signal_process", os.getpid())
            results.append(ProbeResult("signal the grader", answer != "reachable", str(answer)))
            cap = getattr(getattr(launcher, "limits", None), "processes", 64)
            answer = _call(child, "spawn", cap + 16, timeout=60)
            results.append(ProbeResult("start more processes than the cap",
                                       isinstance(answer, int) and answer < cap + 16, f"started {answer}"))
            size = getattr(getattr(launcher, "limits", None), "address_space", 3 * 1024**3) + 1024**3
            answer = _call(child, "allocate", size)
            results.append(ProbeResult("allocate beyond the memory cap", str(answer).startswith("refused"),
                                       str(answer)))
            layers = ready.get("layers") or []
            results.append(ProbeResult("child reports its layers", True, ", ".join(layers) or "none"))
        except sandbox.ChildError as error:
            results.append(ProbeResult("probe ran to the end", False, error.detail))
        finally:
            child.close()
            listener.close()
            tempfolders.remove(staging)
            tempfolders.remove(neighbour.parent)
    return results


def self_test_passed(results):
    """True when every attempt was contained."""
    return all(result.contained for result in results)


def describe(launcher, results):
    """Lines for the instructor: active layers, then each attempt."""
    layers = launcher.layers if isinstance(launcher, ConfinedLauncher) else []
    lines = [f"Confinement layers: {', '.join(layers) if layers else 'none (confinement off)'}"]
    for result in results:
        mark = "contained" if result.contained else "NOT CONTAINED"
        lines.append(f"  {mark:14s} {result.name}: {result.detail}")
    return lines
