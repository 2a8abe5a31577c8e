"""How soon an edit to a summary shows in `factsheets serve`'s preview (issue 5, item 5).

The benchmark starts the preview as an editor does, waits for its first page, then
edits one actor's description in a summary a few times, the last edit putting the text
back, and times each edit until the served fact sheet shows it.
"""

from __future__ import annotations

import html
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


def edit_latency(project: Path, edits: int, timeout: float) -> dict[str, Any]:
    """`edits` timed edits (at least 2: one, then the original text back) in the preview."""
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
    finally:
        atomic_write(summary, original)
        _stop(server)
    return {
        "first_preview_s": first,
        "seconds": statistics.median(seconds),
        "runs": seconds,
        "page": f"actors/{match['id']}.md",
        "summary": str(summary.relative_to(project)),
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
    # Ctrl-C, as an editor stops it: `factsheets serve` then stops MkDocs' server too.
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
