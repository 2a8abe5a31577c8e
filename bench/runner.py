"""The measurements for one corpus size, each step in its own child process.

Generation (issue 5) from scratch, with nothing changed and after adding a source; the
site build split in its two commands, MkDocs and Pagefind; `factsheets build` whole
(issue 21: `site.py`), Hugo over the same Markdown (`hugo.py`); the pages' sizes; the
preview (`preview.py`); search and drawings in Chromium (`search.py`, `drawings.py`);
and with `--profile`, cProfile's hotspots (`profile.py`).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.common.project import (
    ABOUT_DIR,
    CATEGORY_DIRS,
    DATA_DIR,
    DOWNLOADS_DIR,
    EXPLORE_DIRS,
    HOME_PAGE,
    page_continued,
)
from generator.data import catalogue
from generator.data.explore import FILES
from generator.publish.search import pagefind_command

from . import drawings, hugo, preview, search
from .measure import (
    FACT_SHEET_DIRS,
    Run,
    SizeStats,
    fact_sheet_count,
    fact_sheet_html,
    factsheets,
    index_html,
    median,
    mkdocs_build,
    run,
    snapshot,
    written,
)
from .profile import profile
from .site import CACHE_DIR, forget_generated, measure_builds
from .sources import referenced_ids
from .synth import Corpus, extra_source, synthesise, write_draft, write_project

HTML_LIMIT = 25_000
"""The issue's target for one fact sheet's HTML: 25 KB."""
NAV_CONFIG = "mkdocs.nav.yml"
NAV_SITE = "site-nav"


@dataclass
class Options:
    out: Path
    """Folder holding one project per size (`pages-N/`)."""
    seed: int = 0
    nav_max: int = 1000
    """Build the every-fact-sheet-in-the-navigation variant up to this size."""
    search: bool = False
    search_runs: int = 3
    runs: int = 3
    """Times generation from scratch and the no-op run are measured; the median is reported."""
    timeout: float = 3600.0
    """Limit for any one measured step, in seconds."""
    profile: bool = False


Say = Callable[[str], None]


def measure(pages: int, options: Options, say: Say) -> dict[str, Any]:
    """Synthesise a corpus of `pages` fact sheets and measure everything the issue asks for."""
    project = options.out / f"pages-{pages}"
    content = project / "content"
    result: dict[str, Any] = {"pages": pages}

    started = time.perf_counter()
    corpus = synthesise(pages, options.seed)
    write_project(corpus, project)
    result["synthesis_s"] = time.perf_counter() - started
    result["corpus"] = {
        **corpus.counts,
        "seed_bytes": sum(p.stat().st_size for p in (project / "seeds").rglob("*") if p.is_file()),
    }
    say(f"[{pages:,}] synthesised {_counts(corpus)} in {result['synthesis_s']:.1f} s")

    step, files = _median(options, lambda: _generate_from_scratch(project, options))
    result["generate"] = {**step.summary(), "files_written": len(files)}
    result["fact_sheets"] = fact_sheet_count(content)
    say(f"[{pages:,}] generate: {_seconds(step, 1)}, {step.peak_mb:.0f} MB")

    # The site build is what `factsheets build` runs after generating: mkdocs, then
    # Pagefind's indexer over the built site (the search index is part of the site).
    build = run(mkdocs_build(), project, timeout=options.timeout)
    index = run(pagefind_command(project / "site"), project, timeout=options.timeout)
    result["mkdocs_build"] = build.summary()
    result["search_index_build"] = index.summary()
    result["site_build"] = {
        "seconds": build.seconds + index.seconds,
        "peak_mb": max(build.peak_mb, index.peak_mb),
        "returncode": 0,
    }
    site_s = result["site_build"]["seconds"]
    result["end_to_end_s"] = step.seconds + site_s
    result["peak_mb"] = max(step.peak_mb, build.peak_mb, index.peak_mb)
    say(
        f"[{pages:,}] site build: {site_s:.1f} s (mkdocs {build.seconds:.1f} s, "
        f"{build.peak_mb:.0f} MB; Pagefind {index.seconds:.1f} s, {index.peak_mb:.0f} MB)"
    )
    result.update(_site_sizes(project / "site", result["fact_sheets"]))

    # `factsheets build` whole, as a user runs it; then Hugo over the content/ it made.
    result["builds"] = measure_builds(
        project, runs=options.runs, timeout=options.timeout, say=say, pages=pages
    )
    result["hugo"] = _hugo(project, result["builds"], options, say, pages)

    if options.search:
        result["search"] = _search(project / "site", corpus, options, say, pages)
        result["drawings"] = _drawings(project / "site", options, say, pages)
    if pages <= options.nav_max:
        result["nav"] = _with_navigation(project, build, result, options, say)

    noop, files = _median(options, lambda: _generate(project, options))
    result["noop"] = {**noop.summary(), "files_written": len(files)}
    say(f"[{pages:,}] no-op: {_seconds(noop, 2)}, {len(files)} files written")

    # Again with the generator's caches gone: every page is rendered and compared with
    # what is on disk, and "skip unchanged files" alone must make it a no-op.
    shutil.rmtree(project / CACHE_DIR, ignore_errors=True)
    cold, files = _generate(project, options)
    result["noop_cold"] = {**cold.summary(), "files_written": len(files)}
    say(f"[{pages:,}] no-op without caches: {cold.seconds:.2f} s, {len(files)} files written")

    result["add_source"] = _add_source(project, corpus, options)
    added = result["add_source"]
    say(
        f"[{pages:,}] add a source: {added['seconds']:.2f} s, {added['files_written']} files "
        f"written, {len(added['unexpected'])} outside the pages it touches"
    )
    result["preview"] = preview.edit_latency(project, options.runs + 1, options.timeout)
    shown = result["preview"]
    say(
        f"[{pages:,}] preview: first page after {shown['first_preview_s']:.1f} s; "
        f"an edit shows after {', '.join(f'{s:.1f}' for s in shown['runs'])} s"
    )
    if options.profile:
        result["profile"] = profile(project, timeout=options.timeout, say=say)
    return result


def _median(options: Options, step: Callable[[], tuple[Run, list[str]]]) -> tuple[Run, list[str]]:
    """The step run `options.runs` times: the run of median time (its seconds, the largest
    peak memory of any run, every run's seconds), and the files the last run wrote.

    A shared machine's noise is in the kernel's share: the same generation took 1.5 to 9.5
    s of system time from one run to the next.
    """
    runs: list[Run] = []
    files: list[str] = []
    for _ in range(max(1, options.runs)):
        run_, files = step()
        runs.append(run_)
    return median(runs), files


def _seconds(step: Run, digits: int) -> str:
    """ "1.2 s", or "1.2 s (median of 1.1, 1.2, 3.4)" when the step ran several times."""
    text = f"{step.seconds:.{digits}f} s"
    if len(step.runs) > 1:
        text += f" (median of {', '.join(f'{s:.{digits}f}' for s in step.runs)})"
    return text


def _generate_from_scratch(project: Path, options: Options) -> tuple[Run, list[str]]:
    """A first run: no generated page, no cache."""
    forget_generated(project)
    return _generate(project, options)


def _generate(project: Path, options: Options) -> tuple[Run, list[str]]:
    """`factsheets generate` in the project: the run, and the files it wrote in content/."""
    content = project / "content"
    before = snapshot(content)
    step = run(factsheets("-q", "generate"), project, timeout=options.timeout)
    return step, written(before, snapshot(content))


def _counts(corpus: Corpus) -> str:
    return ", ".join(f"{n:,} {k}" for k, n in corpus.counts.items())


def _site_sizes(site: Path, fact_sheets: int) -> dict[str, Any]:
    sizes = fact_sheet_html(site)
    stats = SizeStats.of(sizes)
    indexes = index_html(site, CATEGORY_DIRS)
    # Pagefind's whole bundle (UI, WebAssembly, index chunks, fragments); a search
    # fetches only a few of these files (see `search.first_result`).
    bundle = site / "pagefind"
    index_bytes = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    return {
        "html": {**asdict(stats), "over_limit": stats.over(sizes, HTML_LIMIT)},
        "index_html": {"pages": len(indexes), "max": max(indexes, default=0)},
        "search_index_bytes": index_bytes,
        "search_index_bytes_per_page": index_bytes / max(fact_sheets, 1),
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
    }


def _search(site: Path, corpus: Corpus, options: Options, say: Say, pages: int) -> dict[str, Any]:
    if not search.available():
        say(f"[{pages:,}] search: skipped, {search.CHROMIUM} not found")
        return {"skipped": f"{search.CHROMIUM} not found"}
    # The most reused actor: a query a reader would type, with many matching pages.
    query = corpus.world.actors[corpus.world.popular_actors.items[0]].name
    try:
        found = search.first_result(site, query, runs=options.search_runs, timeout=120)
    except (OSError, RuntimeError, TimeoutError) as error:
        say(f"[{pages:,}] search: failed: {error}")
        return {"failed": str(error)}
    say(f"[{pages:,}] search: first result after {found['first_result_ms']:.0f} ms")
    return found


def _drawings(site: Path, options: Options, say: Say, pages: int) -> dict[str, Any]:
    if not search.available():
        return {"skipped": f"{search.CHROMIUM} not found"}
    try:
        found = drawings.first_draw(site, runs=options.search_runs, timeout=120)
    except (OSError, RuntimeError, TimeoutError) as error:
        say(f"[{pages:,}] drawings: failed: {error}")
        return {"failed": str(error)}
    shown = ", ".join(f"{page} {found[page]['first_draw_ms']:.0f} ms" for page in found)
    say(f"[{pages:,}] first drawn: {shown}")
    return found


def _with_navigation(
    project: Path, build: Run, result: dict[str, Any], options: Options, say: Say
) -> dict[str, Any]:
    """The same site with every fact sheet in the global navigation, to show what it costs."""
    config = project / "mkdocs.yml"
    (project / NAV_CONFIG).write_text(
        nav_config(config.read_text(encoding="utf-8"), project / "content"), encoding="utf-8"
    )
    step = run(mkdocs_build(NAV_CONFIG, NAV_SITE), project, timeout=options.timeout)
    stats = SizeStats.of(fact_sheet_html(project / NAV_SITE))
    shutil.rmtree(project / NAV_SITE, ignore_errors=True)  # can be large; only its sizes matter
    pages = result["pages"]
    say(f"[{pages:,}] site build with every fact sheet in the nav: {step.seconds:.1f} s")
    return {
        **step.summary(),
        "html": asdict(stats),
        # mkdocs against mkdocs: Pagefind's indexing is left out of both.
        "time_ratio": step.seconds / build.seconds if build.seconds else None,
        "html_ratio": stats.mean / result["html"]["mean"] if result["html"]["mean"] else None,
    }


def nav_config(config: str, content: Path) -> str:
    """`mkdocs.yml` with each fact-sheet section listing all its pages, and nothing else changed.

    Edited as text so tags MkDocs understands (`!ENV`, `!!python/name`) survive.
    """
    nav = yaml.load(config, Loader=_Lenient).get("nav") or []
    expanded = []
    for item in nav:
        (title, target), *_ = item.items() if isinstance(item, dict) else [(None, item)]
        folder = str(target).split("/")[0] if isinstance(target, str) else None
        if folder in FACT_SHEET_DIRS and str(target).endswith("index.md"):
            sheets = sorted(p.name for p in (content / folder).glob("*.md") if p.name != "index.md")
            item = {title or folder: [target, *(f"{folder}/{name}" for name in sheets)]}
        expanded.append(item)
    kept = _drop_top_level(config, {"nav", "not_in_nav"})
    dumped = yaml.safe_dump({"nav": expanded}, sort_keys=False, allow_unicode=True, width=1000)
    return f"{kept.rstrip()}\n\n{dumped}not_in_nav: |\n  /sources/*.md\n"


class _Lenient(yaml.SafeLoader):
    """Reads mkdocs.yml whatever tags it holds; only `nav` is used."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)


def _drop_top_level(text: str, keys: set[str]) -> str:
    """Remove top-level `key:` blocks (the key line and the indented lines under it)."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        top = line[:1] not in (" ", "\t", "\n", "#", "")
        if top:
            skipping = line.split(":", 1)[0].strip() in keys
        if not skipping:
            out.append(line)
    return "".join(out)


def _add_source(project: Path, corpus: Corpus, options: Options) -> dict[str, Any]:
    """Add one source and regenerate; compare what was written with what it touches."""
    draft = extra_source(corpus)
    write_draft(project / "seeds", draft)
    world = corpus.world
    # The index pages, the Map, Timeline and Network pages and their data, the downloads
    # and the Data page list everything, and the About and home pages count it: any
    # source may change them.
    touched = {
        f"sources/{draft.id}.md",
        HOME_PAGE,
        *(f"{c}/index.md" for c in (*CATEGORY_DIRS, *EXPLORE_DIRS, DOWNLOADS_DIR, ABOUT_DIR)),
        *(f"{DATA_DIR}/{name}" for name in (*FILES, *catalogue.FILES)),
    }
    for entity_id in referenced_ids(draft.summary):
        for category, table in (
            ("actors", world.actors),
            ("locations", world.locations),
            ("events", world.events),
        ):
            if entity_id in table:
                touched.add(f"{category}/{entity_id}.md")
    step, changed = _generate(project, options)
    # A page's continuation pages (actors/ana.involvement-2.md) and its JSON
    # (actors/ana.json) are written with it.
    unexpected = sorted(
        p for p in set(changed) if p not in touched and page_continued(p) not in touched
    )
    return {
        **step.summary(),
        "files_written": len(changed),
        "fact_sheets_written": sum(p.split("/")[0] in FACT_SHEET_DIRS for p in changed),
        "touched": len(touched),
        "unexpected": unexpected,
    }


def _hugo(
    project: Path, builds: dict[str, Any], options: Options, say: Say, pages: int
) -> dict[str, Any]:
    """Hugo from scratch over the same content/, against our build from scratch."""
    found = hugo.measure(project, runs=options.runs, timeout=options.timeout)
    if "skipped" in found:
        say(f"[{pages:,}] Hugo: {found['skipped']}")
        return found
    ours, seconds = builds["scratch"], found["seconds"]
    found["ratio"] = ours["seconds"] / seconds
    mkdocs = ours["breakdown"]["mkdocs_s"]
    found["mkdocs_ratio"] = mkdocs / seconds if mkdocs is not None else None
    say(
        f"[{pages:,}] Hugo {found['version']}: {seconds:.2f} s, {found['peak_mb']:,.0f} MB, "
        f"{found['html_pages']:,} HTML pages from {found['markdown_pages']:,} Markdown; "
        f"ours from scratch {found['ratio']:.1f}x that"
    )
    return found
