"""Finding submissions and opening archives: ids from names, LMS downloads, hostile zips."""

import os
import stat
import zipfile
from pathlib import Path

import pytest

from grader import archives, inputs
from grader.inputs import InputError, discover, materialize, parse_lms_name, safe_id

ROOT = Path(__file__).resolve().parent.parent
MLE = "import numpy as np\n\ndef bernoulli_mle(y):\n    return float(np.mean(y))\n"


def write(path, text=MLE):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def make_zip(path, members):
    """members: name -> bytes/str, or name -> ZipInfo-ready (info, data) pair."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if isinstance(data, tuple):
                info, data = data
                archive.writestr(info, data)
            else:
                archive.writestr(name, data)
    return path


def ids(found):
    return [e.student for e in found.entries]


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("alice_nguyen", "alice_nguyen"),
    ("José Núñez", "Jose_Nunez"),
    ("../../etc/passwd", "etc_passwd"),
    ("..", "student"),
    ("", "student"),
    (".hidden", "hidden"),
    ("CON", "_CON"),
    ("a/b\\c:d*e?f", "a_b_c_d_e_f"),
    ("x" * 200, "x" * 64),
])
def test_safe_id_is_a_plain_file_name(raw, expected):
    """Ids are ASCII, have no separators, are never hidden, empty, reserved or over-long."""
    assert safe_id(raw) == expected


def test_assign_ids_makes_clashing_ids_unique_case_insensitively():
    """Clashes (also by case only) get -2, -3 in the order of their labels; the same class, the same ids."""
    entries = [inputs.Entry("Ann", (), label="b"), inputs.Entry("ann", (), label="a"),
               inputs.Entry("ann!", (), label="c")]
    assigned = inputs.assign_ids(entries)
    assert sorted(e.student.casefold() for e in assigned) == ["ann", "ann-2", "ann-3"]
    assert [e.label for e in sorted(assigned, key=lambda e: e.student.casefold())] == ["a", "b", "c"]
    assert [e.student for e in inputs.assign_ids(list(reversed(entries)))] == [e.student for e in assigned]


def test_canvas_and_moodle_names_are_read():
    """Canvas name_userid_submissionid_file (with LATE and resubmission -1 suffix) and Moodle names."""
    assert parse_lms_name("smithjane_LATE_123456_7890123_logistic.py") == {
        "name": "smithjane", "user": "123456", "order": 7890123, "late": True, "file": "logistic.py"}
    assert parse_lms_name("smithjane_123456_7890124_logistic-1.py")["file"] == "logistic.py"
    assert parse_lms_name("smithjane_123456_7890124_logistic-1.py")["late"] is False
    assert parse_lms_name("Jane Smith_123456_assignsubmission_file_hw.ipynb")["name"] == "Jane Smith"
    assert parse_lms_name("alice_nguyen") is None
    assert parse_lms_name("ivy_chen.py") is None


# --------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------


def test_a_class_folder_gives_one_entry_per_student(tmp_path):
    """Folders, .py, .ipynb and .zip each make one student; other files are skipped, not graded."""
    klass = tmp_path / "class"
    write(klass / "ann" / "exercises" / "mle.py")
    write(klass / "bob.py")
    write(klass / "cy.ipynb", "{}")
    make_zip(klass / "dee.zip", {"mle.py": MLE})
    write(klass / "README.txt", "not a submission")
    write(klass / ".DS_Store", "junk")
    found = discover([klass], tmp_path / "scratch")
    assert ids(found) == ["ann", "bob", "cy", "dee"]
    assert found.skipped == ["README.txt"]


def test_canvas_files_of_one_student_form_one_late_submission(tmp_path):
    """Several Canvas files of one student are one submission; two users with one name stay apart."""
    klass = tmp_path / "class"
    write(klass / "smithjane_LATE_111_901_logistic.py", "def sigmoid(z):\n    return 0.5\n")
    write(klass / "smithjane_LATE_111_902_mle.py")
    write(klass / "smithjane_LATE_111_903_mle-1.py", MLE + "# the second upload\n")
    write(klass / "doejohn_222_904_hw.ipynb", "{}")
    write(klass / "doejohn_333_905_hw.py")
    found = discover([klass], tmp_path / "scratch")
    assert ids(found) == ["doejohn_222", "doejohn_333", "smithjane"]
    jane = found.entries[-1]
    assert jane.late and len(jane.sources) == 3
    folder = materialize(jane, tmp_path / "work")
    assert sorted(p.name for p in folder.iterdir()) == ["logistic.py", "mle.py"]
    assert (folder / "mle.py").read_text().endswith("# the second upload\n")  # the later upload wins


def test_gradescope_export_ids_come_from_the_metadata(tmp_path):
    """submission_<id>/ folders are named by their submitters' sid (a group joins them)."""
    export = tmp_path / "assignment_9_export"
    write(export / "submission_1" / "mle.py")
    write(export / "submission_2" / "hw.py")
    write(export / "submission_3" / "hw.py")
    (export / "submission_metadata.yml").write_text(
        "submission_1:\n  :submitters:\n  - :name: Solo Student\n    :sid: '100'\n    :email: solo@example.edu\n"
        "  :created_at: 2026-10-01 10:00:00.000000000 -07:00\n  :score: 10.0\n"
        "submission_2:\n  :submitters:\n  - :name: Pair One\n    :sid: '200'\n  - :name: Pair Two\n    :sid: '201'\n")
    found = discover([export], tmp_path / "scratch")
    assert ids(found) == ["100", "200-201", "submission_3"]
    parent = discover([tmp_path], tmp_path / "scratch2")  # the folder holding the export works too
    assert ids(parent) == ["100", "200-201", "submission_3"]


