"""The merged account as data: every source, entity and claim, in the shape `schema.py`
describes (`content/data/account.json`; `downloads.py` writes it, and each fact sheet's
slice of it).

Nothing is chosen or summed up: every value sources give is a claim with every citation,
in the order the sources were published, as the pages show them. What the site works out
from them (an entity's name, its position on the maps, when an event happened on the
timeline, what is disputed) is beside the claims, never in place of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from ..common.project import page_url
from ..knowledge import figures, timeline
from ..knowledge import model as kb_model
from ..knowledge.dates import Span
from ..knowledge.model import Dated, Facts, KnowledgeBase, Link
from . import schema

V = TypeVar("V")

FACT_SHEETS = ("actors", "locations", "events")
"""The categories whose fact sheets each have their JSON beside them (statements have no
page of their own)."""


def account(kb: KnowledgeBase) -> schema.Account:
    """The whole account."""
    pages = _SourcePages(kb)
    return {
        "format": schema.FORMAT,
        "sources": {s.id: _source(s, pages) for s in kb.sources.values()},
        "actors": {a.id: _actor(a, pages) for a in kb.actors.values()},
        "locations": {p.id: _location(kb, p, pages) for p in kb.locations.values()},
        "events": {e.id: _event(e, pages) for e in kb.events.values()},
        "statements": {s.id: _statement(s, pages) for s in kb.statements.values()},
    }


class _SourcePages:
    """Citations as the export gives them, each linking to its sentence on its source's
    page; and the sources cited since the last record was finished (`sources`)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.urls = {source_id: page_url(f"sources/{source_id}.md") for source_id in kb.sources}
        # One citation backs several facts (an entity's quote its name, kind and mention):
        # made once, by identity (the knowledge base keeps every citation alive meanwhile).
        self.made: dict[int, schema.Citation] = {}
        self.cited: set[str] = set()

    def citation(self, c: kb_model.Citation) -> schema.Citation:
        made = self.made.get(id(c))
        if made is None:
            anchor = c.sentence.anchor
            made = self.made[id(c)] = {
                "source": c.source,
                "quote": c.quote,
                "sentence": anchor,
                "url": f"{self.urls[c.source]}#{anchor}",
            }
        return made

    def claims(self, facts: Facts, value: Callable[[Any], V]) -> list[schema.Claim[V]]:
        """Every value of a fact, converted by `value`, with its citations."""
        made: list[schema.Claim[V]] = []
        for fact in facts:
            self.cited.update(fact.sources)
            made.append(
                {
                    "value": value(fact.value),
                    "citations": [self.citation(c) for c in fact.citations],
                }
            )
        return made

    def sources(self) -> list[str]:
        """The ids of the sources the claims made since the last call cite: a record's
        sources, as `Entity.sources` has them, without going over its citations again."""
        cited, self.cited = sorted(self.cited), set()
        return cited


def _source(source: kb_model.Source, pages: _SourcePages) -> schema.Source:
    meta = source.meta
    return {
        "id": meta.id,
        "title": meta.title,
        "outlet": meta.outlet,
        "authors": list(meta.authors),
        "contributors": list(meta.contributors),
        "published": meta.published,
        "url": meta.url,
        "language": meta.language,
        "page": pages.urls[meta.id],
        "draft": source.draft,
    }


def _entity(entity: kb_model.Entity, pages: _SourcePages) -> schema.Entity:
    """What every actor, location and event has; its `sources` are filled in once its
    other claims are made (`_SourcePages.sources`)."""
    text = str
    return {
        "id": entity.id,
        "name": entity.name,
        "kind": entity.kind,
        "url": page_url(f"{entity.category}/{entity.id}.md"),
        "anonymous": entity.anonymous,
        "sources": [],
        "names": pages.claims(entity.names, text),
        "unnamed": pages.claims(entity.unnamed, text),
        "kinds": pages.claims(entity.kinds, text),
        "aliases": pages.claims(entity.aliases, text),
        "descriptions": pages.claims(entity.descriptions, text),
        "mentions": pages.claims(entity.mentions, text),
        "possibly": pages.claims(entity.possibly, _possibly),
    }


def _possibly(value: tuple[str, str]) -> schema.Possibly:
    return {"id": value[0], "reason": value[1]}


def _actor(actor: kb_model.Actor, pages: _SourcePages) -> schema.Actor:
    record: schema.Actor = {
        **_entity(actor, pages),
        "countries": pages.claims(actor.countries, str),
        "relations": pages.claims(actor.relations, _relation),
    }
    record["sources"] = pages.sources()
    return record


