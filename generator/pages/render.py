"""Render the knowledge base into Markdown pages with Jinja2 templates.

Every value printed by a template is escaped unless a helper marked it as Markdown it
built itself (`markup.Md`): escaping is the default, so a template cannot forget it.
What templates call is in `page.py`, made anew for each rendering of each page. A site
overrides any template by putting a file of the same name in its own `templates/`
folder. A long page is cut short as `budget.py` says.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Generic, TypeVar

import jinja2

from ..common import workers
from ..common.progress import Progress, silent
from ..common.project import ABOUT_DIR, CATEGORY_DIRS, DOWNLOADS_DIR, EXPLORE_DIRS, HOME_PAGE, About
from ..knowledge.model import Entity, KnowledgeBase, Source, Statement
from . import budget, labels, meta, overview
from .budget import Budget
from .dating import Dating
from .markup import Md, code, escape, escape_filter, joined, quoted, sentence, shown, url
from .page import Page, PageContext, Shown, SiteData, groups, numbered
from .pictured import Pictured

T = TypeVar("T")

PARALLEL_FROM = 1000
"""Below this many pages, rendering in one process is faster than forking workers."""

Job = Callable[[], tuple[list[Page], Shown]]
"""How to render one page: its pages (itself, then those it continues on) and what it showed."""


@dataclass(frozen=True, slots=True)
class Rendered(Generic[T]):
    """What became of one page of the site."""

    path: str
    """The page's path under `content/`."""
    results: list[T]
    """What the caller's `then` made of the page and of each page it continues on."""
    shown: Shown
    """What the page showed (see `output/incremental.py`)."""


