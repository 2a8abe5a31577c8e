"""What a site build keeps for the next one: each page's HTML, by everything that reaches it.

MkDocs builds every page again on every build; at ten thousand fact sheets that is a
minute and a half, for an edit that changed three pages. The plugin (`plugin.py`) keeps
the two costly results of each page in `.factsheets/site/`, beside `mkdocs.yml`, and
reuses them only when nothing that could reach them changed:

- **Conversions** (Markdown to HTML, MkDocs' `Page.render`), keyed by `conversion_key`
  (the Markdown settings, every installed package's version, our plugin's code), the
  page's own file and URL, and the bytes of its source file. A conversion also depends
  on the pages its links lead to (whether each exists, its URL): the links looked up
  while converting are kept with it (`Links`) and must resolve alike for it to be reused.
  The Markdown MkDocs finally converts (after every plugin's `on_page_markdown`) must
  also be the one converted, as for the workers' conversions.
- **Pages** (the theme's template around the HTML), keyed by `render_key`: the whole
  configuration, the theme's own files, the navigation, the versions, and then the
  page's final HTML, table of contents, title, front matter, URLs and anything the
  known plugins added to its template context. The kept file is the page exactly as
  MkDocs writes it, and it is hard-linked into the site (copied where it cannot be).

Reuse is off, and `-v` says why, whenever something we cannot key could reach a page:
a plugin or hook not known to keep no state between pages (`Reuse.refusal`), a Markdown
extension that may read other files (`SAFE_EXTENSIONS`), or a configuration value that
has no stable description. Deleting `.factsheets/site/` is always safe; each complete
build deletes the entries it did not use (`Store.prune`).

A test builds, edits in every way an editor can, builds again, and compares the site
byte for byte with a build from scratch (`tests/publish/test_reuse.py`).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import logging
import os
import pickle
import re
import sqlite3
import sys
import sysconfig
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.theme import Theme

CACHE = Path(".factsheets") / "site"
"""Where the kept conversions and pages go, beside mkdocs.yml."""

SAFE_EXTENSIONS = frozenset(
    {
        # Python-Markdown's own: each reads only the Markdown it is given.
        *(
            f"{prefix}{name}"
            for prefix in ("", "markdown.extensions.")
            for name in [
                "abbr",
                "admonition",
                "attr_list",
                "codehilite",
                "def_list",
                "extra",
                "fenced_code",
                "footnotes",
                "legacy_attrs",
                "legacy_em",
                "md_in_html",
                "meta",
                "nl2br",
                "sane_lists",
                "smarty",
                "tables",
                "toc",
                "wikilinks",
            ]
        ),
        # PyMdown Extensions, but for snippets and b64, which read other files.
        *(
            f"pymdownx.{name}"
            for name in [
                "arithmatex",
                "betterem",
                "blocks.admonition",
                "blocks.details",
                "blocks.html",
                "blocks.tab",
                "caret",
                "critic",
                "details",
                "emoji",
                "escapeall",
                "extra",
                "highlight",
                "inlinehilite",
                "keys",
                "magiclink",
                "mark",
                "progressbar",
                "saneheaders",
                "smartsymbols",
                "striphtml",
                "superfences",
                "tabbed",
                "tasklist",
                "tilde",
            ]
        ),
        "material.extensions.emoji",
    }
)
"""Markdown extensions whose output depends on the Markdown and their settings alone."""

REUSABLE_PLUGINS = frozenset({"factsheets", "material/tags", "tags"})
"""Plugins whose page hooks are pure functions of the page and the site (the tags
plugin's listings are part of the pages' HTML and context, which the keys include)."""

PAGE_EVENTS = (
    "pre_page",
    "page_read_source",
    "page_markdown",
    "page_content",
    "page_context",
    "post_page",
    "env",
)
"""Events through which a plugin reaches a page's HTML."""


NOT_IN_PAGES = frozenset(
    {"site_dir", "strict", "dev_addr", "watch", "config_file_path", "docs_dir"}
)
"""Settings that reach no page: where the site is written, how strictly warnings count,
the preview's address and what it watches, where mkdocs.yml and the pages are (a CI
runner may restore the store in another folder; each page's own text is in its key)."""


class Unstable(Exception):
    """A value with no description that stays the same from one build to the next."""


