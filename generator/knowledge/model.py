"""The merged account: every entity, event and statement, each fact with its citations.

The same id in two summaries is one entity. A fact that sources state differently
keeps every value, each with its citations (`Facts`), so pages can show
disagreements side by side instead of silently picking one. `merge.py` builds it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..sources import schema
from ..sources.text import Sentence, SourceText


@dataclass(frozen=True)
class Citation:
    """A quote from a source, and the sentence it was found in."""

    source: str
    """Id of the source."""
    quote: str
    """The verbatim quote."""
    sentence: Sentence
    """The sentence of the source where the quote starts."""


@dataclass
class Attested:
    """A value and every citation that supports it."""

    value: Any
    """The fact itself: a string, an id, or a small tuple."""
    citations: list[Citation] = field(default_factory=list)
    """Where it is stated, in the order the sources were read."""

    @cached_property
    def sources(self) -> list[str]:
        """Ids of the sources that state it (read after merging: the list is cached)."""
        return list(dict.fromkeys(c.source for c in self.citations))


class Facts:
    """An ordered collection of distinct values, each with its citations."""

    def __init__(self) -> None:
        self._by_key: dict[Hashable, Attested] = {}
        # A fact the whole corpus repeats has thousands of citations: a set, not a scan
        # of its list, tells whether it has one already.
        self._cited: set[tuple[Hashable, Citation]] = set()

    def add(self, value: Any, citation: Citation, key: Hashable | None = None) -> None:
        key = value if key is None else key
        fact = self._by_key.get(key)
        if fact is None:
            fact = self._by_key[key] = Attested(value)
        if (key, citation) not in self._cited:
            self._cited.add((key, citation))
            fact.citations.append(citation)

    def __iter__(self) -> Iterator[Attested]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def __bool__(self) -> bool:
        return bool(self._by_key)

    @property
    def first(self) -> Attested | None:
        return next(iter(self._by_key.values()), None)

    @property
    def disputed(self) -> bool:
        return len(self._by_key) > 1


@dataclass
class Source:
    """One source: its metadata and text."""

    meta: schema.SourceMeta
    text: SourceText
    source_file: str

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass
class Entity:
    """What every fact sheet has: an id, names, descriptions and the passages that introduce it."""

    id: str
    category: str
    kind: str | None
    names: Facts = field(default_factory=Facts)
    aliases: Facts = field(default_factory=Facts)
    descriptions: Facts = field(default_factory=Facts)
    mentions: Facts = field(default_factory=Facts)
    files: list[str] = field(default_factory=list)

    @cached_property
    def name(self) -> str:
        """The name shown as the page title: the one most sources use, earliest first on ties."""
        best = max(self.names, key=lambda fact: len(fact.sources))
        name: str = best.value
        return name

    @cached_property
    def sources(self) -> list[str]:
        """Ids of the sources that state anything on this entity's own record (read after merging)."""
        return sorted({citation.source for citation in self.all_citations()})

    def all_facts(self) -> list[Facts]:
        return [v for v in vars(self).values() if isinstance(v, Facts)]

    def all_citations(self) -> list[Citation]:
        return [c for facts in self.all_facts() for fact in facts for c in fact.citations]


@dataclass
class Actor(Entity):
    anonymous: bool = False
    countries: Facts = field(default_factory=Facts)
    relations: Facts = field(default_factory=Facts)
    """Values are (relation type, target id)."""


@dataclass
class Location(Entity):
    parents: Facts = field(default_factory=Facts)
    coordinates: Facts = field(default_factory=Facts)
    """Values are (lat, lon)."""


@dataclass
class Event(Entity):
    types: Facts = field(default_factory=Facts)
    """Values are (type, sub_type), either possibly None."""
    dates: Facts = field(default_factory=Facts)
    """Values are DateClaim models without their quote."""
    places: Facts = field(default_factory=Facts)
    participants: Facts = field(default_factory=Facts)
    """Values are (actor id, role)."""
    figures: dict[str, Facts] = field(default_factory=dict)
    """Per figure kind; values are (value, qualifier, according_to)."""
    relations: Facts = field(default_factory=Facts)
    """Values are (relation type, target event id)."""

    def all_facts(self) -> list[Facts]:
        return [*super().all_facts(), *self.figures.values()]

    def disputes(self) -> int:
        """How many of its facts sources state differently: date, type, each kind of figure."""
        return (
            self.dates.disputed
            + self.types.disputed
            + sum(figures_disagree(facts) for facts in self.figures.values())
        )


def figures_disagree(facts: Facts) -> bool:
    """Sources disagree when they give different numbers; who they credit does not count."""
    return len({fact.value[0] for fact in facts}) > 1


@dataclass
class Statement(Entity):
    speaker: str = ""
    type: str = ""
    about: Facts = field(default_factory=Facts)


@dataclass
class KnowledgeBase:
    """Everything the site shows, merged across sources."""

    sources: dict[str, Source] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    statements: dict[str, Statement] = field(default_factory=dict)

    def get(self, entity_id: str) -> Entity | None:
        for table in (self.actors, self.locations, self.events, self.statements):
            if entity_id in table:
                return table[entity_id]
        return None
