"""Measuring one step: a child process's wall time and peak memory, and the files it wrote."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePath
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
    lines: list[tuple[float, str]] = field(default_factory=list)
    """Each line of output, with the seconds from the start to when it was read."""
    peaks: dict[str, float] = field(default_factory=dict)
    """Peak memory (MB) of each kind of process in the child's tree (`process_label`),
    sampled from /proc while it ran: a traced run on Linux only, else empty."""

    @property
    def peak_process(self) -> str | None:
        """The kind of process that peaked, as far as sampling tells."""
        return max(self.peaks, key=lambda label: self.peaks[label]) if self.peaks else None

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("output")
        data.pop("lines")
        if not self.runs:
            data.pop("runs")
        if self.peaks:
            data["peak_process"] = self.peak_process
        else:
            data.pop("peaks")
        return data


SAMPLE = 0.05
"""Seconds between two looks at a traced run's processes in /proc."""


def run(
    command: list[str], cwd: Path, *, timeout: float, check: bool = True, trace: bool = False
) -> Run:
    """Run `command` in `cwd`; time it and read its peak memory from wait4's rusage.

    `os.wait4` reports the resource use of that one child together with every
    descendant it waited for (the mkdocs process `factsheets build` starts, MkDocs'
    forked workers, Pagefind), the peak being the largest of any one of them: each step
    has its own peak rather than the running maximum RUSAGE_CHILDREN would give.

    `trace`: the child's Python writes unbuffered, so that each line's time (`Run.lines`)
    is when it was written; and the processes of its tree are sampled from /proc to tell
    which one peaked (`Run.peaks`).
    """
    env = {**ENV, "PYTHONUNBUFFERED": "1"} if trace else ENV
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append((time.perf_counter() - started, line.decode("utf-8", "replace")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result: dict[str, Any] = {}

    def reap() -> None:
        _, status, usage = os.wait4(process.pid, 0)
        result["seconds"] = time.perf_counter() - started
        result["status"], result["usage"] = status, usage

    reaper = threading.Thread(target=reap, daemon=True)
    reaper.start()
    sampler = Sampler(process.pid) if trace and Path("/proc").is_dir() else None
    deadline = started + timeout
    while reaper.is_alive() and time.perf_counter() < deadline:
        if sampler is not None:
            sampler.sample()
        reaper.join(SAMPLE if sampler is not None else max(0.0, deadline - time.perf_counter()))
    timed_out = reaper.is_alive()
    if timed_out:
        # Our own child's session only: the command and whatever it started.
        os.killpg(process.pid, signal.SIGKILL)
        reaper.join()
    process.returncode = os.waitstatus_to_exitcode(result["status"])
    reader.join(10)  # the rest of its output (a process it left may hold the pipe open)
    assert process.stdout is not None
    process.stdout.close()
    step = Run(
        seconds=result["seconds"],
        peak_mb=_maxrss_mb(result["usage"].ru_maxrss),
        returncode=process.returncode,
        output="".join(line for _, line in lines),
        lines=lines,
        peaks=sampler.peaks() if sampler is not None else {},
    )
    if check and (timed_out or step.returncode != 0):
        what = f"timed out after {timeout:.0f} s" if timed_out else f"exited {step.returncode}"
        tail = "\n".join(step.output.splitlines()[-30:])
        raise StepFailed(f"`{' '.join(command)}` in {cwd} {what}:\n{tail}")
    return step


def median(runs: list[Run]) -> Run:
    """The run of median time, with the largest peak memory of any run (of each kind of
    process too) and every run's seconds."""
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    peaks: dict[str, float] = {}
    for each in runs:
        for label, mb in each.peaks.items():
            peaks[label] = max(peaks.get(label, 0.0), mb)
    return replace(
        middle,
        peak_mb=max(r.peak_mb for r in runs),
        runs=[r.seconds for r in runs],
        peaks=peaks,
    )


class Sampler:
    """The peak memory of each process in a tree, read from /proc (Linux) while it runs.

    VmHWM is the largest resident set a process has had, what its ru_maxrss will say
    when it exits: the last look before it exits misses at most `SAMPLE` seconds of it.
    The total is wait4's to give; this says which process it was.
    """

    def __init__(self, root: int) -> None:
        self.root = root
        self._peaks: dict[tuple[int, str], float] = {}

    def sample(self) -> None:
        labels: dict[int, str] = {}
        for pid, parent in _tree(self.root):
            argv, hwm = _cmdline(pid), _hwm_mb(pid)
            if not argv or hwm is None:  # gone, or a zombie
                continue
            label = labels[pid] = process_label(argv, labels.get(parent))
            key = (pid, label)  # a process that execs starts again (Python to Pagefind)
            self._peaks[key] = max(self._peaks.get(key, 0.0), hwm)

    def peaks(self) -> dict[str, float]:
        """The largest peak of each kind of process."""
        found: dict[str, float] = {}
        for (_, label), mb in self._peaks.items():
            found[label] = max(found.get(label, 0.0), mb)
        return found


_PROGRAMS = {"generator": "factsheets", "factsheets": "factsheets"}
_PROFILERS = {"cProfile", "profile"}


def process_label(argv: list[str], parent: str | None = None) -> str:
    """What a process is, from its command line: "factsheets", "mkdocs", "pagefind",
    "hugo"... (Python's `-m` module, through cProfile; the script; or the program), and
    "mkdocs worker" for a process forked by one of the same kind."""
    name = _program(argv)
    if parent is not None and name == parent.removesuffix(" worker"):
        return f"{name} worker"
    return name


def _program(argv: list[str]) -> str:
    program = PurePath(argv[0]).name.removesuffix(".exe")
    if program.startswith("pagefind"):  # pagefind_extended
        return "pagefind"
    if not program.startswith("python"):
        return _PROGRAMS.get(program, program)
    rest = argv[1:]
    while rest:
        if rest[0] == "-m" and len(rest) > 1:
            module = rest[1].partition(".")[0]
            if module not in _PROFILERS:
                return _PROGRAMS.get(module, module)
            rest = rest[2:]
        elif rest[0] in ("-o", "-s", "-X", "-W"):  # options taking a value
            rest = rest[2:]
        elif rest[0] == "-c":
            return "python"
        elif rest[0].startswith("-"):
            rest = rest[1:]
        else:  # a script: .venv/bin/factsheets
            return _program([rest[0]])
    return "python"


def _tree(root: int) -> list[tuple[int, int]]:
    """(pid, parent pid) of `root` and its descendants, parents first."""
    found, todo = [], [(root, 0)]
    while todo:
        pid, parent = todo.pop(0)
        found.append((pid, parent))
        todo += [(child, pid) for child in _children(pid)]
    return found


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return children
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as file:
                children += [int(child) for child in file.read().split()]
        except (OSError, ValueError):
            continue
    return children


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            raw = file.read()
    except OSError:
        return []
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def _hwm_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8", errors="replace") as file:
            for line in file:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10  # kB
    except (OSError, ValueError, IndexError):
        pass
    return None


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
