"""Find ids that probably name the same entity: a shared alias, or near-identical names.

Editors record pairs they have checked and found to be different entities in
`seeds/distinct.yaml`, so the warning stops:

    - [iran-backed-groups, iran-backed-militia]
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..sources.load import DISTINCT_FILE
from ..sources.text import normalize
from .model import Entity, KnowledgeBase

SIMILARITY = 90
"""Names at least this similar (token-sorted, 0–100) are reported."""


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
    return sorted(found.values(), key=lambda d: (d.first.id, d.second.id))


def _labels(entity: Entity) -> dict[str, str]:
    """Comparable forms of every name and alias, each with the text as written."""
    return {
        _key(fact.value): fact.value for facts in (entity.names, entity.aliases) for fact in facts
    }


def _key(name: str) -> str:
    return normalize(name).casefold()
