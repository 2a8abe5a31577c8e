"""The `factsheets` MkDocs plugin: builds pages on every CPU core.

MkDocs builds pages one after another. On a site of ten thousand fact sheets,
converting Markdown to HTML is two thirds of the build and rendering the theme's page
template most of the rest. This plugin does both in forked worker processes and hands
each result to MkDocs' own loops, so every plugin hook still runs, in order, in the
main process.

1. Conversion (`on_nav`, before MkDocs reads the pages). Correctness does not depend
   on guessing what other plugins do to the Markdown: a result is used only when the
   Markdown MkDocs converts (checked as it converts, after every `on_page_markdown`
   hook, whatever its priority) is exactly the text the worker converted; otherwise
   the page is converted as usual. What a conversion does besides its HTML would stay
   in the worker, so MkDocs converts every page itself when a plugin added a Markdown
   extension of its own (mkdocs-autorefs records every heading it converts) or changes
   the navigation after this plugin (`-v` says why).
2. Page templates (`on_env`, once every page is read and converted). A worker renders
   a page's template the way MkDocs' `_build_page` does, with the same context and
   `on_page_context` hooks; the main process still runs those hooks, `on_post_page`
   and the write. A plugin could keep state that changes from one page's build to the
   next, which a worker forked before the loop would not see, so this step runs only
   when every other plugin (or `hooks:` file) is one known not to (`PAGE_SAFE_PLUGINS`)
   or has no hook in that loop (`PAGE_LOOP_EVENTS`), and none changes the Jinja
   environment after this plugin.

A worker that dies (killed for lack of memory, say) fails the build at once.

The plugin also folds the blank space the theme's templates leave between the lines of
every page (`compact_theme`), and, in a build with file URLs (`use_directory_urls:
false`, as `factsheets build --offline` makes), rewrites the links raw HTML wrote for
directory URLs (`file_urls`).

Warnings a worker logs (broken links, say) are logged again by the main process when
the page is reached, so `--strict` counts them and they appear in page order.

It relies on what `Page.render` sets in MkDocs 1.6 (`pyproject.toml` pins `mkdocs<2`),
and `tests/publish/test_plugin.py` checks that a site built with and without it is
byte-identical.
"""

from __future__ import annotations

import hashlib
import html
import logging
import posixpath
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from mkdocs.commands.build import get_context
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents
from mkdocs.utils import get_relative_url

from ..common import workers

log = logging.getLogger("mkdocs.plugins.factsheets")
_MKDOCS_LOGGER = Page.__module__.partition(".")[0]
"""The logger above all that MkDocs logs: "mkdocs", or "properdocs" when ProperDocs runs
(its `mkdocs.*` modules are its own `properdocs.*`, and "mkdocs" logs through it)."""

MIN_PAGES = 200
"""Below this many pages, forking workers costs more than it saves."""

PAGE_SAFE_PLUGINS = frozenset({"factsheets", "material/tags", "tags", "material/search", "search"})
"""Plugins whose page hooks do not depend on the pages built before: with only these
(and plugins with no hook in `PAGE_LOOP_EVENTS`), page templates can be rendered ahead
of MkDocs' loop."""

PAGE_LOOP_EVENTS = ("pre_page", "page_context", "post_page")
"""The events MkDocs runs for each page in its loop over page templates."""

NOT_BUILT = "the site was not built"


# MkDocs' own classes are untyped: subclassing them calls untyped code.
class ParallelConfig(Config):  # type: ignore[no-untyped-call]
    workers = c.Optional(c.Type(int))
    """Worker processes; default: the CPU cores this process may use. 1 turns it off."""


Records = list[tuple[str, int, str]]
"""(logger, level, message) of everything a worker logged for one page."""


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


# The workers' view of the build, inherited through fork rather than pickled.
_job: tuple[Any, Files] | None = None
"""For conversion: the config and the files."""
_page_job: tuple[Any, Any, Files, Sequence[File], Any] | None = None
"""For page templates: the config, the navigation, the files, the pages MkDocs builds
and the Jinja environment."""