def refusal(config: Any) -> str | None:
    """Why no page of this build may be reused, if anything forbids it."""
    for name, plugin in config.plugins.items():
        if name in REUSABLE_PLUGINS:
            continue
        events = [f"on_{event}" for event in PAGE_EVENTS if hasattr(plugin, f"on_{event}")]
        if events:
            what = f"the hook {name}" if name.endswith(".py") else f"the plugin {name}"
            return f"{what} has {' and '.join(events)}, which may keep state between pages"
    for extension in config.markdown_extensions:
        name = extension if isinstance(extension, str) else type(extension).__qualname__
        if name not in SAFE_EXTENSIONS:
            return f"the Markdown extension {name} may read more than the page's Markdown"
    return None


# --- keys -----------------------------------------------------------------------------


def conversion_key(config: Any) -> str:
    """What every conversion depends on besides its page: the Markdown settings, the
    link checks, the URL style, whether MkDocs records links to anchors, the code."""
    return _digest(
        {
            "code": code_version(),
            "markdown_extensions": config.markdown_extensions,
            "mdx_configs": config.mdx_configs,
            "validation": config.validation,
            "use_directory_urls": config.use_directory_urls,
            # At debug level MkDocs records no links to anchors (`Page.render`).
            "anchor_links": logging.getLogger("mkdocs").getEffectiveLevel() > logging.DEBUG,
        }
    )


def render_key(config: Any, nav: Navigation, doc_files: Iterable[File]) -> str:
    """What every page's template depends on besides the page: the whole configuration
    (but where the site is written), the theme's own files, the navigation, the code."""
    theme: Theme = config.theme
    own_dirs = [Path(folder) for folder in theme.dirs if not _installed(Path(folder))]
    settings = {key: value for key, value in config.items() if key not in NOT_IN_PAGES}
    parts: dict[str, Any] = {
        "code": code_version(),
        "config": settings,
        "theme_files": _files_digest(own_dirs),
        "nav": _nav(nav),
    }
    rendered_anew = set(theme.static_templates)
    if any(_mentions_every_page(folder, rendered_anew) for folder in own_dirs):
        # A template of the site's own that lists every page (`pages` in its context).
        parts["pages"] = [(file.src_uri, file.url) for file in doc_files]
    return _digest(parts)


def page_key(site: str, page: Page, template: str, extra: Mapping[str, Any]) -> str | None:
    """The key of one page's HTML, from the build's `render_key` (`site`); None when
    something in its context has no stable description."""
    try:
        return _digest(
            {
                "site": site,
                "template": template,
                "file": (page.file.src_uri, page.file.dest_uri, page.file.inclusion.name),
                "urls": (page.url, page.canonical_url, page.abs_url, page.edit_url),
                "title": page.title,
                "meta": page.meta,
                "content": hashlib.sha256(
                    (page.content or "").encode("utf-8", "surrogatepass")
                ).hexdigest(),
                "toc": _toc(page.toc),
                "context": extra,
            }
        )
    except Unstable:
        return None


def source_digest(file: File) -> str | None:
    """sha256 of a page's source file, None if it cannot be read."""
    if file.abs_src_path is None:  # a page a plugin made, from no file
        return None
    try:
        with open(file.abs_src_path, "rb") as source:
            return hashlib.sha256(source.read()).hexdigest()
    except OSError:
        return None


def conversion_entry(key: str, file: File, source: str) -> str:
    """The name a conversion of this page from this source is kept under."""
    return _digest([key, file.src_uri, file.url, file.inclusion.name, source])


_code: str | None = None


def code_version() -> str:
    """Every installed package's version, and the code of this stage (which an editable
    install changes without a version)."""
    global _code
    if _code is None:
        versions = sorted(
            f"{dist.metadata['Name']}=={dist.version}"
            for dist in importlib.metadata.distributions()
        )
        # The modules that write or change pages' HTML.
        ours = [Path(__file__).with_name(name) for name in ("plugin.py", "links.py", "reuse.py")]
        _code = _digest(
            [
                sys.version,
                versions,
                [hashlib.sha256(path.read_bytes()).hexdigest() for path in ours],
            ]
        )
    return _code


def _digest(value: Any) -> str:
    text = json.dumps(value, default=_stable, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _stable(value: Any) -> Any:
    """A JSON-able description of a value that is the same from one build to the next;
    `Unstable` if there is none (an object described only by where it is in memory)."""
    if isinstance(value, Theme):
        return {
            "name": value.name,
            "dirs": [_portable(d) for d in value.dirs],
            "vars": dict(value.items()),
        }
    if isinstance(value, BasePlugin):
        return {"plugin": _name(type(value)), "config": dict(value.config.items())}
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, type) or callable(value):
        return _name(value)
    if hasattr(value, "__dict__") and not isinstance(value, (Page, File, Files)):
        return {"type": _name(type(value)), "vars": vars(value)}
    text = repr(value)
    if " at 0x" in text:
        raise Unstable(text)
    return {"type": _name(type(value)), "repr": text}


