"""Measuring one step: a child process's wall time and peak memory, and the files it wrote."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generator.common.project import page_continued

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
"""MkDocs 1.6 prints a banner about 2.0 unless told not to; it would pollute timings' output."""


class StepFailed(RuntimeError):
    """A measured command exited non-zero or ran out of time."""


@dataclass
class Run:
    """One measured child process."""

    seconds: float
    peak_mb: float
    """Largest resident set of the child or any process it waited for (ru_maxrss)."""
    returncode: int
    output: str
    runs: list[float] = field(default_factory=list)
    """Every run's seconds, when the step ran several times and this is the median run."""

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("output")
        if not self.runs:
            data.pop("runs")
        return data


def run(command: list[str], cwd: Path, *, timeout: float, check: bool = True) -> Run:
    """Run `command` in `cwd`; time it and read its peak memory from wait4's rusage.

    `os.wait4` reports the resource use of that one child (and the grandchildren it
    reaped, e.g. the mkdocs process `factsheets build` starts), so each step has its
    own peak rather than the running maximum RUSAGE_CHILDREN would give.
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=ENV, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        result: dict[str, Any] = {}

        def reap() -> None:
            _, status, usage = os.wait4(process.pid, 0)
            result["seconds"] = time.perf_counter() - started
            result["status"], result["usage"] = status, usage

        reaper = threading.Thread(target=reap, daemon=True)
        reaper.start()
        reaper.join(timeout)
        timed_out = reaper.is_alive()
        if timed_out:
            # Our own child's session only: the command and whatever it started.
            os.killpg(process.pid, signal.SIGKILL)
            reaper.join()
        process.returncode = os.waitstatus_to_exitcode(result["status"])
        out.seek(0)
        output = out.read()
    step = Run(
        seconds=result["seconds"],
        peak_mb=_maxrss_mb(result["usage"].ru_maxrss),
        returncode=process.returncode,
        output=output,
    )
    if check and (timed_out or step.returncode != 0):
        what = f"timed out after {timeout:.0f} s" if timed_out else f"exited {step.returncode}"
        tail = "\n".join(output.splitlines()[-30:])
        raise StepFailed(f"`{' '.join(command)}` in {cwd} {what}:\n{tail}")
    return step


def _maxrss_mb(maxrss: int) -> float:
    # Linux reports KiB, macOS bytes.
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 2**10


def factsheets(*args: str) -> list[str]:
    """The `factsheets` command, run with this interpreter (the project's venv)."""
    return [sys.executable, "-m", "generator", *args]


def mkdocs_build(config: str = "mkdocs.yml", site_dir: str | None = None) -> list[str]:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", config]
    return command + (["-d", site_dir] if site_dir else [])


Snapshot = dict[str, tuple[int, int, int]]


def snapshot(folder: Path) -> Snapshot:
    """Every file under `folder` with (inode, mtime_ns, size): an atomic rewrite changes the inode."""
    found: Snapshot = {}
    for directory, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(directory, name)
            stat = os.stat(path)
            found[os.path.relpath(path, folder)] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return found


def written(before: Snapshot, after: Snapshot) -> list[str]:
    """Files created, rewritten or deleted between two snapshots, sorted."""
    changed = {path for path, key in after.items() if before.get(path) != key}
    changed |= set(before) - set(after)
    return sorted(changed)


@dataclass
class SizeStats:
    """Sizes of a set of files, in bytes."""

    count: int
    total: int
    mean: float
    median: float
    p95: float
    max: int

    @classmethod
    def of(cls, sizes: list[int]) -> SizeStats:
        if not sizes:
            return cls(0, 0, 0.0, 0.0, 0.0, 0)
        ordered = sorted(sizes)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return cls(
            len(ordered),
            sum(ordered),
            sum(ordered) / len(ordered),
            statistics.median(ordered),
            float(p95),
            ordered[-1],
        )

    def over(self, sizes: list[int], limit: int) -> int:
        return sum(size > limit for size in sizes)


FACT_SHEET_DIRS = ("actors", "locations", "events")


def fact_sheet_html(site: Path) -> list[int]:
    """Sizes of the HTML of every fact sheet, and of every page one continues a long
    section on, in a built site (directory URLs or not)."""
    return [size for page, size in _pages_html(site, FACT_SHEET_DIRS) if page != "index"]


def index_html(site: Path, folders: tuple[str, ...]) -> list[int]:
    """Sizes of the HTML of the folders' index pages and the pages they continue on."""
    sizes = [size for page, size in _pages_html(site, folders) if page == "index"]
    return sizes + [(site / f / "index.html").stat().st_size for f in folders]


def _pages_html(site: Path, folders: tuple[str, ...]) -> list[tuple[str, int]]:
    """(the page it belongs to, HTML bytes) for the pages of the folders, index pages
    themselves aside: "ana" for `actors/ana.involvement-2`, "index" for
    `events/index.timeline-2`."""
    found = []
    for folder in folders:
        base = site / folder
        if not base.is_dir():
            continue
        for entry in base.iterdir():
            page = page_continued(f"{entry.name.removesuffix('.html')}.md").removesuffix(".md")
            if entry.is_dir() and (entry / "index.html").is_file():
                found.append((page, (entry / "index.html").stat().st_size))
            elif entry.suffix == ".html" and entry.name != "index.html":
                found.append((page, entry.stat().st_size))
    return found


def fact_sheet_count(content: Path) -> int:
    """Generated fact sheets in `content/` (index pages excluded)."""
    return sum(
        1
        for folder in FACT_SHEET_DIRS
        if (content / folder).is_dir()
        for page in (content / folder).glob("*.md")
        if page.name != "index.md" and page_continued(page.name) == page.name
    )
