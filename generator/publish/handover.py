"""What the plugin hands over to MkDocs' loops: conversions made ahead (by workers, or
kept by earlier builds), page templates rendered ahead, kept pages put in place.

`plugin.py` decides what is made where; this module holds the pieces that carry the
results across processes and into MkDocs' objects, exactly as `Page.render` and
`_build_page` would have set them.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from ..common import workers
from . import store

_MKDOCS_LOGGER = Page.__module__.partition(".")[0]
"""The logger above all that MkDocs logs: "mkdocs", or "properdocs" when ProperDocs runs
(its `mkdocs.*` modules are its own `properdocs.*`, and "mkdocs" logs through it)."""


Records = list[tuple[str, int, str]]
"""(logger, level, message) of everything a worker logged for one page."""

Links = dict[str, tuple[str, bool] | None]
"""Each path a page's links looked up: the URL of the page there and whether it is left
out of the site, or None where there is none. A kept conversion is reused only if they
all resolve alike."""


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
    records: Records = field(default_factory=list)
    """Everything logged while converting."""
    links: Links = field(default_factory=dict)
    """Every page the conversion's links looked up (`Recorder`)."""


class PrebuiltPages:
    """The Jinja environment as MkDocs' page loop sees it while workers render pages.

    Its templates put the kept page in place (and return nothing, which MkDocs does not
    write) for a page the last build kept (`kept`), and return a worker's output for
    the page in the context, if a worker rendered that page with that template;
    anything else (the 404 page, the sitemap, a page a worker failed on) is rendered by
    the real template, as usual.
    """

    def __init__(
        self, env: Any, pages: list[str], results: Iterator[tuple[str, str, str | None, Records]]
    ) -> None:
        self._env = env
        self._waiting = set(pages)
        self._results = results
        self._ahead: dict[str, tuple[str, str | None, Records]] = {}
        self.compacted: set[str] = set()
        """Pages whose output MkDocs got from a worker, which ran `compact_theme`."""
        self.kept: dict[str, str] = {}
        """The key of each page whose HTML an earlier build kept."""
        self.store: store.Store | None = None
        self.placed: set[str] = set()
        """Pages put in place from the store."""
        self.kept_again: dict[str, str] = {}
        """Kept pages that could not be put in place (deleted since): rendered, and kept."""
        self.logged: set[str] = set()
        """Pages whose rendering logged something, which a kept page would not repeat."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._env, name)

    def get_template(self, name: str, *args: Any, **kwargs: Any) -> _Template:
        return _Template(self, self._env.get_template(name, *args, **kwargs), name)

    def place(self, page: Page) -> bool:
        """Puts the page's kept HTML where MkDocs would write it, if it has some."""
        key = self.kept.pop(page.file.src_uri, None)
        if key is None or self.store is None:
            return False
        if self.store.place(key, page.file.abs_dest_path):
            self.placed.add(page.file.src_uri)
            return True
        self.kept_again[page.file.src_uri] = key
        return False

    def take(self, src_uri: str) -> tuple[str, str | None, Records] | None:
        """The worker's result for this page, if workers render it. They go in MkDocs'
        order, so it is the next result unless a plugin reordered the loop."""
        if src_uri not in self._waiting:
            return None
        self._waiting.remove(src_uri)
        while src_uri not in self._ahead:
            try:
                uri, name, output, records = next(self._results)
            except StopIteration:
                return None
            except workers.WorkerDied as error:
                raise PluginError(error.message) from None
            self._ahead[uri] = (name, output, records)
        return self._ahead.pop(src_uri)


class _Template:
    def __init__(self, pages: PrebuiltPages, template: Any, name: str) -> None:
        self._pages = pages
        self._template = template
        self._name = name

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)

    def render(self, context: Any) -> str:
        page = context.get("page")
        if page is not None and self._pages.place(page):
            return ""
        result = None if page is None else self._pages.take(page.file.src_uri)
        if result is not None:
            name, output, records = result
            if name == self._name and output is not None:
                replay(records)
                self._pages.compacted.add(page.file.src_uri)
                if records:
                    self._pages.logged.add(page.file.src_uri)
                return output
        with captured() as records:
            rendered: str = self._template.render(context)
        replay(records)
        if records and page is not None:
            self._pages.logged.add(page.file.src_uri)
        return rendered