def _name(value: Any) -> str:
    return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"


def _nav(nav: Navigation) -> list[Any]:
    """The navigation as every page's template sees it: titles, URLs, nesting."""

    def item(entry: Any) -> Any:
        if isinstance(entry, Section):
            return ["section", entry.title, [item(child) for child in entry.children]]
        if isinstance(entry, Link):
            return ["link", entry.title, entry.url]
        if isinstance(entry, Page):
            return ["page", entry.title, entry.url, entry.file.src_uri]
        raise Unstable(repr(entry))

    return [item(entry) for entry in nav.items]


def _toc(toc: Any) -> Any:
    return [[entry.title, entry.id, entry.level, _toc(entry.children)] for entry in (toc or [])]


def _portable(folder: str) -> str:
    """A theme folder by where it is in its package, or in the project, not on this
    machine: a store restored elsewhere (another CI runner) still serves."""
    path = Path(folder).resolve()
    for root in (*_package_roots(), Path.cwd().resolve()):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.as_posix()


def _package_roots() -> list[Path]:
    return sorted({Path(sysconfig.get_paths()[name]).resolve() for name in ("purelib", "platlib")})


def _installed(folder: Path) -> bool:
    """Whether a theme folder belongs to an installed package (its version keys it)."""
    return any(folder.resolve().is_relative_to(root) for root in _package_roots())


