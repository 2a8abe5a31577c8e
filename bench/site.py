"""`factsheets build` timed whole, as a user runs it (issue 21, items 4 and 6).

Three builds, each `factsheets -v build` in its own child process: from scratch (as on a
fresh clone: no `.factsheets/`, no generated folders in `content/`, no `site/`), with
nothing changed, and after a one-line edit (one actor's description in one summary, as
the preview benchmark edits it). Each is split into generation, MkDocs and the search
index by when the lines `factsheets -v build` prints were read, and its peak memory is
that of the largest process of its tree (`measure.run`, wait4), the process named by
sampling /proc.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.common.project import DATA_DIR, GENERATED_DIRS
from generator.output.files import atomic_write

from .measure import Run, StepFailed, factsheets, median, run
from .preview import _described_actor

CACHE_DIR = ".factsheets"
"""The generator's caches (generator/output/cache.py); deleting them must give the same result."""
BUILD = ("-v", "build")
"""`factsheets -v build`: -v for MkDocs' and Pagefind's progress, whose lines time the stages."""

# The lines that end each stage of `factsheets -v build` (generator/cli.py, MkDocs).
_GENERATED = re.compile(r"^Generated content/:", re.MULTILINE)
_MKDOCS_BUILT = re.compile(r"Documentation built in (?P<seconds>[0-9.]+) seconds")
# Pagefind's own last line, or ours when the index is made in shards, after every shard's.
_INDEXED = re.compile(
    r"^(?:Finished in (?P<pagefind>[0-9.]+) seconds"
    r"|Search index: .* in (?P<ours>[0-9.]+) s\.)\s*$",
    re.MULTILINE,
)
STAGES = (
    ("generation", "generation_s"),
    ("MkDocs", "mkdocs_s"),
    ("search", "search_s"),
    ("swap", "swap_s"),
)
"""The stages of a build, as `describe` and the report name them, and their keys."""
_SITE_BUILT = re.compile(r"^Built the site in ", re.MULTILINE)

Say = Callable[[str], None]


def forget_generated(project: Path) -> None:
    """Remove `content/`'s generated folders and the generator's caches, as before a
    first run (the hand-written pages of `content/` stay)."""
    for folder in (*GENERATED_DIRS, DATA_DIR):
        shutil.rmtree(project / "content" / folder, ignore_errors=True)
    shutil.rmtree(project / CACHE_DIR, ignore_errors=True)


def measure_builds(
    project: Path, *, runs: int, timeout: float, say: Say, pages: int
) -> dict[str, Any]:
    """The three builds, from scratch and with nothing changed `runs` times each (the
    median reported), and `runs` one-line edits (at least 2, the last putting the text
    back); then the peak memory of all of them."""
    scratch = median([from_scratch(project, timeout) for _ in range(max(1, runs))])
    say(f"[{pages:,}] factsheets build from scratch: {describe(scratch)}")
    noop = median(
        [run(factsheets(*BUILD), project, timeout=timeout, trace=True) for _ in range(max(1, runs))]
    )
    say(f"[{pages:,}] factsheets build, nothing changed: {describe(noop)}")
    edits, shown = edit_builds(project, max(2, runs), timeout)
    edit = median(edits)
    say(
        f"[{pages:,}] factsheets build after a one-line edit: {describe(edit)}"
        + ("" if shown else "; the edit did NOT show in the built page")
    )
    steps = {"scratch": scratch, "noop": noop, "edit": edit}
    top = max(steps.values(), key=lambda step: step.peak_mb)
    return {
        **{name: step_summary(step) for name, step in steps.items()},
        "edit_shown": shown,
        "peak_mb": top.peak_mb,
        "peak_process": top.peak_process,
    }


def from_scratch(project: Path, timeout: float) -> Run:
    """`factsheets build` as on a fresh clone: `factsheets clean` (the caches, the record
    of the last run, the site) and `content/`'s generated folders removed first."""
    run(factsheets("-q", "clean"), project, timeout=timeout)
    forget_generated(project)
    return run(factsheets(*BUILD), project, timeout=timeout, trace=True)


