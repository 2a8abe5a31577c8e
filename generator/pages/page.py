"""One rendering of one page: its state, and the pieces its template calls.

A `PageContext` is made for each rendering of a page and dropped with it: its
footnotes, what it showed (`Shown`, for incremental runs), the sections it cut short
and the pages they continue on. What every page reads (the knowledge base, the
timeline, reverse lookups, links to every entity) is made once per run, in `SiteData`,
before the first page; only memos of pure lookups (`Backlinks.sources_of`) fill in as
pages ask.

The pieces templates call live here, not in Jinja macros, because they return `Md`:
Markdown built from escaped parts, which the template environment's `finalize` prints
as is. Each records in `shown` what the page showed.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..knowledge.lookups import Backlinks, Stats
from ..knowledge.model import (
    Attested,
    Entity,
    Event,
    Facts,
    KnowledgeBase,
    Source,
    Statement,
)
from ..knowledge.timeline import chronological
from . import budget, labels
from .budget import Budget, Section
from .claims import Claims
from .markup import (
    MARKS_PER_FACT,
    Citable,
    Footnotes,
    Md,
    composed,
    escape,
    quoted,
    sentence,
    sentence_target,
    shown,
    source_text,
)
from .supported import Cited, facts_of


@dataclass(frozen=True)
class Page:
    """A generated page: where it goes, its front matter and its Markdown body."""

    path: str
    """Path under `content/`, with forward slashes."""
    front_matter: dict[str, Any]
    """Title, tags and search settings."""
    body: str
    """The generated Markdown, without front matter."""


@dataclass
class Shown:
    """What one page showed, recorded while it was rendered (see `output/incremental.py`)."""

    entities: set[str] = field(default_factory=set)
    """Ids of the entities whose data the page printed or linked to, its own included."""
    sources: set[str] = field(default_factory=set)
    """Ids of the sources it cited or named."""
    orders: list[list[str]] = field(default_factory=list)
    """Every list of events it printed, as event ids in the order printed."""
    parts: list[str] = field(default_factory=list)
    """Paths of the pages its long sections continue on, made with it."""

    def to_json(self) -> list[Any]:
        return [sorted(self.entities), sorted(self.sources), self.orders, self.parts]

    @classmethod
    def from_json(cls, data: Any) -> Shown:
        """What `to_json` wrote; ValueError for anything else."""
        entities, sources, orders, parts = data
        if not (
            _texts(entities)
            and _texts(sources)
            and _texts(parts)
            and isinstance(orders, list)
            and all(_texts(order) for order in orders)
        ):
            raise ValueError("not a record of what a page showed")
        return cls(set(entities), set(sources), orders, parts)


def _texts(value: Any) -> bool:
    """Whether the value is a list of strings."""
    return isinstance(value, list) and all(type(item) is str for item in value)


class SiteData:
    """What every page of a run reads, made once before the first page (see the module's
    description)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.timeline = chronological(kb)
        """Every event, in timeline order."""
        self.order = {event.id: index for index, event in enumerate(self.timeline)}
        """Each event's place in the timeline."""
        self.index = Backlinks(kb)
        """Who links to whom, who said what, what each source supports."""
        self.stats = Stats.of(kb)
        """Counts for the coverage table."""
        self.links = {
            entity.id: link_to(entity, entity.name)
            for table in (kb.actors, kb.locations, kb.events, kb.statements)
            for entity in table.values()
        }
        """A link to every entity, under its own name."""
        self.drafts = [source.id for source in kb.sources.values() if source.draft]
        """The sources published from draft summaries (see `PageContext.unreviewed`)."""


