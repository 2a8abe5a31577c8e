"""Find ids that probably name the same entity: a shared alias, near-identical names, or
one speaker's statement reported by two sources under two ids.

Editors record pairs they have checked and found to be different entities in
`seeds/distinct.yaml`, so the warning stops:

    - [iran-backed-groups, iran-backed-militia]

Names are compared as they look, not as they are encoded (`_key`): "Café" typed with a
combining accent, "Ｈａｍａｓ" in full-width letters, "Ha\u200bmas" with a zero-width
space and "Hаmas" with a Cyrillic "а" are all "Hamas", and the warning names the
character that differs, which the eye cannot see.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from ..common.errors import escape_controls
from ..sources.load import DISTINCT_FILE
from ..sources.text import code_point, first_difference, normalize
from .model import Entity, KnowledgeBase, Statement

SIMILARITY = 90
"""Names at least this similar (token-sorted, 0–100) are reported."""
STATEMENT_SIMILARITY = 75
"""Statements' summaries at least this similar (token-sorted) are reported, when they have
one speaker and kind: summaries are longer than names, and two editors word them apart."""


@dataclass(frozen=True)
class LikelyDuplicate:
    """Two ids that look like one entity, and why."""

    first: Entity
    second: Entity
    reason: str

    def message(self) -> str:
        files = sorted(escape_controls(f) for f in set(self.first.files) | set(self.second.files))
        return (
            f"{self.first.id!r} and {self.second.id!r} may be the same {self.first.category[:-1]}: "
            f"{self.reason}. If they are, use one id in {', '.join(files)}; if not, add "
            f"[{self.first.id}, {self.second.id}] to seeds/{DISTINCT_FILE}."
        )


def likely_duplicates(kb: KnowledgeBase, distinct: set[frozenset[str]]) -> list[LikelyDuplicate]:
    """Pairs of same-category entities sharing a name or alias, or with near-identical names."""
    found: dict[frozenset[str], LikelyDuplicate] = {}
    for table in (kb.actors, kb.locations, kb.events):
        entities = sorted(table.values(), key=lambda e: e.id)
        by_label: dict[str, list[tuple[Entity, str]]] = {}
        for entity in entities:
            for label, original in _labels(entity).items():
                by_label.setdefault(label, []).append((entity, original))
        for _, sharing in sorted(by_label.items()):
            for i, (first, one) in enumerate(sharing):
                for second, other in sharing[i + 1 :]:
                    pair = frozenset((first.id, second.id))
                    if first.id != second.id and pair not in distinct and pair not in found:
                        found[pair] = LikelyDuplicate(first, second, _called(one, other))
        names = [_key(e.name) for e in entities]
        for i, name in enumerate(names):
            # extract() scores one name against all later ones in C; no numpy needed.
            later = names[i + 1 :]
            matches = process.extract(
                name, later, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILARITY, limit=None
            )
            for _, score, offset in matches:
                first, second = entities[i], entities[i + 1 + offset]
                pair = frozenset((first.id, second.id))
                if pair not in distinct and pair not in found:
                    reason = (
                        f"their names {first.name!r} and {second.name!r} are {score:.0f}% alike"
                    )
                    found[pair] = LikelyDuplicate(first, second, reason)
    _same_statements(kb, distinct, found)
    return sorted(found.values(), key=lambda d: (d.first.id, d.second.id))


def _same_statements(
    kb: KnowledgeBase, distinct: set[frozenset[str]], found: dict[frozenset[str], LikelyDuplicate]
) -> None:
    """Statements of one speaker and kind, from different sources, saying nearly the same:
    probably one statement two outlets reported, which should share one id."""
    by_voice: dict[tuple[str | None, str], list[Statement]] = {}
    for statement in sorted(kb.statements.values(), key=lambda s: s.id):
        by_voice.setdefault((statement.speaker, statement.type), []).append(statement)
    for same in by_voice.values():
        for i, first in enumerate(same):
            for second in same[i + 1 :]:
                pair = frozenset((first.id, second.id))
                if pair in distinct or pair in found or set(first.sources) & set(second.sources):
                    continue  # one source saying two things is two statements
                score = fuzz.token_sort_ratio(_key(first.name), _key(second.name))
                if score >= STATEMENT_SIMILARITY:
                    reason = (
                        f"the same speaker {first.type} in words {score:.0f}% alike "
                        f"({first.name!r} and {second.name!r})"
                    )
                    found[pair] = LikelyDuplicate(first, second, reason)


def _called(one: str, other: str) -> str:
    """Why two names with one key are one name: the same words, or what tells them apart
    where the eye cannot (positions count the characters of the name, from 1)."""
    difference = first_difference(normalize(one), normalize(other), any_case=True)
    if difference is None:
        return f"both are called {one!r}"
    ours, theirs = difference.ours, difference.theirs
    if ours and theirs:
        said = (
            f"the first has {_named(ours)} at position {difference.position} where the second "
            f"has {_named(theirs)}"
        )
    elif ours:
        said = f"the first has {_named(ours)} at position {difference.position}, the second nothing"
    else:
        said = (
            f"the second has {_named(theirs)} at position {difference.their_position}, the first "
            "nothing"
        )
    said += difference.and_more
    return f"they are called {one!r} and {other!r}, which look alike but differ: {said}"


def _named(chars: str) -> str:
    return " + ".join(code_point(c) for c in chars)


def _labels(entity: Entity) -> dict[str, str]:
    """Comparable forms of every name and alias, each with the text as written."""
    return {
        _key(fact.value): fact.value for facts in (entity.names, entity.aliases) for fact in facts
    }


@lru_cache(maxsize=65_536)
def _key(name: str) -> str:
    """A name as it looks: compatibility forms plain (NFKC: full-width and mathematical
    letters, ligatures), invisible characters dropped, look-alike letters of other
    scripts as the Latin ones (`CONFUSABLES`), capitals not counted."""
    text = normalize(name)
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    # Look-alikes are mapped on base letters (the "е" of "ё" is Cyrillic), then composed.
    kept = (CONFUSABLES.get(c, c) for c in decomposed if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFC", "".join(kept)).casefold()


CONFUSABLES = {
    **dict(zip("АВЕЅІЈКМНОРСТХУҮԚԜӀ", "ABESIJKMHOPCTXYYQWl", strict=True)),
    **dict(zip("аеіјорсухѕһԁԛԝӏ", "aeijopcyxshdqwl", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹͿ", "ABEZHIKMNOPTYXCJ", strict=True)),
    **dict(zip("αογιρνχϲϳ", "aoyipvxcj", strict=True)),
}
"""Cyrillic and Greek letters that look like Latin ones, as the Latin letter: the common
pairs of Unicode's confusables list (UTS #39), by hand, since a library for it would be
one more dependency for a warning. Capitals map to capitals ("Н" looks like "H", "н"
like nothing Latin), so mapping comes before case folding. Not covered: look-alikes
within Latin ("rn" and "m", "l" and "I") and other scripts, which the ~90% similarity
check often catches anyway."""
