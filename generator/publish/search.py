"""Index the built site for search with Pagefind: the index goes to `site/pagefind/`.

A large site is indexed in shards (`shards.py`), each kept in `.factsheets/search/`, so
that a build runs Pagefind only over the shards whose pages changed; the Search page
merges them. A site whose Search page predates shards gets one index, as before.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
from filelock import FileLock

from ..common.errors import FactsheetsError
from ..common.project import Project
from ..common.workers import usable_cores
from .shards import (
    CACHE,
    MANIFEST,
    Bundle,
    Settings,
    Store,
    bundle_folder,
    link_pages,
    manifest,
    place,
    read_site,
    shard_count,
    shard_key,
    split,
    unlink_pages,
)

PAGEFIND_EXCLUDE = (".footnote", ".footnote-ref", ".headerlink")
"""What Pagefind leaves out of each page's indexed article (data-pagefind-body, set by
overrides/main.html): footnote definitions, footnote numbers and heading permalinks."""

PARALLEL = 4
"""The most Pagefind processes at once (fewer on fewer cores): each takes about 120 MB
for a shard of 900 pages, against 1.7 GB for 13,837 pages in one."""


def pagefind_options() -> list[str]:
    """Pagefind's options but for the folders: those its output depends on."""
    options = []
    for selector in PAGEFIND_EXCLUDE:
        options += ["--exclude-selectors", selector]
    return options