class PageContext:
    """One rendering of one page, with the helpers its template calls."""

    def __init__(
        self,
        site: SiteData,
        path: str,
        name: str,
        limits: Budget,
        cuts: dict[str, int],
        *,
        making_parts: bool = False,
    ) -> None:
        self.site = site
        self.kb = site.kb
        self.path = path
        """The page's path under `content/`."""
        self.name = name
        """The page's title, which heads the pages it continues on."""
        self.budget = limits
        self.cuts = cuts
        """Rows shown by each cut section, by its key (see `listing`)."""
        self.making_parts = making_parts
        """Whether this rendering makes the pages cut sections continue on."""
        self.notes = Footnotes(site.kb)
        """The page's footnotes so far."""
        self.claims = Claims(self)
        """The helpers that show dates, figures and roles as sources claim them."""
        self.shown = Shown()
        """What the page showed so far."""
        self.parts: list[Page] = []
        """The pages its cut sections continue on (with `making_parts`)."""
        self.printed: dict[str, tuple[int, int, int, int, int]] = {}
        """The sections printed so far, by key: rows, characters, the range of footnote
        numbers (from, to) they added, and the rows they have (see `sections`)."""

    # --- Long sections (see budget.py) ------------------------------------------------

    def listing(
        self,
        key: str,
        title: str,
        rows: Iterable[Any],
        caller: Callable[[list[Any]], str],
        inline: bool = False,
        voice: Callable[[Any], Any] | None = None,
    ) -> Md:
        """A section's rows, printed by the template's `{% call(rows) listing(...) %}` block.

        A fact sheet stays small however much the sources say about its subject: when
        it must (see `Renderer`), a section shows some rows only, and links to pages
        that list them all (see `_continued`), named after the page and `key`:
        `actors/ana.involvement.md`, `ana.involvement-2.md`...
        The rows shown are the first ones, except that with `voice` (a row's speaker, say)
        every voice keeps its first row, so a cut never silences a side.
        `inline` rows are parts of a line (a table cell), and so is the link to the rest.
        """
        rows = list(rows)
        kept = _kept(rows, self.cuts.get(key, len(rows)), voice)
        numbered_before = len(self.notes.numbers)
        if len(kept) == len(rows):  # short enough, or every row is another side's voice
            printed = caller(rows)
            self.printed[key] = (
                len(rows),
                len(printed),
                numbered_before,
                len(self.notes.numbers),
                len(rows),
            )
            return Md(printed)
        stem = self.path.removesuffix(".md")
        if self.making_parts:
            self.parts += self._continued(f"{stem}.{key}", title, rows, caller)
        shown = caller(kept)
        self.printed[key] = (
            len(kept),
            len(shown),
            numbered_before,
            len(self.notes.numbers),
            len(rows),
        )
        first = shown.rstrip("\n")
        ending = shown[len(first) :] or "\n"  # as the rows end: the template expects it
        more, link = len(rows) - len(kept), _name(f"{stem}.{key}.md")
        if inline:
            return Md(f"{first}; [and {more:,} more]({link})")
        if kept == rows[: len(kept)]:
            shown_rows = f"The first {len(kept)}" if len(kept) > 1 else "The first"
            said = f"*{shown_rows} of {len(rows):,}.*"
        else:
            said = (
                f"*{len(kept)} of {len(rows):,}: the first from each speaker, then the earliest.*"
            )
        return Md(
            f"{first}\n\n{said} [See all {len(rows):,} →]({link})\n{{ .fs-more-rows }}{ending}"
        )

    def sections(self) -> dict[str, Section]:
        """The sections this rendering printed, with their sizes: their rows, and
        (estimated) the footnotes they added. Only a page over budget needs them."""
        numbered_citations = list(self.notes.numbers)
        return {
            key: Section(shown, chars + self.notes.size_of(numbered_citations[start:end]), total)
            for key, (shown, chars, start, end, total) in self.printed.items()
        }

    def _continued(
        self, stem: str, title: str, rows: list[Any], caller: Callable[[list[Any]], str]
    ) -> list[Page]:
        """The pages a long section continues on: `stem.md`, `stem-2.md`... Each lists as
        many rows as fit in the budget (see `budget.pages_of`), with their footnotes and
        a pager, so a section of short rows takes few pages."""
        chunks = budget.pages_of(
            rows, lambda chunk: self._rows_markdown(chunk, caller), self.budget
        )
        paths = [f"{stem}.md", *(f"{stem}-{n}.md" for n in range(2, len(chunks) + 1))]
        pages, first = [], 1
        for number, (count, (markdown, footnotes)) in enumerate(chunks, start=1):
            pager = [f"[{escape(self.name)}]({_name(self.path)})"]
            if number > 1:
                pager.append(f"[← Previous]({_name(paths[number - 2])})")
            pager.append(f"{first:,}–{first + count - 1:,} of {len(rows):,}")
            if number < len(paths):
                pager.append(f"[Next →]({_name(paths[number])})")
            pager_line = " · ".join(pager) + "\n{ .fs-pager }"
            heading = f"{shown(self.name)}: {title}"  # (a value, then our words)
            if len(paths) > 1:
                heading += f" ({number} of {len(paths)})"
            body = (
                f"# {composed(heading)} {{ #fs-title }}\n\n{pager_line}\n\n{markdown}\n\n"
                f"{pager_line}\n\n{footnotes}"
            )
            front = {"title": html.escape(heading, quote=False)}
            pages.append(Page(paths[number - 1], front, body.strip() + "\n"))
            first += count
        return pages

    def _rows_markdown(
        self, rows: list[Any], caller: Callable[[list[Any]], str]
    ) -> tuple[str, str]:
        """Rows as a page of their own prints them, and their footnotes."""
        page_notes, self.notes = self.notes, Footnotes(self.kb)
        try:
            markdown = caller(rows).strip()
            cited = {citation.source for citation in self.notes.numbers}
            self.shown.sources.update(cited)
            return self.unreviewed(cited) + markdown, self.footnotes()
        finally:
            self.notes = page_notes

    def unreviewed(self, sources: Iterable[str], own: str | None = None) -> str:
        """The notice that opens a page drawn from draft summaries, when the site publishes
        them (see `Source.draft`): on a draft source's own page (`own`), that it is one;
        on another, which of `sources` (those it cites or names) are drafts. Empty when
        none is, and on index pages, which list what the site holds."""
        drafts = self.site.drafts
        if not drafts or self.path.endswith("/index.md"):
            return ""
        if own is not None:
            said = (
                "This summary is a draft: no editor has reviewed it yet." if own in drafts else ""
            )
        else:
            named = set(sources)
            links = [
                f"[{escape(self.kb.sources[source_id].meta.title)}](../sources/{source_id}.md)"
                for source_id in drafts
                if source_id in named
            ]
            said = (
                "Parts of this page come from draft summaries not yet reviewed by an editor: "
                + ", ".join(links)
                + "."
                if links
                else ""
            )
        return f'!!! warning "Unreviewed"\n\n    {said}\n\n' if said else ""

    # --- Citations and facts ----------------------------------------------------------

    def cite(self, *items: Citable) -> Md:
        return self.notes.cite(*items)

    def footnotes(self) -> Md:
        return self.notes.definitions()

    def describe(self, entity: Entity) -> Md:
        return Md(
            " ".join(f"{escape(sentence(f.value))}{self.cite(f)}" for f in entity.descriptions)
        )

    def facts(self, facts: Iterable[Attested], linked: bool = False) -> Md:
        """Values with their footnotes: `A[^fs-1]; B[^fs-2]`."""
        parts = [
            f"{self.link(fact.value) if linked else escape(fact.value)}{self.cite(fact)}"
            for fact in facts
        ]
        return Md("; ".join(parts))

    def statement(self, statement: Statement, show_speaker: bool = True) -> Md:
        """A statement as a list item: speaker (and whom it came through), what it does, the
        summary, and its quotes."""
        self.shown.entities.add(statement.id)
        verb = escape(statement.type)
        head = (
            f"{self.speaker(statement)} **{verb}**"
            if show_speaker
            else f"**{escape(statement.type.capitalize())}**"
        )
        for chain in statement.via:
            relays = ", then ".join(self.link(actor) for actor in chain.value)
            head += f" (via {relays}{self.cite(chain)})"
        line = f"- {head}: {self.facts(statement.names)}"
        about = [self.link(fact.value) for fact in statement.about]
        if about:
            line += f" *About:* {', '.join(about)}"
        quotes = " ".join(f"{quoted(f.value)}{self.cite(f)}" for f in statement.mentions)
        return Md(f"{line}\n\n    > {quotes}")

    def speaker(self, statement: Statement) -> Md:
        """Who made a statement: an actor, or the outlets whose own assertion it is."""
        if statement.speaker:
            return self.link(statement.speaker)
        outlets = []
        for source_id in statement.sources:
            meta = self.kb.sources[source_id].meta
            self.shown.sources.add(source_id)
            outlets.append(f"[{escape(meta.outlet or meta.title)}](../sources/{source_id}.md)")
        return Md(f"{', '.join(outlets)} (the report itself)")

    # --- Identity -----------------------------------------------------------------------

    def unnamed_by(self, entity: Entity) -> Md:
        """The sources that mention a named entity without naming it, with their words."""
        parts = []
        for fact in entity.unnamed:
            refs = ", ".join(self.source_ref(s) for s in fact.sources)
            parts.append(f"{refs}, as {quoted(fact.value)}{self.cite(fact)}")
        return Md("; ".join(parts))

    def kinds(self, entity: Entity) -> Md:
        """Each source's word for what an entity is, when they differ."""
        return Md(
            "; ".join(
                f"{escape(labels.kind_label(fact.value).lower())}{self.cite(fact)} "
                f"according to {self.source_refs(fact.sources)}"
                for fact in entity.kinds
            )
        )

    def possibly(self, fact: Attested, other: str | None = None) -> Md:
        """An editor's inference that two ids are one entity, said as such."""
        target, reason = fact.value
        return Md(
            f"{self.link(other or target)} (an editor's inference, not a source's: "
            f"{escape(reason)}){self.cite(fact)}"
        )

    # --- Sources ----------------------------------------------------------------------

    def source_ref(self, source_id: str) -> Md:
        """A link to a source, with its publication date as the "as of" of what it states."""
        self.shown.sources.add(source_id)
        meta = self.kb.sources[source_id].meta
        as_of = f" (as of {labels.partial_date(meta.published)})" if meta.published else ""
        return Md(f"[{escape(meta.title)}](../sources/{source_id}.md){escape(as_of)}")

    def source_refs(self, source_ids: Sequence[str]) -> Md:
        """The first sources of a fact (as many as it shows marks), and how many others."""
        refs = ", ".join(self.source_ref(s) for s in source_ids[:MARKS_PER_FACT])
        more = len(source_ids) - MARKS_PER_FACT
        return Md(f"{refs} and {more} more" if more > 0 else refs)

    def sources_list(self, sources: list[str]) -> Md:
        """A list item per source: its title (a link) and outlet."""
        lines = []
        self.shown.sources.update(sources)
        for source_id in sources:
            meta = self.kb.sources[source_id].meta
            outlet = f" — {escape(meta.outlet)}" if meta.outlet else ""
            lines.append(f"- [{escape(meta.title)}](../sources/{source_id}.md){outlet}")
        return Md("\n".join(lines))

    def cited_from(self, source_id: str, category: str) -> list[Entity]:
        """Entities of a category with at least one fact from the source."""
        return self.site.index.by_source.get((source_id, category), [])

    def supported(self, source_id: str) -> list[Cited]:
        """Every fact the source supports, by the sentence it cites."""
        return facts_of(self, source_id)

    def source_text(self, source: Source, cited: list[Cited]) -> Md:
        """The source's text, each sentence linking to the facts citing it (`cited`)."""
        return source_text(
            source,
            {item.sentence.anchor: item.quotes for item in cited},
            {item.sentence.anchor: (item.count, item.anchor) for item in cited},
        )

    # --- Entities and their relations ---------------------------------------------------

    def positions(self, statements: Iterable[Statement]) -> Md:
        """Who condemned, claimed, denied, confirmed...: one line per kind of statement."""
        by_type: dict[str, list[Statement]] = {}
        for statement in statements:
            same = by_type.setdefault(statement.type, [])
            if all(other.voice != statement.voice for other in same):
                same.append(statement)
        lines = [
            f"| {escape(labels.statement_verb(kind))} | "
            f"{', '.join(self.speaker(statement) for statement in same)} |"
            for kind, same in sorted(by_type.items())
        ]
        return Md("\n".join(lines))

    def relations(
        self,
        outgoing: Facts,
        incoming: Iterable[tuple[Entity, Attested]],
        subject: str | None = None,
    ) -> list[tuple[Md, str, Attested]]:
        """(label, other entity, fact) for an entity's (`subject`'s) relations: its own, then
        others'. Labels say whether a relation is former, since when, and how the source
        presents it; others' end with a colon ("Led by, formerly:")."""
        own = [
            (
                self._relation(labels.relation_words(f.value.type, f.value.status), f, subject),
                f.value.target,
                f,
            )
            for f in outgoing
        ]
        others = []
        for other, f in incoming:
            label = labels.inverse_label(f.value.type).removesuffix(":")
            if f.value.status == "former":
                label += ", formerly"
            others.append((Md(self._relation(label, f, other.id) + ":"), other.id, f))
        return own + others

    def _relation(self, label: str, fact: Attested, subject: str | None) -> Md:
        link = fact.value
        dates = [
            f"{word} {labels.partial_date(day)}"
            for word, day in (("since", link.since), ("until", link.until))
            if day
        ]
        if dates:
            label += f" ({', '.join(dates)})"
        if link.by is not None and link.by == subject and link.certainty == "claimed":
            return Md(f"{escape(label)} (own claim)")
        return Md(f"{escape(label)}{self.claims.how(link)}")

    def by_speaker(self) -> list[tuple[str, list[Statement]]]:
        said_by = self.site.index.said_by
        speakers = sorted(said_by, key=lambda a: self.kb.actors[a].name.casefold())
        return [(speaker, said_by[speaker]) for speaker in speakers]

    def links(self, entity_ids: Iterable[str]) -> Md:
        return Md(", ".join(self.link(entity_id) for entity_id in entity_ids))

    def link(self, entity_id: str, text: str | None = None) -> Md:
        """A link to an entity's fact sheet, from any generated page (all sit one folder deep)."""
        self.shown.entities.add(entity_id)
        if not text:
            return self.site.links.get(entity_id) or escape(entity_id)
        entity = self.kb.get(entity_id)
        return escape(text) if entity is None else link_to(entity, text)

    # --- Time ---------------------------------------------------------------------------

    def chrono(self, events: Iterable[Any]) -> list[Any]:
        """Events (or (event, anything) pairs) in timeline order."""
        order = self.site.order
        ordered = sorted(events, key=lambda e: order[_event(e).id])
        self.shown.orders.append([_event(e).id for e in ordered])
        return ordered


