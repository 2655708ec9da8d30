"""Confinement layers for the child process, chosen by mode and checked by a self-test.

Layers, each used where the machine allows it and each reported:

``namespaces``
    bubblewrap (Debian package ``bubblewrap``): no network, its own pid
    namespace (it sees no other process, and killing its first process ends
    everything it started), a private size-capped ``/tmp``, and a read-only
    view of the filesystem holding only the interpreter, its libraries, the
    child's runtime and the staged submission. The references, the hidden
    checks, other submissions and the output folder are simply absent.
``user``
    a separate unprivileged user (one uid per worker slot, no supplementary
    groups), when the grader runs as root. Needs ``namespaces`` here, since
    the interpreter may live in a folder only root can read.
``rlimits``
    caps on address space, processes, file size, open files and CPU time;
    no core dumps.
``landlock``
    where the kernel has it, a second wall for file access (read-only
    interpreter/runtime/submission, writable private temp folder only), TCP
    and signals outside the sandbox.

Modes: ``strict`` requires every layer this machine should have (bubblewrap,
the separate user when root, rlimits, and Landlock when the kernel offers it)
and a passing self-test, and refuses otherwise; ``best-effort`` uses what is
available and says what is missing; ``off`` starts a plain child (a student's
laptop, the handout's ``pytest``).
"""

import json
import os
import resource
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader import sandbox
from grader.confine import landlock_abi

MODES = ("strict", "best-effort", "off")
# The separate users are SANDBOX_UID_BASE + slot; LRG_SANDBOX_UID_BASE picks another free range
# (tests use it to keep concurrent runs apart).
SANDBOX_UID_BASE = int(os.environ.get("LRG_SANDBOX_UID_BASE", "61000"))
PRIVATE_TMP_BYTES = 64 * 1024 * 1024


class ConfinementError(Exception):
    """Confinement that was asked for is not available; official grades are refused."""


@dataclass(frozen=True)
class ResourceLimits:
    """Per-child rlimits."""

    address_space: int = 3 * 1024**3
    processes: int = 64
    file_size: int = 16 * 1024**2
    open_files: int = 256
    cpu_seconds: int = 900

    def as_settings(self):
        """The limits by ``resource`` constant name (for the child to set on itself)."""
        return {"RLIMIT_AS": self.address_space, "RLIMIT_NPROC": self.processes,
                "RLIMIT_FSIZE": self.file_size, "RLIMIT_NOFILE": self.open_files,
                "RLIMIT_CPU": self.cpu_seconds, "RLIMIT_CORE": 0}

    def apply(self):
        """Set the limits on the calling process (run between fork and exec)."""
        for name, value in self.as_settings().items():
            resource.setrlimit(getattr(resource, name), (value, value))


def bubblewrap():
    """The path of the ``bwrap`` program, or None."""
    return shutil.which("bwrap")


def available_layers():
    """The layers this machine can provide, by name."""
    layers = ["rlimits"]
    if bubblewrap():
        layers.append("namespaces")
        if os.geteuid() == 0:
            layers.append("user")
    if landlock_abi() >= 1:
        layers.append("landlock")
    return layers


def required_layers():
    """The layers strict mode insists on for this machine."""
    layers = ["namespaces", "rlimits"]
    if os.geteuid() == 0:
        layers.append("user")
    if landlock_abi() >= 1:
        layers.append("landlock")
    return layers


def _interpreter_paths():
    """Folders the child's interpreter needs to read: its prefixes and site-packages."""
    paths = []
    for path in [sys.base_prefix, sys.prefix, *sandbox.site_paths(), str(Path(sys.executable).resolve().parent)]:
        resolved = str(Path(path).resolve())
        if resolved not in paths and not any(resolved.startswith(p + os.sep) for p in paths):
            paths.append(resolved)
    return paths


