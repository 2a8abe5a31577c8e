"""`factsheets build` builds and indexes the site beside `site/`, then swaps it in: a build
that fails, or is killed, leaves the previous site whole, and the next build clears what
a killed one left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_project, snapshot
from filelock import FileLock

from generator.cli import main
from generator.publish import build


def previous_site(root: Path) -> dict[str, bytes]:
    """A site/ as an earlier build might have left it; what it holds, to compare with."""
    (root / "site" / "actors").mkdir(parents=True)
    (root / "site" / "index.html").write_text("<p>The previous site</p>\n", encoding="utf-8")
    (root / "site" / "actors" / "index.html").write_bytes(bytes(range(256)))
    return snapshot(root / "site")


def leftovers(root: Path) -> list[str]:
    return sorted(path.name for path in root.glob(".site.*"))


def test_a_killed_build_leaves_the_previous_site_whole(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    before = previous_site(root)
    command = [sys.executable, "-m", "generator", "-C", str(root), "-q", "build"]
    # Its own process group: the kill takes MkDocs and its workers along.
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(path.is_file() for path in root.glob(".site.build-*/**/*")):
            assert process.poll() is None, "the build ended before it was killed"
            assert time.monotonic() < deadline, "no build folder appeared"
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert snapshot(root / "site") == before
    assert [name.rpartition("-")[0] for name in leftovers(root) if not name.endswith(".lock")] == [
        ".site.build"
    ]

    result = CliRunner().invoke(main, ["-C", str(root), "-q", "build"])
    assert result.exit_code == 0, result.output
    assert leftovers(root) == []
    assert (root / "site" / "pagefind" / "pagefind-entry.json").is_file()
    assert b"The previous site" not in (root / "site" / "index.html").read_bytes()


def test_a_failed_search_index_leaves_the_previous_site_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind indexes the new site before it is swapped in."""
    root = copy_project(tmp_path / "project")
    before = previous_site(root)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")  # an indexer that fails
    result = CliRunner().invoke(main, ["-C", str(root), "-q", "build"])
    assert result.exit_code == 1, result.output
    assert result.output.endswith(
        "Error: the search index failed (pagefind exited with 1). site/ is left as it was.\n"
    )
    assert snapshot(root / "site") == before
    assert leftovers(root) == []


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_the_swap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool) -> None:
    if not exchange:
        monkeypatch.setattr(build, "_exchange", lambda first, second: False)
    site = tmp_path / "site"
    site.mkdir(mode=0o751)
    (site / "old.html").write_text("old", encoding="utf-8")
    trash = tmp_path / "project" / ".factsheets" / "trash"
    with build._building(site, trash) as building:
        assert building.parent == tmp_path
        assert building.stat().st_mode & 0o777 == 0o751  # as readable as the old one
        (building / "new.html").write_text("new", encoding="utf-8")
        build._swap(building, site)
        assert snapshot(site) == {"new.html": b"new"}
        assert snapshot(building) == {"old.html": b"old"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["project", "site"]
    emptied(trash)  # by a process of its own: the previous site, moved there


def emptied(trash: Path) -> None:
    """Waits for the trash to be emptied (a few seconds at most)."""
    deadline = time.monotonic() + 30
    while any(trash.iterdir()):
        assert time.monotonic() < deadline, sorted(trash.iterdir())
        time.sleep(0.05)


def test_the_first_swap(tmp_path: Path) -> None:
    site = tmp_path / "site"
    trash = tmp_path / "trash"
    with build._building(site, trash) as building:
        (building / "new.html").write_text("new", encoding="utf-8")
        build._swap(building, site)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site", "trash"]
    emptied(trash)
    assert snapshot(site) == {"new.html": b"new"}


def test_what_killed_builds_left_is_cleared_and_a_site_left_aside_put_back(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    aside = tmp_path / ".site.old-1234abcd"  # a build killed between its two renames
    aside.mkdir()
    (aside / "index.html").write_text("previous", encoding="utf-8")
    (tmp_path / ".site.build-1234abcd" / "actors").mkdir(parents=True)
    running = tmp_path / ".site.build-99999999"  # another build, still going
    running.mkdir()
    (tmp_path / ".site.build-00000000.lock").touch()  # the lock of a build killed before
    with FileLock(build._lock_of(running)):
        build._clear_leftovers(site)
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.endswith(".lock")) == [
        ".site.build-99999999",
        "site",
    ]
    assert not (tmp_path / ".site.build-00000000.lock").exists()
    assert snapshot(site) == {"index.html": b"previous"}
