"""Counts and reverse lookups over the knowledge base, computed once per run for the templates."""

from __future__ import annotations

from dataclasses import dataclass

from .figures import Measure
from .model import Attested, Entity, Event, KnowledgeBase, Statement


@dataclass
class Stats:
    """Counts for the coverage table: how much the site says, and how well supported it is."""

    sources: int
    actors: int
    locations: int
    events: int
    statements: int
    claims: int
    corroborated: int
    disputed: int
    claims_per_source: dict[str, int]

    @classmethod
    def of(cls, kb: KnowledgeBase) -> Stats:
        per_source = dict.fromkeys(kb.sources, 0)
        claims = corroborated = disputed = 0
        for table in (kb.actors, kb.locations, kb.events, kb.statements):
            for entity in table.values():
                for facts in entity.all_facts():
                    for fact in facts:
                        claims += len(fact.citations)
                        corroborated += len(fact.sources) > 1
                        for citation in fact.citations:
                            per_source[citation.source] += 1
                if isinstance(entity, Event):
                    disputed += entity.disputes()
        return cls(
            sources=len(kb.sources),
            actors=len(kb.actors),
            locations=len(kb.locations),
            events=len(kb.events),
            statements=len(kb.statements),
            claims=claims,
            corroborated=corroborated,
            disputed=disputed,
            claims_per_source=per_source,
        )


class Backlinks:
    """Reverse lookups templates need: who points at an entity, and how."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.participations: dict[str, list[tuple[Event, Attested]]] = {}
        self.places: dict[str, list[tuple[Event, Attested]]] = {}
        self.incoming: dict[str, list[tuple[Entity, Attested]]] = {}
        self.children: dict[str, list[tuple[Entity, Attested]]] = {}
        self.said_by: dict[str, list[Statement]] = {}
        self.said_about: dict[str, list[Statement]] = {}
        self.countries: dict[str, list[tuple[Entity, Attested]]] = {}
        self.figures_by: dict[str, list[tuple[Event, Measure, Attested]]] = {}
        self.relayed_by: dict[str, list[Statement]] = {}
        """Statements each actor passed on (see `Statement.via`)."""
        self.possibly: dict[str, list[tuple[Entity, Attested]]] = {}
        """Entities that editors think are probably this one."""
        for event in kb.events.values():
            for fact in event.participants:
                self.participations.setdefault(fact.value.target, []).append((event, fact))
            for fact in event.places:
                self.places.setdefault(fact.value, []).append((event, fact))
            for fact in event.relations:
                self.incoming.setdefault(fact.value.target, []).append((event, fact))
            for kind, facts in event.figures.items():
                for fact in facts:
                    if fact.value.according_to:
                        self.figures_by.setdefault(fact.value.according_to, []).append(
                            (event, kind, fact)
                        )
        for actor in kb.actors.values():
            for fact in actor.relations:
                self.incoming.setdefault(fact.value.target, []).append((actor, fact))
            for fact in actor.countries:
                self.countries.setdefault(fact.value, []).append((actor, fact))
        for location in kb.locations.values():
            for fact in location.parents:
                self.children.setdefault(fact.value, []).append((location, fact))
        self._sources_of: dict[str, list[str]] = {}
        self.source_order = {source_id: index for index, source_id in enumerate(kb.sources)}
        self.by_source: dict[tuple[str, str], list[Entity]] = {}
        for table in (kb.actors, kb.locations, kb.events, kb.statements):
            for entity in table.values():
                for source_id in entity.sources:
                    self.by_source.setdefault((source_id, entity.category), []).append(entity)
        for table in (kb.actors, kb.locations):
            for entity in table.values():
                for fact in entity.possibly:
                    self.possibly.setdefault(fact.value[0], []).append((entity, fact))
        for statement in kb.statements.values():
            if statement.speaker:
                self.said_by.setdefault(statement.speaker, []).append(statement)
            relays = {actor for fact in statement.via for actor in fact.value}
            for actor in sorted(relays):
                self.relayed_by.setdefault(actor, []).append(statement)
            for fact in statement.about:
                self.said_about.setdefault(fact.value, []).append(statement)

    def sources_of(self, entity_id: str) -> list[str]:
        """Ids of every source that states something about the entity, oldest first."""
        # A page asks up to four times (infobox, summary line, sources list, index).
        if entity_id not in self._sources_of:
            self._sources_of[entity_id] = self._find_sources(entity_id)
        return self._sources_of[entity_id]

    def _find_sources(self, entity_id: str) -> list[str]:
        entity = self.kb.get(entity_id)
        found = set(entity.sources) if entity else set()
        for table in (
            self.participations,
            self.places,
            self.incoming,
            self.children,
            self.countries,
        ):
            for _, fact in table.get(entity_id, []):
                found.update(fact.sources)
        for statement in (
            self.said_by.get(entity_id, [])
            + self.said_about.get(entity_id, [])
            + self.relayed_by.get(entity_id, [])
        ):
            found.update(statement.sources)
        return sorted(found, key=self.source_order.__getitem__)
