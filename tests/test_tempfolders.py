"""A run killed with SIGKILL leaves its temporary folders; a later run removes them, and only them."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from grader import tempfolders

ROOT = Path(__file__).resolve().parent.parent

HOLDER = """
import sys, time
from grader import tempfolders
print(tempfolders.make("lrg-test-", dir=sys.argv[1]), flush=True)
time.sleep(120)  # killed long before; the cap only keeps a failed test from leaving it behind
"""


def _holder(root):
    """A process that made a folder in ``root`` and holds it; (process, folder)."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)
    return process, Path(process.stdout.readline().strip())


def test_the_folder_of_a_killed_process_is_swept_and_a_live_ones_is_kept(tmp_path):
    killed, killed_folder = _holder(tmp_path)
    alive, alive_folder = _holder(tmp_path)
    try:
        (killed_folder / "copy-of-a-submission.py").write_text("x = 1\n")
        killed.send_signal(signal.SIGKILL)
        killed.wait(30)
        assert tempfolders.sweep([str(tmp_path)]) == 1
        assert not killed_folder.exists()
        assert alive_folder.is_dir()
    finally:
        for process in (killed, alive):
            process.kill()
            process.wait(30)
    assert tempfolders.sweep([str(tmp_path)]) == 1  # once its owner has ended
    assert not alive_folder.exists()


def test_a_forked_process_keeps_the_folder_of_its_parent(tmp_path):
    """The lock is shared with a process forked from the owner (a bulk worker): the folder stays while it lives."""
    folder = Path(tempfolders.make("lrg-test-", dir=tmp_path))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: holds the inherited lock until told to end
        os.close(write)
        os.read(read, 1)
        os._exit(0)
    os.close(read)
    os.close(tempfolders._locks.pop(str(folder)))  # the parent lets go of its own copy...
    try:
        assert tempfolders.sweep([str(tmp_path)]) == 0  # ...and the child still holds it
        assert folder.is_dir()
    finally:
        os.close(write)
        os.waitpid(pid, 0)
    assert tempfolders.sweep([str(tmp_path)]) == 1  # ...and once it has ended, the folder goes


def test_folders_without_a_held_lock_file_are_left_alone(tmp_path):
    """An older version's folder, a folder being made (lock file not yet marked), another program's folder."""
    (tmp_path / "lrg-old-version").mkdir()
    starting = tmp_path / "lrg-starting"
    starting.mkdir()
    (starting / tempfolders.LOCK_NAME).write_bytes(b"")
    (tmp_path / "other-program").mkdir()
    (tmp_path / "other-program" / tempfolders.LOCK_NAME).write_bytes(tempfolders.HELD)
    (tmp_path / "lrg-a-file").write_bytes(tempfolders.HELD)
    assert tempfolders.sweep([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lrg-a-file", "lrg-old-version", "lrg-starting",
                                                          "other-program"]


def test_a_folder_removed_by_its_owner_lets_go_of_its_lock(tmp_path):
    held = len(tempfolders._locks)
    folders = [tempfolders.make("lrg-test-", dir=tmp_path) for _ in range(2)]
    folders.append(Path(tempfolders.make("lrg-test-", dir=f"{tmp_path}//")))  # as a Path, written otherwise
    assert len(tempfolders._locks) == held + 3
    for folder in folders:
        tempfolders.remove(folder)
    assert list(tmp_path.iterdir()) == []
    assert len(tempfolders._locks) == held


def test_a_symlink_named_like_a_folder_is_never_followed(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / tempfolders.LOCK_NAME).write_bytes(tempfolders.HELD)
    (target / "keep.txt").write_text("keep")
    roots = tmp_path / "root"
    roots.mkdir()
    (roots / "lrg-link").symlink_to(target, target_is_directory=True)
    assert tempfolders.sweep([str(roots)]) == 0
    assert (target / "keep.txt").exists()


def test_the_context_manager_removes_its_folder_even_after_an_error(tmp_path):
    held = len(tempfolders._locks)
    try:
        with tempfolders.folder("lrg-test-", dir=tmp_path) as folder:
            assert (Path(folder) / tempfolders.LOCK_NAME).exists()
            raise RuntimeError("the work failed")
    except RuntimeError:
        pass
    assert list(tmp_path.iterdir()) == [] and len(tempfolders._locks) == held
