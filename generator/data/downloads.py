"""The site's data as downloads: the account as JSON (with its schema), the events as CSV,
the places and events as GeoJSON, and each fact sheet's own JSON beside it.

Every file is made whole from the account, byte for byte the same from the same account
(keys sorted, no timestamps), so its size is known before it is written and the Data page
(`downloads/index.md`) prints it. URLs in the files are relative to the site's root.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from ..common.project import DATA_DIR, page_url
from ..knowledge import figures, timeline
from ..knowledge.model import Event, KnowledgeBase
from . import account, catalogue
from .account import FACT_SHEETS
from .catalogue import (
    ACCOUNT_FILE,
    COUNTED,
    EVENTS_CSV,
    EVENTS_GEOJSON,
    PLACES_GEOJSON,
)
from .schema import FORMAT, SCHEMA_FILE, schema_text

_FIRM = frozenset({"stated", "confirmed"})
_ASSERTED = _FIRM | {"claimed"}
"""A role an ACLED-like row names as actor 1 or 2: stated as fact, or claimed (responsibility)."""


def files(kb: KnowledgeBase, chronological: list[Event] | None = None) -> dict[str, str]:
    """Each download's path under `content/` and its text: those of `catalogue.FILES` in `data/`,
    and each fact sheet's JSON beside its page (`actors/<id>.json`); `chronological` is
    the account's events in timeline order, when the caller has it already."""
    if chronological is None:
        chronological = timeline.chronological(kb)
    whole: dict[str, Any] = dict(account.account(kb))
    # Each record dumped once, for the account and for the fact sheet that holds it too.
    texts = {part: {i: _json(record) for i, record in whole[part].items()} for part in _PARTS}
    made = {
        f"{DATA_DIR}/{ACCOUNT_FILE}": _document(SCHEMA_FILE, texts),
        f"{DATA_DIR}/{SCHEMA_FILE}": schema_text(),
        f"{DATA_DIR}/{EVENTS_CSV}": events_csv(kb, chronological),
        f"{DATA_DIR}/{EVENTS_GEOJSON}": dumped(_events_geojson(kb, chronological)),
        f"{DATA_DIR}/{PLACES_GEOJSON}": dumped(_places_geojson(kb)),
    }
    # A fact sheet's JSON is its slice of the account, in the same shape: its entity, and
    # the sources its claims cite. Its schema is one folder up.
    beside = f"../{DATA_DIR}/{SCHEMA_FILE}"
    for category in FACT_SHEETS:
        for entity_id, record in whole[category].items():
            part: dict[str, dict[str, str]] = {name: {} for name in _PARTS}
            part[category] = {entity_id: texts[category][entity_id]}
            part["sources"] = {s: texts["sources"][s] for s in record["sources"]}
            made[f"{category}/{entity_id}.json"] = _document(beside, part)
    return made


_PARTS = ("actors", "events", "locations", "sources", "statements")
"""The parts of an account document that hold records by id."""


def dumped(value: Any) -> str:
    """JSON as every data file is written: compact, keys sorted, UTF-8 as it is."""
    return _json(value) + "\n"


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _document(schema_path: str, parts: dict[str, dict[str, str]]) -> str:
    """An account document (`schema.Account` and its `$schema`) as `dumped` writes it,
    put together from the JSON text of each record in it."""
    fields = {"$schema": _json(schema_path), "format": str(FORMAT)}
    for name, records in parts.items():
        fields[name] = "{" + ",".join(f"{_json(i)}:{records[i]}" for i in sorted(records)) + "}"
    return "{" + ",".join(f"{_json(key)}:{fields[key]}" for key in sorted(fields)) + "}\n"


# --- events.csv --------------------------------------------------------------------------


