"""Find ids that probably name the same entity: a shared alias, near-identical names, or
one speaker's statement reported by two sources under two ids.

Editors record pairs they have checked and found to be different entities in
`seeds/distinct.yaml`, so the warning stops:

    - [iran-backed-groups, iran-backed-militia]
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..sources.load import DISTINCT_FILE
from ..sources.text import normalize
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
        files = sorted(set(self.first.files) | set(self.second.files))
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
        by_label: dict[str, list[Entity]] = {}
        shown: dict[str, str] = {}
        for entity in entities:
            for label, original in _labels(entity).items():
                by_label.setdefault(label, []).append(entity)
                shown.setdefault(label, original)
        for label, sharing in sorted(by_label.items()):
            for i, first in enumerate(sharing):
                for second in sharing[i + 1 :]:
                    pair = frozenset((first.id, second.id))
                    if first.id != second.id and pair not in distinct and pair not in found:
                        found[pair] = LikelyDuplicate(
                            first, second, f"both are called {shown[label]!r}"
                        )
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


def _labels(entity: Entity) -> dict[str, str]:
    """Comparable forms of every name and alias, each with the text as written."""
    return {
        _key(fact.value): fact.value for facts in (entity.names, entity.aliases) for fact in facts
    }


def _key(name: str) -> str:
    return normalize(name).casefold()
