"""The shape of the account as published (`content/data/account.json`), and its JSON Schema.

The shape is written once, as typed dictionaries: mypy checks that `account.py` builds
exactly these, and pydantic turns them into the JSON Schema published beside the data
(`content/data/account.schema.json`), each field's docstring its description. Every key
is required (null where there is no value) and no other key is allowed, so a reader's
tool can rely on the schema and a test can validate the export against it.

A claim is a value and every citation of it: the source, its words, and the sentence
they are in (its anchor on the source's page). URLs are relative to the site's root.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, Generic, TypeVar

from pydantic import ConfigDict, TypeAdapter, with_config
from typing_extensions import TypedDict

FORMAT = 1
"""The version of this shape: a change that could break a reader's code changes it."""

SCHEMA_FILE = "account.schema.json"
"""The schema's file name, beside `account.json` in `content/data/`."""

V = TypeVar("V")

_STRICT = ConfigDict(use_attribute_docstrings=True, extra="forbid")


@with_config(_STRICT)
class Citation(TypedDict):
    """Where a source states a claim: its words, and the sentence of its text they are in."""

    source: str
    """Id of the source (a key of `sources`)."""
    quote: str
    """The source's words, verbatim."""
    sentence: str
    """The anchor of the sentence the quote starts in, on the source's page: `p2-s1` is
    paragraph 2, sentence 1."""
    url: str
    """That sentence on the source's page: `sources/<id>/#p2-s1`."""


@with_config(_STRICT)
class Claim(TypedDict, Generic[V]):
    """A value as the sources state it. Sources that disagree give several claims of one
    fact, each with its own citations."""

    value: V
    """What is claimed."""
    citations: list[Citation]
    """Every citation of it, in the order the sources were published."""


@with_config(_STRICT)
class Possibly(TypedDict):
    """An editor's inference that the entity is probably another one."""

    id: str
    """Id of the other entity."""
    reason: str
    """Why the editor thinks so."""


@with_config(_STRICT)
class Relation(TypedDict):
    """A relation from an actor to another: "this actor is TYPE target"."""

    type: str
    """The kind of relation (`leads`, `part-of`, `spokesperson-for`...)."""
    target: str
    """Id of the other actor."""
    certainty: str
    """How the source presents it: `stated`, `confirmed`, `claimed`, `suspected`,
    `alleged` or `denied`."""
    by: str | None
    """Id of the actor who confirms, claims, suspects, alleges or denies it."""
    status: str
    """`current`, or `former` for a relation that no longer holds."""
    since: str | None
    """When it began (an ISO date with only the parts the source gives)."""
    until: str | None
    """When it ended."""


@with_config(_STRICT)
class EventLink(TypedDict):
    """A relation from an event to another: "this event is TYPE target"."""

    type: str
    """`response-to`, `part-of`, `follows`, `precedes` or `coincides-with`."""
    target: str
    """Id of the other event."""
    certainty: str
    """How the source presents it (see `Relation.certainty`)."""
    by: str | None
    """Id of the actor whose view it is."""


@with_config(_STRICT)
class Participant(TypedDict):
    """An actor's part in an event."""

    actor: str
    """Id of the actor."""
    role: str
    """`perpetrator`, `target`, `victim`, `mediator`, `participant` or `attendee`."""
    certainty: str
    """How the source presents it (see `Relation.certainty`)."""
    by: str | None
    """Id of the actor whose view it is."""


@with_config(_STRICT)
class Point(TypedDict):
    """Coordinates a source states, in decimal degrees."""

    lat: float
    lon: float


@with_config(_STRICT)
class Position(TypedDict):
    """Where a location is drawn on the site's maps: reference data, not a source's claim
    unless `origin` is `sources`."""

    lat: float
    lon: float
    origin: str
    """`sources`, `editors` (the site's editors set it), `gazetteer` (GeoNames) or
    `parent` (shown at the place containing it)."""
    provenance: str
    """Where the position comes from, in words."""
    approximate: bool
    """Drawn at its parent's position, not its own."""


@with_config(_STRICT)
class Span(TypedDict):
    """The days a date allows, first to last."""

    start: str
    """The first day (ISO, `YYYY-MM-DD`)."""
    end: str
    """The last day."""
    precision: str
    """`day`, `week`, `month`, `year` or `approximate`."""
    inferred: bool
    """Placed from the source's words ("overnight") and its publication date."""