def _relation(link: Link) -> schema.Relation:
    return {
        "type": link.type,
        "target": link.target,
        "certainty": link.certainty,
        "by": link.by,
        "status": link.status,
        "since": link.since,
        "until": link.until,
    }


def _location(
    kb: KnowledgeBase, location: kb_model.Location, pages: _SourcePages
) -> schema.Location:
    found = kb.positions.get(location.id)
    position: schema.Position | None = None
    if found is not None:
        position = {
            # As the map data rounds them: about ten metres, and the same bytes every run.
            "lat": round(found.lat, 4),
            "lon": round(found.lon, 4),
            "origin": found.origin,
            "provenance": found.provenance,
            "approximate": found.approximate,
        }
    record: schema.Location = {
        **_entity(location, pages),
        "parents": pages.claims(location.parents, str),
        "coordinates": pages.claims(location.coordinates, _point),
        "position": position,
        "unplaced": None if found else kb.unplaced.get(location.id, "no position"),
    }
    record["sources"] = pages.sources()
    return record


def _point(value: tuple[float, float]) -> schema.Point:
    return {"lat": value[0], "lon": value[1]}


def _event(event: kb_model.Event, pages: _SourcePages) -> schema.Event:
    record: schema.Event = {
        **_entity(event, pages),
        "when": span(timeline.days(event)),
        "types": pages.claims(event.types, _event_type),
        "dates": pages.claims(event.dates, _date),
        "places": pages.claims(event.places, str),
        "participants": pages.claims(event.participants, _participant),
        "figures": [
            _figure(event, measure, facts, pages) for measure, facts in event.figures.items()
        ],
        "relations": pages.claims(event.relations, _event_link),
        "disputed": {
            "dates": event.dates_disputed,
            "types": event.types.disputed,
            "figures": [_measure(m) for m in event.disputed_figures],
            "roles": [{"actor": actor, "role": role} for actor, role in event.disputed_roles],
        },
    }
    record["sources"] = pages.sources()
    return record


def span(days: Span | None) -> schema.Span | None:
    """The days a date allows, as the export gives them; None for none."""
    if days is None:
        return None
    return {
        "start": days.start.isoformat(),
        "end": days.end.isoformat(),
        "precision": days.precision,
        "inferred": days.inferred,
    }


def _event_type(value: tuple[str, str | None]) -> schema.EventType:
    return {"type": value[0], "sub_type": value[1]}


def _date(dated: Dated) -> schema.Date:
    claim = dated.claim
    return {
        "precision": claim.precision.value,
        "value": claim.value,
        "relative": claim.relative,
        "basis": claim.basis.value,
        "span": span(dated.span),
    }


def _participant(link: Link) -> schema.Participant:
    return {"actor": link.target, "role": link.type, "certainty": link.certainty, "by": link.by}


def _event_link(link: Link) -> schema.EventLink:
    return {"type": link.type, "target": link.target, "certainty": link.certainty, "by": link.by}


def _measure(measure: figures.Measure) -> schema.Measure:
    return {
        "kind": measure.kind,
        "counted": measure.counted,
        "unit": measure.unit,
        "location": measure.location,
        "among": measure.among,
    }


def _figure(
    event: kb_model.Event, measure: figures.Measure, facts: Facts, pages: _SourcePages
) -> schema.Figure:
    return {
        "measure": _measure(measure),
        "counts": pages.claims(facts, _count),
        "agreed": agreed(event, measure),
    }


def agreed(event: kb_model.Event, measure: figures.Measure) -> schema.Interval | None:
    """The numbers every source's latest count of a measure allows; None when they
    cannot all hold."""
    common = figures.common(figures.latest(event.series.get(measure, {})))
    return None if common is None else interval(*common)


def interval(low: float, high: float) -> schema.Interval:
    """A range as the export gives it: whole numbers, None for no upper bound."""
    return {"low": int(low), "high": None if math.isinf(high) else int(high)}


def _count(count: figures.Count) -> schema.Count:
    low, high = figures.bounds(count)
    return {
        "value": count.value,
        "qualifier": count.qualifier,
        "according_to": count.according_to,
        "as_of": count.as_of,
        **interval(low, high),
    }


def _statement(statement: kb_model.Statement, pages: _SourcePages) -> schema.Statement:
    record: schema.Statement = {
        "id": statement.id,
        "name": statement.name,
        "type": statement.type,
        "speaker": statement.speaker,
        "sources": [],
        "names": pages.claims(statement.names, str),
        "mentions": pages.claims(statement.mentions, str),
        "about": pages.claims(statement.about, str),
        "via": pages.claims(statement.via, list),
    }
    record["sources"] = pages.sources()
    return record