def test_a_class_download_zip_is_unpacked_into_its_students(tmp_path):
    """A Canvas class zip (several students' LMS-named files) is a class, not one submission."""
    download = make_zip(tmp_path / "submissions.zip", {
        "smithjane_111_901_mle.py": MLE, "doejohn_222_902_mle.py": MLE, "doejohn_222_903_logistic.py": MLE})
    found = discover([download], tmp_path / "scratch")
    assert ids(found) == ["doejohn", "smithjane"]
    single = make_zip(tmp_path / "doejohn_222_904_hw.zip", {"exercises/mle.py": MLE})
    assert ids(discover([single], tmp_path / "scratch2")) == ["doejohn"]


def test_a_named_submission_folder_is_one_student(tmp_path):
    write(tmp_path / "ann" / "mle.py")
    assert ids(discover([tmp_path / "ann"], tmp_path / "scratch")) == ["ann"]


def test_a_missing_path_is_the_instructors_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        discover([tmp_path / "nope"], tmp_path / "scratch")


def test_the_example_class_is_found():
    """The bundled class: at least twelve students, with a notebook, a .py, an LMS zip and a late student."""
    found = discover([ROOT / "examples" / "submissions"], ROOT / "no-scratch-needed")
    assert len(found.entries) >= 12
    labels = [e.label for e in found.entries]
    assert any(label.endswith(".ipynb") for label in labels)
    assert any(label.endswith(".py") for label in labels)
    assert any(label.endswith(".zip") and parse_lms_name(label) for label in labels)
    assert any(e.late for e in found.entries)
    assert not found.skipped


def test_fingerprint_follows_the_bytes_not_the_place(tmp_path):
    one = write(tmp_path / "a" / "ann" / "mle.py").parent
    two = write(tmp_path / "b" / "ann" / "mle.py").parent
    entry = lambda folder: inputs.Entry("ann", (inputs.Source(folder, folder.name),))  # noqa: E731
    assert inputs.fingerprint(entry(one)) == inputs.fingerprint(entry(two))
    write(two / "mle.py", MLE + "# changed\n")
    assert inputs.fingerprint(entry(one)) != inputs.fingerprint(entry(two))


# --------------------------------------------------------------------------
# Bad input: each a clear, per-student error
# --------------------------------------------------------------------------


def one(path):
    return inputs.Entry(path.stem, (inputs.Source(path, path.name),), label=path.name)


@pytest.mark.parametrize("name, content, status", [
    ("empty.py", "", "empty"),
    ("fake.zip", "this is not a zip", "not a zip"),
    ("empty.zip", None, "empty"),
])
def test_bad_files_are_refused_with_a_status(tmp_path, name, content, status):
    path = tmp_path / name
    if content is None:
        make_zip(path, {})
    else:
        path.write_text(content)
    with pytest.raises(InputError) as refused:
        materialize(one(path), tmp_path / "work")
    assert refused.value.status == status
    assert name in str(refused.value)


def test_an_empty_folder_is_refused(tmp_path):
    (tmp_path / "ann").mkdir()
    with pytest.raises(InputError) as refused:
        materialize(one(tmp_path / "ann"), tmp_path / "work")
    assert refused.value.status == "empty"


