"""The merged account: every entity, event and statement, each fact with its citations.

The same id in two summaries is one entity. A fact that sources state differently
keeps every value, each with its citations (`Facts`), so pages can show
disagreements side by side instead of silently picking one. `merge.py` builds it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from ..sources import schema
from ..sources.text import Sentence, SourceText
from . import figures
from .dates import Span
from .dates import disagree as dates_disagree
from .figures import Measure, Steps


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

    # Every entity has a dozen, most of them empty: no per-instance dict.
    __slots__ = ("_by_key", "_cited")

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
    draft: bool = False
    """Whether its summary is a draft no editor has reviewed (published only when the
    site publishes drafts, under a notice saying so)."""

    @property
    def id(self) -> str:
        return self.meta.id


def most_cited(facts: Facts) -> Attested | None:
    """The value most sources give, the earliest reported first on ties."""
    return max(facts, key=lambda fact: len(fact.sources), default=None)


@dataclass
class Entity:
    """What every fact sheet has: an id, names, descriptions and the passages that introduce it."""

    id: str
    category: str
    kind: str | None
    """The kind most sources give (each source's word is in `kinds`)."""
    names: Facts = field(default_factory=Facts)
    """Names given by the sources that name it."""
    unnamed: Facts = field(default_factory=Facts)
    """The descriptions sources that do not name it use instead ("Unnamed Iraqi lawmaker"):
    being unnamed is a fact about a source, not about the entity."""
    kinds: Facts = field(default_factory=Facts)
    """Each source's word for what it is."""
    aliases: Facts = field(default_factory=Facts)
    descriptions: Facts = field(default_factory=Facts)
    mentions: Facts = field(default_factory=Facts)
    possibly: Facts = field(default_factory=Facts)
    """Editors' inferences that it is another entity: values are (entity id, reason), cited
    with the mention they are about."""
    files: list[str] = field(default_factory=list)

    @cached_property
    def name(self) -> str:
        """The page title: the name most naming sources use, earliest first on ties; for an
        entity no source names, the description most of them use."""
        best = most_cited(self.names) or most_cited(self.unnamed)
        assert best is not None  # every entity is introduced by a name or a description
        name: str = best.value
        return name

    @property
    def anonymous(self) -> bool:
        """Whether no source names it."""
        return not self.names

    @cached_property
    def unnamed_by(self) -> list[str]:
        """Ids of the sources that mention it without naming it, when another source names it."""
        if not self.names:
            return []
        return list(dict.fromkeys(s for fact in self.unnamed for s in fact.sources))

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
    countries: Facts = field(default_factory=Facts)
    relations: Facts = field(default_factory=Facts)
    """Values are `Link`s to other actors."""


@dataclass
class Location(Entity):
    parents: Facts = field(default_factory=Facts)
    coordinates: Facts = field(default_factory=Facts)
    """Values are (lat, lon)."""


# A claim (of responsibility, say) does not contradict a source stating the same.
_DOUBT = frozenset({"suspected", "alleged"})
_FIRM = frozenset({"stated", "confirmed"})


class Link(NamedTuple):
    """A claimed link from an entity to another: a relation between actors or events, or a
    participant's role in an event (`type` is the role, `target` the actor)."""

    type: str
    target: str
    certainty: str = "stated"
    """How the source presents it (see `Certainty`)."""
    by: str | None = None
    """Who confirms, claims, suspects, alleges or denies it."""
    status: str = "current"
    """`former` for a relation that no longer holds."""
    since: str | None = None
    until: str | None = None


class Dated(NamedTuple):
    """A date as one source gives it, and the span of days it stands for."""

    claim: schema.DateClaim
    span: Span | None
    """None when it cannot be placed: no date, vague words, or an undated report."""


@dataclass
class Event(Entity):
    types: Facts = field(default_factory=Facts)
    """Values are (type, sub_type), either possibly None."""
    dates: Facts = field(default_factory=Facts)
    """Values are `Dated`."""
    places: Facts = field(default_factory=Facts)
    participants: Facts = field(default_factory=Facts)
    """Values are `Link`s: type is the role, target the actor."""
    figures: dict[Measure, Facts] = field(default_factory=dict)
    """What sources count, each with its values (`Count`s)."""
    series: dict[Measure, dict[str, Steps]] = field(default_factory=dict)
    """Each source's values of one measure, earliest first (see `figures.in_time_order`)."""
    relations: Facts = field(default_factory=Facts)
    """Values are `Link`s to other events."""

    def all_facts(self) -> list[Facts]:
        return [*super().all_facts(), *self.figures.values()]

    @cached_property
    def disputed_figures(self) -> list[Measure]:
        """The measures whose sources' latest values cannot all hold."""
        return [m for m, by_source in self.series.items() if figures.disagree(by_source)]

    @property
    def dates_disputed(self) -> bool:
        """Whether two dates sources give for when it happened cannot both hold."""
        return dates_disagree(
            fact.value.span for fact in self.dates if fact.value.claim.basis == "happened"
        )

    @cached_property
    def roles(self) -> dict[tuple[str, str], list[Attested]]:
        """Each (actor, role) of the event, with every way sources present it."""
        grouped: dict[tuple[str, str], list[Attested]] = {}
        for fact in self.participants:
            grouped.setdefault((fact.value.target, fact.value.type), []).append(fact)
        return grouped

    @cached_property
    def disputed_roles(self) -> list[tuple[str, str]]:
        """The (actor, role)s sources present in ways that cannot all be right: one denies
        what another states, claims or suspects, or one states as fact what another only
        suspects or alleges."""
        disputed = []
        for key, claims in self.roles.items():
            views = {fact.value.certainty for fact in claims}
            if ("denied" in views and len(views) > 1) or (views & _DOUBT and views & _FIRM):
                disputed.append(key)
        return disputed

    def disputes(self) -> int:
        """How many of its facts sources state in ways that cannot all hold."""
        return (
            self.dates_disputed
            + self.types.disputed
            + len(self.disputed_figures)
            + len(self.disputed_roles)
        )


@dataclass
class Statement(Entity):
    speaker: str | None = None
    """Id of the actor who made it; None for the outlet's own assertion."""
    type: str = ""
    about: Facts = field(default_factory=Facts)
    via: Facts = field(default_factory=Facts)
    """Chains of actors it was relayed through (tuples of ids), as each source reports it."""

    @property
    def voice(self) -> str | tuple[str, ...]:
        """Whose words these are: the speaker, or the outlets whose own assertion it is."""
        return self.speaker or tuple(self.sources)


@dataclass(frozen=True)
class Position:
    """Where a location is drawn on a map: reference data, never a claim of a source
    (`knowledge/positions.py` says how each is found)."""

    lat: float
    lon: float
    origin: str
    """`sources`, `editors`, `gazetteer`, or `parent` (shown at the place containing it)."""
    provenance: str
    """Where the position comes from, for readers: "Position from GeoNames (...)"."""
    approximate: bool = False
    """Drawn at its parent's position, not its own."""


@dataclass
class KnowledgeBase:
    """Everything the site shows, merged across sources."""

    sources: dict[str, Source] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    statements: dict[str, Statement] = field(default_factory=dict)
    drafts: list[str] = field(default_factory=list)
    """The summary file of every draft read (`status: draft`), in the order of `seeds/`:
    in `sources` too only when the site publishes drafts."""
    positions: dict[str, Position] = field(default_factory=dict)
    """Each placed location's position, by id (`knowledge.positions.resolve`)."""
    unplaced: dict[str, str] = field(default_factory=dict)
    """Why each location that is not on the map is not, by id."""

    def get(self, entity_id: str) -> Entity | None:
        for table in (self.actors, self.locations, self.events, self.statements):
            if entity_id in table:
                return table[entity_id]
        return None
