"""Temporary folders that a later run can tell are abandoned.

Grading works in temporary ``lrg-*`` folders: the class's unpacked
submissions, each worker's sandbox, Hypothesis's home, a submission being
graded. A run that ends normally removes them; a run killed with SIGKILL
cannot, and its folders (copies of students' work among them) would stay
for good. So each such folder holds a lock file that the process that made
it keeps locked (``flock``) for as long as it lives; the kernel lets go of
the lock however the process ends. :func:`sweep` removes the folders whose
lock it can take: their owner is gone.

A folder is only ever removed by its owner or after its owner has ended:
a lock still held (by the owner, or by a process it forked) keeps the
folder, and so does a lock file not yet marked as held (its owner is still
making it) or none at all (a folder of an older version, or not ours).
"""

import contextlib
import os
import shutil
import tempfile

try:
    import fcntl
except ImportError:  # not POSIX (a student's Windows laptop): plain temporary folders, never swept
    fcntl = None

PREFIX = "lrg-"
LOCK_NAME = ".lrg-owner"
HELD = b"held"

_locks = {}  # folder -> the open, locked lock file (kept open: closing it lets go of the lock)


def make(prefix, dir=None):
    """Make a temporary folder, like ``tempfile.mkdtemp``, locked as this process's own.

    Parameters
    ----------
    prefix : str
        Starts with ``"lrg-"`` (what :func:`sweep` looks at).
    dir : str or path, optional
        Where (the temporary folder by default).

    Returns
    -------
    str
        The folder's path.
    """
    folder = tempfile.mkdtemp(prefix=prefix, dir=dir)
    if fcntl is None:
        return folder
    try:
        descriptor = os.open(os.path.join(folder, LOCK_NAME), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        return folder  # unlocked: never swept, removed by this process as before
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.write(descriptor, HELD)
    except OSError:
        os.close(descriptor)
        return folder
    _locks[os.path.normpath(folder)] = descriptor
    return folder


@contextlib.contextmanager
def folder(prefix, dir=None):
    """:func:`make` as a context manager: the folder's path, removed on leaving."""
    path = make(prefix, dir)
    try:
        yield path
    finally:
        remove(path)


def remove(folder):
    """Remove a folder made by :func:`make` and let go of its lock."""
    shutil.rmtree(folder, ignore_errors=True)
    descriptor = _locks.pop(os.path.normpath(folder), None)  # (a Path or a str, however written)
    if descriptor is not None:
        os.close(descriptor)


def sweep(roots=None):
    """Remove the ``lrg-*`` folders of processes that have ended; return how many.

    Parameters
    ----------
    roots : iterable of str, optional
        Folders to look in (the temporary folder and ``/tmp`` by default).
        Only folders owned by this user are looked at.

    Returns
    -------
    int
    """
    if fcntl is None:
        return 0
    if roots is None:
        roots = {tempfile.gettempdir(), "/tmp"}
    removed = 0
    for root in roots:
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(PREFIX) and _abandoned(entry):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed += not os.path.exists(entry.path)
    return removed


def _abandoned(entry):
    """Whether ``entry`` is a folder of ours whose lock nobody holds."""
    try:
        if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.getuid():
            return False
        descriptor = os.open(os.path.join(entry.path, LOCK_NAME), os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its owner (or a fork of it) lives
        return os.read(descriptor, len(HELD)) == HELD  # else its owner is still making it
    except OSError:
        return False
    finally:
        os.close(descriptor)
