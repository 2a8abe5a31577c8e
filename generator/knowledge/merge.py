"""Merge validated summaries into one knowledge base (`model.py`), keeping every fact's sources."""

from __future__ import annotations

from typing import Any

from ..sources import schema
from ..sources.checks import alias_key, citation_key
from ..sources.load import Loaded
from ..sources.text import Sentence
from .model import Actor, Citation, Event, Facts, KnowledgeBase, Location, Source, Statement


def merge(loaded: list[Loaded], sentences: dict[str, Sentence]) -> KnowledgeBase:
    """Build the knowledge base; `sentences` maps each validated quote to its sentence."""
    kb = KnowledgeBase()
    # Oldest sources first, so each fact's citations read in the order they were reported.
    for item in sorted(loaded, key=_publication_order):
        meta = item.summary.source
        kb.sources[meta.id] = Source(meta, item.text, item.source_file)

        def cite(
            quote: str, *, alias: bool = False, source_id: str = meta.id, text=item.text
        ) -> Citation | None:
            if alias:
                sentence = sentences.get(alias_key(source_id, quote))
                if sentence is None:  # an alias the text does not contain: nothing to cite
                    return None
                return Citation(source_id, text.words(quote), sentence)
            return Citation(source_id, quote, sentences[citation_key(source_id, quote)])

        for actor in item.summary.actors:
            entry = _entity(kb.actors, Actor, actor, "actors", item.summary_file, cite)
            entry.anonymous = entry.anonymous or actor.anonymous
            if actor.country and actor.country_quote:
                entry.countries.add(actor.country, cite(actor.country_quote))
            for relation in actor.relations:
                entry.relations.add((relation.type.value, relation.target), cite(relation.quote))
        for location in item.summary.locations:
            entry = _entity(kb.locations, Location, location, "locations", item.summary_file, cite)
            if location.parent and location.parent_quote:
                entry.parents.add(location.parent, cite(location.parent_quote))
            if location.coordinates:
                point = location.coordinates
                entry.coordinates.add((point.lat, point.lon), cite(point.quote))
        for event in item.summary.events:
            _merge_event(kb, event, item.summary_file, cite)
        for statement in item.summary.statements:
            entry = kb.statements.get(statement.id)
            if entry is None:
                entry = kb.statements[statement.id] = Statement(
                    statement.id,
                    "statements",
                    statement.type.value,
                    speaker=statement.speaker,
                    type=statement.type.value,
                )
            entry.files.append(item.summary_file)
            citation = cite(statement.quote)
            entry.names.add(statement.summary, citation)
            entry.mentions.add(statement.quote, citation, key=citation)
            for about in statement.about:
                entry.about.add(about, citation)
    return kb


def _publication_order(item: Loaded) -> tuple:
    meta = item.summary.source
    return (meta.published is None, meta.published or "", meta.id)


def _entity(table, cls, record, category: str, file: str, cite) -> Any:
    entry = table.get(record.id)
    if entry is None:
        entry = table[record.id] = cls(record.id, category, schema.kind_of(record))
    entry.files.append(file)
    citation = cite(record.quote)
    entry.names.add(record.name if hasattr(record, "name") else record.title, citation)
    entry.mentions.add(record.quote, citation, key=citation)
    for alias in record.aliases:
        # Cited where the source uses the name itself, when it does; else with the entity's quote.
        entry.aliases.add(alias, cite(alias, alias=True) or citation)
    if record.description:
        entry.descriptions.add(record.description, citation)
    return entry


def _merge_event(kb: KnowledgeBase, event: schema.Event, file: str, cite) -> None:
    entry: Event = _entity(kb.events, Event, event, "events", file, cite)
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
