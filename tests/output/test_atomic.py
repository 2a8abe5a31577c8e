"""Issue 4, item 3: atomic writes, recovery after an interruption, and the project lock.

An exception or a SIGKILL at any point of a run must leave every file in content/
either as it was or as the run meant to write it (never half-written), and the next
run must bring content/ to exactly what a clean generation produces. Two runs never
write at the same time: the second is refused with a clear message.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_project, snapshot

from generator.cli import main
from generator.output import files

SUMMARY = "seeds/cbs-baghdad-drone-strike/summary.yaml"
OLD_TITLE = "  title: Iraq criticizes overnight US drone strike in Baghdad\n"
NEW_TITLE = "  title: Iraq criticizes the overnight US drone strike in Baghdad\n"
"""The source title is in every footnote: changing it rewrites nearly every page."""

LOCK_ERROR = (
    "Error: another factsheets run is writing to this project (it holds .factsheets.lock); "
    "wait for it to finish and try again\n"
)
HANG = 120
"""Seconds after which a child process is considered hung (an anti-hang bound only)."""


# --- helpers -----------------------------------------------------------------


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)


def change_title(root: Path) -> None:
    summary = root / SUMMARY
    text = summary.read_text(encoding="utf-8")
    assert OLD_TITLE in text
    summary.write_text(text.replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")


def remove_actor(root: Path, actor: str = "palestinian-people") -> None:
    """Remove an actor nothing else refers to, so that its page is deleted."""
    summary = root / SUMMARY
    text = summary.read_text(encoding="utf-8")
    start = text.index(f"  - id: {actor}\n")
    end = text.index("  - id: ", start + 1)
    summary.write_text(text[:start] + text[end:], encoding="utf-8")


def clean_generation(tmp_path: Path, seeds: Path) -> dict[str, bytes]:
    root = copy_project(tmp_path / "clean", seeds=seeds, with_content=False)
    result = run(root, "generate")
    assert result.exit_code == 0, result.output
    return snapshot(root / "content")


def temporaries(content: Path) -> list[Path]:
    return sorted(p for p in content.rglob(".*") if ".tmp-" in p.name)


def assert_each_file_old_or_new(
    content: Path, old: dict[str, bytes], new: dict[str, bytes]
) -> None:
    """No file is half-written: each is exactly as before the run or as the run meant it."""
    now = snapshot(content)
    for name, data in now.items():
        if ".tmp-" in name:
            continue  # a temporary beside its target: cleaned up by the next run
        assert data in (old.get(name), new.get(name)), f"{name} is neither old nor new"
    for name in set(old) & set(new):
        assert name in now, f"{name} disappeared"


def stale_project(tmp_path: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A project whose content/ is out of date on nearly every page, with hand edits.

    Returns the project, its content/ before the run, and what a clean run generates.
    """
    root = copy_project(tmp_path / "project")
    (root / "content/notes.md").write_text("# Notes\n\nHand-written.\n", encoding="utf-8")
    iran = root / "content/actors/iran.md"
    iran.write_bytes(iran.read_bytes() + b"\nEditor's note, kept.\n")
    change_title(root)
    remove_actor(root)
    old = snapshot(root / "content")
    # Data files have no markers either, but are the generator's: the one beside the page
    # of the actor removed goes with it.
    hand_written = {
        name: data
        for name, data in old.items()
        if b"factsheets:begin" not in data and not name.endswith(".json")
    }
    new = {**hand_written, **clean_generation(tmp_path, root / "seeds")}
    new["actors/iran.md"] += b"\nEditor's note, kept.\n"
    return root, old, new


def assert_repaired(root: Path, new: dict[str, bytes]) -> None:
    result = run(root, "generate")
    assert result.exit_code == 0, result.output
    assert snapshot(root / "content") == new
    assert temporaries(root / "content") == []
    assert run(root, "generate", "--check").exit_code == 0


# --- an exception in the middle of writing ----------------------------------------


def count_writes(tmp_path: Path) -> int:
    root, _, _ = stale_project(tmp_path / "count")
    result = run(root, "generate", "--check")
    return sum(line.startswith("  updated: ") for line in result.output.splitlines())