def pagefind_command(site: Path, verbosity: int = 0) -> list[str]:
    """The Pagefind indexer over a whole built site, in one bundle (the binary ships in
    the pagefind-bin wheel): what `factsheets build` ran before shards, and how to index
    a site built by another tool (README)."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), *pagefind_options()]
    if verbosity < 1:
        command.append("--quiet")
    return command


class PagefindFailed(FactsheetsError):
    """Pagefind exited with an error, or wrote no index."""

    def __init__(self, status: int, output: str) -> None:
        detail = f":\n{output}" if output else "."
        super().__init__(f"the search index failed (pagefind exited with {status}){detail}")


def index_for_search(project: Project, verbosity: int = 0, *, site: Path | None = None) -> None:
    """Index the built site (`site`, default `site/`) into its pagefind/ folder: each
    shard's bundle kept from an earlier build if its pages are the same, else made by
    Pagefind; raises FactsheetsError on failure."""
    site = site or project.site
    binary = _pagefind()
    options = pagefind_options()
    version = _version(binary)
    store = Store(project.root / CACHE)
    try:
        store.root.mkdir(parents=True, exist_ok=True)
        # Two builds of one project would each prune the other's bundles and work folders.
        with FileLock(store.root / ".lock"):
            _index(
                project, site, store, binary, Settings.of(version, options, project.root), verbosity
            )
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        raise FactsheetsError(
            f"the search index failed: {where}{error.strerror or error}."
        ) from None


def _index(
    project: Project, site: Path, store: Store, binary: Path, settings: Settings, verbosity: int
) -> None:
    started = time.perf_counter()
    found = read_site(site)
    count = shard_count(len(found.pages))
    if count > 1 and not found.merges:
        if verbosity >= 0:
            click.echo(
                f"Notice: the Search page does not read pagefind/{MANIFEST}, so all "
                f"{len(found.pages):,} pages are indexed again on every build: replace "
                "content/search.md with the one `factsheets new` writes, which merges "
                "shards of the index, to index only the pages that changed.",
                err=True,
            )
        count = 1
    # No page at all is one shard of none: Pagefind says what is wrong, as it did.
    by_shard = split(found.pages, count) or {0: {}}
    digest = settings.digest()
    keys = {number: shard_key(digest, pages) for number, pages in by_shard.items()}
    bundles: dict[int, Bundle] = {}
    for number, key in keys.items():
        if (kept := store.bundle(key)) is not None:
            bundles[number] = kept
    missing = {n: pages for n, pages in by_shard.items() if n not in bundles}
    bundles.update(_make(project, site, store, binary, settings, keys, missing, verbosity))

    folder = site / "pagefind"
    if folder.exists():  # only ever a previous index (`site` given as the built site)
        shutil.rmtree(folder)
    primary = min(bundles)
    for number, bundle in sorted(bundles.items()):
        place(bundle, folder / bundle_folder(number, number == primary), primary=number == primary)
    merged = [bundle_folder(n, False) for n in sorted(bundles) if n != primary]
    (folder / MANIFEST).write_text(manifest(merged), encoding="utf-8")
    store.prune(by_shard)

    shown: dict[str, None] = {}  # each of Pagefind's warnings once, though every shard says it
    for number in sorted(bundles):
        shown.update(dict.fromkeys(bundles[number].output.splitlines()))
    if shown and verbosity >= 0:
        click.echo("\n".join(shown), err=True)
    if verbosity >= 1:
        click.echo(
            f"Search index: {len(found.pages):,} pages in {len(by_shard)} "
            f"shard{'s' if len(by_shard) != 1 else ''}, {len(missing)} indexed, "
            f"{len(by_shard) - len(missing)} kept from an earlier build, "
            f"in {time.perf_counter() - started:.1f} s.",
            err=True,
        )


def _make(
    project: Project,
    site: Path,
    store: Store,
    binary: Path,
    settings: Settings,
    keys: Mapping[int, str],
    missing: Mapping[int, Mapping[str, bytes]],
    verbosity: int,
) -> dict[int, Bundle]:
    """Runs Pagefind over each missing shard, several at once; keeps each bundle."""
    failed = threading.Event()  # then shards not yet begun are not

    def make(number: int) -> Bundle | None:
        if failed.is_set():
            return None
        pages = missing[number]
        started = time.perf_counter()
        work = store.work()
        try:
            inputs = store.inputs(number)
            try:
                link_pages(site, pages, inputs)
                output = _run_pagefind(binary, settings.options, inputs, work, project.root)
            finally:
                unlink_pages(inputs, pages)
            bundle = store.keep(keys[number], work, output)
        except BaseException:
            failed.set()
            shutil.rmtree(work, ignore_errors=True)
            raise
        if verbosity >= 1:
            click.echo(
                f"Search index: shard {number} ({len(pages):,} pages) indexed "
                f"in {time.perf_counter() - started:.1f} s.",
                err=True,
            )
        return bundle

    made: dict[int, Bundle] = {}
    if not missing:
        return made
    with ThreadPoolExecutor(min(len(missing), usable_cores(), PARALLEL)) as pool:
        # The largest first, so that the small ones fill in beside the last large one.
        order = sorted(missing, key=lambda number: (-len(missing[number]), number))
        futures = {number: pool.submit(make, number) for number in order}
    errors = [e for e in (f.exception() for f in futures.values()) if e is not None]
    if errors:
        # Pagefind's own failure first, rather than what it made others fail of.
        raise next((e for e in errors if isinstance(e, FactsheetsError)), errors[0])
    for number, future in futures.items():
        if (bundle := future.result()) is not None:
            made[number] = bundle
    return made


def _run_pagefind(
    binary: Path, options: tuple[str, ...], site: Path, output: Path, root: Path
) -> str:
    """Pagefind over `site` into `output`; what it printed (warnings), else raises.

    Run from the project folder: Pagefind reads its own pagefind.yml there, if any."""
    command = [str(binary), "--site", str(site), "--output-path", str(output), *options, "--quiet"]
    result = _run(command, root)
    printed = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
    if result.returncode != 0 or not (output / "pagefind-entry.json").is_file():
        raise PagefindFailed(result.returncode, printed)
    return printed


def _pagefind() -> Path:
    """Pagefind's binary, as `python -m pagefind` finds it (its wheel, or
    PAGEFIND_BINARY_PATH)."""
    if importlib.util.find_spec("pagefind") is not None:
        from pagefind.service import get_executable

        if (binary := get_executable()) is not None:
            return binary
    raise FactsheetsError(
        "Pagefind is not installed, so the site has no search index: "
        'run `pip install "pagefind[bin]"` (or `make site`).'
    )


def _version(binary: Path) -> str:
    """Which Pagefind: its binary's name (the extended one indexes some languages
    differently) and digest, which differs from one version to the next. Part of every
    bundle's key; cheaper than running it (`--version`), and exact."""
    try:
        digest = hashlib.sha256(binary.read_bytes()).hexdigest()
    except OSError as error:
        raise FactsheetsError(
            f"the search index failed: could not read Pagefind's binary {binary}: "
            f"{error.strerror or error}."
        ) from None
    return f"{binary.name} {digest}"


def _run(command: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, cwd=root, capture_output=True, text=True, errors="replace")
    except OSError as error:
        raise FactsheetsError(
            f"the search index failed: could not run {command[0]}: {error.strerror or error}."
        ) from None
