"""Render the knowledge base into Markdown pages with Jinja2 templates.

Every value printed by a template is escaped unless a helper marked it as
Markdown it built itself (`Md`): escaping is the default, so a template cannot
forget it. A site overrides any template by putting a file of the same name in
its own `templates/` folder.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import jinja2

from . import labels, workers
from .incremental import Shown
from .lookups import Backlinks, Stats
from .merge import Attested, Citation, Entity, Event, KnowledgeBase, Source, figures_disagree
from .model import DateClaim, Precision
from .progress import Progress, silent
from .project import CATEGORY_DIRS
from .timeline import chronological


class Md(str):
    """Markdown built by a helper from escaped parts: printed as is."""


# Characters with a meaning anywhere in a line; the rest (# + - = : 1.) only at its start.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~^=$#])")
_MD_LEADING = re.compile(r"^( ?)([#+\-:]|\d+[.)])")
# Fast path: text needs no escaping without special characters, whitespace other
# than single spaces, a block marker (or digit) at its start, or a space at its end.
_NEEDS_ESCAPING = re.compile(r"[\\`*_{}\[\]|~^=$#&<>\x00-\x1f\x7f\u2028\u2029]|[^\S ]|  ")
_RISKY_START = " #+-:0123456789"
_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


def escape(value: Any) -> Md:
    """Plain text as Markdown that renders as the same text and nothing else.

    HTML-significant characters become entities; every Markdown-significant ASCII
    character is backslash-escaped (pymdownx.escapeall makes any escape valid);
    line breaks fold to spaces so a value cannot start a block (heading, list, table row).
    """
    if isinstance(value, Md) or hasattr(value, "__html__"):
        return value if isinstance(value, Md) else Md(value)
    text = str(value)
    if (
        text[:1] not in _RISKY_START  # (an empty text is "in" any string: it goes on)
        and text[-1] != " "
        and not _NEEDS_ESCAPING.search(text)
    ):
        return Md(text)  # the common case: plain words, nothing to do
    text = _CONTROL.sub(" ", text)
    text = _WHITESPACE.sub(" ", text)  # one space: no line breaks, no indented code
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # "[label]:" opens a link reference definition at the start of a block, whatever the
    # escaping of "]"; a link we emit there ("- [name](...)") must not end up as one.
    text = text.replace("\\]:", "\\]\\:")
    text = _MD_LEADING.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)
    return Md(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


_MARK_SEPARATOR = '<sup class="fs-sep">,</sup>'

MARKS_PER_FACT = 2
"""Footnote marks a fact shows at most; the page says how many more citations it has.

