"""Open untrusted ``.zip`` archives safely.

Students' archives and LMS downloads are hostile input like any other part of
a submission. Nothing here trusts a member's name, type or declared size:

- no member may escape the destination (``../``, absolute paths, drive
  letters, backslashes, NUL bytes);
- links, devices and other special members are refused, never followed;
- the member count, each member's size and the total expanded size are
  capped, and the caps are enforced on the bytes actually decompressed, not
  on what the archive claims;
- encrypted members and duplicates are refused.

Each member is written with ``open(..., "xb")`` under a path built from its
checked name parts, never with ``ZipFile.extractall``. Every refusal is an
:class:`ArchiveError` whose message a student can act on.
"""

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CHUNK = 1 << 16
# Junk that archiving tools add; skipped rather than refused.
SKIPPED_PARTS = {"__MACOSX", ".DS_Store", "Thumbs.db", "__pycache__", ".ipynb_checkpoints"}


class ArchiveError(Exception):
    """An archive that cannot or must not be opened; the message says why.

    Attributes
    ----------
    status : str
        ``"not a zip"`` for a file that is not a readable zip archive,
        ``"unsafe archive"`` for one that breaks a safety rule.
    """

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps on what one archive may hold.

    Attributes
    ----------
    members : int
        Entries (files and folders).
    member_bytes : int
        Expanded size of any one file.
    total_bytes : int
        Expanded size of all files together.
    """

    members: int = 500
    member_bytes: int = 10_000_000
    total_bytes: int = 50_000_000


def member_parts(name):
    """The checked path components of a member name.

    Parameters
    ----------
    name : str
        The name as stored in the archive.

    Returns
    -------
    tuple of str
        Its parts, relative and free of ``..``; empty for the archive root.

    Raises
    ------
    ArchiveError
        If the name is absolute, climbs out with ``..`` or holds characters
        no file name may hold.
    """
    if "\x00" in name:
        raise ArchiveError("unsafe archive", f"the archive holds a file name with a NUL byte ({name!r})")
    if "\\" in name:
        raise ArchiveError("unsafe archive", f"the archive holds a Windows-style path ({name!r}); "
                           "zip the folder again with a standard tool")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ArchiveError("unsafe archive", f"the archive holds an absolute path ({name!r})")
    parts = tuple(part for part in PurePosixPath(name).parts if part not in ("", "."))
    if ".." in parts:
        raise ArchiveError("unsafe archive", f"the archive holds a path that leaves its folder ({name!r})")
    return parts


def _kind(info):
    """``"file"``, ``"dir"`` or the name of a special kind, from the Unix mode bits."""
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_IFMT(mode):  # made on Unix with a file type: it counts
        if stat.S_ISLNK(mode):
            return "symbolic link"
        if stat.S_ISDIR(mode):
            return "dir"
        if not stat.S_ISREG(mode):
            return "special file"
    return "dir" if info.filename.endswith("/") else "file"


def extract(archive, destination, limits=ArchiveLimits(), label=None):
    """Unpack a zip archive into an empty folder, safely.

    Parameters
    ----------
    archive : path
        The ``.zip`` file.
    destination : path
        Folder to unpack into (created if missing).
    limits : ArchiveLimits
    label : str, optional
        How to name the archive in messages (default: its file name).

    Returns
    -------
    list of str
        The relative paths of the files written, in archive order.

    Raises
    ------
    ArchiveError
        For a file that is not a zip archive, and for any member that breaks
        a rule. What was written before a refusal stays in ``destination``:
        the caller discards the folder.
    """
    archive = Path(archive)
    label = label or archive.name
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(archive) as opened:
            infos = opened.infolist()
            _check_listing(infos, limits, label)
            return _extract_members(opened, infos, destination, limits, label)
    except ArchiveError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError) as error:
        if isinstance(error, OSError) and not isinstance(error, zipfile.BadZipFile) and not archive.is_file():
            raise ArchiveError("not a zip", f"{label} could not be read") from None
        raise ArchiveError("not a zip", f"{label} is not a valid zip archive ({_short(error)})") from None


def _short(error):
    text = str(error) or type(error).__name__
    return text[:200]


def _check_listing(infos, limits, label):
    """Refuse on the listing alone: too many members, or declared sizes over the caps."""
    if len(infos) > limits.members:
        raise ArchiveError("unsafe archive", f"{label} holds {len(infos):,} entries; the limit is "
                           f"{limits.members:,}")
    declared = 0
    for info in infos:
        if info.file_size > limits.member_bytes:
            raise ArchiveError("unsafe archive", f"{info.filename!r} in {label} expands to "
                               f"{info.file_size:,} bytes; the limit per file is {limits.member_bytes:,}")
        declared += info.file_size
    if declared > limits.total_bytes:
        raise ArchiveError("unsafe archive", f"{label} expands to {declared:,} bytes; the limit is "
                           f"{limits.total_bytes:,}")


def _extract_members(opened, infos, destination, limits, label):
    written, seen, total = [], set(), 0
    for info in infos:
        parts = member_parts(info.filename)
        kind = _kind(info)
        if kind not in ("file", "dir"):
            raise ArchiveError("unsafe archive", f"{info.filename!r} in {label} is a {kind}; "
                               "archives may hold only plain files and folders")
        if not parts or any(part in SKIPPED_PARTS or part.startswith("._") for part in parts):
            continue
        if info.flag_bits & 0x1:
            raise ArchiveError("unsafe archive", f"{info.filename!r} in {label} is encrypted")
        key = "/".join(parts).casefold()
        if key in seen:
            raise ArchiveError("unsafe archive", f"{label} holds {info.filename!r} twice")
        seen.add(key)
        target = destination.joinpath(*parts)
        if kind == "dir":
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        total += _copy_member(opened, info, target, limits, label, total)
        written.append("/".join(parts))
    return written


def _copy_member(opened, info, target, limits, label, total_so_far):
    """Decompress one member, counting the bytes actually produced against the caps."""
    size = 0
    try:
        sink = open(target, "xb")
    except FileExistsError:
        raise ArchiveError("unsafe archive", f"{info.filename!r} in {label} would overwrite a file "
                           "that is already there") from None
    with opened.open(info) as source, sink:
        while True:
            chunk = source.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limits.member_bytes or size > info.file_size:
                raise ArchiveError("unsafe archive", f"{info.filename!r} in {label} expands beyond "
                                   f"{min(limits.member_bytes, info.file_size):,} bytes")
            if total_so_far + size > limits.total_bytes:
                raise ArchiveError("unsafe archive", f"{label} expands beyond {limits.total_bytes:,} bytes")
            sink.write(chunk)
    return size


def names(archive):
    """The member names of an archive, or an empty list when it cannot be read."""
    try:
        with zipfile.ZipFile(archive) as opened:
            return opened.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return []
