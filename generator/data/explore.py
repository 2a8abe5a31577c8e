"""What the Map, Timeline and Network pages draw, as JSON files under `content/data/`.

The pages load these files when a reader opens them, so a site of any size sends each page
small and draws it from one file. URLs in them are relative to the site's root. Values are
plain text: the pages' script inserts them as text, never as markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..common.project import DATA_DIR, page_url
from ..knowledge import timeline
from ..knowledge.model import Event, KnowledgeBase, Link
from ..sources import world

FILES = ("world.json", "map.json", "timeline.json", "network.json")
"""The data files this module makes, in `content/data/`."""


def files(kb: KnowledgeBase, chronological: list[Event] | None = None) -> dict[str, str]:
    """Each data file's path under `content/` and its text; `chronological` is the
    account's events in timeline order, when the caller has it already."""
    if chronological is None:
        chronological = timeline.chronological(kb)
    made = {
        "world.json": _world(kb),
        "map.json": _map(kb, chronological),
        "timeline.json": _timeline(kb, chronological),
        "network.json": _network(kb),
    }
    return {f"{DATA_DIR}/{name}": _dumped(value) for name, value in made.items()}


def _dumped(value: Any) -> str:
    # Compact and sorted: byte-identical from the same account.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


MARGIN = 20.0
"""Degrees of outlines drawn around the site's places: context, not the whole world."""


def _world(kb: KnowledgeBase) -> dict[str, Any]:
    """The outlines of the countries near the site's places."""
    points = [(p.lon, p.lat) for p in kb.positions.values()]
    near: list[world.Country] = []
    if points:
        west = min(lon for lon, _ in points) - MARGIN
        east = max(lon for lon, _ in points) + MARGIN
        south = min(lat for _, lat in points) - MARGIN
        north = max(lat for _, lat in points) + MARGIN
        near = [
            country
            for country in world.countries()
            if country.box[0] <= east
            and country.box[2] >= west
            and country.box[1] <= north
            and country.box[3] >= south
        ]
    return {
        "attribution": world.ATTRIBUTION,
        "countries": [
            {
                "name": country.name,
                "iso": country.iso,
                "rings": [
                    [[round(lon, 2), round(lat, 2)] for lon, lat in ring] for ring in country.rings
                ],
            }
            for country in near
        ],
    }


def _url(category: str, entity_id: str) -> str:
    return page_url(f"{category}/{entity_id}.md")


def _event_item(event: Event) -> dict[str, str]:
    return {
        "id": event.id,
        "title": event.name,
        "url": _url("events", event.id),
        "when": timeline.told(timeline.days(event)),
    }


def _map(kb: KnowledgeBase, chronological: list[Event]) -> dict[str, Any]:
    at: dict[str, list[Event]] = {}
    for event in chronological:
        for place_id in dict.fromkeys(fact.value for fact in event.places):
            at.setdefault(place_id, []).append(event)
    places, unplaced = [], []
    for location in sorted(kb.locations.values(), key=lambda place: place.id):
        position = kb.positions.get(location.id)
        if position is None:
            why = kb.unplaced.get(location.id, "no position")
            unplaced.append(
                {
                    "id": location.id,
                    "name": location.name,
                    "url": _url("locations", location.id),
                    "why": why,
                }
            )
            continue
        places.append(
            {
                "id": location.id,
                "name": location.name,
                "kind": location.kind or "",
                "url": _url("locations", location.id),
                "lat": round(position.lat, 4),
                "lon": round(position.lon, 4),
                "origin": position.origin,
                "provenance": position.provenance,
                "approximate": position.approximate,
                "events": [_event_item(event) for event in at.get(location.id, [])],
            }
        )
    placed = {place["id"] for place in places}
    elsewhere = [
        _event_item(event)
        for event in chronological
        if not any(fact.value in placed for fact in event.places)
    ]
    return {"places": places, "unplaced": unplaced, "events_unplaced": elsewhere}


def _timeline(kb: KnowledgeBase, chronological: list[Event]) -> dict[str, Any]:
    events = []
    actors: set[str] = set()
    places: set[str] = set()
    for order, event in enumerate(chronological):
        span = timeline.days(event)
        kinds = event.types.first
        who = [
            a for a in dict.fromkeys(f.value.target for f in event.participants) if a in kb.actors
        ]
        where = [p for p in dict.fromkeys(f.value for f in event.places) if p in kb.locations]
        actors.update(who)
        places.update(where)
        events.append(
            {
                "id": event.id,
                "title": event.name,
                "url": _url("events", event.id),
                "start": span.start.isoformat() if span else None,
                "end": span.end.isoformat() if span else None,
                "precision": _precision(span.precision) if span else "undated",
                "inferred": bool(span and span.inferred),
                "when": timeline.told(span),
                "type": kinds.value[0] if kinds else None,
                "sub_type": kinds.value[1] if kinds else None,
                "actors": who,
                "places": where,
                "order": order,
            }
        )
    return {
        "events": events,
        "actors": {
            a: {
                "name": kb.actors[a].name,
                "url": _url("actors", a),
                "kind": kb.actors[a].kind or "",
            }
            for a in sorted(actors)
        },
        "places": {
            p: {"name": kb.locations[p].name, "url": _url("locations", p)} for p in sorted(places)
        },
    }


def _precision(precision: str) -> str:
    return precision if precision in ("day", "month", "year") else "range"


def _network(kb: KnowledgeBase) -> dict[str, Any]:
    events_of: dict[str, set[str]] = {}
    together: dict[tuple[str, str], set[str]] = {}
    for event in kb.events.values():
        present = sorted(
            {f.value.target for f in event.participants if f.value.target in kb.actors}
        )
        for actor in present:
            events_of.setdefault(actor, set()).add(event.id)
        for i, one in enumerate(present):
            for other in present[i + 1 :]:
                together.setdefault((one, other), set()).add(event.id)
    nodes = [
        {
            "id": actor.id,
            "name": actor.name,
            "kind": actor.kind or "",
            "url": _url("actors", actor.id),
            "events": len(events_of.get(actor.id, ())),
        }
        for actor in sorted(kb.actors.values(), key=lambda a: a.id)
    ]
    links = [(actor.id, fact.value) for actor in kb.actors.values() for fact in actor.relations]
    edges = list(_relations(kb, links))
    related = {(e["source"], e["target"]) for e in edges} | {
        (e["target"], e["source"]) for e in edges
    }
    for (one, other), shared in sorted(together.items()):
        if (one, other) in related:
            continue
        edges.append(
            {
                "source": one,
                "target": other,
                "type": "co-participant",
                "label": f"in {len(shared)} event{'s' if len(shared) != 1 else ''} together",
                "certainty": "stated",
                "evidence": _url("actors", one) + "#involvement",
            }
        )
    return {"nodes": nodes, "edges": edges}


def _relations(kb: KnowledgeBase, links: Iterable[tuple[str, Link]]) -> Iterable[dict[str, str]]:
    seen: set[tuple[str, str, str]] = set()
    for actor_id, link in sorted(links, key=lambda pair: (pair[0], pair[1].type, pair[1].target)):
        key = (actor_id, link.type, link.target)
        if link.target not in kb.actors or key in seen:
            continue
        seen.add(key)
        yield {
            "source": actor_id,
            "target": link.target,
            "type": "relation",
            "label": link.type.replace("-", " "),
            "certainty": link.certainty,
            "evidence": _url("actors", actor_id) + "#relations",
        }
