"""The fictional world a corpus reports on: actors, locations and events with fixed facts.

Sources are written from this world, so the same id always has the same kind and
name in every summary (an identity conflict would be an input error), while each
source states only some of an entity's facts. Entities are created in order of
popularity: `Zipf` draws early ones far more often, which gives the skewed reuse
real corpora have (a few actors in most articles, most actors in one or two).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from generator.sources.vocabulary import SUBTYPES_OF

from .words import Namer, slug

ORG_KINDS = ("organization", "armed-group", "government", "military-unit", "state", "coalition")
"""Actor kinds that people can belong to, lead or speak for."""


_T = TypeVar("_T", bound=Hashable)


class Zipf(Generic[_T]):
    """Weighted draws from a growing list: weight 1 / (rank + offset) ** exponent."""

    def __init__(self, exponent: float = 1.0, offset: float = 3.0) -> None:
        self.exponent = exponent
        self.offset = offset
        self.items: list[_T] = []
        self.cumulative: list[float] = []

    def add(self, item: _T) -> None:
        weight = 1.0 / (len(self.items) + self.offset) ** self.exponent
        self.items.append(item)
        self.cumulative.append((self.cumulative[-1] if self.cumulative else 0.0) + weight)

    def draw(self, rng: random.Random) -> _T:
        point = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, point)]

    def sample(self, rng: random.Random, count: int, exclude: set[_T] | None = None) -> list[_T]:
        """Up to `count` distinct items (fewer when the list is too short)."""
        chosen: list[_T] = []
        exclude = set(exclude or ())
        for _ in range(count * 8):
            if len(chosen) == count or len(exclude) >= len(self.items):
                break
            item = self.draw(rng)
            if item not in exclude:
                exclude.add(item)
                chosen.append(item)
        return chosen

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class Actor:
    id: str
    name: str
    kind: str
    intro: str
    """How a source first mentions it; the quote for its name and description."""
    ref: str
    """How a source refers to it afterwards, mid-sentence."""
    description: str
    aliases: list[str] = field(default_factory=list)
    anonymous: bool = False
    country: str | None = None
    relations: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Location:
    id: str
    name: str
    kind: str
    intro: str
    description: str
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    coordinates: tuple[float, float] | None = None

    @property
    def ref(self) -> str:
        return self.name


@dataclass
class Event:
    id: str
    title: str
    phrase: str
    """How a source names it mid-sentence, e.g. `the drone strike near Vorak`."""
    type: str | None
    sub_type: str | None
    description: str | None
    date: tuple[str, str] | None
    """(precision, ISO value), or None when no source dates it."""
    locations: list[str]
    participants: list[tuple[str, str]]
    figures: list[tuple[str, int, str]]
    """(kind, value, qualifier)."""
    relations: list[tuple[str, str]] = field(default_factory=list)


_SUB_NOUN = {
    "Armed clash": "clashes",
    "Government regains territory": "recapture",
    "Non-state actor overtakes territory": "takeover",
    "Chemical weapon": "chemical attack",
    "Air/drone strike": "drone strike",
    "Suicide bomb": "suicide bombing",
    "Shelling/artillery/missile attack": "shelling",
    "Remote explosive/landmine/IED": "roadside bombing",
    "Grenade": "grenade attack",
    "Sexual violence": "assault",
    "Attack": "attack",
    "Abduction/forced disappearance": "abduction",
    "Peaceful protest": "protest",
    "Protest with intervention": "dispersed protest",
    "Excessive force against protesters": "crackdown on protesters",
    "Violent demonstration": "riot",
    "Mob violence": "mob attack",
    "Agreement": "agreement",
    "Arrests": "arrests",
    "Change to group/activity": "reorganisation",
    "Disrupted weapons use": "interception",
    "Headquarters or base established": "new base",
    "Looting/property destruction": "looting",
    "Non-violent transfer of territory": "handover",
    "Other": "meeting",
}
_TYPES = sorted(SUBTYPES_OF, key=lambda t: t.value)
_TYPE_WEIGHTS = {"Explosions/Remote violence": 4, "Battles": 3, "Strategic developments": 2}
_VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}
_ROLES_VIOLENT = ("perpetrator", "suspected-perpetrator", "target", "victim")
_ROLES_CALM = ("participant", "mediator", "attendee")
_QUALIFIERS = ("exact", "exact", "at-least", "over", "about", "up-to")
_PERSON_ROLES = (
    "a senior adviser",
    "a regional commander",
    "a government spokesperson",
    "an opposition lawmaker",
    "a local official",
    "a retired general",
    "an aid coordinator",
)
_ORG_NAMES = {
    "organization": ("Trade Council", "Relief Agency", "Press Union", "Development Fund"),
    "armed-group": ("Front", "Brigades", "Movement", "Militia"),
    "government": ("Administration", "Regional Authority", "Cabinet"),
    "military-unit": ("Battalion", "Division", "Regiment", "Air Wing"),
    "coalition": ("Alliance", "Coalition", "Compact"),
}
_ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Seventh", "Ninth")


class World:
    """Every entity of one corpus, with a popularity-ordered draw per category."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.namer = Namer(rng)
        self.actors: dict[str, Actor] = {}
        self.locations: dict[str, Location] = {}
        self.events: dict[str, Event] = {}
        self.popular_actors: Zipf[str] = Zipf(1.0, 3.0)
        self.popular_orgs: Zipf[str] = Zipf(1.0, 3.0)
        self.popular_locations: Zipf[str] = Zipf(1.0, 3.0)
        self.countries: Zipf[str] = Zipf(1.0, 2.0)
        # Most events are reported once or twice; a few big ones keep coming back.
        self.popular_events: Zipf[str] = Zipf(1.2, 10.0)
        self._ids: set[str] = set()
        self._aliases: set[str] = set()

    @classmethod
    def build(cls, rng: random.Random, actors: int, locations: int, events: int) -> World:
        world = cls(rng)
        for index in range(max(locations, 1)):
            # The first locations are countries, so actors and places can belong to one.
            world.new_location(country=index < max(1, locations // 8))
        for _ in range(actors):
            world.new_actor()
        for actor in world.actors.values():
            world._relate(actor)
        for _ in range(events):
            world.new_event()
        return world

    def _id(self, name: str) -> str:
        base = slug(name)
        for n in itertools.count(1):
            candidate = base if n == 1 else f"{base}-{n}"
            if candidate not in self._ids:
                self._ids.add(candidate)
                return candidate
        raise AssertionError("unreachable")

    def _alias(self, alias: str) -> list[str]:
        """The alias, unless another entity already uses it (that would be a likely duplicate)."""
        if alias in self._aliases or alias in self.namer.used:
            return []
        self._aliases.add(alias)
        return [alias]

    def new_location(self, *, country: bool = False) -> Location:
        rng, namer = self.rng, self.namer
        kind = "country" if country else rng.choice(("city",) * 5 + ("region", "sea", "territory"))
        kind = "facility" if kind == "city" and rng.random() < 0.3 else kind
        word = namer.place()
        name, intro = {
            "country": (word, f"neighbouring {word}"),
            "city": (word, f"the city of {word}"),
            "region": (f"{word} Valley", f"the {word} Valley region"),
            "sea": (f"{word} Sea", f"the waters of the {word} Sea"),
            "territory": (f"{word} Strip", f"the disputed {word} Strip"),
            "facility": (f"Camp {word}", f"Camp {word}, a military base"),
        }[kind]
        description = f"A {kind} named in the reports."
        location = Location(self._id(name), name, kind, intro, description)
        if kind != "country" and self.countries and rng.random() < 0.85:
            location.parent = self.countries.draw(rng)
        if kind in ("city", "facility") and rng.random() < 0.25:
            location.coordinates = (round(rng.uniform(-40, 50), 4), round(rng.uniform(-20, 80), 4))
        if kind == "city" and rng.random() < 0.2:
            location.aliases = self._alias(f"{word}-{namer.word(1)}")
        self.locations[location.id] = location
        self.popular_locations.add(location.id)
        if kind == "country":
            self.countries.add(location.id)
        return location

    def new_actor(self) -> Actor:
        rng, namer = self.rng, self.namer
        kind = rng.choices(("person", *ORG_KINDS, "group"), weights=(40, 12, 12, 8, 10, 6, 2, 10))[
            0
        ]
        aliases: list[str] = []
        anonymous = False
        if kind == "person" and rng.random() < 0.1:
            word = namer.place()
            name = f"Unnamed {word} official"
            intro = f"a senior {word} official, speaking on condition of anonymity"
            ref, description, anonymous = (
                f"the {word} official",
                "An official who was not named.",
                True,
            )
        elif kind == "person":
            name = namer.person()
            role = rng.choice(_PERSON_ROLES)
            intro, ref = f"{name}, {role}", name
            description = role[0].upper() + role[1:] + "."
            if rng.random() < 0.4:
                aliases = self._alias(name.split()[-1])
        elif kind == "state":
            name = f"Republic of {namer.place()}"
            intro = ref = name
            description = "A state named in the reports."
        elif kind == "group":
            word = namer.place()
            name = f"Residents of {word}"
            intro, ref = f"residents of {word}", f"the residents of {word}"
            description, anonymous = "People living in the area.", True
        else:
            prefix = f"{rng.choice(_ORDINALS)} " if kind == "military-unit" else ""
            name = namer.unique(lambda: f"{prefix}{namer.word()} {rng.choice(_ORG_NAMES[kind])}")
            ref = f"the {name}"
            if rng.random() < 0.5:
                aliases = self._alias(namer.initials(name))
            intro = f"the {name} ({aliases[0]})" if aliases else ref
            description = f"A{'n' if kind[0] in 'aeio' else ''} {kind.replace('-', ' ')}."
        actor = Actor(self._id(name), name, kind, intro, ref, description, aliases, anonymous)
        if kind not in ("state", "coalition") and rng.random() < 0.6:
            actor.country = self.countries.draw(rng)
        self.actors[actor.id] = actor
        self.popular_actors.add(actor.id)
        if kind in ORG_KINDS:
            self.popular_orgs.add(actor.id)
        return actor

    def _relate(self, actor: Actor) -> None:
        """Relations to organisations; drawn after all actors exist, so targets can be any."""
        rng = self.rng
        types: tuple[str, ...]
        if actor.kind == "person" and rng.random() < 0.6:
            types = ("member-of", "spokesperson-for", "official-of", "commander-of", "leads")
        elif actor.kind in ORG_KINDS and rng.random() < 0.3:
            types = ("part-of", "backed-by", "allied-with", "opposes")
        else:
            return
        for target in self.popular_orgs.sample(rng, 1, exclude={actor.id}):
            actor.relations.append((rng.choice(types), target))

    def new_event(self, *, dated: bool | None = None) -> Event:
        rng, namer = self.rng, self.namer
        untyped = rng.random() < 0.1
        kind = rng.choices(_TYPES, weights=[_TYPE_WEIGHTS.get(t.value, 1) for t in _TYPES])[0]
        sub_type = rng.choice(sorted(SUBTYPES_OF[kind], key=lambda s: s.value)).value
        noun = _SUB_NOUN[sub_type]
        places = self.popular_locations.sample(rng, 1 if rng.random() < 0.8 else 2)
        where = self.locations[places[0]].name
        near = namer.place()
        title = f"{noun[0].upper()}{noun[1:]} near {near}, {where}"
        violent = kind.value in _VIOLENT
        roles = _ROLES_VIOLENT if violent else _ROLES_CALM
        count = rng.choice((1, 2, 2, 3))
        participants = [
            (actor, roles[min(i, len(roles) - 1)] if violent else rng.choice(roles))
            for i, actor in enumerate(self.popular_actors.sample(rng, count))
        ]
        figures = []
        if violent and rng.random() < 0.6:
            figures.append(("fatalities", rng.randint(0, 40), rng.choice(_QUALIFIERS)))
            if rng.random() < 0.5:
                figures.append(("injured", rng.randint(1, 90), rng.choice(_QUALIFIERS)))
        draw = rng.random()
        dated = (draw < 0.7) if dated is None else dated
        date = None
        if dated:
            day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(730))
            date = ("day", day.isoformat()) if draw < 0.55 else ("month", day.isoformat()[:7])
        event = Event(
            id=self._id(title),
            title=title,
            phrase=f"the {noun} near {near}",
            type=None if untyped else kind.value,
            sub_type=None if untyped else sub_type,
            description=None if rng.random() < 0.3 else f"Reports of {noun} near {near}.",
            date=date,
            locations=places,
            participants=participants,
            figures=figures,
        )
        # Undated events are mostly placed by what they respond to or follow.
        if self.events and rng.random() < (0.15 if date else 0.6):
            earlier = self.popular_events.items[-50:]
            kind_ = rng.choice(("response-to", "follows", "part-of", "coincides-with"))
            event.relations.append((kind_, rng.choice(earlier)))
        self.events[event.id] = event
        self.popular_events.add(event.id)
        return event