def link_to(entity: Entity, text: str) -> Md:
    """A link to an entity's fact sheet, from any generated page (all sit one folder deep)."""
    if entity.category == "statements":
        # A statement has no page of its own, and on a large site the statements index
        # continues on numbered pages where its anchor would move: the link goes to the
        # sentence of the first source that reports it.
        first = entity.mentions.first
        assert first is not None  # every statement has its quote
        return Md(f"[{escape(text)}]({sentence_target(first.citations[0])})")
    return Md(f"[{escape(text)}](../{entity.category}/{entity.id}.md)")


def _kept(rows: list[Any], limit: int, voice: Callable[[Any], Any] | None) -> list[Any]:
    """The rows a cut section shows, in their order: the first `limit`, or with `voice` the
    first of every voice and then the earliest others, `limit` in all unless there are more
    voices than that."""
    if voice is None:
        return rows[:limit]
    firsts: dict[Any, int] = {}
    for index, row in enumerate(rows):
        firsts.setdefault(voice(row), index)
    keep = set(firsts.values())
    for index in range(len(rows)):
        if len(keep) >= limit:
            break
        keep.add(index)
    return [row for index, row in enumerate(rows) if index in keep]


def numbered(items: Iterable[Any]) -> list[tuple[int, Any]]:
    """(1, first item), (2, second item)...: numbers that stay right on every page of a list
    continued over several."""
    return list(enumerate(items, start=1))


def groups(entities: Iterable[Entity]) -> list[tuple[str, list[Entity]]]:
    """Entities grouped by kind, kinds and names in a stable order."""
    grouped: dict[str, list[Entity]] = {}
    for entity in sorted(entities, key=lambda e: (e.name.casefold(), e.id)):
        grouped.setdefault(entity.kind or "", []).append(entity)
    return sorted(grouped.items())


def _event(item: Event | tuple[Event, Any]) -> Event:
    return item[0] if isinstance(item, tuple) else item


def _name(path: str) -> str:
    """A page's file name: what links between pages of one folder point to."""
    return path.rpartition("/")[2]