def _files_digest(folders: list[Path]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(os.fsencode(path.relative_to(folder)) + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


_EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_EVERY_PAGE = re.compile(r"(?<![.\w])pages\b")


def _mentions_every_page(folder: Path, rendered_anew: set[str]) -> bool:
    """Whether a page template of the theme's own folder reads `pages`, the list of every
    page MkDocs gives templates (not `nav.pages`, which the navigation's key covers).
    Templates MkDocs renders on every build (`rendered_anew`: the sitemap) do not count."""
    for path in folder.rglob("*"):
        if path.name in rendered_anew or not path.is_file():
            continue
        if path.suffix not in {".html", ".xml", ".j2", ".jinja", ".txt"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if any(_EVERY_PAGE.search(code) for code in _EXPRESSION.findall(text)):
            return True
    return False


# --- the store --------------------------------------------------------------------------

KEPT_BUILDS = 3
"""Entries no complete build among the last this many used are deleted (`Store.prune`):
a build with other settings (`--offline`, the preview's) keeps its own for a while."""


class Store:
    """The kept conversions and pages of a site, in one SQLite database.

    One file, not one per page: at ten thousand pages, creating, renaming and deleting
    files cost more than the work they saved. New entries are written in batches, each
    one short transaction, so that two builds (a preview and `factsheets build`) can
    share the file. Each entry's last use is recorded apart (`prune`).
    """

    def __init__(self, folder: Path) -> None:
        self.root = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._db = _connect(folder / "pages.sqlite")
        with self._db:
            self._db.execute("UPDATE builds SET number = number + 1")
            (self.build,) = self._db.execute("SELECT number FROM builds").fetchone()
        self.broken = False
        """Set when a write failed: nothing more is written."""
        self._writer: ThreadPoolExecutor | None = None
        self._writes: list[Future[None]] = []
        self._slots = threading.BoundedSemaphore(IN_FLIGHT)
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._pending_size = 0
        self.reused = {"conversions": 0, "pages": 0}

    def load_conversion(self, name: str) -> Any | None:
        row = self._read("SELECT value FROM conversions WHERE name = ?", name)
        if row is None:
            return None
        try:
            value = pickle.loads(row[0])
        except Exception:  # noqa: BLE001 - an entry of another version: a miss
            return None
        self._later(_USED, (name, self.build))
        self.reused["conversions"] += 1
        return value

    def keep_conversion(self, name: str, value: Any) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._later("INSERT OR REPLACE INTO conversions VALUES (?, ?)", (name, data))
        self._later(_USED, (name, self.build))

    def kept_pages(self, keys: Iterable[str]) -> set[str]:
        """Those of these keys the store has a page for (one query for them all)."""
        found = self._read(
            "SELECT json_group_array(key) FROM pages WHERE key IN (SELECT value FROM json_each(?))",
            json.dumps(list(keys)),
        )
        return set(json.loads(found[0])) if found else set()

    def place(self, key: str, destination: str) -> bool:
        """Writes the kept page of this key at `destination` (by the writer threads:
        writing thousands of files waits on the disk, not on Python), False if there is
        none. `close` waits for the writes, and raises the first that failed."""
        row = self._read("SELECT html FROM pages WHERE key = ?", key)
        if row is None:
            return False
        if self._writer is None:
            self._writer = ThreadPoolExecutor(WRITERS, thread_name_prefix="factsheets-write")
        self._slots.acquire()  # a bound on the bytes waiting to be written
        self._writes.append(self._writer.submit(self._write_page, row[0], destination))
        self._later(_USED, (key, self.build))
        self.reused["pages"] += 1
        return True

    def _write_page(self, html: bytes, destination: str) -> None:
        try:
            try:
                file = open(destination, "wb")  # noqa: SIM115
            except FileNotFoundError:
                os.makedirs(os.path.dirname(destination), exist_ok=True)
                file = open(destination, "wb")  # noqa: SIM115
            with file:
                file.write(html)
        finally:
            self._slots.release()

    def written(self) -> None:
        """Waits for every page `place` put in place; raises the first write that failed."""
        writes, self._writes = self._writes, []
        for write in writes:
            write.result()

    def keep_page(self, key: str, output: bytes) -> None:
        self._later("INSERT OR REPLACE INTO pages VALUES (?, ?)", (key, output))
        self._later(_USED, (key, self.build))

    def close(self, *, prune: bool) -> None:
        """Writes what is left to write; with `prune`, deletes the entries that none of
        the last `KEPT_BUILDS` complete builds used."""
        try:
            self.written()
        finally:
            if self._writer is not None:
                self._writer.shutdown(cancel_futures=True)
                self._writer = None
        self._flush()
        if prune and not self.broken:
            with contextlib.suppress(sqlite3.Error), self._db:
                old = (self.build - KEPT_BUILDS,)
                for table, key in (("conversions", "name"), ("pages", "key")):
                    self._db.execute(
                        f"DELETE FROM {table} WHERE {key} IN "  # noqa: S608
                        "(SELECT key FROM used WHERE build <= ?)",
                        old,
                    )
                self._db.execute("DELETE FROM used WHERE build <= ?", old)
        self._db.close()

    def _read(self, query: str, key: str) -> Any:
        """The row the query finds, if any; None where the store cannot be read."""
        if self.broken:
            return None
        try:
            return self._db.execute(query, (key,)).fetchone()
        except sqlite3.Error as error:
            self._broke(error)
            return None

    def _broke(self, error: sqlite3.Error) -> None:
        self.broken = True
        logging.getLogger("mkdocs.plugins.factsheets").info(
            "factsheets: the pages kept in %s cannot be used (%s): this build makes them all.",
            self.root,
            error,
        )

    def _later(self, statement: str, values: tuple[Any, ...]) -> None:
        self._pending.append((statement, values))
        self._pending_size += sum(len(value) for value in values if isinstance(value, bytes)) + 64
        if self._pending_size > BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending, self._pending_size = self._pending, [], 0
        if self.broken:
            return
        try:
            with self._db:
                for statement, values in pending:
                    self._db.execute(statement, values)
        except sqlite3.Error as error:  # a full disk, say: the site is built all the same
            self._broke(error)


WRITERS = 2
"""Threads writing kept pages into the site."""
IN_FLIGHT = 512
"""Kept pages read and waiting to be written, at most (about 10 MB at 20 KB a page)."""

BATCH = 32 << 20
"""Bytes of new entries held before they are written: what a build's memory grows by."""

_USED = "INSERT OR REPLACE INTO used VALUES (?, ?)"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS builds (number INTEGER NOT NULL);
INSERT INTO builds SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM builds);
CREATE TABLE IF NOT EXISTS conversions (name TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, html BLOB);
-- The last build that used each entry, apart: updating a row rewrites all of it.
CREATE TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY, build INTEGER) WITHOUT ROWID;
"""


SCHEMA_VERSION = 2
"""The layout of the store's tables: a store of another layout is made anew."""


def _connect(path: Path) -> sqlite3.Connection:
    """The store's database, made if missing, made again if it is not one of ours or
    not of this layout."""
    for attempt in range(2):
        db = sqlite3.connect(path, timeout=120)
        try:
            db.execute("PRAGMA journal_mode = WAL")  # readers do not wait for a writer
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version != SCHEMA_VERSION:
                with db:
                    for (table,) in db.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table'"
                    ).fetchall():
                        db.execute(f'DROP TABLE "{table}"')
                    db.executescript(_SCHEMA)
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            return db
        except sqlite3.DatabaseError:
            db.close()
            if attempt:
                raise
            for torn in (
                path,
                path.with_name(f"{path.name}-wal"),
                path.with_name(f"{path.name}-shm"),
            ):
                with contextlib.suppress(FileNotFoundError):
                    torn.unlink()
    raise AssertionError("unreachable")
