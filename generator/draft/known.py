"""Finding names in a text: the entities other summaries define, matched by name or alias.

Matching ignores case, diacritics and typographic quotes and takes whole words only: the
text and every name are cut into the same tokens (words, and each punctuation mark alone),
folded, and looked up by runs of tokens, longest first. Short all-capital names (`US`,
`UN`) keep their case, so that "us" is never the United States.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..sources.load import Loaded
from ..sources.schema import kind_of
from ..sources.text import normalize
from .proposals import Known

_TOKEN = re.compile(r"\w+|[^\w\s]")
_ACRONYM = re.compile(r"^[A-Z]{2,5}$")


@dataclass(frozen=True)
class Token:
    """A word or punctuation mark of the text, where it is, and its folded form."""

    text: str
    start: int
    end: int
    key: str


def plain(text: str) -> str:
    """Text as names are compared: no diacritics, plain quotes and dashes, no case."""
    text = normalize(text)
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return text.casefold()


def fold(word: str) -> str:
    """A token as names are compared: `plain`, but an acronym keeps its case."""
    return word if _ACRONYM.match(word) else plain(word)


def tokens(text: str, offset: int = 0) -> list[Token]:
    """The tokens of a text, with their places in it (plus `offset`)."""
    return [
        Token(m.group(), m.start() + offset, m.end() + offset, fold(m.group()))
        for m in _TOKEN.finditer(text)
    ]


def slug(text: str) -> str:
    """An id made from a name: "Iran's Revolutionary Guard" -> "irans-revolutionary-guard"."""
    plain = unicodedata.normalize("NFKD", text.replace("’", "").replace("'", ""))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def key_of(name: str) -> tuple[str, ...]:
    return tuple(token.key for token in tokens(name))


@dataclass(frozen=True)
class Match:
    """A run of tokens that is a known name."""

    start: int
    end: int
    """Token indexes: the match is tokens[start:end]."""
    known: tuple[Known, ...]
    """Every known entity with that name (more than one when ids share it)."""
    name: str
    """The name or alias it matched, as the entity's summary writes it."""


class Names:
    """A lookup of names by their folded tokens."""

    def __init__(self, known: Iterable[Known]) -> None:
        self._by_key: dict[tuple[str, ...], list[tuple[Known, str]]] = {}
        for entity in known:
            for name in entity.names:
                key = key_of(name)
                if key and any(part.isalnum() for part in key):
                    self._by_key.setdefault(key, []).append((entity, name))
        self._longest = max((len(key) for key in self._by_key), default=0)

    def find(self, words: list[Token]) -> list[Match]:
        """Every known name in the tokens, longest first, never overlapping."""
        found: list[Match] = []
        index = 0
        while index < len(words):
            for length in range(min(self._longest, len(words) - index), 0, -1):
                key = tuple(token.key for token in words[index : index + length])
                hits = self._by_key.get(key)
                if hits:
                    entities = tuple(dict.fromkeys(entity for entity, _ in hits))
                    found.append(Match(index, index + length, entities, hits[0][1]))
                    index += length
                    break
            else:
                index += 1
        return found


def known_entities(loaded: Iterable[Loaded]) -> list[Known]:
    """Every actor, location and event the summaries define, by id (names and aliases of
    the same id in several summaries together), in the order of their ids."""
    merged: dict[str, Known] = {}
    for item in loaded:
        summary = item.summary
        entries = [("actors", e) for e in summary.actors] + [
            ("locations", e) for e in summary.locations
        ]
        for section, entry in entries:
            anonymous = bool(getattr(entry, "anonymous", False))
            _add(
                merged,
                Known(
                    entry.id,
                    section,
                    entry.name,
                    tuple(entry.aliases),
                    kind_of(entry),
                    anonymous,
                    item.summary_file,
                ),
            )
        for event in summary.events:
            # An event's title is a description, not a name; its aliases are names.
            _add(
                merged,
                Known(
                    event.id,
                    "events",
                    event.title,
                    tuple(event.aliases),
                    None,
                    True,
                    item.summary_file,
                ),
            )
        for statement in summary.statements:
            # No names: listed so that a draft's new ids never take one.
            _add(
                merged,
                Known(
                    statement.id, "statements", statement.summary, (), None, True, item.summary_file
                ),
            )
    return [merged[id_] for id_ in sorted(merged)]


def _add(merged: dict[str, Known], entity: Known) -> None:
    before = merged.get(entity.id)
    if before is None:
        merged[entity.id] = entity
        return
    names = tuple(dict.fromkeys((*before.aliases, *entity.names)))
    # Named in one summary and unnamed in another: the name counts.
    anonymous = before.anonymous and entity.anonymous
    name = before.name if not before.anonymous or anonymous else entity.name
    aliases = tuple(n for n in names if n != name) if not anonymous else names
    merged[entity.id] = Known(
        before.id, before.section, name, aliases, before.kind, anonymous, before.source
    )


def capitalised(token: Token) -> bool:
    """Whether a word can be part of a name: capitalised, or an ordinal ("7th Brigade")."""
    return token.text[:1].isupper() or (token.text[:1].isdigit() and token.text[-2:] in _ORDINAL)


_ORDINAL = frozenset(("st", "nd", "rd", "th"))
