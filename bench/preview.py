"""How soon an edit to a summary shows in `factsheets serve`'s preview (issue 5, item 5),
what the preview costs while nothing changes, and whether it stops cleanly (issue 21).

The benchmark starts the preview as an editor does, waits for its first page, then
edits one actor's description in a summary a few times, the last edit putting the text
back, and times each edit until the served fact sheet shows it. It then leaves the
preview alone for `IDLE` seconds, counting the CPU time of its process and every child's
(from /proc), and stops it with SIGTERM, as a service manager would: the preview must
exit, free its port and leave no child running.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import signal
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.output.files import atomic_write

from .measure import ENV, StepFailed, factsheets

# The first actor of a synthesised summary that has a description: its id, then its text.
_DESCRIBED = re.compile(
    r"^- id: (?P<id>\S+)\n(?:  .*\n)*?  description: (?P<text>.+)$", re.MULTILINE
)
POLL = 0.1
"""Seconds between two requests for the page."""
IDLE = 10.0
"""Seconds the preview is left alone while its CPU time is counted, by default."""
SETTLE = 2.0
"""Seconds allowed, after the last edit shows, for anything it set off to finish."""
STOP = 120.0
"""Seconds the preview has to exit once sent SIGTERM (deleting a large preview from a
slow disk takes a while)."""


def edit_latency(
    project: Path, edits: int, timeout: float, idle_seconds: float = IDLE
) -> dict[str, Any]:
    """`edits` timed edits (at least 2: one, then the original text back) in the preview,
    then `idle_seconds` left alone, then SIGTERM."""
    summary, original, match = _described_actor(project / "seeds")
    texts = [f"{match['text']} (edit {n})" for n in range(1, max(edits, 2))] + [match["text"]]
    log = project / "preview.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}/actors/{match['id']}/"
    command = factsheets("-q", "serve", "-a", f"127.0.0.1:{port}")
    started = time.perf_counter()
    with open(log, "w", encoding="utf-8") as output:
        server = subprocess.Popen(
            command, cwd=project, env=ENV, stdout=output, stderr=subprocess.STDOUT
        )
    stopped: dict[str, Any] = {}
    idle: float | None = None
    try:
        _wait(url, lambda page: True, started + timeout, server, log)
        first = time.perf_counter() - started
        seconds: list[float] = []
        shown = match["text"]
        for text in texts:
            edited = original[: match.start("text")] + text + original[match.end("text") :]
            atomic_write(summary, edited)  # whole, as an editor's save
            edited_at = time.perf_counter()
            new, old = html.escape(text, quote=False), html.escape(shown, quote=False)

            def current(page: str, new: str = new, old: str = old) -> bool:
                # The original text may come from other sources too: wait for the last
                # edit's text to go, not only for this one's to come.
                return new in page and (old in new or old not in page)

            _wait(url, current, edited_at + timeout, server, log)
            seconds.append(time.perf_counter() - edited_at)
            shown = text
        time.sleep(SETTLE)
        used = _cpu_seconds(server.pid, idle_seconds)
        idle = None if used is None else used * 60 / idle_seconds
        stopped = _terminate(server, port)
    finally:
        atomic_write(summary, original)
        if server.poll() is None:  # it failed before the measured stop
            _stop(server)
    return {
        "first_preview_s": first,
        "seconds": statistics.median(seconds),
        "runs": seconds,
        "page": f"actors/{match['id']}.md",
        "summary": str(summary.relative_to(project)),
        # CPU seconds a minute of the preview's process tree, left alone; None where
        # /proc cannot tell (not Linux).
        "idle_cpu_s_per_min": idle,
        **stopped,
    }


def _described_actor(seeds: Path) -> tuple[Path, str, re.Match[str]]:
    for summary in sorted(seeds.glob("*/summary.yaml")):
        text = summary.read_text(encoding="utf-8")
        match = _DESCRIBED.search(text)
        if match:
            return summary, text, match
    raise StepFailed(f"no summary in {seeds} describes an actor: nothing to edit")


def _wait(
    url: str,
    done: Callable[[str], bool],
    deadline: float,
    server: subprocess.Popen[bytes],
    log: Path,
) -> None:
    while True:
        if server.poll() is not None:
            raise StepFailed(f"`factsheets serve` exited {server.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if done(response.read().decode("utf-8", "replace")):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # not serving yet, or between two builds
        if time.perf_counter() > deadline:
            raise StepFailed(f"{url} did not show the edit in time:\n{_tail(log)}")
        time.sleep(POLL)


def _stop(server: subprocess.Popen[bytes]) -> None:
    # Ctrl-C, as an editor stops it.
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=STOP)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _terminate(server: subprocess.Popen[bytes], port: int) -> dict[str, Any]:
    """Stops the preview with SIGTERM and says how it went: its exit code (None if it
    had to be killed), whether its port still answers, and the children it left (which
    are then killed, so that the next measurement has the machine to itself)."""
    children = _descendants(server.pid)
    server.send_signal(signal.SIGTERM)
    sent = time.perf_counter()
    freed: float | None = None
    code: int | None = None
    while code is None and time.perf_counter() < sent + STOP:
        if freed is None and not _answers(port):
            freed = time.perf_counter() - sent
        with contextlib.suppress(subprocess.TimeoutExpired):
            code = server.wait(timeout=0.1)
    exited = time.perf_counter() - sent
    if code is None:
        server.kill()
        server.wait()
    left = [pid for pid in children if _alive(pid)]
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return {
        "sigterm_exit_code": code,  # None: killed, STOP seconds later
        "sigterm_exit_s": exited,
        "sigterm_port_freed_s": exited if freed is None else freed,
        "sigterm_port_free": not _answers(port),
        "sigterm_children_left": len(left),
    }


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _descendants(pid: int) -> list[int]:
    """The process's children, their children and so on (Linux; none elsewhere)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        stat = _stat(int(entry.name))
        if stat is not None:
            parents.setdefault(int(stat[1]), []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat from its state on (the name before it may hold spaces)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return text.rpartition(")")[2].split()


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def _cpu_seconds(pid: int, seconds: float) -> float | None:
    """CPU seconds the process and its descendants use in the next `seconds`."""

    def used() -> float | None:
        stat = _stat(pid)
        if stat is None:
            return None
        # utime, stime, then the children it waited for (cutime, cstime): fields 14 to
        # 17 of the line, 12 to 15 from its state.
        ticks = sum(int(field) for field in stat[11:15])
        for child in _descendants(pid):
            child_stat = _stat(child)
            if child_stat is not None:
                ticks += sum(int(field) for field in child_stat[11:13])
        return ticks / os.sysconf("SC_CLK_TCK")

    before = used()
    time.sleep(seconds)
    after = used()
    return None if before is None or after is None else after - before


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
