"""Find the submissions in what an instructor names, and unpack each one.

Two steps, kept apart so that a hostile file can only ever hurt its own
student:

:func:`discover` (the main process, cheap) turns the paths named on the
command line into :class:`Entry` values, one per student. A path can be a
submission (a folder with ``exercises/`` or module files, a ``.py`` file, a
``.ipynb`` notebook, a ``.zip``) or a class: a folder holding many
submissions, a Gradescope export (``submission_metadata.yml`` beside
``submission_<id>/`` folders), or an LMS download zip. Student ids come from
the names; LMS download names are understood:

- Canvas: ``smithjane_123456_7890123_logistic.py`` or, for a late one,
  ``smithjane_LATE_123456_7890123_logistic.py`` (name, user id, submission
  id, the file's own name). The files of one student form one submission.
- Moodle: ``Jane Smith_123456_assignsubmission_file_logistic.py`` (a file or
  a folder).

:func:`materialize` (a worker) turns one entry into a path that
:func:`grader.submission.read_submission` reads: archives are unpacked with
:mod:`grader.archives`, an LMS student's files are gathered in one folder.
Every problem is an :class:`InputError` with a short status and a message
for the student.
"""

import hashlib
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from grader import archives
from grader.submission import MAX_FILE_BYTES, MAX_NOTEBOOK_BYTES, MODULES

MODULE_FILES = frozenset(f"{m}.py" for m in MODULES)
SUBMISSION_SUFFIXES = (".py", ".ipynb", ".zip")
IGNORED_NAMES = {"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".DS_Store", "Thumbs.db"}
GRADESCOPE_METADATA = "submission_metadata.yml"
MAX_METADATA_BYTES = 20_000_000
# An instructor's class download is larger than any one student's archive.
CLASS_ARCHIVE_LIMITS = archives.ArchiveLimits(members=20_000, member_bytes=50_000_000, total_bytes=2_000_000_000)

CANVAS = re.compile(r"^(?P<name>[^_\s]+)_(?:(?P<late>late)_)?(?P<user>\d+)_(?P<submission>\d+)_(?P<file>.+)$",
                    re.IGNORECASE)
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<user>\d+)_assignsubmission_(?:file|onlinetext)_(?P<file>.*)$")
# Canvas appends "-1", "-2", ... to a file a student submitted again.
RESUBMITTED = re.compile(r"^(?P<stem>.+?)-\d+(?P<suffix>\.[A-Za-z0-9]+)$")
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_ID_LENGTH = 64
MAX_NESTING = 2  # a zip in a zip is unpacked; deeper nesting is left as it is


class InputError(Exception):
    """A submission that cannot be read; ``status`` is the gradebook's short reason.

    Attributes
    ----------
    status : str
        ``"empty"``, ``"not a zip"``, ``"unsafe archive"`` or ``"unreadable"``.
    """

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Source:
    """One file or folder of a submission, and the name its student gave it."""

    path: Path
    name: str
    order: int = 0  # the LMS submission id: a later upload of the same file wins


@dataclass(frozen=True)
class Entry:
    """One student's submission, as found on disk (nothing read yet).

    Attributes
    ----------
    student : str
        The id taken from the names (made filesystem-safe and unique by
        :func:`assign_ids`).
    sources : tuple of Source
        What the submission is made of: usually one file or folder, several
        files for an LMS download.
    late : bool
        The LMS marked it late.
    label : str
        What was submitted, by name (no absolute path), for messages.
    """

    student: str
    sources: tuple
    late: bool = False
    label: str = ""
    group: tuple = None  # (name, user id) of an LMS download, to join one student's files


@dataclass
class Discovery:
    """What :func:`discover` found.

    Attributes
    ----------
    entries : list of Entry
        One per student, with unique, filesystem-safe ids, sorted by id.
    skipped : list of str
        Files that are no submission (``README.txt`` beside the class).
    """

    entries: list
    skipped: list


# --------------------------------------------------------------------------
# Names and ids
# --------------------------------------------------------------------------