def events_csv(kb: KnowledgeBase, chronological: list[Event]) -> str:
    """Every event as a row, in timeline order (RFC 4180: CRLF line ends, fields quoted
    when they need it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(catalogue.COLUMNS)
    for event in chronological:
        writer.writerow(_row(kb, event))
    return out.getvalue()


def _row(kb: KnowledgeBase, event: Event) -> list[str]:
    days = timeline.days(event)
    kinds = event.types.first
    main = _main_place(kb, event)
    position = kb.positions.get(main) if main else None
    actor1, actor2 = _actors12(event)
    counts = [bound for kind in COUNTED for bound in _range(event, figures.Measure(kind))]
    sources = list(event.sources)
    urls = [kb.sources[s].meta.url for s in sources]
    return [
        event.id,
        event.name,
        page_url(f"events/{event.id}.md"),
        days.start.isoformat() if days else "",
        days.end.isoformat() if days else "",
        days.precision if days else "",
        _flag(bool(days and days.inferred)),
        kinds.value[0] if kinds else "",
        (kinds.value[1] or "") if kinds else "",
        actor1,
        actor2,
        "; ".join(_roles(event)),
        "; ".join(_places(kb, event)),
        kb.locations[main].name if main else "",
        str(round(position.lat, 4)) if position else "",
        str(round(position.lon, 4)) if position else "",
        position.origin if position else "",
        *counts,
        "; ".join(_disputed(event)),
        "; ".join(sources),
        "; ".join(url for url in urls if url),
    ]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _roles(event: Event) -> Iterable[str]:
    for (actor, role), claims in event.roles.items():
        views = {fact.value.certainty for fact in claims}
        yield f"{actor}:{role}" if views & _FIRM else f"{actor}:{role}:{'/'.join(sorted(views))}"


def _actors12(event: Event) -> tuple[str, str]:
    """ACLED's actor 1 (who acted) and actor 2 (at whom), among the roles stated or claimed."""
    asserted = [
        (actor, role)
        for (actor, role), claims in event.roles.items()
        if any(fact.value.certainty in _ASSERTED for fact in claims)
    ]

    def first(*roles: str, besides: str = "") -> str:
        for wanted in roles:
            for actor, role in asserted:
                if role == wanted and actor != besides:
                    return actor
        return ""

    actor1 = first("perpetrator") or first("participant", "attendee", "mediator")
    return actor1, first("target", "victim", besides=actor1)


def _places(kb: KnowledgeBase, event: Event) -> list[str]:
    """The ids of the event's places, in the order sources give them, once each."""
    return [p for p in dict.fromkeys(fact.value for fact in event.places) if p in kb.locations]


def _main_place(kb: KnowledgeBase, event: Event) -> str | None:
    """The place a row gives coordinates for: the most precise of the event's places (none
    containing another of them) that is on the map; else any on the map; else the first."""
    places = _places(kb, event)
    containing: set[str] = set()
    for place in places:
        stack = [fact.value for fact in kb.locations[place].parents]
        while stack:
            parent = stack.pop()
            if parent in containing or parent not in kb.locations:
                continue
            containing.add(parent)
            stack.extend(fact.value for fact in kb.locations[parent].parents)
    precise = [p for p in places if p not in containing] or places
    chosen = [p for p in (*precise, *places) if p in kb.positions] or precise
    return chosen[0] if chosen else None


def _range(event: Event, measure: figures.Measure) -> tuple[str, str]:
    """The low and high cells of one count of the whole event."""
    if measure not in event.figures:
        return ("", "")
    together = account.agreed(event, measure)
    if together is None:  # they disagree: from the fewest any allows to the most
        bounds = [figures.bounds(c) for c in figures.latest(event.series.get(measure, {}))]
        together = account.interval(min(b[0] for b in bounds), max(b[1] for b in bounds))
    high = together["high"]
    return (str(together["low"]), "" if high is None else str(high))


def _disputed(event: Event) -> Iterable[str]:
    if event.dates_disputed:
        yield "date"
    if event.types.disputed:
        yield "type"
    for measure in event.disputed_figures:
        yield f"figure:{measure.kind}"
    for actor, role in event.disputed_roles:
        yield f"role:{actor}:{role}"


# --- GeoJSON -----------------------------------------------------------------------------


def _feature(lat: float, lon: float, properties: dict[str, Any]) -> dict[str, Any]:
    # RFC 7946: longitude first.
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]},
        "properties": properties,
    }


def _places_geojson(kb: KnowledgeBase) -> dict[str, Any]:
    features = []
    for place_id in sorted(kb.positions):
        if place_id not in kb.locations:
            continue
        place, position = kb.locations[place_id], kb.positions[place_id]
        properties = {
            "id": place.id,
            "name": place.name,
            "kind": place.kind,
            "url": page_url(f"locations/{place.id}.md"),
            "origin": position.origin,
            "provenance": position.provenance,
            "approximate": position.approximate,
        }
        features.append(_feature(position.lat, position.lon, properties))
    return {"type": "FeatureCollection", "features": features}


def _events_geojson(kb: KnowledgeBase, chronological: list[Event]) -> dict[str, Any]:
    features = []
    for event in chronological:
        days = timeline.days(event)
        kinds = event.types.first
        for place_id in _places(kb, event):
            position = kb.positions.get(place_id)
            if position is None:
                continue
            properties = {
                "id": event.id,
                "title": event.name,
                "url": page_url(f"events/{event.id}.md"),
                "location": place_id,
                "location_name": kb.locations[place_id].name,
                "date": days.start.isoformat() if days else None,
                "date_end": days.end.isoformat() if days else None,
                "date_precision": days.precision if days else None,
                "event_type": kinds.value[0] if kinds else None,
                "sub_event_type": kinds.value[1] if kinds else None,
                "origin": position.origin,
                "approximate": position.approximate,
            }
            features.append(_feature(position.lat, position.lon, properties))
    return {"type": "FeatureCollection", "features": features}
