"""What drafting finds in a text: entities and their mentions, as spans of the text."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import gazetteer, lexicon
from .known import tokens
from .proposals import Known


@dataclass
class Entity:
    """An actor or location the draft will propose."""

    key: str
    """What identifies it while drafting: its folded name."""
    section: str
    name: str
    kind: str
    quote: tuple[int, int]
    """Where the text first names it (offsets)."""
    why: str
    known: Known | None = None
    anonymous: bool = False
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    """Key of its country, when the words tie it to one ("Iraqi officials")."""
    country_quote: tuple[int, int] | None = None
    relations: list[tuple[str, str, tuple[int, int]]] = field(default_factory=list)
    """(type, key of the other actor, quote) for each relation its words state."""
    place: gazetteer.Place | None = None


def known_entity(entity: Known, span: tuple[int, int], said: str) -> Entity:
    """A mention of an entity another summary defines, which the draft reuses by id."""
    why = f"known: {entity.source} names it {said!r}"
    if said.casefold() not in (name.casefold() for name in entity.names):
        why = f"known: {entity.source} names it {entity.name!r}; the text says {said!r}"
    return Entity(
        "id:" + entity.id,
        entity.section,
        entity.name,
        entity.kind or "",
        span,
        why,
        known=entity,
        anonymous=entity.anonymous,
    )


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entity: Entity


@dataclass
class Found:
    """Every entity and every mention of one in the text, in text order."""

    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)

    def add(self, entity: Entity, start: int, end: int) -> Entity:
        """The entity with that key (the first one found), mentioned at start..end; or the
        one already mentioned there, when a name found before covers the whole span (a
        known "US-led coalition" is not also a new one)."""
        covering = next((m for m in self.mentions if m.start <= start and end <= m.end), None)
        if covering is not None and covering.entity.key != entity.key:
            return covering.entity
        kept = self.entities.setdefault(entity.key, entity)
        if not any(m.start < end and start < m.end for m in self.mentions):
            self.mentions.append(Mention(start, end, kept))
        return kept

    def add_around(self, entity: Entity, start: int, end: int) -> Entity:
        """The entity mentioned at start..end, in place of the names within it:
        "Castellane security officials" are the officials, not Castellane."""
        within = [m for m in self.mentions if start <= m.start and m.end <= end]
        if any(m.start == start and m.end == end for m in within):
            return self.add(entity, start, end)  # a name found before covers it all
        self.mentions = [m for m in self.mentions if m not in within]
        return self.add(entity, start, end)

    def state(self, country: Entity) -> Entity:
        """The state a country is, as an actor (the one that acts: "Iran has denied")."""
        key_ = "state:" + country.key
        if key_ not in self.entities:
            self.entities[key_] = Entity(
                key_,
                "actors",
                country.name,
                "state",
                country.quote,
                f"the country {country.name!r} acting as a state",
                aliases=list(country.aliases),
            )
        return self.entities[key_]

    def actor_named(self, name: str) -> Entity | None:
        """The actor (a state, for a country's name) a name stands for, if found."""
        folded = key(name)
        for entity in self.entities.values():
            names = (entity.name, *entity.aliases, *(entity.known.names if entity.known else ()))
            if folded in (key(n) for n in names):
                if entity.section == "actors":
                    return entity
                if entity.kind == "country":
                    return self.state(entity)
        return None

    def within(self, start: int, end: int) -> list[Mention]:
        return sorted(
            (m for m in self.mentions if start <= m.start and m.end <= end),
            key=lambda m: m.start,
        )


def is_credits(sentence: str) -> bool:
    """Whether a sentence is the article's credits ("Contributions from Margaret Brennan"),
    which report nothing."""
    return sentence.startswith(lexicon.CREDITS)


def quote_at(text: str, start: int, end: int) -> str:
    """The text from start to end, widened by whole words to the 3 characters a quote needs
    ("US" alone is too short)."""
    while len(text[start:end].strip()) < 3 and end < len(text):
        space = text.find(" ", end + 1)
        end = len(text) if space < 0 else space
    return text[start:end].strip()


def key(name: str) -> str:
    words = [t.key for t in tokens(name)]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)