def test_links_and_pipes_are_never_followed_or_opened(tmp_path):
    """A symbolic link or a named pipe in the class folder is unreadable, not a hang or a leak."""
    link = tmp_path / "ghost.py"
    link.symlink_to("/etc/passwd")
    with pytest.raises(InputError, match="symbolic link"):
        materialize(one(link), tmp_path / "work")
    pipe = tmp_path / "pipe.py"
    os.mkfifo(pipe)
    assert inputs.fingerprint(one(pipe))  # hashing must not block on the pipe
    with pytest.raises(InputError, match="not a regular file"):
        materialize(one(pipe), tmp_path / "work2")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its permissions")
def test_an_unreadable_file_is_refused(tmp_path):
    path = write(tmp_path / "locked.py")
    path.chmod(0)
    with pytest.raises(InputError) as refused:
        materialize(one(path), tmp_path / "work")
    assert refused.value.status == "unreadable"


# --------------------------------------------------------------------------
# Archive safety
# --------------------------------------------------------------------------


def symlink_member(name, target):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target


@pytest.mark.parametrize("members, message", [
    ({"exercises/mle.py": MLE, "exercises/link.py": symlink_member("exercises/link.py", "/etc/passwd")},
     "symbolic link"),
    ({"../evil.py": MLE}, "leaves its folder"),
    ({"exercises/../../evil.py": MLE}, "leaves its folder"),
    ({"/etc/evil.py": MLE}, "absolute path"),
    ({"C:/evil.py": MLE}, "absolute path"),
    ({"exercises\\..\\..\\evil.py": MLE}, "Windows-style"),
    ({f"f{i}.py": "x = 1\n" for i in range(1000)}, "1,000 entries"),
    ({"mle.py": b"\0" * 60_000_000}, "expands to"),
])
def test_unsafe_archives_are_refused_without_writing_outside(tmp_path, members, message):
    """Links, escapes, absolute paths, too many members and huge members: refused with a clear reason."""
    archive = make_zip(tmp_path / "hw.zip", members)
    destination = tmp_path / "out" / "inside"
    with pytest.raises(archives.ArchiveError, match=message) as refused:
        archives.extract(archive, destination)
    assert refused.value.status == "unsafe archive"
    assert not (tmp_path / "out" / "evil.py").exists() and not (tmp_path / "evil.py").exists()
    assert not any(p.is_symlink() for p in tmp_path.rglob("*"))


def test_a_member_that_lies_about_its_size_is_stopped(tmp_path):
    """The caps hold on the bytes decompressed, not on the sizes the archive declares."""
    archive = make_zip(tmp_path / "bomb.zip", {"mle.py": b"\0" * 20_000_000})
    data = bytearray(archive.read_bytes())
    fake = (100).to_bytes(4, "little")
    local = data.find(b"PK\x03\x04")
    data[local + 22:local + 26] = fake  # the local header's uncompressed size
    central = data.find(b"PK\x01\x02")
    data[central + 24:central + 28] = fake  # the central directory's
    archive.write_bytes(bytes(data))
    with pytest.raises(archives.ArchiveError):
        archives.extract(archive, tmp_path / "out", archives.ArchiveLimits(member_bytes=1000))
    written = sum(p.stat().st_size for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert written <= 1000


def test_a_zip_bomb_in_a_class_costs_only_its_student(tmp_path):
    """Materializing a bomb is that student's 'unsafe archive'; the archive's junk is skipped otherwise."""
    bomb = make_zip(tmp_path / "mallory.zip", {"mle.py": b"\0" * 60_000_000})
    with pytest.raises(InputError) as refused:
        materialize(one(bomb), tmp_path / "work")
    assert refused.value.status == "unsafe archive"
    fine = make_zip(tmp_path / "ann.zip", {"hw/exercises/mle.py": MLE, "__MACOSX/hw/._mle.py": "x",
                                          "hw/.DS_Store": "x"})
    folder = materialize(one(fine), tmp_path / "work2")
    assert [p.name for p in folder.rglob("*") if p.is_file()] == ["mle.py"]


def test_a_zip_in_a_zip_is_unpacked_once_more(tmp_path):
    """Students zip their zip: one level of nesting is opened, each level under the same caps."""
    inner = make_zip(tmp_path / "inner.zip", {"exercises/mle.py": MLE})
    outer = make_zip(tmp_path / "ann.zip", {"hw.zip": inner.read_bytes()})
    folder = materialize(one(outer), tmp_path / "work")
    assert [p.name for p in folder.rglob("*.py")] == ["mle.py"]
    bomb = make_zip(tmp_path / "bomb.zip", {"x.py": b"\0" * 60_000_000})
    with pytest.raises(InputError) as refused:
        materialize(one(make_zip(tmp_path / "mallory.zip", {"bomb.zip": bomb.read_bytes()})), tmp_path / "w2")
    assert refused.value.status == "unsafe archive"