@dataclass
class ConfinedLauncher(sandbox.Launcher):
    """Starts the child with the chosen confinement layers.

    Parameters
    ----------
    layers : list of str
        Which of ``namespaces``, ``user``, ``rlimits``, ``landlock`` to apply.
    slot : int
        Worker slot; the separate user is ``SANDBOX_UID_BASE + slot`` so that
        children of parallel workers never share a uid (or a process count).
    limits : ResourceLimits
    """

    layers: list = field(default_factory=list)
    slot: int = 0
    limits: ResourceLimits = field(default_factory=ResourceLimits)

    @property
    def uid(self):
        return SANDBOX_UID_BASE + self.slot

    private_tmp_bytes: int = PRIVATE_TMP_BYTES

    def command(self, runtime, workdir, read_fd, write_fd):
        inner = super().command(runtime, workdir, read_fd, write_fd)
        if "namespaces" not in self.layers:
            return inner
        return self._bubblewrap([str(runtime), str(workdir)], "1777") + ["--chdir", str(workdir)] + inner

    def zygote_command(self, folder, inner):
        """The zygote in bubblewrap: the same view as a child's, with its own folder in place of a submission.

        Its ``/tmp`` is not writable by the sandbox users; each child it
        forks mounts a fresh one of its own (``child._isolate``).
        """
        if "namespaces" not in self.layers:
            return None
        return self._bubblewrap([str(folder)], "0755") + ["--chdir", "/"] + inner

    def _bubblewrap(self, visible, tmp_perms):
        """bubblewrap's arguments: namespaces, the system read-only, a private /tmp, ``visible`` bound in."""
        args = [bubblewrap(), "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
        made = set()
        for top in ("/bin", "/lib", "/lib64", "/lib32", "/sbin"):
            if os.path.islink(top):
                args += ["--symlink", os.readlink(top), top]
                made.add(top)
        args += ["--ro-bind", "/usr", "/usr"]
        for top in ("/bin", "/lib", "/lib64", "/lib32", "/sbin"):
            if top not in made and os.path.isdir(top):
                args += ["--ro-bind", top, top]
        args += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
        # The private /tmp first: binds below it (the runtime and submission
        # usually live in the host's /tmp) must land on top of it.
        args += ["--proc", "/proc", "--dev", "/dev", "--size", str(PRIVATE_TMP_BYTES), "--perms", tmp_perms,
                 "--tmpfs", "/tmp"]
        made.add("/tmp")
        for path in _interpreter_paths() + list(visible):
            args += self._parents(path, made)
            args += ["--ro-bind", path, path]
        return args

    @staticmethod
    def _parents(path, made):
        """bwrap arguments creating the missing parent folders of ``path``, world-readable."""
        args = []
        parents = list(reversed(Path(path).parents))[1:]
        for parent in parents:
            text = str(parent)
            if text in made or text in ("/usr",) or text.startswith("/usr/"):
                continue
            made.add(text)
            args += ["--perms", "0755", "--dir", text]
        return args

    def preexec(self):
        if "rlimits" not in self.layers:
            return None
        return self.limits.apply

    def environment(self, env, runtime, workdir, private_tmp):
        settings = {}
        if "rlimits" in self.layers:
            settings["rlimits"] = self.limits.as_settings()
        if "user" in self.layers:
            settings["user"] = [self.uid, self.uid]
        if "landlock" in self.layers:
            tmp = "/tmp" if "namespaces" in self.layers else str(private_tmp)
            read = ["/usr", "/bin", "/lib", "/lib64", "/etc", "/proc", "/sys", "/dev", str(runtime), str(workdir)]
            settings["landlock"] = {"read": read + _interpreter_paths(), "write": [tmp, "/dev/null"],
                                    "required": True}
        if "namespaces" in self.layers:
            env.update(TMPDIR="/tmp", HOME="/tmp", MPLCONFIGDIR="/tmp/matplotlib")
        env["LRG_CONFINE"] = json.dumps(settings)
        return env


_CLAIMED = {}


def claim_slot(folder="/tmp/lrg-sandbox-slots", limit=1000):
    """A worker slot no other grading process on this machine holds, kept for this process's life.

    Each slot is a lock file; holding its exclusive lock (released by the
    kernel when the process ends, however it ends) means the sandbox user
    ``SANDBOX_UID_BASE + slot`` and its process count belong to this process
    alone, even with several gradings running at once.
    """
    import fcntl

    pid = os.getpid()
    if pid in _CLAIMED:
        return _CLAIMED[pid][0]
    os.makedirs(folder, mode=0o755, exist_ok=True)
    for slot in range(limit):
        handle = open(os.path.join(folder, f"{SANDBOX_UID_BASE + slot}.lock"), "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        _CLAIMED[pid] = (slot, handle)
        return slot
    raise ConfinementError(f"no free sandbox slot among {limit}")


def launcher_for(mode, slot=None):
    """The launcher for a confinement mode, or raise ConfinementError in strict mode.

    Parameters
    ----------
    mode : str
        ``strict``, ``best-effort`` or ``off``.
    slot : int, optional
        The worker slot (see ConfinedLauncher); by default one claimed for
        this process with :func:`claim_slot`.

    Returns
    -------
    sandbox.Launcher
    """
    if mode not in MODES:
        raise ValueError(f"confinement mode must be one of {', '.join(MODES)}; got {mode!r}")
    if mode == "off":
        return sandbox.Launcher()
    available = available_layers()
    if mode == "strict":
        missing = [layer for layer in required_layers() if layer not in available]
        if missing:
            raise ConfinementError(
                f"strict confinement needs {', '.join(missing)}, which this machine lacks"
                + (" (install the Debian package bubblewrap)" if "namespaces" in missing else "")
                + "; use --confinement best-effort to grade anyway (not official)")
        return ConfinedLauncher(layers=required_layers(), slot=claim_slot() if slot is None else slot)
    layers = [layer for layer in ("namespaces", "user", "rlimits", "landlock") if layer in available]
    return ConfinedLauncher(layers=layers, slot=claim_slot() if slot is None else slot)