@pytest.mark.parametrize("at", ["first", "middle", "last"])
@pytest.mark.parametrize("failing", ["rename", "write"])
def test_exception_mid_write_leaves_content_consistent_and_the_next_run_repairs_it(
    tmp_path, monkeypatch, at, failing
):
    writes = count_writes(tmp_path)
    assert writes > 20
    fail_at = {"first": 1, "middle": writes // 2, "last": writes}[at]
    root, old, new = stale_project(tmp_path)
    content = str(root / "content")
    calls = 0

    real_replace = os.replace
    real_open = open

    def failing_replace(src, dst, *args, **kwargs):
        nonlocal calls
        if os.fspath(dst).startswith(content):
            calls += 1
            if calls == fail_at:
                raise OSError(errno.EIO, "injected failure while renaming", os.fspath(dst))
        return real_replace(src, dst, *args, **kwargs)

    class HalfWritten:
        """A file that takes half of what is written to it, then fails (disk full)."""

        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, text):
            self.handle.write(text[: len(text) // 2])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device (injected)")

    def failing_open(file, mode="r", *args, **kwargs):
        nonlocal calls
        handle = real_open(file, mode, *args, **kwargs)
        if "w" in mode and os.fspath(file).startswith(content):
            calls += 1
            if calls == fail_at:
                return HalfWritten(handle)
        return handle

    if failing == "rename":
        monkeypatch.setattr(os, "replace", failing_replace)
    else:
        monkeypatch.setattr(files, "open", failing_open, raising=False)

    result = CliRunner().invoke(main, ["-C", str(root), "generate"])

    assert calls == fail_at, "the failure was not injected"
    assert result.exit_code == 1
    assert result.output.startswith("Error: could not write "), result.output
    assert result.output.endswith(
        "Every page in content/ is whole (old or new); fix the cause and run again to finish.\n"
    )
    monkeypatch.undo()
    assert_each_file_old_or_new(root / "content", old, new)
    assert temporaries(root / "content") == [], "a failed write left its temporary behind"
    # The lock was released, and the next run finishes the job.
    assert_repaired(root, new)


def test_nothing_is_written_when_rendering_fails(tmp_path, monkeypatch):
    """Pages are staged as they are rendered and put in place only once all are: a
    failure while rendering changes no page (and leaves no temporary behind)."""
    root, old, _ = stale_project(tmp_path)
    from generator.pages import render as render_module

    real = render_module.Renderer._page
    calls = 0

    def failing_page(self, *args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 30:
            raise RuntimeError("injected failure while rendering")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(render_module.Renderer, "_page", failing_page)
    result = CliRunner().invoke(main, ["-C", str(root), "generate"])

    assert isinstance(result.exception, RuntimeError)
    assert snapshot(root / "content") == old
    assert temporaries(root / "content") == []


# --- SIGKILL in the middle of writing ---------------------------------------------

SITECUSTOMIZE = textwrap.dedent(
    """
    # Loaded by the child `python -m generator` only: pauses it at a chosen point of
    # writing content/, so that the test can kill it (or run a second process) there.
    import os
    import time

    _content = os.environ.get("FS_TEST_CONTENT")
    _op = os.environ.get("FS_TEST_OP")
    _at = int(os.environ.get("FS_TEST_AT", "0"))
    _paused = os.environ.get("FS_TEST_PAUSED")
    _release = os.environ.get("FS_TEST_RELEASE")
    _count = 0

    def _pause_if_due(path):
        global _count
        if not os.fspath(path).startswith(_content):
            return
        _count += 1
        if _count == _at:
            with open(_paused, "w") as handle:
                handle.write(os.fspath(path))
            while not (_release and os.path.exists(_release)):
                time.sleep(0.01)

    if _content and _op == "replace":
        _real_replace = os.replace

        def replace(src, dst, *args, **kwargs):
            _pause_if_due(dst)  # the temporary is written, the target not yet replaced
            return _real_replace(src, dst, *args, **kwargs)

        os.replace = replace
    elif _content and _op == "unlink":
        _real_unlink = os.unlink

        def unlink(path, *args, **kwargs):
            if ".tmp-" not in os.fspath(path):
                _pause_if_due(path)
            return _real_unlink(path, *args, **kwargs)

        os.unlink = unlink
    """
)


def start_paused_run(
    tmp_path: Path, root: Path, op: str, at: int, *args: str
) -> tuple[subprocess.Popen, Path, Path]:
    """Start `python -m generator generate` in a child that pauses at the at-th `op` in content/."""
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    paused = tmp_path / f"paused-{op}-{at}"
    release = tmp_path / f"release-{op}-{at}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]),
        "FS_TEST_CONTENT": str(root / "content"),
        "FS_TEST_OP": op,
        "FS_TEST_AT": str(at),
        "FS_TEST_PAUSED": str(paused),
        "FS_TEST_RELEASE": str(release),
        "NO_MKDOCS_2_WARNING": "1",
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "generator", "-C", str(root), "generate", *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + HANG
    while not paused.exists():
        if child.poll() is not None:
            output = child.stdout.read() if child.stdout else ""
            pytest.fail(f"the child finished before pausing (exit {child.returncode}):\n{output}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("the child never reached the pause point")
        time.sleep(0.01)
    return child, paused, release


@pytest.mark.parametrize(
    ("op", "at"),
    [
        ("replace", 1),
        ("replace", 2),
        ("replace", 17),
        ("replace", "last"),
        ("unlink", 1),
    ],
    ids=["first-rename", "second-rename", "mid-rename", "last-rename", "before-delete"],
)
def test_sigkill_mid_write_then_the_next_run_restores_content(tmp_path, op, at):
    if at == "last":
        at = count_writes(tmp_path)
    root, old, new = stale_project(tmp_path)
    child, paused, _ = start_paused_run(tmp_path, root, op, at)
    target = Path(paused.read_text(encoding="utf-8"))

    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=HANG)

    assert child.returncode == -signal.SIGKILL
    # Killed with a temporary written but not yet renamed (or a page not yet deleted):
    # every page is whole, old or new.
    assert_each_file_old_or_new(root / "content", old, new)
    if op == "replace":
        assert (root / "content" / target.relative_to(root / "content")).read_bytes() == old[
            str(target.relative_to(root / "content"))
        ]
    else:
        assert target.exists()
    # The next run cleans up and completes; the kernel released the dead run's lock.
    assert_repaired(root, new)


def test_sigkill_of_a_first_run_then_the_next_run_creates_everything(tmp_path):
    root = copy_project(tmp_path / "project", with_content=False)
    new = clean_generation(tmp_path, root / "seeds")
    child, _, _ = start_paused_run(tmp_path, root, "replace", 10)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=HANG)

    written = snapshot(root / "content")
    for name, data in written.items():
        if ".tmp-" not in name:
            assert data == new[name], f"{name} is half-written"
    assert_repaired(root, new)


# --- the lock: two runs never write at the same time ------------------------------


def test_a_second_run_is_refused_while_the_lock_is_held(project):
    change_title(project)
    before = snapshot(project / "content")

    with files.locked(project):
        result = run(project, "generate")

    assert result.exit_code == 1
    assert result.output == LOCK_ERROR
    assert snapshot(project / "content") == before
    # Once released, the next run goes ahead.
    after = run(project, "generate")
    assert after.exit_code == 0, after.output
    assert snapshot(project / "content") != before


def test_two_processes_do_not_interleave(tmp_path):
    root, old, new = stale_project(tmp_path)
    first, _, release = start_paused_run(tmp_path, root, "replace", 5)
    try:
        during = snapshot(root / "content")
        second = subprocess.run(
            [sys.executable, "-m", "generator", "-C", str(root), "generate"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=HANG,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        assert second.returncode == 1
        assert second.stdout == ""
        assert second.stderr == LOCK_ERROR
        assert snapshot(root / "content") == during, "the refused run wrote something"
    finally:
        release.touch()
        output, _ = first.communicate(timeout=HANG)
    assert first.returncode == 0, output
    assert re.search(r"^Generated content/: \d+ created, \d+ updated, 1 deleted", output, re.M)
    assert snapshot(root / "content") == new
