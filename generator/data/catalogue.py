"""What the Data page (`downloads/index.md`) lists: every data file, its format, what it
holds, what describes it (a schema, or the columns and properties listed on the page), and
its size in bytes, computed from its text before it is written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..common.project import DATA_DIR
from . import explore
from .schema import SCHEMA_FILE

ACCOUNT_FILE = "account.json"
EVENTS_CSV = "events.csv"
EVENTS_GEOJSON = "events.geojson"
PLACES_GEOJSON = "places.geojson"
FILES = (ACCOUNT_FILE, SCHEMA_FILE, EVENTS_CSV, EVENTS_GEOJSON, PLACES_GEOJSON)
"""The downloads in `content/data/`, besides each fact sheet's JSON (`downloads.files`)."""

COUNTED = (
    "fatalities",
    "injured",
    "civilian-casualties",
    "targets",
    "troops",
    "evacuated",
    "arrested",
    "missing",
    "displaced",
    "munitions",
)
"""The figure kinds that count something of the whole event, each a low and a high column
of `events.csv` (a duration is no count, and `other` counts something else each time)."""

COLUMN_GROUPS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("id",), "The event's id."),
    (("title",), "Its title, the one most sources use."),
    (("url",), "Its fact sheet, relative to the site's root."),
    (
        ("date", "date_end"),
        "The first and the last day it may have happened on (ISO), as the timeline draws "
        "it; empty when undated.",
    ),
    (("date_precision",), "day, week, month, year or approximate; empty when undated."),
    (("inferred",), "true when the date was placed from the source's words and its date."),
    (("event_type", "sub_event_type"), "The ACLED type and sub-type the first source gives."),
    (
        ("actor1",),
        "Who acted: the first perpetrator a source states or claims; without one, the first "
        "participant, attendee or mediator.",
    ),
    (("actor2",), "At whom: the first target, else the first victim."),
    (
        ("actors",),
        "Every actor and role, as id:role; id:role:certainty when no source states it as "
        "fact (claimed, suspected, alleged, denied).",
    ),
    (("location_ids",), "Every place it happened at."),
    (
        ("location", "latitude", "longitude"),
        "The name and position (decimal degrees) of its most precise place on the map; "
        "empty when none of its places is on it.",
    ),
    (
        ("position_origin",),
        "Where that position comes from: sources, editors, gazetteer (GeoNames) or parent "
        "(the place containing it: approximate).",
    ),
    (
        tuple(f"{kind.replace('-', '_')}_{end}" for kind in COUNTED for end in ("low", "high")),
        "Each count of the whole event ("
        + ", ".join(k.replace("-", " ") for k in COUNTED)
        + ") as a range: low is the fewest the sources' latest counts allow together (when "
        "they disagree, the fewest any allows), high the most (empty when no count bounds "
        "it: at least, unknown). Both empty when no source gives the count.",
    ),
    (
        ("disputed",),
        "What sources state in ways that cannot all hold: date, type, figure:kind, "
        "role:actor:role.",
    ),
    (("sources",), "The ids of the sources that report it."),
    (("source_urls",), "The web addresses of those that give one, in the same order."),
)
"""The columns of `events.csv`, in order, and what they hold (printed on the Data page)."""

COLUMNS = tuple(name for names, _ in COLUMN_GROUPS for name in names)
"""The header of `events.csv`."""

PLACE_PROPERTIES: tuple[tuple[str, str], ...] = (
    ("id", "The place's id."),
    ("name", "Its name."),
    ("kind", "city, country, region, sea, territory or facility."),
    ("url", "Its fact sheet, relative to the site's root."),
    ("origin", "Where the position comes from: sources, editors, gazetteer or parent."),
    ("provenance", "The same in words, naming the record or the editors' note."),
    ("approximate", "true when it is drawn at the position of the place containing it."),
)
"""The properties of each feature of `places.geojson`."""

EVENT_PROPERTIES: tuple[tuple[str, str], ...] = (
    ("id", "The event's id (an event at two places has two features)."),
    ("title", "Its title."),
    ("url", "Its fact sheet."),
    ("location", "The id of the place of this feature."),
    ("location_name", "That place's name."),
    ("date", "As in events.csv: the first day, ISO; null when undated."),
    ("date_end", "The last day."),
    ("date_precision", "day, week, month, year or approximate; null when undated."),
    ("event_type", "ACLED event type; null when unclassified."),
    ("sub_event_type", "ACLED sub-event type."),
    ("origin", "Where the place's position comes from."),
    ("approximate", "true when the place is drawn at the position of the place containing it."),
)
"""The properties of each feature of `events.geojson`."""


