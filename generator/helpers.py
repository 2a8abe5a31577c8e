"""The pieces of a page that templates call: links, citations, dates, statements...

They live here, not in Jinja macros, because they return `Md`: Markdown built from
escaped parts, which the template environment's `finalize` prints as is. Each records
in `_shown` what the page showed, for incremental runs (see incremental.py).
"""

from __future__ import annotations

from typing import Any

from . import labels
from .incremental import Shown
from .lookups import Backlinks
from .markup import MARKS_PER_FACT, Footnotes, Md, escape, sentence, sentence_target
from .merge import Attested, Citation, Entity, Event, KnowledgeBase, figures_disagree
from .model import DateClaim, Precision


class Helpers:
    """What templates call, on the page being rendered (`Renderer` sets its state)."""

    kb: KnowledgeBase
    index: Backlinks
    """Who links to whom, who said what, what each source supports."""
    order: dict[str, int]
    """Each event's place in the timeline."""
    _notes: Footnotes
    """The page's footnotes so far."""
    _shown: Shown
    """What the page showed so far."""
    _links: dict[str, Md]
    """Links to entities, under their own names, made once per run."""

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
            return Md(f"[{escape(text or entity.name)}]({sentence_target(citation)})")
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


def numbered(items) -> list[tuple[int, Any]]:
    """(1, first item), (2, second item)...: numbers that stay right on every page of a list
    continued over several."""
    return list(enumerate(items, start=1))


def _event(item: Event | tuple) -> Event:
    return item[0] if isinstance(item, tuple) else item


def groups(entities) -> list[tuple[str, list[Entity]]]:
    """Entities grouped by kind, kinds and names in a stable order."""
    grouped: dict[str, list[Entity]] = {}
    for entity in sorted(entities, key=lambda e: (e.name.casefold(), e.id)):
        grouped.setdefault(entity.kind or "", []).append(entity)
    return sorted(grouped.items())
