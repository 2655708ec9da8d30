"""Start, talk to and kill the child process that runs a submission.

The trusted side of the boundary described in ``grader/child.py``. The child
runs ``child.py`` in a Python interpreter started with ``-S -s -B`` (no
``site`` processing, so no ``.pth`` file and no editable install of this
project is honoured; no user site; no bytecode written), with a minimal
environment, its working folder set to the staged submission and only the
interpreter's library folders on its path: ``solutions/`` and the grader's
checks are not importable there. It runs in its own session so that killing
its process group takes everything it started with it. Usually it is forked
from a :class:`Zygote`, an interpreter of that same kind with the libraries
already imported (inside bubblewrap when the launcher sets up namespaces),
rather than started afresh: the same child in milliseconds.

Every wait has a deadline. A child that does not answer in time, dies, or
breaks the protocol is killed; the caller decides what that means for the
grade. Stronger confinement (namespaces, a separate user, rlimits) is layered
on by the launcher, see ``Launcher``.
"""

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader import tempfolders

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
RUNTIME_FILES = {"child.py": "_lrg_child.py", "protocol.py": "_lrg_protocol.py", "confine.py": "_lrg_confine.py"}
PR_SET_CHILD_SUBREAPER = 36
MAX_PRELOAD_REQUESTS = 256  # per preload message to a zygote


class ChildError(Exception):
    """The child could not answer: it timed out, died or broke the protocol."""

    kind = "crashed"

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail


class ChildTimeout(ChildError):
    """The child did not answer before the deadline."""

    kind = "timeout"


class ChildDied(ChildError):
    """The child process ended (exit, signal) while an answer was awaited."""

    kind = "died"


class ChildProtocolError(ChildError):
    """The child sent something that is not a valid message."""

    kind = "protocol"


def site_paths():
    """The library folders the child may import from: the interpreter's site-packages.

    Returns
    -------
    list of str
        Absolute folders from this process's ``sys.path`` that hold installed
        packages, never a folder inside this project.
    """
    paths = []
    for entry in sys.path:
        if not entry or not os.path.isabs(entry) or not os.path.isdir(entry):
            continue
        resolved = Path(entry).resolve()
        if resolved == PROJECT_ROOT or PROJECT_ROOT in resolved.parents:
            continue
        if resolved.name in ("site-packages", "dist-packages") and str(resolved) not in paths:
            paths.append(str(resolved))
    return paths


def make_runtime(folder):
    """Write the child's program (child + protocol, nothing else) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for source, target in RUNTIME_FILES.items():
        shutil.copyfile(PACKAGE_DIR / source, folder / target)
    return folder


def child_environment(workdir):
    """A minimal, fixed environment for the child (no secrets, no PYTHONPATH)."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "JOBLIB_MULTIPROCESSING": "0",
        "LRG_SITE_PATHS": json.dumps(site_paths()),
    }
    # Some processors need the first two for a correct OpenBLAS (see the machine notes); bench/ sets the others.
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LRG_CHILD_PROFILE", "LRG_CHILD_TIMES"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


@dataclass
class Launcher:
    """How a child is started. The base launcher adds no confinement layer.

    Attributes
    ----------
    layers : list of str
        Names of the confinement layers this launcher applies (reported).
    """

    layers: list = field(default_factory=list)

    def command(self, runtime, workdir, read_fd, write_fd):
        """The argv that starts the child."""
        return [sys.executable, "-S", "-s", "-B", str(Path(runtime) / "_lrg_child.py"), str(read_fd), str(write_fd)]

    def preexec(self):
        """Run in the forked child before exec (rlimits and the like)."""
        return None

    def environment(self, env, runtime, workdir, private_tmp):
        """The child's environment, with whatever this launcher's layers need."""
        env["TMPDIR"] = str(private_tmp)
        return env

    @property
    def isolates_processes(self):
        """True when killing the child's first process ends everything it started."""
        return "namespaces" in self.layers

    @property
    def uses_zygote(self):
        """True when children are forked from a pre-imported zygote (``LRG_NO_ZYGOTE=1``: never)."""
        return os.environ.get("LRG_NO_ZYGOTE") != "1"

    def zygote(self):
        """The zygote to fork this launcher's children from, or None to start each one afresh."""
        return shared_zygote(self) if self.uses_zygote else None

    def zygote_command(self, folder, inner):
        """The argv that starts this launcher's zygote, with ``folder`` (its runtime, its jobs) visible.

        None: the zygote runs unconfined (its children confine themselves).
        """
        return None