def safe_id(raw):
    """A student id that is safe as a file name on every system.

    Parameters
    ----------
    raw : str

    Returns
    -------
    str
        ASCII letters, digits, ``.``, ``_`` and ``-`` only, at most 64
        characters, never empty, hidden or a reserved Windows name.
    """
    text = unicodedata.normalize("NFKD", str(raw)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-")[:MAX_ID_LENGTH].rstrip("._-")
    if not text:
        return "student"
    if text.split(".")[0].upper() in WINDOWS_RESERVED:
        text = "_" + text
    return text


def assign_ids(entries):
    """Give every entry a safe id, unique even on a case-insensitive file system.

    Parameters
    ----------
    entries : list of Entry

    Returns
    -------
    list of Entry
        Sorted by id. Clashing ids get ``-2``, ``-3``, ... in the order of
        their labels, so the same class always gets the same ids.
    """
    ordered = sorted(entries, key=lambda e: (safe_id(e.student).casefold(), e.label, e.student))
    taken, result = set(), []
    for entry in ordered:
        base = safe_id(entry.student)
        candidate, n = base, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{base[:MAX_ID_LENGTH - 6]}-{n}"
        taken.add(candidate.casefold())
        result.append(Entry(candidate, entry.sources, entry.late, entry.label, entry.group))
    return sorted(result, key=lambda e: e.student)


def parse_lms_name(name):
    """Read an LMS download name.

    Parameters
    ----------
    name : str
        A file or folder name.

    Returns
    -------
    dict or None
        ``{"name", "user", "order", "late", "file"}`` for a Canvas or Moodle
        name, else None. ``file`` is the student's own file name (a Canvas
        resubmission suffix such as ``-1`` removed).
    """
    match = CANVAS.match(name)
    if match:
        return {"name": match["name"], "user": match["user"], "order": int(match["submission"]),
                "late": match["late"] is not None, "file": _original_name(match["file"])}
    match = MOODLE.match(name)
    if match:
        return {"name": match["name"], "user": match["user"], "order": 0, "late": False,
                "file": _original_name(match["file"])}
    return None


def _original_name(name):
    match = RESUBMITTED.match(name)
    return f"{match['stem']}{match['suffix']}" if match else name


def _stem(name):
    for suffix in SUBMISSION_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


# --------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------


def discover(paths, scratch):
    """Turn the paths an instructor named into one entry per student.

    Parameters
    ----------
    paths : list of path
        Submissions or classes (see the module docstring).
    scratch : path
        A folder that outlives grading, where a class archive is unpacked.

    Returns
    -------
    Discovery

    Raises
    ------
    FileNotFoundError
        If a named path does not exist (the instructor's typo, not a
        student's problem).
    archives.ArchiveError
        If a class archive cannot be unpacked.
    """
    entries, skipped = _discover(paths, Path(scratch))
    return Discovery(assign_ids(_merge_lms(entries)), sorted(skipped))


def _discover(paths, scratch):
    entries, skipped = [], []
    for index, path in enumerate(Path(p) for p in paths):
        if not path.exists() and not path.is_symlink():
            raise FileNotFoundError(f"{path} does not exist")
        if path.is_dir() and not path.is_symlink():
            if (path / GRADESCOPE_METADATA).is_file():
                entries += gradescope_entries(path)
            elif is_submission_folder(path):
                entries.append(_single_entry(path))
            else:
                found, ignored = class_entries(path)
                entries += found
                skipped += ignored
        elif path.suffix.lower() == ".zip" and is_class_archive(path):
            unpacked = scratch / f"class-{index}" / _stem(path.name)
            archives.extract(path, unpacked, CLASS_ARCHIVE_LIMITS)
            found, ignored = _discover([_unwrap(unpacked)], scratch / f"class-{index}-inner")
            entries += found
            skipped += ignored
        else:
            entries.append(_single_entry(path))
    return entries, skipped


def is_submission_folder(folder):
    """Whether a folder is one student's work (``exercises/`` or module files in it)."""
    folder = Path(folder)
    return (folder / "exercises").is_dir() or any((folder / name).is_file() for name in MODULE_FILES)


def is_class_archive(path):
    """Whether a zip is a class download: a Gradescope export or several LMS-named files."""
    names = archives.names(path)
    if any(Path(n).name == GRADESCOPE_METADATA and len(Path(n).parts) <= 2 for n in names):
        return True
    students = set()
    for name in names:
        parts = Path(name).parts
        if not parts:
            continue
        parsed = parse_lms_name(parts[-1]) if len(parts) == 1 else parse_lms_name(parts[0])
        if parsed:
            students.add((parsed["name"], parsed["user"]))
    return len(students) >= 2


def _unwrap(folder):
    """A folder that holds only one folder stands for that folder (zips often wrap one)."""
    children = [c for c in folder.iterdir() if c.name not in IGNORED_NAMES]
    while len(children) == 1 and children[0].is_dir() and not children[0].is_symlink():
        folder = children[0]
        children = [c for c in folder.iterdir() if c.name not in IGNORED_NAMES]
    return folder


def _single_entry(path):
    parsed = parse_lms_name(path.name)
    if parsed:
        source = Source(path, parsed["file"] or path.name, parsed["order"])
        return Entry(parsed["name"], (source,), parsed["late"], path.name, (parsed["name"], parsed["user"]))
    return Entry(_stem(path.name) if path.is_file() else path.name, (Source(path, path.name),), False, path.name)


def class_entries(folder):
    """The entries of a folder of submissions, one per child (LMS files grouped later).

    Returns
    -------
    (list of Entry, list of str)
        The entries, and the names of files skipped as no submission.
    """
    entries, skipped = [], []
    for child in sorted(Path(folder).iterdir()):
        if child.name in IGNORED_NAMES or child.name.startswith("."):
            continue
        if child.is_dir() and not child.is_symlink():
            if (child / GRADESCOPE_METADATA).is_file():
                entries += gradescope_entries(child)
            else:
                entries.append(_single_entry(child))
        elif child.suffix.lower() in SUBMISSION_SUFFIXES or parse_lms_name(child.name):
            entries.append(_single_entry(child))
        else:
            skipped.append(child.name)
    return entries, skipped


def _merge_lms(entries):
    """Join the LMS files of one student (same name and user id) into one entry."""
    groups, result = {}, []
    for entry in entries:
        if entry.group is None:
            result.append(entry)
        else:
            groups.setdefault(entry.group, []).append(entry)
    users = {}
    for name, user in groups:
        users.setdefault(name, set()).add(user)
    for (name, user), members in sorted(groups.items()):
        student = name if len(users[name]) == 1 else f"{name}_{user}"
        sources = tuple(sorted((s for m in members for s in m.sources), key=lambda s: (s.name, s.order)))
        label = " + ".join(sorted(m.label for m in members))
        result.append(Entry(student, sources, any(m.late for m in members), label, (name, user)))
    return result


def gradescope_entries(folder):
    """The entries of a Gradescope export: ids from ``submission_metadata.yml``.

    The metadata maps ``submission_<id>`` to its submitters (``:name:``,
    ``:sid:``, ``:email:``); a student's id is their ``sid``, else the
    local part of their email, else their name (group members joined by
    ``-``); a submission missing from the metadata keeps its folder name.
    """
    folder = Path(folder)
    metadata = _read_gradescope_metadata(folder / GRADESCOPE_METADATA)
    entries = []
    for child in sorted(folder.iterdir()):
        if not child.is_dir() or child.is_symlink() or child.name in IGNORED_NAMES or child.name.startswith("."):
            continue
        student = _gradescope_student(metadata.get(child.name)) or child.name
        entries.append(Entry(student, (Source(child, child.name),), False, f"{folder.name}/{child.name}"))
    return entries


def _read_gradescope_metadata(path):
    try:
        import yaml

        if path.stat().st_size > MAX_METADATA_BYTES:
            return {}
        data = yaml.safe_load(path.read_text(encoding="utf-8", errors="replace"))
    except Exception:  # noqa: BLE001 - unreadable metadata: fall back to folder names
        return {}
    return data if isinstance(data, dict) else {}


def _field(record, key):
    if not isinstance(record, dict):
        return None
    value = record.get(f":{key}", record.get(key))
    return str(value).strip() if value not in (None, "") else None


def _gradescope_student(record):
    submitters = record.get(":submitters", record.get("submitters")) if isinstance(record, dict) else None
    if not isinstance(submitters, list):
        return None
    ids = []
    for person in submitters:
        email = _field(person, "email")
        ident = _field(person, "sid") or (email.split("@")[0] if email else None) or _field(person, "name")
        if ident:
            ids.append(ident)
    return "-".join(ids) or None


# --------------------------------------------------------------------------
# Fingerprints and unpacking (in the worker)
# --------------------------------------------------------------------------


def fingerprint(entry):
    """A digest of everything the entry is made of (names and bytes, no absolute path).

    Two runs over unchanged files give the same digest; a student who
    submits again gets a new one, so a resumed run grades them again.
    """
    digest = hashlib.sha256()
    for source in entry.sources:
        digest.update(f"source {source.name}\n".encode())
        path = Path(source.path)
        if path.is_dir() and not path.is_symlink():
            for item in sorted(path.rglob("*")):
                relative = item.relative_to(path).as_posix()
                if item.is_symlink():
                    digest.update(f"link {relative}\n".encode())
                elif item.is_file():
                    digest.update(f"file {relative}\n".encode())
                    _update_with_file(digest, item)
        elif path.is_symlink() or not path.is_file():  # never follow a link, never open a pipe
            digest.update(b"not a regular file\n")
        else:
            _update_with_file(digest, path)
    return digest.hexdigest()


def _update_with_file(digest, path):
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as error:
        digest.update(f"unreadable {error.errno}\n".encode())


def materialize(entry, scratch):
    """Make an entry readable by :func:`grader.submission.read_submission`.

    Parameters
    ----------
    entry : Entry
    scratch : path
        An empty folder, removed by the caller afterwards.

    Returns
    -------
    Path
        A file or folder to read. Its name is the student's own (never a
        random temporary name), so messages are the same on every run.

    Raises
    ------
    InputError
        For an empty, unreadable or unsafe submission.
    """
    scratch = Path(scratch)
    if len(entry.sources) == 1:
        source = entry.sources[0]
        return _materialize_one(source.path, source.name, scratch)
    folder = scratch / entry.student
    folder.mkdir(parents=True)
    for source in entry.sources:  # sorted by (name, order): a later upload replaces an earlier one
        path = Path(source.path)
        _check_readable(path, source.name)
        if source.name.lower().endswith(".zip"):
            _extract(path, folder, source.name)
        else:
            target = folder / safe_file_name(source.name)
            _copy_file(path, target, source.name)
    _check_not_empty(folder, entry.label or entry.student)
    return folder


def safe_file_name(name):
    """A file name with no path separator, for a student's own file name."""
    name = name.replace("/", "_").replace("\\", "_").replace("\x00", "_").strip()
    return name if name not in ("", ".", "..") else "file"


def _materialize_one(path, name, scratch, depth=0):
    path = Path(path)
    if path.is_symlink():
        raise InputError("unreadable", f"{path.name} is a symbolic link; submit the file itself")
    _check_readable(path, name)
    if path.is_dir():
        _check_not_empty(path, path.name)
        zips = [c for c in path.iterdir() if c.suffix.lower() == ".zip" and c.is_file()]
        others = [c for c in path.iterdir() if c not in zips and c.name not in IGNORED_NAMES
                  and not c.name.startswith(".")]
        if len(zips) == 1 and not others and depth < MAX_NESTING:  # a folder holding only the student's zip
            return _materialize_one(zips[0], zips[0].name, scratch / f"nested-{depth}", depth + 1)
        return path
    if name.lower().endswith(".zip") or path.suffix.lower() == ".zip":
        folder = scratch / _stem(safe_file_name(name))
        _extract(path, folder, name)
        _check_not_empty(folder, name)
        return _materialize_one(_unwrap(folder), name, scratch, depth + 1)
    if name != path.name:  # an LMS name: read it under the student's own file name
        target = scratch / safe_file_name(name)
        _copy_file(path, target, name)
        return target
    return path


def _check_readable(path, name):
    if not path.is_dir() and not path.is_file():  # a pipe or device would block or never end
        raise InputError("unreadable", f"{name} is not a regular file or folder")
    try:
        if path.is_dir():
            next(iter(path.iterdir()), None)
        else:
            size = path.stat().st_size
            with open(path, "rb") as handle:
                handle.read(1)
            if size == 0:
                raise InputError("empty", f"{name} is empty (0 bytes)")
    except OSError as error:
        raise InputError("unreadable", f"{name} could not be read ({error.strerror or error})") from None


def _check_not_empty(folder, name):
    for item in Path(folder).rglob("*"):
        if item.is_file() and item.name not in IGNORED_NAMES and not item.name.startswith("."):
            return
    raise InputError("empty", f"{name} holds no files")


def _extract(path, folder, name):
    try:
        archives.extract(path, folder, label=name)
    except archives.ArchiveError as error:
        raise InputError(error.status, str(error)) from None


def _copy_file(path, target, name):
    limit = MAX_NOTEBOOK_BYTES if name.lower().endswith(".ipynb") else MAX_FILE_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError("unreadable", f"{name} is {size:,} bytes; the limit is {limit:,}")
        data = path.read_bytes()
    except OSError as error:
        raise InputError("unreadable", f"{name} could not be read ({error.strerror or error})") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def remove(folder):
    """Remove a scratch folder, whatever it holds."""
    shutil.rmtree(folder, ignore_errors=True)
