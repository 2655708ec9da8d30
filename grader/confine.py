"""Confinement the child applies to itself before it reads any student code.

Runs inside the child process (a copy sits in its runtime folder as
``_lrg_confine.py``) and uses the standard library only. Given the settings
the grader put in ``LRG_CONFINE`` (JSON), :func:`apply`:

0. sets its resource limits (when it was forked by the zygote rather than
   started with them);
1. drops to an unprivileged user and group with no supplementary groups
   (when started as root inside the sandbox);
2. sets ``no_new_privs`` (nothing it executes can gain privileges);
3. restricts file access with Landlock, where the kernel has it: read-only
   access to the interpreter and its libraries, the runtime and the
   submission, read-write access to the private temporary folder only, and
   (Landlock ABI 4+) no TCP connect or bind, (ABI 6+) no signals to processes
   outside the sandbox.

It returns the layers it could apply, which the child reports to the grader.
"""

import ctypes
import ctypes.util
import functools
import json
import os

PR_SET_NO_NEW_PRIVS = 38
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1

# Filesystem rights by the ABI version that introduced them.
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_RIGHTS_V1 = (1 << 13) - 1  # execute ... make_sym
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1
READ_RIGHTS = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


@functools.cache
def _libc():
    """The C library, found once per process (and, found in the zygote, once for all its children).

    (Finding it runs ldconfig or a compiler: tens of milliseconds in the sandbox.)
    """
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def landlock_abi():
    """The kernel's Landlock ABI version, or 0 when Landlock is unavailable."""
    try:
        version = _libc().syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                                  ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def _fs_rights(abi):
    rights = FS_RIGHTS_V1
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def apply_landlock(read_paths, write_paths):
    """Restrict this process (and what it starts) to the given paths; return the ABI used or 0."""
    abi = landlock_abi()
    if abi < 1:
        return 0
    libc = _libc()
    handled = _fs_rights(abi)
    fields = [handled]
    if abi >= 4:
        fields.append(NET_BIND_TCP | NET_CONNECT_TCP)
    if abi >= 6:
        fields.append(SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL)
    attr = (ctypes.c_uint64 * len(fields))(*fields)
    ruleset = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
                           ctypes.c_uint32(0))
    if ruleset < 0:
        return 0
    try:
        for paths, rights in ((read_paths, READ_RIGHTS), (write_paths, handled)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue  # a path that does not exist here needs no rule
                try:
                    allowed = rights if os.path.isdir(path) else rights & (FS_EXECUTE | FS_READ_FILE | FS_WRITE_FILE
                                                                           | (FS_TRUNCATE if abi >= 3 else 0))
                    rule = _PathBeneath(allowed, fd)
                    if libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                                    ctypes.byref(rule), ctypes.c_uint32(0)) < 0:
                        raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
                finally:
                    os.close(fd)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(NO_NEW_PRIVS) failed")
        if libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return abi


def drop_privileges(uid, gid):
    """Become ``uid``/``gid`` with no supplementary groups (only possible as root)."""
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid or os.getgroups():
        raise OSError("could not drop privileges")


def apply(settings=None):
    """Apply the confinement described by ``settings`` (default: the LRG_CONFINE variable).

    Returns
    -------
    list of str
        The layers applied: ``"user"``, ``"landlock"``.
    """
    if settings is None:
        settings = json.loads(os.environ.pop("LRG_CONFINE", "{}") or "{}")
    layers = []
    limits = settings.get("rlimits")
    if limits:  # before dropping privileges: only root may set a limit above the current one
        import resource

        for name, value in limits.items():
            resource.setrlimit(getattr(resource, name), (int(value), int(value)))
        layers.append("rlimits")
    user = settings.get("user")
    if user:
        drop_privileges(int(user[0]), int(user[1]))
        layers.append("user")
    landlock = settings.get("landlock")
    if landlock:
        abi = apply_landlock(landlock.get("read", []), landlock.get("write", []))
        if abi:
            layers.append(f"landlock (ABI {abi})")
        elif landlock.get("required"):
            raise OSError("Landlock was required but could not be applied")
    if not user:
        _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    return layers