class SkippedPages(logging.Filter):
    """Leaves out MkDocs' "Page skipped" message for the pages put in place from the
    store, for which the plugin's templates return nothing for MkDocs to write."""

    def __init__(self) -> None:
        super().__init__()
        self._placed: set[str] = set()
        self._logger = logging.getLogger(f"{_MKDOCS_LOGGER}.commands.build")

    def attach(self, placed: set[str]) -> None:
        self._placed = placed
        self._logger.addFilter(self)

    def detach(self) -> None:
        self._logger.removeFilter(self)
        self._placed = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Page skipped: '"):
            return message.partition("'")[2].partition("'")[0] not in self._placed
        return True


class Recorder:
    """`Files` as one page's conversion sees them, noting every path its links look up."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self.links: Links = {}

    def get_file_from_path(self, path: str) -> File | None:
        file = self._files.get_file_from_path(path)
        self.links[path] = target(file)
        return file

    def __getattr__(self, name: str) -> Any:
        return getattr(self._files, name)


def target(file: File | None) -> tuple[str, bool] | None:
    return None if file is None else (file.url, bool(file.inclusion.is_excluded()))  # type: ignore[no-untyped-call]


def resolve_alike(links: Links, files: Files, seen: dict[str, tuple[str, bool] | None]) -> bool:
    """Whether every path a kept conversion's links looked up leads where it did (`seen`:
    where each path leads, filled in as pages ask: most link to the same few)."""
    for path, then in links.items():
        if path not in seen:
            seen[path] = target(files.get_file_from_path(path))
        if seen[path] != then:
            return False
    return True


_THEME_BLANKS = re.compile(r"[ \t]*\n\s*")


def compact_theme(html: str) -> str:
    """The page with the theme's indentation and blank lines folded to one line break.

    Material's templates leave them between nearly all of its tags: 2.6 of the 11.7 KB
    of a small fact sheet. Outside `<article>` they never matter (the theme has no
    preformatted text there); inside, what the Markdown made is left exactly as it is,
    and so is a page without an article.
    """
    start = html.find("<article")
    end = html.find("</article>", start)
    if start < 0 or end < 0:
        return html  # not a page of the theme's: nothing is known about it
    head, article, tail = html[:start], html[start:end], html[end:]
    return _THEME_BLANKS.sub("\n", head) + article + _THEME_BLANKS.sub("\n", tail)


def install(page: Page, converted: Converted, files: Files) -> None:
    replay(converted.records)
    page.content = converted.content
    page.toc = converted.toc
    page._title_from_render = converted.title
    page.present_anchor_ids = converted.anchor_ids
    if converted.links_to_anchors is not None:
        linked = {uri: files.get_file_from_path(uri) for uri in converted.links_to_anchors}
        page.links_to_anchors = {
            file: converted.links_to_anchors[uri] for uri, file in linked.items() if file
        }


def page_of(files: Files, src_uri: str) -> Page:
    """The page of a file the build lists as one (a page in the files MkDocs built)."""
    file = files.get_file_from_path(src_uri)
    assert file is not None and file.page is not None
    return file.page


def as_converted(page: Page, markdown: str, records: Records, links: Links) -> Converted:
    """What `Page.render` set on the page, with what it logged and looked up."""
    assert page.content is not None
    return Converted(
        digest=digest(markdown),
        content=page.content,
        toc=page.toc,
        title=page._title_from_render,
        anchor_ids=set(page.present_anchor_ids or ()),
        links_to_anchors=(
            None
            if page.links_to_anchors is None
            else {f.src_uri: links for f, links in page.links_to_anchors.items()}
        ),
        records=records,
        links=links,
    )


@contextmanager
def captured() -> Iterator[Records]:
    """Collects what MkDocs logs, instead of printing it, while the block runs."""
    capture = _Capture()
    mkdocs_log = logging.getLogger(_MKDOCS_LOGGER)
    handlers, mkdocs_log.handlers = mkdocs_log.handlers, [capture]
    try:
        yield capture.records
    finally:
        mkdocs_log.handlers = handlers


def replay(records: Records) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, "%s", message)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: Records = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def digest(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8", "surrogatepass")).hexdigest()
