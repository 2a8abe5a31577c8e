"""What a site build keeps for the next one: each page's HTML, by everything that reaches it.

MkDocs builds every page again on every build; at ten thousand fact sheets that is a
minute and a half, for an edit that changed three pages. The plugin (`plugin.py`) keeps
the two costly results of each page in `.factsheets/site/` (`store.py`), and
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
  MkDocs writes it, and the next build writes it into the site as it is.

Reuse is off, and `-v` says why, whenever something we cannot key could reach a page:
a plugin or hook not known to keep no state between pages (`refusal`), a Markdown
extension that may read other files (`SAFE_EXTENSIONS`), or a configuration value that
has no stable description. Deleting `.factsheets/site/` is always safe; each complete
build deletes the entries none of the last few used (`store.Store.close`).

A test builds, edits in every way an editor can, builds again, and compares the site
byte for byte with a build from scratch (`tests/publish/test_reuse.py`).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import re
import sys
import sysconfig
from collections.abc import Iterable, Mapping
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
        "theme_files": files_digest(own_dirs),
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
        ours = [
            Path(__file__).with_name(name)
            for name in ("plugin.py", "handover.py", "links.py", "reuse.py")
        ]
        _code = _digest(
            [
                sys.version,
                versions,
                [hashlib.sha256(path.read_bytes()).hexdigest() for path in ours],
            ]
        )
    return _code


def digest_of(value: Any) -> str:
    """sha256 of a value's stable description; `Unstable` if it has none."""
    return _digest(value)


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


def files_digest(folders: list[Path]) -> str:
    """Every file under the folders: its path in its folder, and the digest of its bytes."""
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
