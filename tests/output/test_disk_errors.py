"""Issue "No edit lost, ever", items 6, 7 and 12: the run writes nothing outside the
project; a file it cannot write is an error message naming it, never a traceback, with
content/ left as it was; the lock is `filelock`'s, and pages reach the disk before they
are renamed into place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import copy_project, snapshot
from filelock import FileLock

from generator.cli import main
from generator.common.errors import Problems
from generator.output import files
from generator.sources.load import load_all

PAGE = "content/actors/iran.md"
WHOLE = "Every page in content/ is whole (old or new); fix the cause and run again to finish.\n"
LOCK_ERROR = (
    "Error: another factsheets run is writing to this project (it holds .factsheets.lock); "
    "wait for it to finish and try again\n"
)


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)


@pytest.fixture
def stale(tmp_path: Path) -> Path:
    """The demo project, generated, then one page deleted: a run has that one page to
    write, and nothing else (the caches and the record are there)."""
    root = copy_project(tmp_path / "project", with_content=False)
    result = run(root, "generate")
    assert result.exit_code == 0, result.output
    (root / PAGE).unlink()
    return root


def assert_failed(result: Result, message: str, root: Path, before: dict[str, bytes]) -> None:
    assert (result.exit_code, result.output) == (1, message)
    assert snapshot(root / "content") == before


# --- item 7: every failure to write is an error message -----------------------------------


def test_disk_full(stale: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(stale / "content")
    real_open = open

    class Full:
        """A file on a full disk: each write fails (no file name on the error)."""

        def __init__(self, handle: object) -> None:
            self.handle = handle

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()  # type: ignore[attr-defined]

        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    def full_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        handle = real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]
        return Full(handle) if "w" in mode else handle

    monkeypatch.setattr(files, "open", full_open, raising=False)
    result = run(stale, "generate")

    message = f"Error: could not write {PAGE}: No space left on device. {WHOLE}"
    assert_failed(result, message, stale, before)


def test_file_size_limit(stale: Path) -> None:
    """A real limit: the child may write files of at most 1 byte (`ulimit -f`)."""
    resource = pytest.importorskip("resource")  # POSIX only
    before = snapshot(stale / "content")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1, 1))

    child = subprocess.run(
        [sys.executable, "-m", "generator", "-C", str(stale), "generate"],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )

    assert (child.returncode, child.stdout) == (1, "")
    assert child.stderr == f"Error: could not write {PAGE}: File too large. {WHOLE}"
    assert snapshot(stale / "content") == before


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """`folder` read-only for the block, for real; yields the reason a write is refused.

    Root writes whatever the permissions say: a read-only bind mount then."""
    if not hasattr(os, "geteuid"):
        pytest.skip("needs a POSIX system")
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
        for path, mode in modes.items():
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield "Permission denied"
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    if subprocess.run(["mount", "--bind", folder, folder], capture_output=True).returncode:
        pytest.skip("cannot mount a read-only folder here")
    try:
        remount = ["mount", "-o", "remount,ro,bind", folder]
        if subprocess.run(remount, capture_output=True).returncode:
            pytest.skip("cannot mount a read-only folder here")
        yield "Read-only file system"
    finally:
        subprocess.run(["umount", folder], check=True)


def test_read_only_content_folder(stale: Path) -> None:
    before = snapshot(stale / "content")
    with read_only(stale / "content") as reason:
        result = run(stale, "generate")
    assert_failed(result, f"Error: could not write {PAGE}: {reason}. {WHOLE}", stale, before)


def test_read_only_checkout(stale: Path) -> None:
    before = snapshot(stale / "content")
    with read_only(stale) as reason:
        result = run(stale, "generate")
    message = f"Error: could not write .factsheets.lock: {reason}. {WHOLE}"
    assert_failed(result, message, stale, before)


def test_factsheets_folder_is_a_file(stale: Path) -> None:
    shutil.rmtree(stale / ".factsheets")
    (stale / ".factsheets").write_text("not a folder\n", encoding="utf-8")
    before = snapshot(stale / "content")
    # The run keeps each summary it validated first, in .factsheets/cache/.
    first = load_all(stale / "seeds", stale, Problems())[0].digest

    result = run(stale, "generate")

    message = (
        f"Error: could not write .factsheets/cache/{first}.json: .factsheets is a file, not "
        f"a folder. {WHOLE}"
    )
    assert_failed(result, message, stale, before)
    assert (stale / ".factsheets").read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.parametrize(
    ("args", "then"),
    [
        (("generate", "--check"), "Nothing was written; fix the cause and check again.\n"),
        (("generate",), WHOLE),
    ],
    ids=["check", "generate"],
)
def test_page_path_that_is_a_folder(stale: Path, args: tuple[str, ...], then: str) -> None:
    (stale / PAGE).mkdir()
    (stale / PAGE / "notes.txt").write_text("kept\n", encoding="utf-8")
    before = snapshot(stale / "content")

    result = run(stale, *args)

    assert_failed(result, f"Error: could not write {PAGE}: Is a directory. {then}", stale, before)


# --- item 6: nothing is written outside the project ------------------------------------


@pytest.mark.parametrize("folder", ["content", "content/actors"])
@pytest.mark.parametrize("args", [("generate",), ("generate", "--check")], ids=["run", "check"])
def test_content_leading_outside_the_project_is_refused(
    stale: Path, tmp_path: Path, folder: str, args: tuple[str, ...]
) -> None:
    outside = tmp_path / "elsewhere" / Path(folder).name
    outside.parent.mkdir()
    shutil.move(stale / folder, outside)
    (stale / folder).symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)

    result = run(stale, *args)

    message = f"Error: {folder}: is a link to {outside.resolve()}, outside the project; refused\n"
    assert (result.exit_code, result.output) == (1, message)
    assert snapshot(outside) == before


def test_content_linked_inside_the_project_is_fine(stale: Path) -> None:
    shutil.move(stale / "content", stale / "pages")
    (stale / "content").symlink_to(stale / "pages", target_is_directory=True)
    result = run(stale, "generate")
    assert result.exit_code == 0, result.output
    assert (stale / "pages" / PAGE.removeprefix("content/")).is_file()


# --- item 12: the lock, and pages flushed to disk ---------------------------------------


def test_a_run_holding_the_lock_keeps_others_out(stale: Path) -> None:
    """Any holder of the lock counts: the lock is `filelock`'s, on every system."""
    before = snapshot(stale / "content")
    with FileLock(stale / ".factsheets.lock", timeout=0):
        result = run(stale, "generate")
    assert (result.exit_code, result.output) == (1, LOCK_ERROR)
    assert snapshot(stale / "content") == before
    assert run(stale, "generate").exit_code == 0  # released, the next run goes ahead
    assert (stale / PAGE).is_file()


