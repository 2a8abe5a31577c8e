"""Merge validated summaries into one knowledge base (`model.py`), keeping every fact's sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from ..sources import schema
from ..sources.checks import alias_key, citation_key
from ..sources.load import Loaded
from ..sources.text import Sentence, SourceText
from .model import (
    Actor,
    Citation,
    Entity,
    Event,
    Facts,
    KnowledgeBase,
    Location,
    Source,
    Statement,
)

E = TypeVar("E", bound=Entity)


def merge(loaded: list[Loaded], sentences: dict[str, Sentence]) -> KnowledgeBase:
    """Build the knowledge base; `sentences` maps each validated quote to its sentence."""
    kb = KnowledgeBase()
    # Oldest sources first, so each fact's citations read in the order they were reported.
    for item in sorted(loaded, key=_publication_order):
        meta = item.summary.source
        kb.sources[meta.id] = Source(meta, item.text, item.source_file)
        cite = _Citer(meta.id, item.text, sentences)
        file = item.summary_file
        for actor in item.summary.actors:
            entry = _entity(kb.actors, Actor, actor, actor.name, "actors", file, cite)
            entry.anonymous = entry.anonymous or actor.anonymous
            if actor.country and actor.country_quote:
                entry.countries.add(actor.country, cite(actor.country_quote))
            for relation in actor.relations:
                entry.relations.add((relation.type.value, relation.target), cite(relation.quote))
        for location in item.summary.locations:
            place = _entity(
                kb.locations, Location, location, location.name, "locations", file, cite
            )
            if location.parent and location.parent_quote:
                place.parents.add(location.parent, cite(location.parent_quote))
            if location.coordinates:
                point = location.coordinates
                place.coordinates.add((point.lat, point.lon), cite(point.quote))
        for event in item.summary.events:
            _merge_event(kb, event, file, cite)
        for statement in item.summary.statements:
            _merge_statement(kb, statement, file, cite)
    return kb


@dataclass(frozen=True)
class _Citer:
    """Citations of one source's quotes, each with the sentence it was found in."""

    source_id: str
    text: SourceText
    sentences: dict[str, Sentence]
    """Every validated quote's sentence, by `citation_key` (aliases by `alias_key`)."""

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
    name: str,
    category: str,
    file: str,
    cite: _Citer,
) -> E:
    """The entity with the record's id, created if new, with the record's names and words."""
    entry = table.get(record.id)
    if entry is None:
        entry = table[record.id] = cls(record.id, category, schema.kind_of(record))
    entry.files.append(file)
    citation = cite(record.quote)
    entry.names.add(name, citation)
    entry.mentions.add(record.quote, citation, key=citation)
    for alias in record.aliases:
        # Cited where the source uses the name itself, when it does; else with the entity's quote.
        entry.aliases.add(alias, cite.alias(alias) or citation)
    if record.description:
        entry.descriptions.add(record.description, citation)
    return entry


def _merge_event(kb: KnowledgeBase, event: schema.Event, file: str, cite: _Citer) -> None:
    entry = _entity(kb.events, Event, event, event.title, "events", file, cite)
    if event.type:
        sub_type = event.sub_type.value if event.sub_type else None
        entry.types.add((event.type.value, sub_type), cite(event.quote))
    if event.date:
        date = event.date
        # The same date in other words ("on Monday") is agreement, not a dispute.
        key = (
            (date.precision, date.value, date.basis)
            if date.value
            else (date.precision, date.relative, date.basis)
        )
        entry.dates.add(date, cite(date.quote), key=key)
    for place in event.locations:
        entry.places.add(place.location, cite(place.quote))
    for participant in event.participants:
        entry.participants.add((participant.actor, participant.role.value), cite(participant.quote))
    for figure in event.figures:
        value = (figure.value, figure.qualifier.value, figure.according_to)
        entry.figures.setdefault(figure.kind.value, Facts()).add(value, cite(figure.quote))
    for relation in event.relations:
        entry.relations.add((relation.type.value, relation.target), cite(relation.quote))


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
    entry.mentions.add(statement.quote, citation, key=citation)
    for about in statement.about:
        entry.about.add(about, citation)
