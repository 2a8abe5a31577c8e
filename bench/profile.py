"""`python -m bench --profile`: cProfile a generation from scratch and a MkDocs build.

Each runs under `python -m cProfile -o FILE` in its own child process, at the largest
size; the hotspots (own time, then cumulative time) are printed and written beside the
profile (`pages-N/generate-profile.txt`, `pages-N/mkdocs-profile.txt`).

cProfile sees the process it runs in only. The generator reads summaries and renders
pages in forked workers, and our MkDocs plugin converts pages to HTML and renders their
templates in forked workers too (from a few hundred pages on): their work is not in
these profiles, only the main process's waiting for it.
"""

from __future__ import annotations

import io
import pstats
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .measure import run
from .site import forget_generated

OWN_TIME = 25
"""Functions listed by their own time."""
CUMULATIVE = 40
"""Functions listed by cumulative time."""
SITE = "site-profile"
"""Where the profiled MkDocs build writes its site, in the project; removed afterwards."""
FORKED = (
    "Not in this profile: the forked workers' time (cProfile sees one process): {what}. "
    "The main process's waiting for them is (e.g. in a lock's acquire)."
)


def profile(project: Path, *, timeout: float, say: Callable[[str], None]) -> dict[str, Any]:
    """Profile `factsheets generate` from scratch, then `mkdocs build --strict` of what
    it generated; print the hotspots of each."""
    forget_generated(project)
    generate = _profile(
        project,
        "generate",
        ["-m", "generator", "-q", "generate"],
        "`factsheets generate`",
        FORKED.format(
            what="the generator reads summaries and renders pages in forked workers on large sites"
        ),
        timeout,
        say,
    )
    site = project / SITE
    try:
        mkdocs = _profile(
            project,
            "mkdocs",
            ["-m", "mkdocs", "build", "-f", "mkdocs.yml", "--site-dir", str(site), "--strict"],
            "MkDocs' build (`mkdocs build --strict`, the main process)",
            FORKED.format(
                what="our plugin converts pages to HTML and renders their templates in "
                "forked workers from a few hundred pages on"
            ),
            timeout,
            say,
        )
    finally:
        shutil.rmtree(site, ignore_errors=True)
    return {"generate": generate, "mkdocs": mkdocs}


def _profile(
    project: Path,
    name: str,
    arguments: list[str],
    title: str,
    note: str,
    timeout: float,
    say: Callable[[str], None],
) -> dict[str, Any]:
    output = project / f"{name}.prof"
    output.unlink(missing_ok=True)
    command = [sys.executable, "-m", "cProfile", "-o", str(output), *arguments]
    step = run(command, project, timeout=timeout)
    if not output.is_file():
        say(f"profile of {title}: cProfile wrote no {output}")
        return {"seconds": step.seconds, "file": None}
    text = hotspots(output)
    (project / f"{name}-profile.txt").write_text(f"{note}\n\n{text}", encoding="utf-8")
    say(f"profile of {title}, {step.seconds:.1f} s under cProfile.\n{note}\n{text}")
    return {"seconds": step.seconds, "file": str(output)}


def hotspots(profile: Path) -> str:
    """The functions of most own time, then of most cumulative time."""
    stream = io.StringIO()
    stats = pstats.Stats(str(profile), stream=stream)
    stats.sort_stats("tottime").print_stats(OWN_TIME)
    stats.sort_stats("cumulative").print_stats(CUMULATIVE)
    return stream.getvalue()