class Renderer:
    """Renders every page of a knowledge base.

    It holds only what every page shares (the templates, `SiteData`) and no page's state,
    so pages can be rendered in any order, in any process.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        site_templates: Path | None = None,
        *,
        about: About | None = None,
        home: bool = False,
    ) -> None:
        self.kb = kb
        self.about = about or About()
        """What the About page says that only the editors know (mkdocs.yml)."""
        self.home = home
        """Whether the home page's "at a glance" section is the generator's to write."""
        loaders: list[jinja2.BaseLoader] = []
        if site_templates is not None and site_templates.is_dir():
            loaders.append(jinja2.FileSystemLoader(site_templates))
        loaders.append(jinja2.PackageLoader("generator.pages", "templates"))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=False,  # Markdown, not HTML: `finalize` escapes instead.
            finalize=escape,  # everything but `markup.Md`, jinja's `Markup` (`|safe`) included
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters.update(labels.FILTERS, quoted=quoted)
        self.env.filters["url"] = url
        self.env.filters["sentence"] = sentence
        self.env.filters["code"] = code
        # A site's template may escape out of habit: `|e` is then our escaping, not HTML's
        # (whose `Markup` would be escaped again, as text, by `finalize`).
        for name in ("e", "escape", "forceescape"):
            self.env.filters[name] = escape_filter
        self.env.filters["join"] = _join
        # Before any page, so that workers rendering pages in parallel do not each make it.
        self.site = SiteData(kb)
        self.downloads: Any = None
        """What the Data page lists (`data.catalogue.Listing`): the pipeline sets it before
        rendering, once it has made the data files (pages do not make data)."""

    @property
    def order(self) -> dict[str, int]:
        """Each event's place in the timeline."""
        return self.site.order

    @cached_property
    def index_pages(self) -> dict[str, str]:
        """The path of each category's index page, by category."""
        return {category: f"{category}/index.md" for category in CATEGORY_DIRS}

    @cached_property
    def explore_pages(self) -> dict[str, str]:
        """The path of the Map, Timeline and Network pages, by kind."""
        return {kind: f"{kind}/index.md" for kind in EXPLORE_DIRS}

    @property
    def downloads_page(self) -> str:
        """The path of the Data page, which lists the downloads and their sizes."""
        return f"{DOWNLOADS_DIR}/index.md"

    @property
    def overview_pages(self) -> list[str]:
        """The About page and, when it is ours, the home page: both count the whole site."""
        return [f"{ABOUT_DIR}/index.md", *([HOME_PAGE] if self.home else [])]

    def paths(self) -> list[str]:
        """The path of every page the site's data makes, sorted.

        The pages long sections continue on are not among them: rendering a page makes
        them, and its `Shown.parts` lists them.
        """
        return list(self._jobs)

    def render(self, path: str) -> tuple[list[Page], Shown]:
        """One page of `paths()`, followed by the pages its long sections continue on,
        and what it showed."""
        return self._jobs[path]()

    def pages(self, progress: Progress = silent, only: set[str] | None = None) -> list[Page]:
        """The pages whose paths are in `only` (default: every page), sorted by path, each
        followed by the pages its long sections continue on."""
        return [page for done in self.each(_itself, progress, only) for page in done.results]

    def each(
        self, then: Callable[[Page], T], progress: Progress = silent, only: set[str] | None = None
    ) -> list[Rendered[T]]:
        """`then` of each page `pages` lists, in its order; `then` runs as soon as the page
        is rendered, in the worker that rendered it, and only its result comes back."""
        wanted = [path for path in self._jobs if only is None or path in only]
        count = workers.count(len(wanted), PARALLEL_FROM)
        if count < 2:
            return [_done(path, self.render(path), then) for path in progress(wanted, "Rendering")]
        global _forked
        _forked = (self, then)
        # The slowest pages first, so that no worker is left with one at the end.
        indexes = set(self.index_pages.values())
        order = sorted(wanted, key=lambda path: path not in indexes)
        done: dict[str, Rendered[T]] = {}
        try:
            with workers.fork_pool(count, "rendering pages") as pool:
                results = pool.map(_render_in_worker, order, chunksize=16)
                for path in progress(order, "Rendering"):
                    done[path] = next(results)
        finally:
            _forked = None
        return [done[path] for path in wanted]

    @cached_property
    def _jobs(self) -> dict[str, Job]:
        """Every page of the site, by path (sorted), and how to render it."""
        kb = self.kb
        jobs: dict[str, Job] = {}
        tables: list[tuple[str, dict[str, Any], str]] = [
            ("actors", kb.actors, "actor.md.j2"),
            ("locations", kb.locations, "location.md.j2"),
            ("events", kb.events, "event.md.j2"),
        ]
        for category, table, template in tables:
            for entity in table.values():
                path = f"{category}/{entity.id}.md"
                jobs[path] = partial(self._fact_sheet, path, category, entity, template)
        for source in kb.sources.values():
            path = f"sources/{source.id}.md"
            jobs[path] = partial(self._source_page, path, source)
        for category, path in self.index_pages.items():
            jobs[path] = partial(self._index_page, path, category)
        for kind, path in self.explore_pages.items():
            jobs[path] = partial(self._explore_page, path, kind)
        jobs[self.downloads_page] = partial(self._downloads_page, self.downloads_page)
        jobs[f"{ABOUT_DIR}/index.md"] = partial(self._about_page, f"{ABOUT_DIR}/index.md")
        if self.home:
            jobs[HOME_PAGE] = self._home_page
        return dict(sorted(jobs.items()))

    def _fact_sheet(
        self, path: str, category: str, entity: Entity, template: str
    ) -> tuple[list[Page], Shown]:
        front = {
            # Material prints the title as it is into <title>, the header and the tags
            # page: as HTML, so it must be escaped as HTML (and only as HTML).
            "title": html.escape(shown(entity.name), quote=False),
            "tags": [labels.kind_label(entity.kind or category)],
            "search": {"boost": 2},
        }
        return self._page(path, template, front, entity.name, budget.fact_sheet(), entity=entity)

    def _source_page(self, path: str, source: Source) -> tuple[list[Page], Shown]:
        title = source.meta.title
        front = {"title": html.escape(shown(title), quote=False), "tags": ["Source"]}
        return self._page(path, "source.md.j2", front, title, budget.fact_sheet(), source=source)

    def _index_page(self, path: str, category: str) -> tuple[list[Page], Shown]:
        title = labels.category_title(category)
        return self._page(path, f"{category}-index.md.j2", {"title": title}, title, budget.INDEX)

    def _explore_page(self, path: str, kind: str) -> tuple[list[Page], Shown]:
        title = labels.explore_title(kind)
        root = "../" * path.count("/")
        return self._page(path, f"{kind}.md.j2", {"title": title}, title, budget.INDEX, root=root)

    def _downloads_page(self, path: str) -> tuple[list[Page], Shown]:
        root = "../" * path.count("/")
        front = {"title": "Data"}
        return self._page(
            path,
            "downloads.md.j2",
            front,
            "Data",
            budget.INDEX,
            root=root,
            downloads=self.downloads,
        )

    def _about_page(self, path: str) -> tuple[list[Page], Shown]:
        """How the site is made, from what it holds and what its editors set."""
        text = self.about.methodology_text()
        return self._page(
            path,
            "about.md.j2",
            {"title": "About"},
            "About",
            budget.INDEX,
            about=self.about,
            report_error=overview.report_link(self.about.report_error),
            # The editors' own Markdown, as trusted as their notes below a page's markers.
            methodology=None if text is None else Md(text.strip()),
            drafts=len(self.site.drafts),
            placed_by=overview.positions(self.kb),
            published=overview.published(self.kb),
        )

    def _home_page(self) -> tuple[list[Page], Shown]:
        """The home page's "at a glance" section: counts, key events, main actors."""
        [home], shown = self._page(
            HOME_PAGE,
            "home.md.j2",
            {},  # (no title: the theme titles the home page with the site's name)
            "Home",
            budget.INDEX,
            key_events=overview.key_events(self.site),
            main_actors=overview.main_actors(self.site),
            placed=len(self.kb.positions),
            published=overview.published(self.kb),
        )
        return [Page(home.path, home.front_matter, overview.at_root(home.body))], shown

    def _page(
        self,
        path: str,
        template: str,
        front: dict[str, Any],
        name: str,
        limits: Budget,
        **context: Any,
    ) -> tuple[list[Page], Shown]:
        """The page, then the pages its long sections continue on (see `PageContext.listing`).

        A page is rendered whole first. One longer than a small page (see `Budget.small`)
        is rendered again with its largest sections cut short (`budget.cuts_to_fit`),
        until it fits its budget.
        `name` heads the pages it continues on.
        """
        cuts: dict[str, int] = {}
        page = PageContext(self.site, path, name, limits, cuts)
        body = self._render(page, template, context)
        cutting = _measured(body) > limits.cut_above
        while cutting and _measured(body) > limits.characters:
            excess = _measured(body) - limits.characters
            new_cuts = budget.cuts_to_fit(page.sections(), cuts, excess, limits.rows_shown)
            if new_cuts == cuts:
                break  # every long section is cut as far as it goes: as small as it gets
            cuts = new_cuts
            page = PageContext(self.site, path, name, limits, cuts)
            body = self._render(page, template, context)
        if cuts:
            # Once more, now making the pages the cut sections continue on: most of the
            # work for a large page, and wasted on the cuts that did not fit.
            page = PageContext(self.site, path, name, limits, cuts, making_parts=True)
            body = self._render(page, template, context)
        entity, source = context.get("entity"), context.get("source")
        # What the page's <head> says of it (`meta.py`), from this rendering (which knows
        # what its sections listed) and before any notice goes above its opening paragraph.
        if entity is not None:
            front = {**front, **meta.fact_sheet(page, entity)}
        elif source is not None:
            front = {**front, **meta.source_page(source)}
        else:
            front = {**front, **meta.index_page(body)}
        notice = page.unreviewed(page.shown.sources, source.id if source else None)
        if notice:  # under the title, which every page opens with
            title, _, rest = body.partition("\n")
            body = (
                f"{title}\n\n{notice}{rest.lstrip()}" if title.startswith("# ") else notice + body
            )
        return [Page(path, front, body), *page.parts], page.shown

    def _render(self, page: PageContext, template: str, context: dict[str, Any]) -> str:
        # What the page shows is recorded as the helpers below are called.
        shown = page.shown
        entity, source = context.get("entity"), context.get("source")
        if entity is not None:
            shown.entities.add(entity.id)
        if source is not None:
            shown.sources.add(source.id)
        body = self.env.get_template(template).render(
            kb=self.kb,
            cite=page.cite,
            footnotes=page.footnotes,
            facts=page.facts,
            when=page.claims.when,
            claims=page.claims,
            unnamed_by=page.unnamed_by,
            kind_words=page.kinds,
            possibly=page.possibly,
            speaker=page.speaker,
            statement=page.statement,
            listing=page.listing,
            sources_list=page.sources_list,
            relations=page.relations,
            source_ref=page.source_ref,
            source_refs=page.source_refs,
            positions=page.positions,
            links=page.links,
            date_disagreement=page.claims.date_disagreement,
            describe=page.describe,
            link=page.link,
            date=page.claims.date,
            timeline=self.site.timeline,
            chrono=page.chrono,
            backlinks=self.site.index,
            page_path=page.path,
            groups=groups,
            source_text=page.source_text,
            supported=page.supported,
            cited_from=page.cited_from,
            by_speaker=page.by_speaker,
            stats=self.site.stats,
            date_text=labels.partial_date,
            numbered=numbered,
            statement_voice=statement_voice,
            pictured=Pictured(page),
            dating=Dating(page),
            **context,
        )
        shown.sources.update(citation.source for citation in page.notes.numbers)
        shown.parts = [part.path for part in page.parts]
        return body.strip() + "\n"


