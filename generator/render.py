"""Render the knowledge base into Markdown pages with Jinja2 templates.

Every value printed by a template is escaped unless a helper marked it as
Markdown it built itself (`markup.Md`): escaping is the default, so a template
cannot forget it. A site overrides any template by putting a file of the same name
in its own `templates/` folder. A long page is cut short as `budget.py` says.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import jinja2

from . import budget, labels, workers
from .budget import Budget, Section
from .incremental import Shown
from .lookups import Backlinks, Stats
from .markup import MARKS_PER_FACT, Footnotes, Md, escape, sentence, source_text, url
from .merge import Attested, Citation, Entity, Event, KnowledgeBase, Source, figures_disagree
from .model import DateClaim, Precision
from .progress import Progress, silent
from .project import CATEGORY_DIRS
from .timeline import chronological


@dataclass(frozen=True)
class Page:
    """A generated page: where it goes, its front matter and its Markdown body."""

    path: str
    """Path under `content/`, with forward slashes."""
    front_matter: dict[str, Any]
    """Title, tags and search settings."""
    body: str
    """The generated Markdown, without front matter."""


class Renderer:
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

    @property
    def index_pages(self) -> list[str]:
        return [f"{category}/index.md" for category in CATEGORY_DIRS]

    def paths(self) -> list[str]:
        """The path of every page the site's data makes, sorted.

        The pages long sections continue on are not among them: rendering a page makes
        them, and its `Shown.parts` lists them.
        """
        return list(self._jobs)

    def pages(self, progress: Progress = silent, only: set[str] | None = None) -> list[Page]:
        """The pages whose paths are in `only` (default: every page), sorted by path, each
        followed by the pages its long sections continue on."""
        wanted = [path for path in self._jobs if only is None or path in only]
        count = workers.count(len(wanted), PARALLEL_FROM)
        if count < 2:
            return [page for path in progress(wanted, "Rendering") for page in self._jobs[path]()]
        global _forked
        _forked = self
        # The slowest pages first, so that no worker is left with one at the end.
        order = sorted(wanted, key=lambda path: path not in self.index_pages)
        rendered: dict[str, list[Page]] = {}
        try:
            with workers.fork_pool(count) as pool:
                results = pool.imap(_render_in_worker, order, chunksize=16)
                for path in progress(order, "Rendering"):
                    rendered[path], self.shown[path] = next(results)
        finally:
            _forked = None
        return [page for path in wanted for page in rendered[path]]

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
            jobs[f"sources/{source.id}.md"] = partial(self._source_page, source)
        for category, path in zip(CATEGORY_DIRS, self.index_pages, strict=True):
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

    def _source_page(self, source: Source) -> list[Page]:
        title = source.meta.title
        front = {"title": html.escape(title, quote=False), "tags": ["Source"]}
        path = f"sources/{source.id}.md"
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
            groups=_groups,
            source_text=source_text,
            cited_from=self.cited_from,
            by_speaker=self.by_speaker,
            stats=self.stats,
            date_text=labels.partial_date,
            numbered=_numbered,
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

    # Composite pieces templates share. They live here, not in Jinja macros, because
    # they return Md: Markdown built from escaped parts that `finalize` prints as is.

    def cite(self, *items: Attested | Citation | list) -> Md:
        return self._notes.cite(*items)

    def footnotes(self) -> Md:
        return self._notes.definitions()

    def describe(self, entity: Entity) -> Md:
        return Md(
            " ".join(f"{escape(sentence(f.value))}{self.cite(f)}" for f in entity.descriptions)
        )

    def facts(self, facts, linked: bool = False) -> Md:
        """Values with their footnotes: `A[^1]; B[^2]`."""
        parts = [
            f"{self.link(fact.value) if linked else escape(fact.value)}{self.cite(fact)}"
            for fact in facts
        ]
        return Md("; ".join(parts))

    def when(self, event: Event) -> Md:
        self._shown.entities.add(event.id)
        parts = [
            f"{escape(self.date(fact.value, fact.citations[0].source))}{self.cite(fact)}"
            for fact in event.dates
        ]
        return Md("; ".join(parts) or "—")

    def statement(self, statement, show_speaker: bool = True) -> Md:
        """A statement as a list item: speaker, what it does, the summary, and its quote."""
        self._shown.entities.add(statement.id)
        verb = escape(statement.type)
        head = (
            f"{self.link(statement.speaker)} **{verb}**"
            if show_speaker
            else f"**{escape(statement.type.capitalize())}**"
        )
        line = f"- {head}: {self.facts(statement.names)}"
        about = [self.link(fact.value) for fact in statement.about]
        if about:
            line += f" *About:* {', '.join(about)}"
        quotes = " ".join(f"“{escape(f.value)}”{self.cite(f)}" for f in statement.mentions)
        return Md(f"{line}\n\n    > {quotes}")

    def source_ref(self, source_id: str) -> Md:
        """A link to a source, with its publication date as the "as of" of what it states."""
        self._shown.sources.add(source_id)
        meta = self.kb.sources[source_id].meta
        as_of = f" (as of {labels.partial_date(meta.published)})" if meta.published else ""
        return Md(f"[{escape(meta.title)}](../sources/{source_id}.md){escape(as_of)}")

    @staticmethod
    def figure_rows(figures: dict[str, list]) -> list[tuple[str, Attested]]:
        """(kind, fact) for each figure an event has, kinds in alphabetical order."""
        return [(kind, fact) for kind, facts in sorted(figures.items()) for fact in facts]

    def source_refs(self, source_ids: list[str]) -> Md:
        """The first sources of a fact (as many as it shows marks), and how many others."""
        refs = ", ".join(self.source_ref(s) for s in source_ids[:MARKS_PER_FACT])
        more = len(source_ids) - MARKS_PER_FACT
        return Md(f"{refs} and {more} more" if more > 0 else refs)

    def links(self, entity_ids) -> Md:
        return Md(", ".join(self.link(entity_id) for entity_id in entity_ids))

    def date_disagreement(self, event: Event) -> Md:
        """A warning listing each date sources give, with the sources giving it."""
        if len(event.dates) < 2:
            return Md("")
        lines = ['!!! warning "Sources disagree on the date"']
        for fact in event.dates:
            when = escape(self.date(fact.value, fact.citations[0].source))
            sources = self.source_refs(fact.sources)
            lines.append(f"    - {when}{self.cite(fact)}: {sources}")
        return Md("\n".join(lines) + "\n")

    def figure_disagreement(self, kind: str, facts) -> Md:
        """A warning with the low–high range when sources give different numbers."""
        if not figures_disagree(facts):
            return Md("")
        # By number, then qualifier: a set's order changes from run to run, and two values
        # with the same number must still give the same range every time.
        values = sorted({fact.value[:2] for fact in facts}, key=lambda v: (v[0], v[1] or ""))
        low = labels.figure_value((*values[0], None))
        high = labels.figure_value((*values[-1], None))
        label = escape(labels.figure_label(kind).lower())
        return Md(
            f'!!! warning "Sources disagree on {label}"\n'
            f"    Reported values range from {escape(low)} to {escape(high)}; "
            "every value is listed above with its source.\n"
        )

    def positions(self, statements) -> Md:
        """Who condemned, claimed, denied, confirmed...: one line per kind of statement."""
        by_type: dict[str, list[str]] = {}
        for statement in statements:
            speakers = by_type.setdefault(statement.type, [])
            if statement.speaker not in speakers:
                speakers.append(statement.speaker)
        lines = [
            f"| {escape(labels.statement_verb(kind))} | {self.links(speakers)} |"
            for kind, speakers in sorted(by_type.items())
        ]
        return Md("\n".join(lines))

    def sources_list(self, sources: list[str]) -> Md:
        """A list item per source: its title (a link) and outlet."""
        lines = []
        self._shown.sources.update(sources)
        for source_id in sources:
            meta = self.kb.sources[source_id].meta
            outlet = f" — {escape(meta.outlet)}" if meta.outlet else ""
            lines.append(f"- [{escape(meta.title)}](../sources/{source_id}.md){outlet}")
        return Md("\n".join(lines))

    @staticmethod
    def relations(outgoing, incoming) -> list[tuple[str, str, Attested]]:
        """(label, other entity, fact) for an entity's relations: its own, then others'."""
        return [
            (labels.relation_label(fact.value[0]), fact.value[1], fact) for fact in outgoing
        ] + [
            (f"{labels.inverse_label(fact.value[0])}:", other.id, fact) for other, fact in incoming
        ]

    def cited_from(self, source_id: str, category: str) -> list[Entity]:
        """Entities of a category with at least one fact from the source."""
        return self.index.by_source.get((source_id, category), [])

    def by_speaker(self) -> list[tuple[str, list]]:
        speakers = sorted(self.index.said_by, key=lambda a: self.kb.actors[a].name.casefold())
        return [(speaker, self.index.said_by[speaker]) for speaker in speakers]

    def link(self, entity_id: str, text: str | None = None) -> Md:
        """A link to an entity's fact sheet, from any generated page (all sit one folder deep)."""
        self._shown.entities.add(entity_id)
        if text is None:
            cached = self._links.get(entity_id)
            if cached is None:
                cached = self._links[entity_id] = self._link(entity_id, None)
            return cached
        return self._link(entity_id, text)

    def _link(self, entity_id: str, text: str | None) -> Md:
        entity = self.kb.get(entity_id)
        if entity is None:
            return escape(text or entity_id)
        folder = entity.category
        if folder == "statements":
            # A statement has no page of its own, and on a large site the statements
            # index continues on numbered pages where its anchor would move: the link
            # goes to the sentence of the first source that reports it.
            citation = entity.mentions.first.citations[0]  # type: ignore[union-attr]
            target = f"../sources/{citation.source}.md#{citation.sentence.anchor}"
            return Md(f"[{escape(text or entity.name)}]({target})")
        return Md(f"[{escape(text or entity.name)}](../{folder}/{entity.id}.md)")

    def chrono(self, events) -> list:
        """Events (or (event, anything) pairs) in timeline order."""
        ordered = sorted(events, key=lambda e: self.order[_event(e).id])
        self._shown.orders.append([_event(e).id for e in ordered])
        return ordered

    def date(self, claim: DateClaim | None, source_id: str | None = None) -> str:
        """A date as readers say it, never more precise than the source."""
        if claim is None:
            return "date not reported"
        if claim.precision is Precision.relative:
            text = claim.relative or "relative time"
            published = self.kb.sources[source_id].meta.published if source_id else None
            anchor = (
                f"the report of {labels.partial_date(published)}"
                if published
                else "the report (date not recorded)"
            )
            text = f"{text}, relative to {anchor}"
        elif claim.precision is Precision.unknown:
            text = claim.relative or "date unknown"
        else:
            text = labels.partial_date(claim.value) if claim.value else (claim.relative or "")
            if claim.precision is Precision.week:
                text = f"week of {text}"
            elif claim.precision is Precision.approximate:
                text = f"around {text}" if claim.value else (claim.relative or "approximate date")
        if claim.basis.value == "reported":
            text = f"reported {text}"
        return text


