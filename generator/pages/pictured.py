"""What fact sheets' templates call to draw: a location's map, an event's places, a strip of
events in time, an actor's web. Each reads the account through the page (so that what it
shows is recorded, as links record it) and hands `drawings` plain values to draw."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..knowledge import timeline
from ..knowledge.model import Actor, Event, Location, Position
from . import drawings, labels
from .markup import Md, shown
from .page import PageContext

ASSERTED = frozenset(("stated", "confirmed"))
"""Certainties drawn as solid lines; any other (suspected, claimed, alleged, denied) is
dashed: the source does not assert the relation as a fact."""


class Pictured:
    """The drawings of one rendering of one page."""

    def __init__(self, page: PageContext) -> None:
        self.page = page
        self.kb = page.kb

    def location_map(self, location: Location) -> Md:
        """A locator map: the place itself, with where its position comes from."""
        position = self.kb.positions.get(location.id)
        if position is None:
            why = shown(self.kb.unplaced.get(location.id, "no position"))
            return Md(f'<p class="fs-unplaced">Not on the map: {drawings.escape_text(why)}.</p>')
        # Enough around it to see where it is: its neighbours, for a country.
        least = 20.0 if location.kind in ("country", "sea", "region") else 14.0
        name = shown(location.name)
        mark = drawings.Mark(location.name, position, None, name)
        return drawings.locator(self.page.path, [mark], f"Map: where {name} is", least)

    def event_map(self, event: Event) -> Md:
        """The event's places on a map; places not on the map said so."""
        marks, missing = [], []
        for place_id in dict.fromkeys(fact.value for fact in event.places):
            place = self.kb.locations.get(place_id)
            if place is None:
                continue
            self.page.shown.entities.add(place_id)
            position = self.kb.positions.get(place_id)
            if position is None:
                why = shown(self.kb.unplaced.get(place_id, "no position"))
                missing.append(f"{shown(place.name)} ({why})")
                continue
            marks.append(self._mark(place, position))
        drawn = drawings.locator(self.page.path, marks, f"Map: where {shown(event.name)} happened")
        if missing:
            note = "Not on the map: " + "; ".join(missing) + "."
            return Md(f'{drawn}\n<p class="fs-unplaced">{drawings.escape_text(note)}</p>')
        return drawn

    def _mark(self, place: Location, position: Position) -> drawings.Mark:
        name = shown(place.name)
        label = f"{name} (approximate)" if position.approximate else name
        return drawings.Mark(place.name, position, f"locations/{place.id}.md", label)

    def strip(self, events: Iterable[Any], entity: Actor | Location) -> Md:
        """The events (or (event, ...) tuples, as pages list them) of an actor or a place on
        a time axis."""
        name = shown(entity.name)
        title = (
            f"Events {name} took part in, in time"
            if entity.category == "actors"
            else f"Events at {name}, in time"
        )
        moments, seen = [], set()
        for item in events:
            event: Event = item[0] if isinstance(item, tuple) else item
            if event.id in seen:
                continue
            seen.add(event.id)
            self.page.shown.entities.add(event.id)
            span = timeline.days(event)
            when = timeline.told(span)
            moments.append(
                drawings.Moment(
                    event.name,
                    f"events/{event.id}.md",
                    span.start if span else None,
                    span.end if span else None,
                    bool(span and span.inferred),
                    when,
                )
            )
        return drawings.strip(self.page.path, moments, title)

    def web(self, actor: Actor) -> Md:
        """The actor's relations, both ways, and the actors it shares events with."""
        index = self.page.site.index
        ties: dict[str, drawings.Tie] = {}
        for fact in actor.relations:
            link = fact.value
            if link.target in self.kb.actors and link.target not in ties:
                words = labels.relation_words(link.type, link.status)
                ties[link.target] = self._tie(link.target, words, link.certainty)
        for other, fact in index.incoming.get(actor.id, []):
            if other.id in self.kb.actors and other.id not in ties:
                words = labels.inverse_label(fact.value.type).removesuffix(":")
                ties[other.id] = self._tie(other.id, words, fact.value.certainty)
        shared: dict[str, set[str]] = {}
        for event, _ in index.participations.get(actor.id, []):
            for fact in event.participants:
                other_id = fact.value.target
                if other_id != actor.id and other_id in self.kb.actors:
                    shared.setdefault(other_id, set()).add(event.id)
        for other_id, events in sorted(shared.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if other_id not in ties:
                words = labels.plural(len(events), "event") + " together"
                ties[other_id] = self._tie(other_id, words, "stated", "involvement")
        title = f"Web of {shown(actor.name)}: its relations and the actors it shares events with"
        return drawings.web(self.page.path, actor.name, list(ties.values()), title)

    def _tie(
        self, other_id: str, words: str, certainty: str, anchor: str = "relations"
    ) -> drawings.Tie:
        self.page.shown.entities.add(other_id)
        other = self.kb.actors[other_id]
        uncertain = certainty not in ASSERTED
        label = f"{words} ({certainty})" if uncertain else words
        return drawings.Tie(
            other.name,
            f"actors/{other_id}.md",
            label,
            anchor,
            not uncertain,
            shared_events=anchor == "involvement",
        )