A fact the whole corpus repeats (a group's country, say) would otherwise carry hundreds
of marks and footnotes: three let a reader check it, and the count says the rest."""


@dataclass
class Footnotes:
    """The citations of one page, numbered in order of first use."""

    kb: KnowledgeBase
    numbers: dict[Citation, int] = field(default_factory=dict)

    def cite(self, *items: Attested | Citation | list) -> Md:
        citations = list(dict.fromkeys(_citations(items)))
        # Citations the page already numbered first: they cost no new footnote.
        citations.sort(key=lambda citation: citation not in self.numbers)
        numbers = {
            self.numbers.setdefault(citation, len(self.numbers) + 1)
            for citation in citations[:MARKS_PER_FACT]
        }
        # A visible comma between marks, or [^4][^13] would read as footnote 413.
        marks = _MARK_SEPARATOR.join(f"[^{n}]" for n in sorted(numbers))
        more = len(citations) - MARKS_PER_FACT
        if more > 0:
            marks += f'<sup class="fs-more" title="{more} more citations">+{more}</sup>'
        return Md(marks)

    def size_after(self, count: int) -> int:
        """About how long the definitions of all but the first `count` footnotes are."""
        added = list(self.numbers)[count:]
        return sum(
            len(c.quote) + len(self.kb.sources[c.source].meta.title) + _DEFINITION_EXTRA
            for c in added
        )

    def definitions(self) -> Md:
        lines = []
        for citation, number in self.numbers.items():
            source = self.kb.sources[citation.source]
            sentence = citation.sentence
            target = f"../sources/{source.id}.md#{sentence.anchor}"
            lines.append(
                f"[^{number}]: “{escape(citation.quote)}” — "
                f"[{escape(source.meta.title)}, {sentence.label}]({target})"
            )
        return Md("\n".join(lines))


_DEFINITION_EXTRA = 60
"""A footnote definition's characters besides its quote and source title: the number,
the sentence label and the link."""


def _citations(items) -> list[Citation]:
    out: list[Citation] = []
    for item in items:
        if isinstance(item, Citation):
            out.append(item)
        elif isinstance(item, Attested):
            out.extend(item.citations)
        elif isinstance(item, list | tuple):
            out.extend(_citations(item))
        elif item is not None and hasattr(item, "__iter__"):
            out.extend(_citations(list(item)))
    return out


@dataclass(frozen=True)
class Section:
    """A section as a rendering of its page printed it (see `Renderer._cuts_to_fit`)."""

    shown: int
    """Rows printed."""
    size: int
    """Characters of its rows, and (estimated) of the footnotes they added to the page."""


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
        self.env.filters["sentence"] = _sentence
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
        self._sections: dict[str, Section] = {}
        """The sections the page's last rendering printed, by key."""

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
        pages: list[Page] = []
        if count < 2:
            for path in progress(wanted, "Rendering"):
                pages += self._jobs[path]()
            return pages
        global _forked
        _forked = self
        try:
            with workers.fork_pool(count) as pool:
                # In order, in small chunks: the index pages, the slowest, come last.
                results = pool.imap(_render_in_worker, wanted, chunksize=16)
                for path in progress(wanted, "Rendering"):
                    rendered, self.shown[path] = next(results)
                    pages += rendered
                return pages
        finally:
            _forked = None

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
            front = {"title": labels.category_title(category)}
            jobs[path] = partial(self._page, path, f"{category}-index.md.j2", front)
        return dict(sorted(jobs.items()))

    def _fact_sheet(self, path: str, category: str, entity: Entity, template: str) -> list[Page]:
        front = {
            # Material prints the title as it is into <title>, the header and the tags
            # page: as HTML, so it must be escaped as HTML (and only as HTML).
            "title": html.escape(entity.name, quote=False),
            "tags": [labels.kind_label(entity.kind or category)],
            "search": {"boost": 2},
        }
        return self._page(path, template, front, entity=entity)

    def _source_page(self, source: Source) -> list[Page]:
        front = {"title": html.escape(source.meta.title, quote=False), "tags": ["Source"]}
        return self._page(f"sources/{source.id}.md", "source.md.j2", front, source=source)

    def _page(self, path: str, template: str, front: dict, **context: Any) -> list[Page]:
        """The page, then the pages its long sections continue on (see `listing`).

        A page is rendered whole first. One longer than `PAGE_BUDGET` is rendered again
        with its largest sections cut short (`_cuts_to_fit`), until it fits.
        """
        self._cuts = {}
        body = self._render(path, template, context)
        while len(body) > PAGE_BUDGET:
            cuts = self._cuts_to_fit(len(body) - PAGE_BUDGET)
            if cuts == self._cuts:
                break  # every long section shows one row: this is as small as it gets
            self._cuts = cuts
            body = self._render(path, template, context)
        if self._cuts:
            # Once more, now making the pages the cut sections continue on: most of the
            # work for a large page, and wasted on the cuts that did not fit.
            body = self._render(path, template, context, parts=True)
        self.shown[path] = self._shown
        return [Page(path, front, body), *self._parts]

    def _cuts_to_fit(self, excess: int) -> dict[str, int]:
        """The cuts that should take `excess` characters off the page just rendered.

        The largest section is cut first, one step of `ROWS_SHOWN` at a time, so a page
        with one long list keeps its short ones whole. Sizes are estimated from the last
        rendering (a row's share of its section); the next rendering checks them.
        """
        cuts = dict(self._cuts)
        sizes = {key: section.size for key, section in self._sections.items()}
        while excess > 0:
            cuttable = [
                key for key, section in self._sections.items() if cuts.get(key, section.shown) > 1
            ]
            if not cuttable:
                break
            key = max(cuttable, key=lambda k: (sizes[k], k))
            section = self._sections[key]
            shown = cuts.get(key, section.shown)
            cuts[key] = next(limit for limit in ROWS_SHOWN if limit < shown)
            saved = section.size * (shown - cuts[key]) // section.shown - _MORE_ROWS_LINE
            sizes[key] -= saved
            excess -= saved
        return cuts

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
        self._page_name = entity.name if entity else source.meta.title if source else ""
        self._parts = []
        self._making_parts = parts
        self._sections = {}
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
            source_text=_source_text,
            cited_from=self.cited_from,
            by_speaker=self.by_speaker,
            stats=self.stats,
            date_text=labels.partial_date,
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
            self._measure(key, len(rows), printed, numbered)
            return Md(printed)
        stem = self._page_path.removesuffix(".md")
        if self._making_parts:
            self._parts += self._continued(f"{stem}.{key}", title, rows, caller)
        shown = caller(rows[:limit])
        self._measure(key, limit, shown, numbered)
        first = shown.rstrip("\n")
        ending = shown[len(first) :] or "\n"  # as the rows end: the template expects it
        more, link = len(rows) - limit, _name(f"{stem}.{key}.md")
        if inline:
            return Md(f"{first}; [and {more} more]({link})")
        shown_rows = f"The first {limit}" if limit > 1 else "The first"
        return Md(
            f"{first}\n\n*{shown_rows} of {len(rows)}.* [See all {len(rows)} →]({link})"
            f"\n{{ .fs-more-rows }}{ending}"
        )

    def _measure(self, key: str, shown: int, printed: str, numbered: int) -> None:
        """Records a section's size: its rows and the footnotes they added to the page."""
        size = len(printed) + self._notes.size_after(numbered)
        self._sections[key] = Section(shown, size)

    def _continued(self, stem: str, title: str, rows: list, caller: Callable) -> list[Page]:
        """The pages a long section continues on: `stem.md`, `stem-2.md`... Each lists as
        many rows as fit in `PAGE_BUDGET` (at most `ROWS_PER_PAGE`), with their footnotes
        and a pager, so a section of short rows takes few pages."""
        chunks = self._chunked(rows, caller)
        paths = [f"{stem}.md", *(f"{stem}-{n}.md" for n in range(2, len(chunks) + 1))]
        pages, first = [], 1
        for number, (count, (markdown, footnotes)) in enumerate(chunks, start=1):
            pager = [f"[{escape(self._page_name)}]({_name(self._page_path)})"]
            if number > 1:
                pager.append(f"[← Previous]({_name(paths[number - 2])})")
            pager.append(f"{first}–{first + count - 1} of {len(rows)}")
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

    def _chunked(self, rows: list, caller: Callable) -> list[tuple[int, tuple[str, str]]]:
        """The rows split into pages: (rows on the page, (their Markdown, footnotes)).

        How many rows fit is estimated from the first ten; a page that still comes out
        over budget is split in two.
        """
        sample = self._rows_markdown(rows[:10], caller)
        size = sum(map(len, sample))
        if len(rows) <= 10 and size <= PAGE_BUDGET:
            return [(len(rows), sample)]
        # A little under budget: rows further down may be longer than the first ones.
        fit = PAGE_BUDGET * 0.9 * min(len(rows), 10) // max(size, 1)
        fit = max(1, min(ROWS_PER_PAGE, int(fit)))
        pages = -(-len(rows) // fit)
        per_page = -(-len(rows) // pages)  # the same number on every page but the last
        todo = [rows[i : i + per_page] for i in range(0, len(rows), per_page)]
        chunks: list[tuple[int, tuple[str, str]]] = []
        while todo:
            chunk = todo.pop(0)
            markdown = self._rows_markdown(chunk, caller)
            if sum(map(len, markdown)) > PAGE_BUDGET and len(chunk) > 1:
                half = len(chunk) // 2
                todo[:0] = [chunk[:half], chunk[half:]]
            else:
                chunks.append((len(chunk), markdown))
        return chunks

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
            " ".join(f"{escape(_sentence(f.value))}{self.cite(f)}" for f in entity.descriptions)
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
            return Md(f"[{escape(text or entity.name)}](../statements/index.md#st-{entity.id})")
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


def _event(item: Event | tuple) -> Event:
    return item[0] if isinstance(item, tuple) else item


def _sentence(text: str) -> str:
    """Capitalised, ending with a full stop unless it already ends with punctuation."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…", '"', "”")) else text + "."


def url(value: str) -> Md:
    """A validated http(s) URL as a Markdown link target."""
    quoted = "".join(f"%{ord(c):02X}" if c in " ()<>\"'\\`[]|{}^" else c for c in value)
    # An & may start what Markdown takes for an entity ("&#"): write it as one.
    return Md(quoted.replace("&", "&amp;"))


def _groups(entities) -> list[tuple[str, list[Entity]]]:
    """Entities grouped by kind, kinds and names in a stable order."""
    grouped: dict[str, list[Entity]] = {}
    for entity in sorted(entities, key=lambda e: (e.name.casefold(), e.id)):
        grouped.setdefault(entity.kind or "", []).append(entity)
    return sorted(grouped.items())


def _source_text(source) -> Md:
    """The source's text as an HTML block: a paragraph per paragraph, each sentence
    wrapped in its anchor.

    HTML rather than Markdown: the text is shown exactly as received, so there is nothing
    for Markdown to do, and converting it was half the cost of building a source's page.
    """
    paragraphs: dict[int, list[str]] = {}
    for sentence in source.text.sentences:
        text = html.escape(_WHITESPACE.sub(" ", _CONTROL.sub(" ", sentence.text)), quote=False)
        paragraphs.setdefault(sentence.paragraph, []).append(
            f'<span class="fs-sentence" id="{sentence.anchor}">'
            f'<a class="fs-anchor" href="#{sentence.anchor}" title="Link to this sentence">'
            f"{sentence.label}</a> {text}</span>"
        )
    body = "\n".join(f"<p>{' '.join(sentences)}</p>" for sentences in paragraphs.values())
    return Md(f'<div class="fs-source">\n{body}\n</div>')


PAGE_BUDGET = 7_000
"""Characters of Markdown a page may have (about 25 KB of HTML with the theme's) before
its long sections are cut short."""
ROWS_SHOWN = (10, 5, 2, 1)
"""Rows a long section shows on a page over budget, each cut the next in this list."""
_MORE_ROWS_LINE = 80
"""About the characters of the line a cut section ends with ("The first 2 of 5. See all...")."""
ROWS_PER_PAGE = 50
"""Rows on each page a long section continues on, at most (fewer if they are long)."""

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