@with_config(_STRICT)
class Date(TypedDict):
    """A date as one source gives it, and the days it stands for."""

    precision: str
    """As precise as the source is: `day`, `week`, `month`, `year`, `approximate`,
    `relative` or `unknown`."""
    value: str | None
    """The date, to that precision (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`)."""
    relative: str | None
    """The source's words for a relative or vague time ("overnight")."""
    basis: str
    """`happened` (when the event took place) or `reported` (only when it was reported)."""
    span: Span | None
    """The days it stands for; null when it cannot be placed."""


@with_config(_STRICT)
class EventType(TypedDict):
    """An ACLED event type and sub-event type."""

    type: str
    sub_type: str | None


@with_config(_STRICT)
class Measure(TypedDict):
    """What a figure counts."""

    kind: str
    """`fatalities`, `injured`, `civilian-casualties`, `targets`, `troops`, `evacuated`,
    `arrested`, `missing`, `displaced`, `munitions`, `duration` or `other`."""
    counted: str | None
    """What is counted, in the source's words."""
    unit: str | None
    """The unit of a figure that is not a count (`hours`)."""
    location: str | None
    """Id of the location the figure is limited to."""
    among: str | None
    """The group it is limited to, in the source's words ("civilians")."""


@with_config(_STRICT)
class Count(TypedDict):
    """A count as a source gives it, and the numbers it allows."""

    value: int | None
    """The number; null when the source says it is unknown."""
    qualifier: str
    """`exact`, `more-than`, `at-least`, `about`, `up-to` or `fewer-than`."""
    according_to: str | None
    """Id of the actor the source attributes it to."""
    as_of: str | None
    """The count's own time, in the source's words or as an ISO date."""
    low: int
    """The lowest number it allows ("about 40" allows 36 to 44)."""
    high: int | None
    """The highest; null when it has no upper bound ("at least 2", "unknown")."""


@with_config(_STRICT)
class Interval(TypedDict):
    """A range of numbers."""

    low: int
    high: int | None
    """Null: no upper bound."""


@with_config(_STRICT)
class Figure(TypedDict):
    """A figure of an event: every count sources give of one measure."""

    measure: Measure
    counts: list[Claim[Count]]
    """Every count, each with its citations. One source's successive counts are a
    series, not a disagreement: only each source's latest counts are compared."""
    agreed: Interval | None
    """The numbers every source's latest count allows; null when they cannot all hold."""


@with_config(_STRICT)
class RoleKey(TypedDict):
    """An actor's role in an event."""

    actor: str
    role: str


@with_config(_STRICT)
class Disputes(TypedDict):
    """What sources state about an event in ways that cannot all hold."""

    dates: bool
    """Two dates of when it happened that cannot both be right."""
    types: bool
    """More than one event type."""
    figures: list[Measure]
    """The figures whose sources' latest counts disagree."""
    roles: list[RoleKey]
    """The roles one source denies and another states, claims or suspects, or that one
    states as fact and another only suspects or alleges."""


@with_config(_STRICT)
class Source(TypedDict):
    """A source article's metadata, as far as the article itself carries it."""

    id: str
    title: str
    outlet: str | None
    authors: list[str]
    contributors: list[str]
    published: str | None
    """The publication date (ISO, with only the parts known)."""
    url: str | None
    """Where the article can be read."""
    language: str
    """ISO 639 code of its language."""
    page: str
    """Its page on this site, with its text sentence by sentence."""
    draft: bool
    """Published from a summary no editor has reviewed yet."""


@with_config(_STRICT)
class Entity(TypedDict):
    """What every actor, location and event has."""

    id: str
    name: str
    """The name most of the sources that name it use (or, for an entity no source names,
    the description most use): its page's title."""
    kind: str | None
    """The kind most sources give (an event's is null: see `types`)."""
    url: str
    """Its fact sheet on this site."""
    anonymous: bool
    """No source names it: `name` is a description."""
    sources: list[str]
    """Ids of the sources that state anything on its record."""
    names: list[Claim[str]]
    """The names sources give it (an event's: its titles)."""
    unnamed: list[Claim[str]]
    """How sources that do not name it describe it instead."""
    kinds: list[Claim[str]]
    """Each source's word for what it is."""
    aliases: list[Claim[str]]
    """Other names sources use, verbatim."""
    descriptions: list[Claim[str]]
    mentions: list[Claim[str]]
    """The words each source introduces it with (the value is the quote itself)."""
    possibly: list[Claim[Possibly]]