@pytest.mark.parametrize("one_by_one", [0, 10_000], ids=["one-sync", "fsync-each"])
def test_pages_are_on_disk_before_they_are_renamed_and_their_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_by_one: int
) -> None:
    monkeypatch.setattr(files, "FLUSHED_ONE_BY_ONE", one_by_one)
    root = copy_project(tmp_path / "project", with_content=False)
    events: list[tuple[str, int, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        info = os.fstat(descriptor)
        events.append(("fsync", info.st_ino, "folder" if stat.S_ISDIR(info.st_mode) else ""))
        real_fsync(descriptor)

    def replace(source: str | Path, target: str | Path) -> None:
        events.append(("replace", os.stat(source).st_ino, str(target)))
        real_replace(source, target)

    def sync() -> None:  # flushes every file written so far (what `write.flush_all` uses)
        events.append(("sync", 0, ""))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "sync", sync)
    result = run(root, "generate")
    assert result.exit_code == 0, result.output

    pages = [
        (i, inode, target) for i, (kind, inode, target) in enumerate(events) if kind == "replace"
    ]
    pages = [page for page in pages if Path(page[2]).is_relative_to(root / "content")]
    assert len(pages) > 40
    assert (("sync", 0, "") in events) == (one_by_one == 0)
    for at, inode, target in pages:
        flushed = ("fsync", inode, "") in events[:at] or ("sync", 0, "") in events[:at]
        assert flushed, f"{target} was not flushed before its rename"
        folder = os.stat(Path(target).parent).st_ino
        assert ("fsync", folder, "folder") in events[at:], f"{target}'s folder was not flushed"
