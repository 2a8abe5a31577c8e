"""Merge validated summaries into one knowledge base (`model.py`), keeping every fact's sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from ..sources import schema
from ..sources.checks import alias_key, citation_key
from ..sources.load import Loaded
from ..sources.text import Sentence, SourceText
from . import dates, figures
from .dates import Span
from .figures import Count, Measure
from .model import (
    Actor,
    Citation,
    Dated,
    Entity,
    Event,
    Facts,
    KnowledgeBase,
    Link,
    Location,
    Source,
    Statement,
    most_cited,
)

E = TypeVar("E", bound=Entity)


def merge(
    loaded: list[Loaded], sentences: dict[str, Sentence], *, publish_drafts: bool = False
) -> KnowledgeBase:
    """Build the knowledge base; `sentences` maps each validated quote to its sentence.

    Drafts (`status: draft`) are left out unless `publish_drafts`; either way the
    knowledge base lists them (`KnowledgeBase.drafts`)."""
    kb = KnowledgeBase(drafts=[item.summary_file for item in loaded if item.summary.draft])
    published = [item for item in loaded if publish_drafts or not item.summary.draft]
    # Oldest sources first, so each fact's citations read in the order they were reported.
    for item in sorted(published, key=_publication_order):
        meta = item.summary.source
        kb.sources[meta.id] = Source(meta, item.text, item.source_file, item.summary.draft)
        cite = _Citer(meta.id, item.text, sentences, meta.published, meta.language)
        file = item.summary_file
        for actor in item.summary.actors:
            entry = _entity(kb.actors, Actor, actor, file, cite, named=not actor.anonymous)
            if actor.country and actor.country_quote:
                entry.countries.add(actor.country, cite(actor.country_quote))
            for relation in actor.relations:
                entry.relations.add(_link(relation), cite(relation.quote))
        for location in item.summary.locations:
            place = _entity(kb.locations, Location, location, file, cite)
            if location.parent and location.parent_quote:
                place.parents.add(location.parent, cite(location.parent_quote))
            if location.coordinates:
                point = location.coordinates
                place.coordinates.add((point.lat, point.lon), cite(point.quote))
        for event in item.summary.events:
            _merge_event(kb, event, file, cite)
        for statement in item.summary.statements:
            _merge_statement(kb, statement, file, cite)
    for table in (kb.actors, kb.locations, kb.events):
        for entity in table.values():
            best = most_cited(entity.kinds)
            entity.kind = best.value if best else None
    return kb


@dataclass(frozen=True)
class _Citer:
    """Citations of one source's quotes, each with the sentence it was found in."""

    source_id: str
    text: SourceText
    sentences: dict[str, Sentence]
    """Every validated quote's sentence, by `citation_key` (aliases by `alias_key`)."""
    published: str | None
    language: str

    def when(self, value: str | None, precision: str, words: str | None) -> Span | None:
        """A date of this source placed in time (relative words against its date)."""
        return dates.resolve(value, precision, words, self.published, self.language)

    def __call__(self, quote: str) -> Citation:
        sentence = self.sentences[citation_key(self.source_id, quote)]
        return Citation(self.source_id, quote, sentence)

    def alias(self, alias: str) -> Citation | None:
        """Where the source uses a name itself; None when its text does not contain it."""
        sentence = self.sentences.get(alias_key(self.source_id, alias))
        if sentence is None:
            return None
        return Citation(self.source_id, self.text.words(alias), sentence)


def _publication_order(item: Loaded) -> tuple[bool, str, str]:
    meta = item.summary.source
    return (meta.published is None, meta.published or "", meta.id)