class ChildProcess:
    """One running child and the two pipes to it.

    Parameters
    ----------
    runtime : path
        Folder made by :func:`make_runtime`.
    workdir : path
        The staged submission; the child's working folder.
    launcher : Launcher, optional
        Adds confinement; the default adds none.
    preload : iterable of (str, bytes), optional
        Packed requests, each with its digest, for the zygote to decode
        before it forks this child (see :meth:`Zygote.preload`);
        ``preloaded`` then names those the child holds.
    """

    def __init__(self, runtime, workdir, launcher=None, preload=()):
        self.launcher = launcher or Launcher()
        self.preloaded = frozenset()  # digests of the batch requests this child holds decoded (see Zygote.preload)
        _become_subreaper()
        private_tmp = Path(workdir).parent / "tmp"
        private_tmp.mkdir(exist_ok=True)
        private_tmp.chmod(0o1777)
        to_child_read, to_child_write = os.pipe()
        from_child_read, from_child_write = os.pipe()
        command = self.launcher.command(runtime, workdir, to_child_read, from_child_write)
        env = self.launcher.environment(child_environment(workdir), runtime, workdir, private_tmp)
        try:
            zygote = self.launcher.zygote()
            if zygote is not None and zygote.accepts(workdir):
                zygote.preload(preload)
                self.preloaded = frozenset(zygote.preloaded)
                self.process = zygote.spawn(workdir, env, to_child_read, from_child_write, binds=[runtime, workdir])
            else:
                self.process = subprocess.Popen(
                    command,
                    cwd=str(workdir),
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    pass_fds=(to_child_read, from_child_write),
                    start_new_session=True,
                    preexec_fn=self.launcher.preexec(),
                    close_fds=True,
                )
                _LIVE.add(self.process.pid)
        finally:
            os.close(to_child_read)
            os.close(from_child_write)
        self._out = to_child_write
        self._in = from_child_read
        os.set_blocking(self._in, False)
        self._buffer = bytearray()
        self.dead = False

    # -- sending -----------------------------------------------------------

    def send(self, message, deadline):
        """Write one message; a child that stops reading is a timeout."""
        from grader import protocol  # here, not at the top: starting a zygote must not wait for NumPy

        self.send_frame(protocol.pack(message), deadline)

    def send_frame(self, frame, deadline):
        """Write one message already packed with ``protocol.pack``."""
        data = memoryview(frame)
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._fail(ChildTimeout("the submission stopped reading its input"))
            try:
                _, ready, _ = select.select([], [self._out], [], remaining)
            except InterruptedError:
                continue
            if not ready:
                continue
            try:
                written = os.write(self._out, data[: 1 << 16])
            except BrokenPipeError:
                raise self._fail(ChildDied(self._death_reason())) from None
            data = data[written:]

    # -- receiving ---------------------------------------------------------

    def _read_exact(self, size, deadline):
        while len(self._buffer) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._fail(ChildTimeout("no answer before the time limit"))
            try:
                ready, _, _ = select.select([self._in], [], [], remaining)
            except InterruptedError:
                continue
            if not ready:
                continue
            try:
                chunk = os.read(self._in, max(size - len(self._buffer), 1 << 16))
            except BlockingIOError:
                continue
            if not chunk:
                raise self._fail(ChildDied(self._death_reason()))
            self._buffer.extend(chunk)
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def receive(self, deadline):
        """Read and strictly decode one message, or raise a :class:`ChildError`."""
        from grader import protocol  # (see send)

        try:
            length = protocol.parse_header(self._read_exact(8, deadline))
            header, sizes = protocol.parse_blob_sizes(self._read_exact(length, deadline))
            blobs = [self._read_exact(size, deadline) for size in sizes]
            return protocol.unpack(header, blobs)
        except protocol.ProtocolError as error:
            raise self._fail(ChildProtocolError(f"the submission broke the grading protocol ({error})")) from None

    def request(self, message, timeout, on_oracle=None):
        """Send a request and wait for its reply, answering stand-in calls meanwhile.

        Parameters
        ----------
        message : dict
            The request.
        timeout : float
            Seconds for the whole exchange.
        on_oracle : callable, optional
            ``on_oracle(request) -> reply`` for ``oracle`` messages.

        Returns
        -------
        dict
            The reply.
        """
        deadline = time.monotonic() + timeout
        self.send(message, deadline)
        return self.request_reply(deadline, on_oracle)

    def request_reply(self, deadline, on_oracle=None):
        """Wait for the next reply (not a stand-in call), answering stand-in calls meanwhile."""
        while True:
            reply = self.receive(deadline)
            if reply["op"] == "oracle" and on_oracle is not None:
                self.send(on_oracle(reply), deadline)
                continue
            return reply

    # -- ending ------------------------------------------------------------

    def _death_reason(self):
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "the submission closed its connection to the grader"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            hint = " (probably the memory or CPU limit)" if name in ("SIGKILL", "SIGXCPU", "SIGSEGV") else ""
            return f"the process was killed by {name}{hint}"
        return f"the process exited with code {code}"

    def _fail(self, error):
        self.kill()
        return error

    def kill(self):
        """Kill the child and everything it started; return once nothing of it is left.

        The child's process group goes first. With the namespaces layer, that
        ends bubblewrap, whose death kills the first process of the pid
        namespace, and with it every process inside. Without it, anything
        that left the group (a double fork) has been re-parented to this
        process, a child subreaper, and is killed and reaped here.
        """
        if self.dead:
            return
        self.dead = True
        _kill_group(self.process)
        reap_orphans()
        for fd in (self._in, self._out):
            try:
                os.close(fd)
            except OSError:
                pass

    def close(self, timeout=2.0):
        """Ask the child to exit, then make sure it is gone."""
        if not self.dead:
            try:
                self.send({"op": "exit"}, time.monotonic() + timeout)
                self.process.wait(timeout=timeout)
            except (ChildError, subprocess.TimeoutExpired, OSError):
                pass
        self.kill()