@with_config(_STRICT)
class Actor(Entity):
    """A person, organisation, armed group, government, military unit, state, coalition or
    group."""

    countries: list[Claim[str]]
    """Ids of the locations (countries) it belongs to."""
    relations: list[Claim[Relation]]


@with_config(_STRICT)
class Location(Entity):
    """A city, country, region, sea, territory or facility."""

    parents: list[Claim[str]]
    """Ids of the locations that contain it."""
    coordinates: list[Claim[Point]]
    """Coordinates sources state."""
    position: Position | None
    """Where the site's maps draw it; null when it is not on them (see `unplaced`)."""
    unplaced: str | None
    """Why it is not on the maps."""


@with_config(_STRICT)
class Event(Entity):
    """Something that happened."""

    when: Span | None
    """When it happened, as the timeline draws it: the days a source's date of it allows
    (a date a source states rather than one inferred, the first such); null when undated."""
    types: list[Claim[EventType]]
    dates: list[Claim[Date]]
    places: list[Claim[str]]
    """Ids of the locations where it happened."""
    participants: list[Claim[Participant]]
    figures: list[Figure]
    relations: list[Claim[EventLink]]
    """Relations to other events."""
    disputed: Disputes


@with_config(_STRICT)
class Statement(TypedDict):
    """Who said what about whom or what. A statement has no page of its own: its citations
    link to the sentences that report it."""

    id: str
    name: str
    """What was said, in a line (the summary most sources give)."""
    type: str
    """What it does (`condemns`, `claims`, `denies`...)."""
    speaker: str | None
    """Id of the actor who made it; null for the outlet's own assertion."""
    sources: list[str]
    names: list[Claim[str]]
    """What was said, as each source sums it up."""
    mentions: list[Claim[str]]
    """The words each source reports it with."""
    about: list[Claim[str]]
    """Ids of the actors, locations or events it is about."""
    via: list[Claim[list[str]]]
    """The actors it was relayed through, nearest the speaker first."""


@with_config(_STRICT)
class Account(TypedDict):
    """Every source, entity and claim of the site."""

    format: int
    """The version of this shape."""
    sources: dict[str, Source]
    """Every source, by id."""
    actors: dict[str, Actor]
    locations: dict[str, Location]
    events: dict[str, Event]
    statements: dict[str, Statement]


@cache
def json_schema() -> dict[str, Any]:
    """The JSON Schema of `account.json` and of each fact sheet's own JSON."""
    schema = TypeAdapter(Account).json_schema()
    # pydantic reads the docstrings of a class's own fields only: those every entity has
    # are described once, in `Entity`.
    shared = TypeAdapter(Entity).json_schema()["properties"]
    for name in ("Actor", "Location", "Event"):
        for key, field in schema["$defs"][name]["properties"].items():
            if key in shared and "description" in shared[key]:
                field.setdefault("description", shared[key]["description"])
    _tidied(schema)
    schema["properties"] = {
        "$schema": {
            "type": "string",
            "description": f"This schema, relative to the file: `{SCHEMA_FILE}` beside "
            f"`account.json`, `../data/{SCHEMA_FILE}` beside a fact sheet.",
        },
        **schema["properties"],
    }
    schema["required"] = ["$schema", *schema["required"]]
    schema["properties"]["format"]["const"] = FORMAT
    return {
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Fact-sheet account",
        "description": (
            "The merged account a fact-sheet site shows: every source, actor, location, "
            "event and statement, each claim with its citations (the source, its words and "
            "the sentence they are in). A fact sheet's own JSON has the same shape, with "
            "its entity and the sources it cites. URLs are relative to the site's root."
        ),
    }


def _tidied(node: Any) -> None:
    """Drop the title pydantic gives every field (its Python name, capitalised: the key
    says it), and fold the line breaks of the docstrings that become descriptions."""
    if isinstance(node, dict):
        fields = node.get("properties")
        if isinstance(fields, dict):
            for field in fields.values():
                if isinstance(field, dict):
                    field.pop("title", None)
        if isinstance(node.get("description"), str):
            node["description"] = " ".join(node["description"].split())
        for value in node.values():
            _tidied(value)
    elif isinstance(node, list):
        for item in node:
            _tidied(item)


def schema_text() -> str:
    """The schema as published: indented for readers, keys sorted, the same every run."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