class ParallelRender(BasePlugin[ParallelConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self._serve = False
        self._dirty = False
        self._converted: dict[str, Converted] = {}
        self._nav: Any = None
        self._pool: workers.Workers | None = None
        self._prebuilt: _PrebuiltPages | None = None
        self._reconverted: list[str] = []
        """Pages whose Markdown a plugin changed after the workers converted it."""
        self._file_urls: dict[str, str] | None = None
        """With file URLs: each page's URL by its directory URL (`file_urls`)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._serve = command == "serve"
        self._dirty = dirty

    @event_priority(-100)  # last: after any plugin that adds or removes pages
    def on_nav(self, nav: Any, /, *, config: Any, files: Files) -> Any:
        self._converted = {}
        self._reconverted = []
        self._nav = nav
        pages = [
            file.src_uri
            for file in files.documentation_pages()
            if file.page is not None and self._to_build(file)
        ]
        count = self._workers(len(pages))
        if count < 2:
            return nav
        why = _unsafe_to_convert(config, self.on_nav)
        if why:
            log.info("factsheets: MkDocs converts the pages to HTML itself: %s.", why)
            return nav
        global _job
        _job = (config, files)
        try:
            with workers.fork_pool(count, "converting pages to HTML", NOT_BUILT) as pool:
                chunks = max(1, min(64, len(pages) // (count * 8)))
                for src_uri, converted in pool.map(_convert, pages, chunks):
                    if converted is not None:
                        self._converted[src_uri] = converted
        except workers.WorkerDied as error:
            raise PluginError(error.message) from None
        finally:
            _job = None
        return nav

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: Any, files: Files) -> str:
        converted = self._converted.pop(page.file.src_uri, None)
        if converted is not None:
            # An instance attribute shadows the method for this one call. The Markdown is
            # compared there, not here: a hook of the same priority may run after this one.
            page.render = lambda config, files: self._render(page, converted, config, files)  # type: ignore[method-assign]
        return markdown

    def _render(self, page: Page, converted: Converted, config: Any, files: Files) -> None:
        """Converts the page as `Page.render`, with the worker's result if it converted
        this very Markdown."""
        del page.render  # the page's own method again, for this and the next build
        if page.markdown is not None and _digest(page.markdown) == converted.digest:
            _install(page, converted, files)
            return
        self._reconverted.append(page.file.src_uri)
        page.render(config, files)

    @event_priority(-100)  # last: links other plugins wrote in the HTML too
    def on_page_content(self, content: str, /, *, page: Page, config: Any, files: Files) -> str:
        if config.use_directory_urls:
            return content
        if self._file_urls is None:  # once per build: no page is added after the nav
            self._file_urls = file_urls(files)
        return to_file_urls(content, page.file, self._file_urls)

    @event_priority(-100)  # last: the environment as every other plugin left it
    def on_env(self, env: Any, /, *, config: Any, files: Files) -> Any:
        # The pages MkDocs' loop builds, in its order, as `build()` lists them.
        inclusion = InclusionLevel.is_in_serve if self._serve else InclusionLevel.is_included
        doc_files = files.documentation_pages(inclusion=inclusion)
        pages = [
            file.src_uri
            for file in doc_files
            if file.page is not None
            and file.page.content is not None
            and not file.inclusion.is_excluded()  # type: ignore[no-untyped-call]  # drafts are marked as built
            and self._to_build(file)
        ]
        count = self._workers(len(pages))
        if count < 2:
            return env
        why = _unsafe_to_render(config, self.on_env)
        if why:
            log.info("factsheets: MkDocs renders the page templates itself: %s.", why)
            return env
        global _page_job
        _page_job = (config, self._nav, files, doc_files, env)
        try:
            self._pool = workers.fork_pool(count, "rendering page templates", NOT_BUILT)
        finally:
            _page_job = None
        # Ordered and lazy: the main process writes pages while the workers render.
        chunks = max(1, min(16, len(pages) // (count * 16)))
        self._prebuilt = _PrebuiltPages(env, pages, self._pool.map(_build_page, pages, chunks))
        return self._prebuilt

    def on_post_page(self, output: str, /, *, page: Page, config: Any) -> str:
        if self._prebuilt is not None and page.file.src_uri in self._prebuilt.compacted:
            return output  # a worker did it
        return compact_theme(output)

    def on_post_build(self, *, config: Any) -> None:
        if self._reconverted:
            pages = self._reconverted
            listed = ", ".join(pages[:5]) + (
                f" and {len(pages) - 5:,} more" if len(pages) > 5 else ""
            )
            log.info(
                "factsheets: MkDocs converted %s itself, whose Markdown a plugin changed "
                "after the workers converted it: %s.",
                "1 page" if len(pages) == 1 else f"{len(pages):,} pages",
                listed,
            )
        self._reconverted = []
        self._converted = {}
        self._nav = None
        self._prebuilt = None
        self._file_urls = None
        self._close()

    def on_build_error(self, *, error: Exception) -> None:
        self._file_urls = None
        self._close()

    def on_shutdown(self) -> None:
        self._close()

    def _to_build(self, file: Any) -> bool:
        """Whether MkDocs builds this page: `--dirty` skips those not modified."""
        return not self._dirty or file.is_modified()

    def _workers(self, pages: int) -> int:
        """How many workers to fork for this many pages; fewer than 2 means none."""
        count = workers.count(pages, MIN_PAGES)
        return count if count < 2 else self.config.workers or count

    def _close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


class _PrebuiltPages:
    """The Jinja environment as MkDocs' page loop sees it while workers render pages.

    Its templates return a worker's output for the page in the context, if a worker
    rendered that page with that template; anything else (the 404 page, the sitemap, a
    page a worker failed on) is rendered by the real template, as usual.
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

    def __getattr__(self, name: str) -> Any:
        return getattr(self._env, name)

    def get_template(self, name: str, *args: Any, **kwargs: Any) -> _Template:
        return _Template(self, self._env.get_template(name, *args, **kwargs), name)

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
    def __init__(self, pages: _PrebuiltPages, template: Any, name: str) -> None:
        self._pages = pages
        self._template = template
        self._name = name

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)

    def render(self, context: Any) -> str:
        page = context.get("page")
        result = None if page is None else self._pages.take(page.file.src_uri)
        if result is not None:
            name, output, records = result
            if name == self._name and output is not None:
                _replay(records)
                self._pages.compacted.add(page.file.src_uri)
                return output
        rendered: str = self._template.render(context)
        return rendered


def _unsafe_to_convert(config: Any, on_nav: Any) -> str | None:
    """Why converting pages in workers could build another site than MkDocs would."""
    for extension in config.markdown_extensions:
        # Extensions named in mkdocs.yml are made anew for each page; an object added by
        # a plugin lives on, and may keep what it converts (in the worker's copy).
        if not isinstance(extension, str):
            kind = type(extension)
            return f"a plugin added the Markdown extension {kind.__module__}.{kind.__qualname__}"
    return _handled_after(config, "nav", on_nav)


def _unsafe_to_render(config: Any, on_env: Any) -> str | None:
    """Why rendering page templates in workers could build another site than MkDocs
    would."""
    for name, plugin in config.plugins.items():
        if name in PAGE_SAFE_PLUGINS:
            continue
        events = [f"on_{event}" for event in PAGE_LOOP_EVENTS if hasattr(plugin, f"on_{event}")]
        if events:
            return f"{_described(name)} has {' and '.join(events)}, which may keep state"
    return _handled_after(config, "env", on_env)


def _handled_after(config: Any, event: str, ours: Any) -> str | None:
    """Which plugins (or hooks) handle `event` after this one, if any do: what they do
    then, the workers, forked by then, would not see."""
    handlers: list[Any] = config.plugins.events[event]
    origins: dict[Any, str] = getattr(config.plugins, "_event_origins", {})
    later = handlers[handlers.index(ours) + 1 :] if ours in handlers else []
    if not later:
        return None
    names = sorted({_described(origins.get(handler, "?")) for handler in later})
    return (
        f"{' and '.join(names)} handle{'s' if len(names) == 1 else ''} on_{event} after factsheets"
    )


def _described(name: str) -> str:
    """A plugin's name as messages show it: hooks are named by their file."""
    return f"the hook {name}" if name.endswith(".py") else f"the plugin {name}"


def _build_page(src_uri: str) -> tuple[str, str, str | None, Records]:
    """In a worker: render one page's template as MkDocs' `_build_page` does."""
    assert _page_job is not None
    config, nav, files, doc_files, env = _page_job
    page = _page_of(files, src_uri)
    name = page.meta.get("template", "main.html")
    with _captured() as records:
        page.active = True
        config._current_page = page
        try:
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(name)
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            output = compact_theme(template.render(context))
        except Exception:  # built again in the main process, which reports it properly
            output = None
        finally:
            page.active = False
            config._current_page = None
    return src_uri, name, output, records


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


# --- file URLs ------------------------------------------------------------------------
#
# MkDocs rewrites the links of Markdown (`[x](../y.md)`) for the URLs it gives pages, but
# not those in raw HTML, which the page's author writes by hand: ours (the drawings of
# `pages/drawings.py`, the index pages' and the Search page's) are written for directory
# URLs, MkDocs' default, where `actors/x.md` is at `actors/x/`. Built with file URLs it
# is at `actors/x.html`, one folder up, and a folder's page at `actors/index.html`: a
# link written for directory URLs that leads to a page is rewritten to the page's file,
# relative to where the page now is. Nothing else is touched: a link MkDocs rewrote
# never ends in `/`, and any other link (a data file, an anchor, another site) is left
# as written.

_LINK = re.compile(
    r"""(\s(?:xlink:)?(?:href|src)=)(?:"([^"?#]*/)([?#][^"]*)?"|'([^'?#]*/)([?#][^']*)?')"""
)
"""A link in HTML whose path ends in `/`, as a directory URL's does: an `href` or `src`
attribute (SVG's `xlink:href` too), in either quotes; its path, then its query or
fragment if any. (Only these: the pages' many other links cost no call.)"""

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def file_urls(files: Files) -> dict[str, str]:
    """Each page's URL with file URLs (`actors/x.html`, `actors/index.html`) by the one
    it would have with directory URLs (`actors/x/`, `actors/`; the home page's is ``),
    unquoted."""
    urls = {}
    for file in files.documentation_pages():
        directory_url = _directory_url(file)
        if directory_url is not None:
            urls[directory_url] = file.url
    return urls


def to_file_urls(html_text: str, file: File, urls: dict[str, str]) -> str:
    """The page's HTML with each relative link written for directory URLs that leads to a
    page of the site (`urls`, from `file_urls`) rewritten to that page's file, relative
    to this page's file (`file.url`)."""
    here = _directory_url(file)
    if here is None:
        return html_text

    def rewrite(found: re.Match[str]) -> str:
        double = found[2] is not None
        path, rest = (found[2], found[3]) if double else (found[4], found[5])
        if path.startswith("/") or _SCHEME.match(path):
            return found[0]
        target = posixpath.normpath(posixpath.join(here, unquote(html.unescape(path))))
        if target == ".." or target.startswith("../"):  # above the site
            return found[0]
        url = urls.get("" if target == "." else f"{target}/")
        if url is None:  # not a page: a folder of files, or a page not built
            return found[0]
        link = html.escape(get_relative_url(url, file.url), quote=True) + (rest or "")
        quote = '"' if double else "'"
        return f"{found[1]}{quote}{link}{quote}"

    return _LINK.sub(rewrite, html_text)


def _directory_url(file: File) -> str | None:
    """Where a page would be with directory URLs (`actors/x/`; the home page ``), as
    `file_urls` keys it; None for a page a plugin gave another kind of file."""
    stem = file.dest_uri.removesuffix(".html")
    if stem == file.dest_uri:
        return None
    folder, _, name = stem.rpartition("/")
    if name == "index":
        return f"{folder}/" if folder else ""
    return f"{stem}/"


def _install(page: Page, converted: Converted, files: Files) -> None:
    _replay(converted.records)
    page.content = converted.content
    page.toc = converted.toc
    page._title_from_render = converted.title
    page.present_anchor_ids = converted.anchor_ids
    if converted.links_to_anchors is not None:
        linked = {uri: files.get_file_from_path(uri) for uri in converted.links_to_anchors}
        page.links_to_anchors = {
            file: converted.links_to_anchors[uri] for uri, file in linked.items() if file
        }


def _page_of(files: Files, src_uri: str) -> Page:
    """The page of a file the build lists as one (a page in the files MkDocs built)."""
    file = files.get_file_from_path(src_uri)
    assert file is not None and file.page is not None
    return file.page


def _convert(src_uri: str) -> tuple[str, Converted | None]:
    """In a worker: read and convert one page, capturing what it logs."""
    assert _job is not None
    config, files = _job
    page = _page_of(files, src_uri)
    with _captured() as records:
        config._current_page = page
        try:
            page.read_source(config)
            markdown = page.markdown
            page.render(config, files)
        except Exception:  # converted again in the main process, which reports it properly
            return src_uri, None
        finally:
            config._current_page = None
    if markdown is None or page.content is None:  # MkDocs always sets both
        return src_uri, None
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
        records=records,
    )
    page.markdown = page.content = None  # the worker keeps nothing it has sent
    return src_uri, converted


@contextmanager
def _captured() -> Iterator[Records]:
    """Collects what MkDocs logs, instead of printing it, while the block runs."""
    capture = _Capture()
    mkdocs_log = logging.getLogger(_MKDOCS_LOGGER)
    handlers, mkdocs_log.handlers = mkdocs_log.handlers, [capture]
    try:
        yield capture.records
    finally:
        mkdocs_log.handlers = handlers


def _replay(records: Records) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, "%s", message)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: Records = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _digest(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8", "surrogatepass")).hexdigest()