# --------------------------------------------------------------------------
# Orphans: processes a child started and abandoned
# --------------------------------------------------------------------------

_LIVE = set()  # pids of the children this process started and has not yet killed


def _kill_group(process):
    """SIGKILL a process's group (it leads a session of its own) and wait for the process."""
    try:
        if hasattr(process, "kill_group"):
            process.kill_group()
        else:
            os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    _LIVE.discard(process.pid)
_SUBREAPER = []


def _become_subreaper():
    """Make this process adopt orphaned descendants (Linux), once."""
    if _SUBREAPER or not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    _SUBREAPER.append(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)


def _own_children():
    """Pids of this process's children, from /proc."""
    me = os.getpid()
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == me:
            children.append(int(entry))
    return children


def reap_orphans(rounds=20):
    """Kill and reap adopted orphans: children of ours that we did not start.

    Live sandbox children, ``multiprocessing`` workers and its resource
    tracker (started with a worker pool) are left alone.
    """
    if not (_SUBREAPER and _SUBREAPER[0]):
        return
    import multiprocessing
    from multiprocessing import resource_tracker

    for _ in range(rounds):
        tracker = getattr(getattr(resource_tracker, "_resource_tracker", None), "_pid", None)
        keep = set(_LIVE) | {p.pid for p in multiprocessing.active_children()} | {tracker}
        strays = [pid for pid in _own_children() if pid not in keep]
        if not strays:
            return
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in strays:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


# --------------------------------------------------------------------------
# The zygote: a pre-imported process that forks children in milliseconds
# --------------------------------------------------------------------------

ZYGOTE_TIMEOUT = 60.0