_DRAWING = re.compile(r'<figure class="fs-drawing.*?</figure>', re.DOTALL)


def _measured(body: str) -> int:
    """A page's size as its budget counts it: its text, not its drawings (which are as
    large however much the page says, and cannot be cut short)."""
    return len(body) - sum(len(drawing) for drawing in _DRAWING.findall(body))


# The renderer a worker renders with, and what it does with each page: inherited
# through fork, not pickled.
_forked: tuple[Renderer, Callable[[Page], Any]] | None = None


def _render_in_worker(path: str) -> Rendered[Any]:
    assert _forked is not None
    renderer, then = _forked
    return _done(path, renderer.render(path), then)


def _done(path: str, rendered: tuple[list[Page], Shown], then: Callable[[Page], T]) -> Rendered[T]:
    pages, shown = rendered
    return Rendered(path, [then(page) for page in pages], shown)


def _itself(page: Page) -> Page:
    return page


def statement_voice(statement: Statement) -> tuple[str | tuple[str, ...], str]:
    """Whose side a statement gives, for cuts that keep every side (see `listing`)."""
    return (statement.voice, statement.type)


@jinja2.pass_environment
def _join(env: jinja2.Environment, value: Any, d: str = "", attribute: Any = None) -> Any:
    """Jinja's `join`, each value isolated on its own (`markup.joined`)."""
    if attribute is not None:
        value = map(jinja2.filters.make_attrgetter(env, attribute), value)
    return joined(value, d)


def render(
    kb: KnowledgeBase, site_templates: Path | None = None, progress: Progress = silent
) -> list[Page]:
    """Every generated page of the site, sorted by path."""
    return Renderer(kb, site_templates).pages(progress)