# --- What the Data page lists ------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """One file as the Data page lists it."""

    path: str
    """Its path under `content/`."""
    format: str
    holds: str
    """What it holds, in a sentence."""
    schema: tuple[str, str] | None
    """What describes its content: (link text, link target from the Data page)."""
    size: int
    """Bytes."""

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @property
    def size_text(self) -> str:
        return size_text(self.size)


@dataclass(frozen=True)
class Listing:
    """What the Data page shows (`downloads.md.j2`)."""

    downloads: list[Download]
    drawings: list[Download]
    """The files the Map, Timeline and Network pages draw, downloads too."""
    fact_sheets: int
    """How many fact sheets have their own JSON."""
    fact_sheet_bytes: int
    columns: tuple[tuple[tuple[str, ...], str], ...] = COLUMN_GROUPS
    place_properties: tuple[tuple[str, str], ...] = PLACE_PROPERTIES
    event_properties: tuple[tuple[str, str], ...] = EVENT_PROPERTIES

    @property
    def fact_sheet_size(self) -> str:
        return size_text(self.fact_sheet_bytes)


_ABOUT: dict[str, tuple[str, str, tuple[str, str] | None]] = {
    ACCOUNT_FILE: (
        "JSON",
        "The merged account: every source, actor, location, event and statement, each "
        "claim with its citations (the source, its words, and the sentence they are in, "
        "linked on the source's page), and what the site works out from them (names, "
        "positions, dates on the timeline, disputes).",
        (SCHEMA_FILE, f"../{DATA_DIR}/{SCHEMA_FILE}"),
    ),
    SCHEMA_FILE: (
        "JSON Schema (2020-12)",
        "The schema of account.json and of each fact sheet's JSON, every field described.",
        None,
    ),
    EVENTS_CSV: (
        "CSV (RFC 4180, UTF-8)",
        "Every event as a row, in timeline order, with ACLED-like columns: dates, types, "
        "actors and their roles, place and position, counts as ranges, sources.",
        ("Columns", "#events-csv"),
    ),
    EVENTS_GEOJSON: (
        "GeoJSON (RFC 7946)",
        "Every event as a point at each of its places that is on the map.",
        ("Properties", "#events-geojson"),
    ),
    PLACES_GEOJSON: (
        "GeoJSON (RFC 7946)",
        "Every place on the map as a point, with where its position comes from.",
        ("Properties", "#places-geojson"),
    ),
    "map.json": (
        "JSON",
        "What the Map page draws: places, their events, and those not on it.",
        None,
    ),
    "timeline.json": (
        "JSON",
        "What the Timeline page draws: every event in order, its actors and places.",
        None,
    ),
    "network.json": (
        "JSON",
        "What the Network page draws: actors, their relations and shared events.",
        None,
    ),
    "world.json": (
        "JSON",
        "The outlines of the countries around the site's places (Natural Earth, public domain).",
        None,
    ),
}


def listing(made: dict[str, str]) -> Listing:
    """What the Data page lists of these files (every data file of a run: `downloads.files`
    and `explore.files`): each with its size in bytes, as written (UTF-8)."""
    sizes = {path: len(text.encode("utf-8")) for path, text in made.items()}

    def described(names: Iterable[str]) -> list[Download]:
        found = []
        for name in names:
            path = f"{DATA_DIR}/{name}"
            if path in sizes:
                form, holds, schema = _ABOUT[name]
                found.append(Download(path, form, holds, schema, sizes[path]))
        return found

    beside = [p for p in sizes if not p.startswith(f"{DATA_DIR}/")]
    return Listing(
        described(FILES),
        described(explore.FILES),
        len(beside),
        sum(sizes[p] for p in beside),
    )


def size_text(size: int, *, exact: bool = True) -> str:
    """A size for readers: "12.3 kB (12,345 bytes)", or without `exact` "12.3 kB"; the
    bytes alone below a kilobyte."""
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}" + (f" ({size:,} bytes)" if exact else "")
    return f"{size:,} bytes"