class Zygote:
    """A secret-free process with NumPy, pandas and scikit-learn imported, forking one child per request.

    It runs the same runtime as any child (``child.py --zygote``) and never
    sees a reference or a check; see ``child.zygote``. With a launcher that
    sets up namespaces, the zygote itself runs inside bubblewrap, with its
    own folder (its runtime and ``jobs/``, where the submissions it serves
    are staged) bound in, and each child gets namespaces of its own
    (``child._isolate``): the same view a fresh bubblewrap would give, without
    starting an interpreter and importing the libraries for every submission.

    Parameters
    ----------
    launcher : Launcher, optional
        Whose confinement the zygote runs under (none by default).
    """

    def __init__(self, launcher=None):
        import socket

        self.folder = Path(tempfolders.make("lrg-zygote-", dir="/tmp" if os.path.isdir("/tmp") else None))
        self.jobs = self.folder / "jobs"
        self.jobs.mkdir()
        runtime = make_runtime(self.folder / "runtime")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        inner = [sys.executable, "-S", "-s", "-B", str(runtime / "_lrg_child.py"), "--zygote", str(theirs.fileno())]
        command = launcher.zygote_command(self.folder, inner) if launcher is not None else None
        self.isolated = command is not None
        self.tmp_bytes = getattr(launcher, "private_tmp_bytes", 0)
        self.process = subprocess.Popen(
            command or inner, cwd=str(self.folder), env=child_environment(self.folder), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),),
            start_new_session=True, close_fds=True,
        )
        theirs.close()
        self.socket = ours
        self.socket.settimeout(ZYGOTE_TIMEOUT)
        self.owner = os.getpid()
        self.closed = False
        self.preloaded, self.refused = set(), set()  # digests of requests decoded here (see preload)
        _LIVE.add(self.process.pid)

    @property
    def alive(self):
        return self.owner == os.getpid() and self.process.poll() is None

    def accepts(self, workdir):
        """Whether a child for ``workdir`` can be forked here (a sandboxed zygote sees only its jobs folder)."""
        if not self.isolated:
            return True
        return Path(workdir).resolve().is_relative_to(self.jobs.resolve())

    def _request(self, message, fds=()):
        import socket

        socket.send_fds(self.socket, [json.dumps(message).encode("utf-8")], list(fds))
        reply = self.socket.recv(1 << 16)
        if not reply:
            raise OSError("the zygote ended")
        return json.loads(reply.decode("utf-8"))

    def spawn(self, workdir, env, read_fd, write_fd, binds=()):
        """Fork a child serving on these pipe ends; return a handle like a Popen.

        ``binds``: the folders a sandboxed zygote's child sees (read-only).
        """
        request = {"op": "spawn", "workdir": str(workdir), "env": env}
        if self.isolated:
            request["isolate"] = {"binds": [str(Path(b).resolve()) for b in binds], "tmp_bytes": self.tmp_bytes}
        reply = self._request(request, (read_fd, write_fd))
        return _Forked(self, int(reply["pid"]))

    def preload(self, frames):
        """Decode these packed requests once, here, for every child forked from now on.

        Parameters
        ----------
        frames : iterable of (str, bytes)
            ``(digest, frame)``: a frame packed with ``protocol.pack`` and a
            digest that names it (the grader sends ``batch_ref`` with the
            digest instead of the frame to a child that holds it).

        Only trusted requests may be preloaded: every child of this zygote
        sees them (the batches of the grader's checks, which are the same
        for every submission). What is already held is not sent again.
        """
        new = [(digest, frame) for digest, frame in frames
               if digest not in self.preloaded and digest not in self.refused][:MAX_PRELOAD_REQUESTS]
        if not new:
            return
        with tempfile.TemporaryFile() as data:  # (no name anyone could open)
            for _, frame in new:
                data.write(frame)
            data.flush()
            data.seek(0)
            reply = self._request({"op": "preload", "digests": [d for d, _ in new],
                                   "sizes": [len(f) for _, f in new]}, (data.fileno(),))
        asked, accepted = {d for d, _ in new}, set(reply.get("accepted") or ())
        self.preloaded |= asked & accepted
        self.refused |= asked - accepted

    def status(self, pid):
        """The exit code of a forked child (negative: killed by that signal), or None while it runs."""
        return self._request({"op": "status", "pid": pid}).get("code")

    def kill_group(self, pid):
        """SIGKILL a forked child's process group (from inside the zygote's pid namespace)."""
        if self.isolated:
            self._request({"op": "kill", "pid": pid, "everything": True})
        else:
            os.killpg(pid, signal.SIGKILL)

    def works(self):
        """Whether a child forked here starts and answers (a sandboxed zygote needs nested namespaces)."""
        import tempfile

        probe = Path(tempfile.mkdtemp(prefix="probe-", dir=self.jobs))
        try:
            (probe / "submission").mkdir()
            child = ChildProcess(make_runtime(probe / "runtime"), probe / "submission", _ZygoteOnly(zygote_used=self))
            try:
                reply = child.request({"op": "setup", "root": str(probe / "submission"), "paths": [],
                                       "display": {}}, ZYGOTE_TIMEOUT)
                return reply.get("op") == "ready"
            except ChildError:
                return False
            finally:
                child.close()
        except OSError:
            return False
        finally:
            shutil.rmtree(probe, ignore_errors=True)

    def close(self):
        self.socket.close()
        if self.owner != os.getpid() or self.closed:
            return  # (in a forked copy of the process that started it: the zygote is not ours to end)
        self.closed = True
        _kill_group(self.process)
        tempfolders.remove(self.folder)


