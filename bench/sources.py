"""Write one source: its article text and its summary, every quote a span of that text.

Each claim is written as a sentence built around its quote, so the quote is
verbatim by construction. Quotes sit mid-sentence (after a lead such as
"Officials said") or start with a proper noun, so capitalising a sentence never
changes a quote. The source that introduces an entity (its *home*) states all of
its facts; later sources state only some, and now and then a different date or
figure, which the generator must show side by side.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from typing import Any

from .words import filler, quotation
from .world import Event, World

_LEADS = ("According to witnesses", "In a separate development", "Meanwhile", "As tensions rose")
_PREDICATES = (
    "said little in public this week",
    "has been active in the area for years",
    "was mentioned by several witnesses",
    "declined to comment on the reports",
)
_PLACE_PREDICATES = (
    "was calm on the day",
    "saw roads closed for hours",
    "has drawn growing attention",
    "was cut off from the capital for a time",
)
_ROLE_WORDS = {
    "perpetrator": "behind",
    "suspected-perpetrator": "suspected of carrying out",
    "target": "the target of",
    "victim": "among the victims of",
    "mediator": "a mediator in",
    "participant": "involved in",
    "attendee": "present at",
}
_RELATION_WORDS = {
    "spokesperson-for": "the spokesperson for",
    "member-of": "a member of",
    "part-of": "part of",
    "backed-by": "backed by",
    "leads": "the leader of",
    "official-of": "an official of",
    "allied-with": "allied with",
    "opposes": "opposed to",
    "commander-of": "a commander of",
}
_EVENT_RELATION_WORDS = {
    "response-to": "came in response to",
    "follows": "followed",
    "part-of": "was part of",
    "coincides-with": "coincided with",
    "precedes": "preceded",
}
_QUALIFIER_WORDS = {
    "exact": "",
    "at-least": "at least ",
    "over": "more than ",
    "about": "about ",
    "up-to": "up to ",
}
_FIGURE_WORDS = {"fatalities": "were killed in", "injured": "were injured in"}
_STATEMENT_VERBS = {
    "condemns": "condemned",
    "claims": "claimed responsibility for",
    "denies": "denied any role in",
    "accuses": "accused",
    "vows": "vowed to respond to",
    "confirms": "confirmed",
    "calls-for": "called for an inquiry into",
}


@dataclass
class Draft:
    """One source, ready to write: `seeds/<id>/source.txt` and `seeds/<id>/summary.yaml`."""

    id: str
    text: str
    summary: dict[str, Any]


class _Writer:
    """Accumulates sentences and summary entries for one source."""

    def __init__(self, world: World, rng: random.Random, home: set[str], vary: bool) -> None:
        self.world, self.rng, self.home, self.vary = world, rng, home, vary
        self.sentences: list[str] = []
        self.actors: dict[str, dict[str, Any]] = {}
        self.locations: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.statements: list[dict[str, Any]] = []

    def say(self, sentence: str) -> None:
        self.sentences.append(sentence)
        if self.rng.random() < 0.25:
            self.sentences.append(filler(self.rng, self.world.namer))

    def chance(self, entity_id: str, probability: float) -> bool:
        """Home sources state every fact; others each fact with this probability."""
        return entity_id in self.home or self.rng.random() < probability

    def _use_aliases(self, aliases: list[str], intro: str) -> None:
        """Aliases are names the source uses, so the text must use each one."""
        for alias in aliases:
            if alias not in intro:
                self.say(f"It is also known as {alias}.")

    def actor(self, actor_id: str) -> None:
        if actor_id in self.actors:
            return
        a = self.world.actors[actor_id]
        entry: dict[str, Any] = {"id": a.id, "name": a.name, "kind": a.kind}
        if a.anonymous:
            entry["anonymous"] = True
        if a.aliases and self.chance(a.id, 0.3):
            entry["aliases"] = list(a.aliases)
            self._use_aliases(a.aliases, a.intro)
        if self.chance(a.id, 0.5):
            entry["description"] = a.description
        entry["quote"] = a.intro
        # An apposition ("Name, a role") needs its closing comma before the verb.
        comma = "," if "," in a.intro else ""
        self.say(f"{self.rng.choice(_LEADS)}, {a.intro}{comma} {self.rng.choice(_PREDICATES)}.")
        self.actors[actor_id] = entry
        if a.country and self.chance(a.id, 0.2):
            quote = f"{a.ref} is based in {self.world.locations[a.country].name}"
            self.say(f"Officials said {quote}.")
            entry["country"], entry["country_quote"] = a.country, quote
        relations = []
        for kind, target in a.relations:
            if self.chance(a.id, 0.15):
                quote = f"{a.ref} is {_RELATION_WORDS[kind]} {self.world.actors[target].ref}"
                self.say(f"Records show that {quote}.")
                relations.append({"type": kind, "target": target, "quote": quote})
        if relations:
            entry["relations"] = relations

    def location(self, location_id: str) -> None:
        if location_id in self.locations:
            return
        loc = self.world.locations[location_id]
        entry: dict[str, Any] = {"id": loc.id, "name": loc.name, "kind": loc.kind}
        if loc.aliases and self.chance(loc.id, 0.3):
            entry["aliases"] = list(loc.aliases)
            self._use_aliases(loc.aliases, loc.intro)
        if self.chance(loc.id, 0.3):
            entry["description"] = loc.description
        entry["quote"] = loc.intro
        comma = "," if "," in loc.intro else ""
        self.say(
            f"{self.rng.choice(_LEADS)}, {loc.intro}{comma} {self.rng.choice(_PLACE_PREDICATES)}."
        )
        self.locations[location_id] = entry
        if loc.parent and self.chance(loc.id, 0.3):
            quote = f"{loc.name} lies in {self.world.locations[loc.parent].name}"
            self.say(f"Maps show that {quote}.")
            entry["parent"], entry["parent_quote"] = loc.parent, quote
        if loc.coordinates and self.chance(loc.id, 0.2):
            lat, lon = loc.coordinates
            quote = f"{loc.name} at {lat:.4f}, {lon:.4f}"
            self.say(f"Surveyors place {quote}.")
            entry["coordinates"] = {"lat": lat, "lon": lon, "quote": quote}

    def event(self, event_id: str, *, keep_dates: bool = False) -> None:
        """The event's report and the facts this source states; `keep_dates` adds no date."""
        world, rng = self.world, self.rng
        e = world.events[event_id]
        home = e.id in self.home
        place = world.locations[e.locations[0]]
        quote = f"{e.phrase} in {place.name}"
        self.say(f"{rng.choice(_LEADS)}, {quote} was reported by residents.")
        entry: dict[str, Any] = {"id": e.id, "title": e.title}
        if e.description and self.chance(e.id, 0.4):
            entry["description"] = e.description
        entry["quote"] = quote
        if e.type and (home or rng.random() < 0.7):
            entry["type"] = e.type
            if home or rng.random() < 0.85:
                entry["sub_type"] = e.sub_type
        if e.date and not keep_dates and (home or rng.random() < 0.5):
            entry["date"] = self._date(e.phrase, *e.date, shift=not home and self.vary)
        places = [{"location": place.id, "quote": quote}]
        for other in e.locations[1:]:
            also = f"{e.phrase} also affected {world.locations[other].name}"
            self.say(f"Officials said {also}.")
            places.append({"location": other, "quote": also})
        entry["locations"] = places
        participants = []
        for actor_id, role in e.participants:
            if self.chance(e.id, 0.6):
                said = f"{world.actors[actor_id].ref} was {_ROLE_WORDS[role]} {e.phrase}"
                self.say(f"Witnesses said {said}.")
                participants.append({"actor": actor_id, "role": role, "quote": said})
        if participants:
            entry["participants"] = participants
        figures = [self._figure(e.phrase, *f, e) for f in e.figures if self.chance(e.id, 0.3)]
        if figures:
            entry["figures"] = figures
        relations = []
        for kind, target in e.relations:
            if self.chance(e.id, 0.3):
                said = f"{e.phrase} {_EVENT_RELATION_WORDS[kind]} {world.events[target].phrase}"
                self.say(f"Officials said {said}.")
                relations.append({"type": kind, "target": target, "quote": said})
        if relations:
            entry["relations"] = relations
        self.events.append(entry)
        for ref in (*(p["actor"] for p in participants), *(f.get("according_to") for f in figures)):
            if ref:
                self.actor(ref)
        for ref in places:
            self.location(ref["location"])

    def _date(self, phrase: str, precision: str, value: str, *, shift: bool) -> dict[str, str]:
        # Now and then a later source gives another day: the page must show both.
        if precision == "day":
            day = dt.date.fromisoformat(value)
            if shift and self.rng.random() < 0.1:
                day += dt.timedelta(days=self.rng.choice((-1, 1)))
            value, words = day.isoformat(), f"on {day.day} {day:%B %Y}"
        else:
            words = f"in {dt.date.fromisoformat(value + '-01'):%B %Y}"
        quote = f"{phrase} took place {words}"
        self.say(f"Officials said {quote}.")
        return {"precision": precision, "value": value, "quote": quote}

    def _figure(
        self, phrase: str, kind: str, value: int, qualifier: str, event: Event
    ) -> dict[str, Any]:
        rng = self.rng
        if self.vary and event.id not in self.home and rng.random() < 0.25:
            value += rng.randint(1, 5)
        quote = f"{_QUALIFIER_WORDS[qualifier]}{value} people {_FIGURE_WORDS[kind]} {phrase}"
        figure: dict[str, Any] = {"kind": kind, "value": value}
        if qualifier != "exact":
            figure["qualifier"] = qualifier
        if event.participants and rng.random() < 0.3:
            source_actor = rng.choice(event.participants)[0]
            quote += f", according to {self.world.actors[source_actor].ref}"
            figure["according_to"] = source_actor
        self.say(f"Officials said {quote}.")
        figure["quote"] = quote
        return figure

    def statement(self, statement_id: str) -> None:
        rng, world = self.rng, self.world
        speaker = rng.choice(sorted(self.actors))
        pool = [i for i in (*self.actors, *self.locations, *(e["id"] for e in self.events))]
        about = rng.sample(
            [i for i in pool if i != speaker], min(len(pool) - 1, rng.choice((1, 2)))
        )
        kind = rng.choice(sorted(_STATEMENT_VERBS))
        refs = [self._ref(i) for i in about] or ["the situation"]
        said = quotation(rng, world.namer)
        quote = f"{world.actors[speaker].ref} {_STATEMENT_VERBS[kind]} {' and '.join(refs)}, saying: “{said}.”"
        self.say(f"{rng.choice(_LEADS)}, {quote}")
        summary = f"{_STATEMENT_VERBS[kind].capitalize()} {' and '.join(refs)}"
        entry: dict[str, str | list[str]] = {
            "id": statement_id,
            "speaker": speaker,
            "type": kind,
            "summary": summary,
        }
        if about:
            entry["about"] = about
        entry["quote"] = quote
        self.statements.append(entry)

    def _ref(self, entity_id: str) -> str:
        world = self.world
        if entity_id in world.actors:
            return world.actors[entity_id].ref
        if entity_id in world.locations:
            return world.locations[entity_id].name
        return world.events[entity_id].phrase

    def text(self) -> str:
        """Paragraphs of three to five sentences, separated by blank lines."""
        paragraphs, sentences = [], list(self.sentences)
        while sentences:
            size = self.rng.randint(3, 5)
            paragraphs.append(" ".join(sentences[:size]))
            sentences = sentences[size:]
        return "\n\n".join(paragraphs) + "\n"