def _entity(
    table: dict[str, E],
    cls: type[E],
    record: schema.Actor | schema.Location | schema.Event,
    file: str,
    cite: _Citer,
    *,
    named: bool = True,
) -> E:
    """The entity with the record's id, created if new, with the record's names and words."""
    entry = table.get(record.id)
    if entry is None:
        entry = table[record.id] = cls(record.id, _CATEGORY[cls], None)
    entry.files.append(file)
    citation = cite(record.quote)
    name = record.title if isinstance(record, schema.Event) else record.name
    (entry.names if named else entry.unnamed).add(name, citation)
    kind = schema.kind_of(record)
    if kind:
        entry.kinds.add(kind, citation)
    entry.mentions.add(record.quote, citation, key=citation)
    for alias in record.aliases:
        # Cited where the source uses the name itself, when it does; else with the entity's quote.
        entry.aliases.add(alias, cite.alias(alias) or citation)
    if record.description:
        entry.descriptions.add(record.description, citation)
        for quote in record.description_quotes:
            entry.descriptions.add(record.description, cite(quote))
    possibly = getattr(record, "possibly", None)
    if possibly:
        entry.possibly.add((possibly.id, possibly.reason), citation)
    return entry


def _link(claim: schema.Relation | schema.EventRelation | schema.Participant) -> Link:
    by = claim.by
    certainty = claim.certainty.value
    if isinstance(claim, schema.Participant):
        return Link(claim.role.value, claim.actor, certainty, by)
    if isinstance(claim, schema.EventRelation):
        return Link(claim.type.value, claim.target, certainty, by)
    return Link(
        claim.type.value,
        claim.target,
        certainty,
        by,
        claim.status.value,
        claim.since,
        claim.until,
    )


def _merge_event(kb: KnowledgeBase, event: schema.Event, file: str, cite: _Citer) -> None:
    entry = _entity(kb.events, Event, event, file, cite)
    if event.type:
        sub_type = event.sub_type.value if event.sub_type else None
        entry.types.add((event.type.value, sub_type), cite(event.quote))
    if event.date:
        date = event.date
        span = cite.when(date.value, date.precision.value, date.relative)
        # The same date in other words ("on Monday") is agreement, not a dispute. Words that
        # cannot be placed ("Sunday" in an undated report) are the source's own: another
        # report's "Sunday" may be another day.
        key = (
            (date.precision, date.value, date.basis)
            if date.value
            else (date.precision, date.relative, date.basis, span or cite.source_id)
        )
        entry.dates.add(Dated(date, span), cite(date.quote), key=key)
    for place in event.locations:
        entry.places.add(place.location, cite(place.quote))
    for participant in event.participants:
        entry.participants.add(_link(participant), cite(participant.quote))
    published = cite.when(cite.published, "day", None) if cite.published else None
    counts: dict[Measure, list[Count]] = {}
    for figure in event.figures:
        measure = Measure(
            figure.kind.value, figure.counted, figure.unit, figure.location, figure.among
        )
        count = Count(
            figure.value if isinstance(figure.value, int) else None,
            figure.qualifier.value,
            figure.according_to,
            figure.as_of,
            _as_of(figure.as_of, cite),
        )
        entry.figures.setdefault(measure, Facts()).add(count, cite(figure.quote))
        counts.setdefault(measure, []).append(count)
    for measure, series in counts.items():
        # One summary per source: its counts of a measure are all in this event entry.
        entry.series.setdefault(measure, {})[cite.source_id] = figures.in_time_order(
            series, published
        )
    for relation in event.relations:
        entry.relations.add(_link(relation), cite(relation.quote))


def _as_of(words: str | None, cite: _Citer) -> Span | None:
    if not words:
        return None
    if schema.ISO_PARTIAL.match(words):
        return cite.when(words, {4: "year", 7: "month"}.get(len(words), "day"), None)
    return cite.when(None, "relative", words)


def _merge_statement(
    kb: KnowledgeBase, statement: schema.Statement, file: str, cite: _Citer
) -> None:
    entry = kb.statements.get(statement.id)
    if entry is None:
        entry = kb.statements[statement.id] = Statement(
            statement.id,
            "statements",
            statement.type.value,
            speaker=statement.speaker,
            type=statement.type.value,
        )
    entry.files.append(file)
    citation = cite(statement.quote)
    entry.names.add(statement.summary, citation)
    for quote in statement.summary_quotes:
        entry.names.add(statement.summary, cite(quote))
    entry.mentions.add(statement.quote, citation, key=citation)
    for about in statement.about:
        entry.about.add(about, citation)
    if statement.via:
        entry.via.add(tuple(statement.via), citation)


_CATEGORY = {Actor: "actors", Location: "locations", Event: "events"}
