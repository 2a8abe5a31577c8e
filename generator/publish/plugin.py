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

import contextlib
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from mkdocs.commands.build import get_context
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..common import workers
from . import reuse, store
from .handover import (
    Converted,
    PrebuiltPages,
    Recorder,
    Records,
    SkippedPages,
    as_converted,
    captured,
    compact_theme,
    digest,
    install,
    page_of,
    replay,
    resolve_alike,
)
from .links import file_urls, to_file_urls

log = logging.getLogger("mkdocs.plugins.factsheets")

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
    reuse = c.Type(bool, default=True)
    """Keep each page's conversion and HTML in `.factsheets/site/`, and reuse them in the
    next build when nothing that reaches them changed (`reuse.py`)."""


STANDARD_CONTEXT = frozenset(
    {
        "nav",
        "pages",
        "base_url",
        "extra_css",
        "extra_javascript",
        "mkdocs_version",
        "build_date_utc",
        "config",
        "page",
    }
)
"""What MkDocs' `get_context` gives every page's template: the rest of a page's context
comes from plugins' `on_page_context`, and goes into its key."""


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
        self._prebuilt: PrebuiltPages | None = None
        self._reconverted: list[str] = []
        """Pages whose Markdown a plugin changed after the workers converted it."""
        self._file_urls: dict[str, str] | None = None
        """With file URLs: each page's URL by its directory URL (`file_urls`)."""
        self._store: store.Store | None = None
        self._entries: dict[str, str] = {}
        """Where each page's conversion is kept (`reuse.conversion_entry`)."""
        self._reused: set[str] = set()
        """Pages whose kept conversion this build took."""
        self._page_keys: dict[str, str] = {}
        """The key of each page whose HTML this build renders, to keep it under."""
        self._skipped = SkippedPages()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._serve = command == "serve"
        self._dirty = dirty

    @event_priority(-100)  # last: after any plugin that adds or removes pages
    def on_nav(self, nav: Any, /, *, config: Any, files: Files) -> Any:
        self._converted = {}
        self._reconverted = []
        self._nav = nav
        self._entries, self._reused, self._page_keys = {}, set(), {}
        pages = [
            file.src_uri
            for file in files.documentation_pages()
            if file.page is not None and self._to_build(file)
        ]
        self._store = self._open_store(config)
        if self._store is not None:
            pages = self._kept_conversions(pages, config, files)
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

    def _open_store(self, config: Any) -> store.Store | None:
        """The kept pages of this site, unless something forbids reusing them."""
        if not self.config.reuse or not config.config_file_path:
            return None
        why = reuse.refusal(config)
        if why:
            log.info("factsheets: no page is reused from the last build: %s.", why)
            return None
        folder = Path(config.config_file_path).parent / reuse.CACHE
        try:
            return store.Store(folder)
        except (OSError, sqlite3.Error) as error:
            log.warning("factsheets: no page is reused: %s cannot be used: %s.", folder, error)
            return None

    def _kept_conversions(self, pages: list[str], config: Any, files: Files) -> list[str]:
        """Takes the kept conversion of each page that has one still valid; the others."""
        assert self._store is not None
        try:
            key = reuse.conversion_key(config)
        except reuse.Unstable as error:
            log.info("factsheets: no page is reused: a Markdown setting changes: %s.", error)
            return pages
        left = []
        seen: dict[str, tuple[str, bool] | None] = {}
        for src_uri in pages:
            file = files.get_file_from_path(src_uri)
            source = None if file is None else reuse.source_digest(file)
            if file is None or source is None:
                left.append(src_uri)
                continue
            self._entries[src_uri] = entry = reuse.conversion_entry(key, file, source)
            kept = self._store.load_conversion(entry)
            if isinstance(kept, Converted) and resolve_alike(kept.links, files, seen):
                self._converted[src_uri] = kept
                self._reused.add(src_uri)
            else:
                left.append(src_uri)
        return left

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: Any, files: Files) -> str:
        converted = self._converted.pop(page.file.src_uri, None)
        if converted is not None or page.file.src_uri in self._entries:
            # An instance attribute shadows the method for this one call. The Markdown is
            # compared there, not here: a hook of the same priority may run after this one.
            page.render = lambda config, files: self._render(page, converted, config, files)  # type: ignore[method-assign]
        return markdown

    def _render(self, page: Page, converted: Converted | None, config: Any, files: Files) -> None:
        """Converts the page as `Page.render`, with the worker's (or the last build's)
        result if it converted this very Markdown; keeps a new conversion."""
        del page.render  # the page's own method again, for this and the next build
        src_uri = page.file.src_uri
        entry = self._entries.get(src_uri)
        if page.markdown is not None and converted and digest(page.markdown) == converted.digest:
            install(page, converted, files)
            if self._store is not None and entry and src_uri not in self._reused:
                self._store.keep_conversion(entry, converted)
            return
        self._reused.discard(src_uri)
        if converted is not None:
            self._reconverted.append(src_uri)
        if self._store is None or entry is None or page.markdown is None:
            page.render(config, files)
            return
        markdown, recorder = page.markdown, Recorder(files)
        with captured() as records:
            page.render(config, recorder)  # type: ignore[arg-type]
        replay(records)
        self._store.keep_conversion(entry, as_converted(page, markdown, records, recorder.links))

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
        kept = self._kept_pages(pages, config, files, doc_files) if self._store else {}
        pages = [src_uri for src_uri in pages if src_uri not in kept]
        results: Iterator[tuple[str, str, str | None, Records]] = iter(())
        count = self._workers(len(pages))
        why = _unsafe_to_render(config, self.on_env) if count >= 2 else None
        if why:
            log.info("factsheets: MkDocs renders the page templates itself: %s.", why)
        if count >= 2 and not why:
            global _page_job
            _page_job = (config, self._nav, files, doc_files, env)
            try:
                self._pool = workers.fork_pool(count, "rendering page templates", NOT_BUILT)
            finally:
                _page_job = None
            # Ordered and lazy: the main process writes pages while the workers render.
            chunks = max(1, min(16, len(pages) // (count * 16)))
            results = self._pool.map(_build_page, pages, chunks)
        elif not kept:
            return env
        self._prebuilt = PrebuiltPages(env, pages if self._pool else [], results)
        self._prebuilt.kept, self._prebuilt.store = kept, self._store
        self._skipped.attach(self._prebuilt.placed)
        return self._prebuilt

    def _kept_pages(
        self, pages: list[str], config: Any, files: Files, doc_files: Sequence[File]
    ) -> dict[str, str]:
        """The key of each page whose HTML the last build kept; notes the others' keys."""
        assert self._store is not None
        try:
            site = reuse.render_key(config, self._nav, doc_files)
        except reuse.Unstable as error:
            log.info("factsheets: no page's HTML is reused: a setting changes: %s.", error)
            return {}
        keys = {}
        for src_uri in pages:
            page = page_of(files, src_uri)
            # The context as MkDocs' loop will make it: `reuse.refusal` let through only
            # plugins whose `on_page_context` is a function of the page and the site.
            context = get_context(self._nav, doc_files, config, page)
            context = config.plugins.on_page_context(
                context, page=page, config=config, nav=self._nav
            )
            extra = {name: value for name, value in context.items() if name not in STANDARD_CONTEXT}
            key = reuse.page_key(site, page, page.meta.get("template", "main.html"), extra)
            if key is not None:
                keys[src_uri] = key
        found = self._store.kept_pages(keys.values())
        self._page_keys = {src_uri: key for src_uri, key in keys.items() if key not in found}
        return {src_uri: key for src_uri, key in keys.items() if key in found}

    @event_priority(-100)  # last: the page as MkDocs writes it is the one kept
    def on_post_page(self, output: str, /, *, page: Page, config: Any) -> str:
        src_uri = page.file.src_uri
        prebuilt = self._prebuilt
        if prebuilt is not None and src_uri in prebuilt.placed:
            return output  # the kept page is in place: MkDocs writes nothing
        if prebuilt is None or src_uri not in prebuilt.compacted:  # else a worker did it
            output = compact_theme(output)
        key = (prebuilt.kept_again.pop(src_uri, None) if prebuilt else None) or (
            self._page_keys.pop(src_uri, None)
        )
        logged = prebuilt is not None and src_uri in prebuilt.logged
        if self._store is not None and key and output.strip() and not logged:
            self._store.keep_page(key, output.encode("utf-8", errors="xmlcharrefreplace"))
        return output

    def on_post_build(self, *, config: Any) -> None:
        if self._reconverted:
            pages = self._reconverted
            listed = ", ".join(pages[:5]) + (
                f" and {len(pages) - 5:,} more" if len(pages) > 5 else ""
            )
            log.info(
                "factsheets: MkDocs converted %s itself, whose Markdown a plugin changed "
                "after it was converted ahead: %s.",
                "1 page" if len(pages) == 1 else f"{len(pages):,} pages",
                listed,
            )
        if self._store is not None:
            log.info(
                "factsheets: reused %s conversions and %s pages kept by earlier builds in %s.",
                f"{self._store.reused['conversions']:,}",
                f"{self._store.reused['pages']:,}",
                self._store.root,
            )
            # A dirty build leaves most pages, and their entries, alone.
            self._store.close(prune=not self._dirty)
        self._reconverted = []
        self._converted = {}
        self._nav = None
        self._prebuilt = None
        self._file_urls = None
        self._store = None
        self._skipped.detach()
        self._close()

    def on_build_error(self, *, error: Exception) -> None:
        self._file_urls = None
        if self._store is not None:
            # What it kept is right all the same; the build's own error is the one to tell.
            with contextlib.suppress(Exception):
                self._store.close(prune=False)
        self._store = None
        self._skipped.detach()
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
    page = page_of(files, src_uri)
    name = page.meta.get("template", "main.html")
    with captured() as records:
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


def _convert(src_uri: str) -> tuple[str, Converted | None]:
    """In a worker: read and convert one page, capturing what it logs."""
    assert _job is not None
    config, files = _job
    page = page_of(files, src_uri)
    recorder = Recorder(files)
    with captured() as records:
        config._current_page = page
        try:
            page.read_source(config)
            markdown = page.markdown
            page.render(config, recorder)  # type: ignore[arg-type]
        except Exception:  # converted again in the main process, which reports it properly
            return src_uri, None
        finally:
            config._current_page = None
    if markdown is None or page.content is None:  # MkDocs always sets both
        return src_uri, None
    converted = as_converted(page, markdown, records, recorder.links)
    page.markdown = page.content = None  # the worker keeps nothing it has sent
    return src_uri, converted