def edit_builds(project: Path, edits: int, timeout: float) -> tuple[list[Run], bool]:
    """`edits` one-line edits of a summary, each followed by a timed `factsheets build`,
    the last putting the text back; and whether each showed in the built fact sheet."""
    summary, original, match = _described_actor(project / "seeds")
    texts = [f"{match['text']} (build edit {n})" for n in range(1, edits)] + [match["text"]]
    runs: list[Run] = []
    shown, before = True, match["text"]
    try:
        for text in texts:
            edited = original[: match.start("text")] + text + original[match.end("text") :]
            atomic_write(summary, edited)  # whole, as an editor's save
            runs.append(run(factsheets(*BUILD), project, timeout=timeout, trace=True))
            page = _built_page(project / "site", match["id"])
            new, old = html.escape(text, quote=False), html.escape(before, quote=False)
            shown = shown and new in page and (old in new or old not in page)
            before = text
    finally:
        # The last edit put the text back: rewriting it would change the file's date,
        # and the next step's no-op would be none.
        if summary.read_text(encoding="utf-8") != original:
            atomic_write(summary, original)
    return runs, shown


def _built_page(site: Path, actor: str) -> str:
    for page in (site / "actors" / actor / "index.html", site / "actors" / f"{actor}.html"):
        if page.is_file():
            return page.read_text(encoding="utf-8", errors="replace")
    raise StepFailed(f"the built site {site} has no page for actors/{actor}")


def breakdown(step: Run) -> dict[str, float | None]:
    """Seconds in generation, MkDocs and the search index of one `factsheets -v build`,
    from when the line ending each stage was read (None where a line is missing):

    - generation: from the start (the command's own start-up included) to "Generated
      content/: ...";
    - MkDocs: from there to MkDocs' "Documentation built in X seconds" (its start-up and
      configuration included; `mkdocs_own_s` is its X, the build alone);
    - search index: from there to the search index's last line, Pagefind's "Finished in X
      seconds" or ours, "Search index: ... in X s." (start-ups included; `search_own_s`
      is its X), or to "Built the site" if it said nothing;
    - swap: from there to "Built the site in": the new site put in place of the
      previous one, and the previous one deleted;
    - exit: from there to the end of the process.
    """
    generated = _first(step, _GENERATED)
    mkdocs = _first(step, _MKDOCS_BUILT)
    indexed = _last(step, _INDEXED)
    built = _first(step, _SITE_BUILT)

    def between(start: float | None, end: float | None) -> float | None:
        return end - start if start is not None and end is not None else None

    own = _MKDOCS_BUILT.search(step.output)
    index = [*_INDEXED.finditer(step.output)][-1:]
    return {
        "generation_s": generated,
        "mkdocs_s": between(generated, mkdocs),
        "mkdocs_own_s": float(own["seconds"]) if own else None,
        "search_s": between(mkdocs, indexed if indexed is not None else built),
        "search_own_s": float(index[0]["pagefind"] or index[0]["ours"]) if index else None,
        "swap_s": between(indexed, built),
        "exit_s": between(built, step.seconds),
    }


def _first(step: Run, pattern: re.Pattern[str]) -> float | None:
    return next((at for at, line in step.lines if pattern.search(line)), None)


def _last(step: Run, pattern: re.Pattern[str]) -> float | None:
    return next((at for at, line in reversed(step.lines) if pattern.search(line)), None)


def step_summary(step: Run) -> dict[str, Any]:
    return {**step.summary(), "breakdown": breakdown(step)}


def describe(step: Run) -> str:
    """ "12.3 s: generation 4.0, MkDocs 6.1, search 1.5, swap 0.5 s; 800 MB in mkdocs"."""
    parts = breakdown(step)
    stages = ", ".join(f"{name} {parts[key]:.1f}" for name, key in STAGES if parts[key] is not None)
    runs = f" (median of {', '.join(f'{s:.1f}' for s in step.runs)})" if len(step.runs) > 1 else ""
    where = f" in {step.peak_process}" if step.peak_process else ""
    return f"{step.seconds:.1f} s{runs}: {stages} s; {step.peak_mb:,.0f} MB{where}"