@dataclass
class _ZygoteOnly(Launcher):
    """Starts children from one given zygote (for its own probe)."""

    zygote_used: object = None

    def zygote(self):
        return self.zygote_used

    def environment(self, env, runtime, workdir, private_tmp):
        env["TMPDIR"] = "/tmp" if self.zygote_used.isolated else str(private_tmp)
        return env


class _Forked:
    """A child forked by the zygote, with the part of the Popen interface the sandbox uses."""

    def __init__(self, zygote, pid):
        self.zygote = zygote
        self.pid = pid
        self.returncode = None

    def kill_group(self):
        if self.zygote.alive:
            self.zygote.kill_group(self.pid)

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            code = self.zygote.status(self.pid) if self.zygote.alive else -signal.SIGKILL
            if code is not None:
                self.returncode = code
                break
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"forked child {self.pid}", timeout)
            time.sleep(0.005)
        return self.returncode


_ZYGOTES = {}
UNUSABLE = "unusable"


def shared_zygote(launcher=None):
    """This process's zygote for ``launcher``'s confinement, started (again) when needed; None if unusable."""
    key = repr(launcher.zygote_command(Path("/"), [])) if launcher is not None else "None"
    zygote = _ZYGOTES.get(key)
    if zygote is UNUSABLE:
        return None
    if zygote is None or not zygote.alive:
        if zygote is not None and zygote.owner == os.getpid():
            zygote.close()
        zygote = Zygote(launcher)
        if zygote.isolated and not zygote.works():
            zygote.close()
            _ZYGOTES[key] = UNUSABLE  # nested namespaces refused here: a fresh bubblewrap per child instead
            return None
        import atexit

        atexit.register(zygote.close)
        _ZYGOTES[key] = zygote
    return zygote


def close_own_zygotes():
    """End the zygotes this process started (a worker's last act: a forked worker runs no ``atexit``)."""
    for key, zygote in list(_ZYGOTES.items()):
        if isinstance(zygote, Zygote) and zygote.owner == os.getpid():
            del _ZYGOTES[key]
            zygote.close()


def _forget_inherited():
    """In a forked copy of this process: none of the parent's children, zygotes or subreaping is ours.

    The parent's zygotes stay theirs (only their owner may end one, see
    :meth:`Zygote.close`); their sockets stay open here until this process
    ends, which delays nothing (a zygote ends when its owner closes it).
    Subreaping is not inherited across ``fork``, so this process must ask
    for it again.
    """
    _LIVE.clear()
    _SUBREAPER.clear()


os.register_at_fork(after_in_child=_forget_inherited)


def scratch_root(launcher):
    """Where a submission must be staged for ``launcher``'s zygote to serve it (None: anywhere)."""
    zygote = launcher.zygote() if launcher is not None else None
    return zygote.jobs if zygote is not None and zygote.isolated else None