def _name(path: str) -> str:
    """A page's file name: what links between pages of one folder point to."""
    return path.rpartition("/")[2]


def _numbered(items) -> list[tuple[int, Any]]:
    """(1, first item), (2, second item)...: numbers that stay right on every page of a list
    continued over several."""
    return list(enumerate(items, start=1))


def _event(item: Event | tuple) -> Event:
    return item[0] if isinstance(item, tuple) else item


def _groups(entities) -> list[tuple[str, list[Entity]]]:
    """Entities grouped by kind, kinds and names in a stable order."""
    grouped: dict[str, list[Entity]] = {}
    for entity in sorted(entities, key=lambda e: (e.name.casefold(), e.id)):
        grouped.setdefault(entity.kind or "", []).append(entity)
    return sorted(grouped.items())


PARALLEL_FROM = 1000
"""Below this many pages, rendering in one process is faster than forking workers."""

# The renderer a worker renders with: inherited through fork, not pickled.
_forked: Renderer | None = None


def _render_in_worker(path: str) -> tuple[list[Page], Shown]:
    assert _forked is not None
    pages = _forked._jobs[path]()
    return pages, _forked.shown.pop(path)


def render(
    kb: KnowledgeBase, site_templates: Path | None = None, progress: Progress = silent
) -> list[Page]:
    """Every generated page of the site, sorted by path."""
    return Renderer(kb, site_templates).pages(progress)
