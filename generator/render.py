"""Render the knowledge base into Markdown pages with Jinja2 templates.

Every value printed by a template is escaped unless a helper marked it as
Markdown it built itself (`markup.Md`): escaping is the default, so a template
cannot forget it. The pieces templates call are in `helpers.py`. A site overrides any
template by putting a file of the same name in its own `templates/` folder. A long
page is cut short as `budget.py` says.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from . import budget, labels, workers
from .budget import Budget, Section
from .helpers import Helpers, groups, numbered
from .incremental import Shown
from .lookups import Backlinks, Stats
from .markup import Footnotes, Md, escape, sentence, source_text, url
from .merge import Entity, KnowledgeBase, Source
from .progress import Progress, silent
from .project import CATEGORY_DIRS
from .timeline import chronological

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """A generated page: where it goes, its front matter and its Markdown body."""

    path: str
    """Path under `content/`, with forward slashes."""
    front_matter: dict[str, Any]
    """Title, tags and search settings."""
    body: str
    """The generated Markdown, without front matter."""


class Renderer(Helpers):
    """Renders every page of a knowledge base."""

    def __init__(self, kb: KnowledgeBase, site_templates: Path | None = None) -> None:
        self.kb = kb
        loaders: list[jinja2.BaseLoader] = []
        if site_templates is not None and site_templates.is_dir():
            loaders.append(jinja2.FileSystemLoader(site_templates))
        loaders.append(jinja2.PackageLoader("generator", "templates"))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=False,  # Markdown, not HTML: `finalize` escapes instead.
            finalize=escape,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters.update(labels.FILTERS)
        self.env.filters["url"] = url
        self.env.filters["sentence"] = sentence
        self.timeline = chronological(kb)
        self.order = {event.id: index for index, event in enumerate(self.timeline)}
        self.index = Backlinks(kb)
        # Before any page, so that workers rendering pages in parallel do not each count.
        self.stats = Stats.of(kb)
        self._links: dict[str, Md] = {}
        self.shown: dict[str, Shown] = {}
        """What each page rendered so far showed (see incremental.py)."""
        self._shown = Shown()
        # The page being rendered (see `_page` and `listing`).
        self._notes = Footnotes(kb)
        self._page_path = self._page_name = ""
        self._parts: list[Page] = []
        self._making_parts = False
        self._cuts: dict[str, int] = {}
        """Rows shown by each cut section of the page (see `_page`), by its key."""
        self._printed: dict[str, tuple[int, int, int, int]] = {}
        """The sections the page's last rendering printed, by key: rows, characters, and
        the range of footnote numbers (from, to) they added (see `_sections`)."""
        self._budget = budget.fact_sheet()

    @cached_property
    def index_pages(self) -> dict[str, str]:
        """The path of each category's index page, by category."""
        return {category: f"{category}/index.md" for category in CATEGORY_DIRS}

    def paths(self) -> list[str]:
        """The path of every page the site's data makes, sorted.

        The pages long sections continue on are not among them: rendering a page makes
        them, and its `Shown.parts` lists them.
        """
        return list(self._jobs)

    def pages(self, progress: Progress = silent, only: set[str] | None = None) -> list[Page]:
        """The pages whose paths are in `only` (default: every page), sorted by path, each
        followed by the pages its long sections continue on."""
        return self.each(_itself, progress, only)

    def each(
        self, then: Callable[[Page], T], progress: Progress = silent, only: set[str] | None = None
    ) -> list[T]:
        """`then` of each page `pages` lists, in its order; `then` runs as soon as the page
        is rendered, in the worker that rendered it, and only its result comes back."""
        wanted = [path for path in self._jobs if only is None or path in only]
        count = workers.count(len(wanted), PARALLEL_FROM)
        if count < 2:
            return [
                then(page) for path in progress(wanted, "Rendering") for page in self._jobs[path]()
            ]
        global _forked
        _forked = (self, then)
        # The slowest pages first, so that no worker is left with one at the end.
        indexes = set(self.index_pages.values())
        order = sorted(wanted, key=lambda path: path not in indexes)
        done: dict[str, list[T]] = {}
        try:
            with workers.fork_pool(count) as pool:
                results = pool.imap(_render_in_worker, order, chunksize=16)
                for path in progress(order, "Rendering"):
                    done[path], self.shown[path] = next(results)
        finally:
            _forked = None
        return [result for path in wanted for result in done[path]]

    @cached_property
    def _jobs(self) -> dict[str, Callable[[], list[Page]]]:
        """Every page of the site, by path (sorted), and how to render it."""
        kb = self.kb
        jobs: dict[str, Callable[[], list[Page]]] = {}
        for category, table, template in (
            ("actors", kb.actors, "actor.md.j2"),
            ("locations", kb.locations, "location.md.j2"),
            ("events", kb.events, "event.md.j2"),
        ):
            for entity in table.values():
                path = f"{category}/{entity.id}.md"
                jobs[path] = partial(self._fact_sheet, path, category, entity, template)
        for source in kb.sources.values():
            path = f"sources/{source.id}.md"
            jobs[path] = partial(self._source_page, path, source)
        for category, path in self.index_pages.items():
            jobs[path] = partial(self._index_page, path, category)
        return dict(sorted(jobs.items()))

    def _fact_sheet(self, path: str, category: str, entity: Entity, template: str) -> list[Page]:
        front = {
            # Material prints the title as it is into <title>, the header and the tags
            # page: as HTML, so it must be escaped as HTML (and only as HTML).
            "title": html.escape(entity.name, quote=False),
            "tags": [labels.kind_label(entity.kind or category)],
            "search": {"boost": 2},
        }
        return self._page(path, template, front, entity.name, budget.fact_sheet(), entity=entity)

    def _source_page(self, path: str, source: Source) -> list[Page]:
        title = source.meta.title
        front = {"title": html.escape(title, quote=False), "tags": ["Source"]}
        return self._page(path, "source.md.j2", front, title, budget.fact_sheet(), source=source)

    def _index_page(self, path: str, category: str) -> list[Page]:
        title = labels.category_title(category)
        return self._page(path, f"{category}-index.md.j2", {"title": title}, title, budget.INDEX)

    def _page(
        self, path: str, template: str, front: dict, name: str, limits: Budget, **context: Any
    ) -> list[Page]:
        """The page, then the pages its long sections continue on (see `listing`).

        A page is rendered whole first. One longer than its budget is rendered again
        with its largest sections cut short (`budget.cuts_to_fit`), until it fits.
        `name` heads the pages it continues on.
        """
        self._cuts = {}
        self._page_name, self._budget = name, limits
        body = self._render(path, template, context)
        while len(body) > limits.characters:
            excess = len(body) - limits.characters
            cuts = budget.cuts_to_fit(self._sections(), self._cuts, excess, limits.rows_shown)
            if cuts == self._cuts:
                break  # every long section is cut as far as it goes: as small as it gets
            self._cuts = cuts
            body = self._render(path, template, context)
        if self._cuts:
            # Once more, now making the pages the cut sections continue on: most of the
            # work for a large page, and wasted on the cuts that did not fit.
            body = self._render(path, template, context, parts=True)
        self.shown[path] = self._shown
        return [Page(path, front, body), *self._parts]

    def _render(
        self, path: str, template: str, context: dict[str, Any], parts: bool = False
    ) -> str:
        # What the page shows is recorded as the helpers below are called.
        self._shown = shown = Shown()
        entity, source = context.get("entity"), context.get("source")
        if entity is not None:
            shown.entities.add(entity.id)
        if source is not None:
            shown.sources.add(source.id)
        self._notes = Footnotes(self.kb)
        self._page_path = path
        self._parts = []
        self._making_parts = parts
        self._printed = {}
        body = self.env.get_template(template).render(
            kb=self.kb,
            cite=self.cite,
            footnotes=self.footnotes,
            facts=self.facts,
            when=self.when,
            statement=self.statement,
            listing=self.listing,
            sources_list=self.sources_list,
            relations=self.relations,
            source_ref=self.source_ref,
            source_refs=self.source_refs,
            figure_rows=self.figure_rows,
            positions=self.positions,
            links=self.links,
            date_disagreement=self.date_disagreement,
            figure_disagreement=self.figure_disagreement,
            describe=self.describe,
            link=self.link,
            date=self.date,
            timeline=self.timeline,
            chrono=self.chrono,
            backlinks=self.index,
            page_path=path,
            groups=groups,
            source_text=source_text,
            cited_from=self.cited_from,
            by_speaker=self.by_speaker,
            stats=self.stats,
            date_text=labels.partial_date,
            numbered=numbered,
            **context,
        )
        shown.sources.update(citation.source for citation in self._notes.numbers)
        shown.parts = [part.path for part in self._parts]
        return body.strip() + "\n"

    def listing(
        self, key: str, title: str, rows: list, caller: Callable[[list], str], inline: bool = False
    ) -> Md:
        """A section's rows, printed by the template's `{% call(rows) listing(...) %}` block.

        A fact sheet stays small however much the sources say about its subject: when
        it must (see `_page`), a section shows its first rows only, and links to pages
        that list them all (see `_continued`), named after the page and `key`:
        `actors/ana.involvement.md`, `ana.involvement-2.md`...
        `inline` rows are parts of a line (a table cell), and so is the link to the rest.
        """
        rows = list(rows)
        limit = self._cuts.get(key, len(rows))
        numbered = len(self._notes.numbers)
        if len(rows) <= limit:
            printed = caller(rows)
            self._printed[key] = (len(rows), len(printed), numbered, len(self._notes.numbers))
            return Md(printed)
        stem = self._page_path.removesuffix(".md")
        if self._making_parts:
            self._parts += self._continued(f"{stem}.{key}", title, rows, caller)
        shown = caller(rows[:limit])
        self._printed[key] = (limit, len(shown), numbered, len(self._notes.numbers))
        first = shown.rstrip("\n")
        ending = shown[len(first) :] or "\n"  # as the rows end: the template expects it
        more, link = len(rows) - limit, _name(f"{stem}.{key}.md")
        if inline:
            return Md(f"{first}; [and {more:,} more]({link})")
        shown_rows = f"The first {limit}" if limit > 1 else "The first"
        return Md(
            f"{first}\n\n*{shown_rows} of {len(rows):,}.* [See all {len(rows):,} →]({link})"
            f"\n{{ .fs-more-rows }}{ending}"
        )

    def _sections(self) -> dict[str, Section]:
        """The sections the page's last rendering printed, with their sizes: their rows,
        and (estimated) the footnotes they added. Only a page over budget needs them."""
        numbered = list(self._notes.numbers)
        return {
            key: Section(shown, chars + self._notes.size_of(numbered[start:end]))
            for key, (shown, chars, start, end) in self._printed.items()
        }

    def _continued(self, stem: str, title: str, rows: list, caller: Callable) -> list[Page]:
        """The pages a long section continues on: `stem.md`, `stem-2.md`... Each lists as
        many rows as fit in the budget (see `budget.pages_of`), with their footnotes and
        a pager, so a section of short rows takes few pages."""
        chunks = budget.pages_of(
            rows, lambda chunk: self._rows_markdown(chunk, caller), self._budget
        )
        paths = [f"{stem}.md", *(f"{stem}-{n}.md" for n in range(2, len(chunks) + 1))]
        pages, first = [], 1
        for number, (count, (markdown, footnotes)) in enumerate(chunks, start=1):
            pager = [f"[{escape(self._page_name)}]({_name(self._page_path)})"]
            if number > 1:
                pager.append(f"[← Previous]({_name(paths[number - 2])})")
            pager.append(f"{first:,}–{first + count - 1:,} of {len(rows):,}")
            if number < len(paths):
                pager.append(f"[Next →]({_name(paths[number])})")
            pager_line = " · ".join(pager) + "\n{ .fs-pager }"
            heading = f"{self._page_name}: {title}"
            if len(paths) > 1:
                heading += f" ({number} of {len(paths)})"
            body = (
                f"# {escape(heading)} {{ #fs-title }}\n\n{pager_line}\n\n{markdown}\n\n"
                f"{pager_line}\n\n{footnotes}"
            )
            front = {"title": html.escape(heading, quote=False)}
            pages.append(Page(paths[number - 1], front, body.strip() + "\n"))
            first += count
        return pages

    def _rows_markdown(self, rows: list, caller: Callable) -> tuple[str, str]:
        """Rows as a page of their own prints them, and their footnotes."""
        page_notes, self._notes = self._notes, Footnotes(self.kb)
        try:
            markdown = caller(rows).strip()
            self._shown.sources.update(citation.source for citation in self._notes.numbers)
            return markdown, self.footnotes()
        finally:
            self._notes = page_notes


def _name(path: str) -> str:
    """A page's file name: what links between pages of one folder point to."""
    return path.rpartition("/")[2]


PARALLEL_FROM = 1000
"""Below this many pages, rendering in one process is faster than forking workers."""

# The renderer a worker renders with, and what it does with each page: inherited
# through fork, not pickled.
_forked: tuple[Renderer, Callable[[Page], Any]] | None = None


def _render_in_worker(path: str) -> tuple[list[Any], Shown]:
    assert _forked is not None
    renderer, then = _forked
    results = [then(page) for page in renderer._jobs[path]()]
    return results, renderer.shown.pop(path)


def _itself(page: Page) -> Page:
    return page


def render(
    kb: KnowledgeBase, site_templates: Path | None = None, progress: Progress = silent
) -> list[Page]:
    """Every generated page of the site, sorted by path."""
    return Renderer(kb, site_templates).pages(progress)
