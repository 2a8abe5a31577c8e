"""The `factsheets` MkDocs plugin: converts pages from Markdown to HTML on every CPU core.

MkDocs converts pages one after another, and on a site of ten thousand fact sheets
Python-Markdown is three quarters of the build. This plugin converts the pages in
forked worker processes before MkDocs' own page loop, and hands each result to that
loop, so every plugin hook still runs in order, in the main process.

Correctness does not depend on guessing what other plugins do: a result is used only
when the Markdown MkDocs is about to convert (after every `on_page_markdown` hook) is
exactly the text the worker converted; otherwise the page is converted as usual.
Warnings a worker logs (broken links, say) are logged again by the main process when
the page is reached, so `--strict` counts them and they appear in page order.

It relies on what `Page.render` sets in MkDocs 1.6 (`pyproject.toml` pins `mkdocs<2`),
and `tests/test_mkdocs_plugin.py` checks that a site built with and without it is
byte-identical.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from dataclasses import dataclass, field
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

log = logging.getLogger("mkdocs.plugins.factsheets")

MIN_PAGES = 200
"""Below this many pages, forking workers costs more than it saves."""


class ParallelConfig(Config):
    workers = c.Optional(c.Type(int))
    """Worker processes; default: the CPU cores this process may use. 1 turns it off."""


@dataclass
class Converted:
    """What `Page.render` produced for one page, in a form that crosses processes."""

    digest: str
    """sha256 of the Markdown that was converted."""
    content: str
    toc: TableOfContents
    title: str | None
    anchor_ids: set[str]
    links_to_anchors: dict[str, dict[str, str]] | None
    """Keyed by the linked file's src_uri: File objects do not survive pickling."""
    records: list[tuple[str, int, str]] = field(default_factory=list)
    """(logger, level, message) of everything logged while converting."""


# The worker's view of the build, inherited through fork rather than pickled.
_job: tuple[Any, Files] | None = None


class ParallelRender(BasePlugin[ParallelConfig]):
    def __init__(self) -> None:
        self._dirty = False
        self._converted: dict[str, Converted] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._dirty = dirty

    @event_priority(-100)  # last: after any plugin that adds or removes pages
    def on_nav(self, nav: Any, /, *, config: Any, files: Files) -> Any:
        self._converted = {}
        workers = self.config.workers or _usable_cores()
        pages = [
            file.src_uri
            for file in files.documentation_pages()
            if file.page is not None and not (self._dirty and not file.is_modified())
        ]
        if (
            workers < 2
            or len(pages) < MIN_PAGES
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return nav
        global _job
        _job = (config, files)
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(workers) as pool:
                chunks = max(1, min(64, len(pages) // (workers * 8)))
                for src_uri, converted in pool.imap_unordered(_convert, pages, chunks):
                    if converted is not None:
                        self._converted[src_uri] = converted
        finally:
            _job = None
        return nav

    @event_priority(-100)  # last: the Markdown as MkDocs will convert it
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: Any, files: Files) -> str:
        converted = self._converted.pop(page.file.src_uri, None)
        if converted is not None and converted.digest == _digest(markdown):
            # An instance attribute shadows the method for this one call.
            page.render = lambda config, files: _install(page, converted, files)  # type: ignore[method-assign]
        return markdown

    def on_post_build(self, *, config: Any) -> None:
        self._converted = {}


def _install(page: Page, converted: Converted, files: Files) -> None:
    del page.render  # the page's own method again, for the next build (`mkdocs serve`)
    for name, level, message in converted.records:
        logging.getLogger(name).log(level, "%s", message)
    page.content = converted.content
    page.toc = converted.toc
    page._title_from_render = converted.title
    page.present_anchor_ids = converted.anchor_ids
    if converted.links_to_anchors is not None:
        page.links_to_anchors = {
            files.get_file_from_path(src_uri): links
            for src_uri, links in converted.links_to_anchors.items()
        }


def _convert(src_uri: str) -> tuple[str, Converted | None]:
    """In a worker: read and convert one page, capturing what it logs."""
    assert _job is not None
    config, files = _job
    page = files.get_file_from_path(src_uri).page
    capture = _Capture()
    mkdocs_log = logging.getLogger("mkdocs")
    handlers, mkdocs_log.handlers = mkdocs_log.handlers, [capture]
    config._current_page = page
    try:
        page.read_source(config)
        markdown = page.markdown
        page.render(config, files)
    except Exception:  # converted again in the main process, which reports it properly
        return src_uri, None
    finally:
        mkdocs_log.handlers = handlers
        config._current_page = None
    converted = Converted(
        digest=_digest(markdown),
        content=page.content,
        toc=page.toc,
        title=page._title_from_render,
        anchor_ids=set(page.present_anchor_ids or ()),
        links_to_anchors=(
            None
            if page.links_to_anchors is None
            else {f.src_uri: links for f, links in page.links_to_anchors.items()}
        ),
        records=capture.records,
    )
    page.markdown = page.content = None  # the worker keeps nothing it has sent
    return src_uri, converted


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _digest(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8", "surrogatepass")).hexdigest()


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return os.cpu_count() or 1