def write_source(
    world: World,
    rng: random.Random,
    meta: dict[str, Any],
    *,
    actors: Iterable[str],
    locations: Iterable[str],
    events: Iterable[str],
    home: set[str],
    statements: int,
    keep_dates: Set[str] = frozenset(),
    vary: bool = True,
) -> Draft:
    """One source about these entities; `home` holds the ids it introduces with every fact.

    `keep_dates` lists events whose dates this source must not state (so adding it
    does not change pages of events it merely mentions); `vary` allows other dates and
    figures than the home source's.
    """
    writer = _Writer(world, rng, home, vary)
    for event_id in events:
        writer.event(event_id, keep_dates=event_id in keep_dates)
    for actor_id in actors:
        writer.actor(actor_id)
    for location_id in locations:
        writer.location(location_id)
    for number in range(1, statements + 1):
        if writer.actors:
            writer.statement(f"{meta['id']}-statement-{number}")
    summary: dict[str, Any] = {"source": meta}
    for key, items in (
        ("actors", list(writer.actors.values())),
        ("locations", list(writer.locations.values())),
        ("events", writer.events),
        ("statements", writer.statements),
    ):
        if items:
            summary[key] = items
    return Draft(meta["id"], writer.text(), summary)


_REFERENCE_KEYS = (
    "id",
    "target",
    "country",
    "parent",
    "actor",
    "location",
    "according_to",
    "speaker",
)


def referenced_ids(summary: dict[str, Any]) -> set[str]:
    """Every entity id a summary defines or refers to (the source's own id excluded)."""
    return set(_walk(summary, skip_source=True))


def _walk(node: object, *, skip_source: bool = False) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if skip_source and key == "source":
                continue
            if key in _REFERENCE_KEYS and isinstance(value, str):
                yield value
            elif key == "about":
                yield from value
            else:
                yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)
