"""Where each location is on a map, and where that position comes from.

In order, the first that has one wins:

1. `sources`: the coordinates sources state (`Location.coordinates`); when they disagree,
   the first reported, and the provenance says others differ.
2. `editors`: `seeds/places.yaml` (`sources/places.py`).
3. `gazetteer`: countries and cities, when exactly one GeoNames record fits
   (`sources/gazetteer.match`). Several are never guessed between: the location is left
   unplaced and `check` warns, naming the candidates, until the editors pick one.
4. `parent`: a facility, region or territory with no position of its own is shown at its
   parent's, marked approximate.

A position is reference data, never a claim: only the first origin is a source's word,
and every position says where it comes from (`Position.provenance`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..common.errors import Problems
from ..sources import gazetteer
from ..sources.load import Loaded
from ..sources.parse import field_name
from ..sources.places import Places
from .model import KnowledgeBase, Location, Position

__all__ = ["Position", "Positions", "resolve", "warn"]

_SHOWN_AT_PARENT = frozenset({"facility", "region", "territory"})
"""Kinds shown at their parent's position when they have none: a part of the place it is
in, where a city or a country has a place of its own that is unknown."""


@dataclass
class Positions:
    """Every location's position, or why it has none."""

    placed: dict[str, Position] = field(default_factory=dict)
    """Location id -> its position."""
    unplaced: dict[str, str] = field(default_factory=dict)
    """Location id -> why it has no position, in a few words."""
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    """Location id -> the GeoNames records its name fits, described, when there are several
    and no source or editor says which (also in `unplaced`)."""


def resolve(kb: KnowledgeBase, places: Places) -> Positions:
    """Each location of `kb` placed by the first origin that has a position for it."""
    positions = Positions()
    for location_id in sorted(kb.locations):
        location = kb.locations[location_id]
        own = _stated(kb, location) or _set_by_editors(location_id, places)
        if own is None:
            own = _looked_up(kb, location, places, positions)
        if own is not None:
            positions.placed[location_id] = own
    # Parents last: a parent's position may come from any origin. In id order, each
    # resolved through its own parents first, so the order does not change the result.
    for location_id in sorted(kb.locations):
        _at_parent(kb, location_id, positions, set())
    for location_id in positions.placed:
        positions.unplaced.pop(location_id, None)
        positions.ambiguous.pop(location_id, None)
    return positions


def _stated(kb: KnowledgeBase, location: Location) -> Position | None:
    first = location.coordinates.first
    if first is None:
        return None
    lat, lon = first.value
    provenance = f"Stated by {_titles(kb, first.sources)}"
    others = [fact for fact in location.coordinates if fact is not first]
    if others:
        differ = "; ".join(
            f"{_titles(kb, fact.sources)} {'give' if len(fact.sources) > 1 else 'gives'} "
            f"{fact.value[0]}, {fact.value[1]}"
            for fact in others
        )
        provenance += f" (the first reported; sources disagree: {differ})"
    return Position(lat, lon, "sources", provenance)


def _titles(kb: KnowledgeBase, source_ids: Sequence[str]) -> str:
    titles = [kb.sources[s].meta.title if s in kb.sources else s for s in source_ids]
    return _listed([f"“{title}”" for title in titles])


def _listed(items: Sequence[str]) -> str:
    """The items in a phrase: A; A and B; A, B and C."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _set_by_editors(location_id: str, places: Places) -> Position | None:
    pinned = places.pinned.get(location_id)
    if pinned is None:
        return None
    return Position(pinned.lat, pinned.lon, "editors", pinned.provenance)


def _looked_up(
    kb: KnowledgeBase, location: Location, places: Places, positions: Positions
) -> Position | None:
    """The gazetteer's position for a country or a city, if exactly one record fits."""
    kind = location.kind or ""
    found = gazetteer.match(
        location.name, _other_names(location), kind, _countries_around(kb, location)
    )
    if isinstance(found, gazetteer.Placed):
        return Position(found.lat, found.lon, "gazetteer", found.provenance)
    if isinstance(found, gazetteer.Ambiguous):
        described = [str(candidate) for candidate in found.candidates]
        positions.ambiguous[location.id] = described
        positions.unplaced[location.id] = (
            f"ambiguous: {len(described)} places named {found.name} ({'; '.join(described)}); "
            f"set it in {places.file}"
        )
    else:
        positions.unplaced[location.id] = found.reason
    return None


def _other_names(location: Location) -> list[str]:
    """Every name sources give it but its title, then its aliases, in the order reported."""
    names = [fact.value for fact in location.names if fact.value != location.name]
    return [*names, *(fact.value for fact in location.aliases)]


def _countries_around(kb: KnowledgeBase, location: Location) -> list[list[str]]:
    """The names of each country the location's parent chain names (every chain, when
    sources give several parents), nearest first."""
    countries: list[list[str]] = []
    seen = {location.id}
    queue = [fact.value for fact in location.parents]
    while queue:
        parent_id = queue.pop(0)
        parent = kb.locations.get(parent_id)
        if parent_id in seen or parent is None:
            continue
        seen.add(parent_id)
        if parent.kind == "country":
            countries.append([parent.name, *_other_names(parent)])
        queue += [fact.value for fact in parent.parents]
    return countries


def _at_parent(
    kb: KnowledgeBase, location_id: str, positions: Positions, visiting: set[str]
) -> Position | None:
    """The location's position, a facility, region or territory taking its parent's when it
    has none (its parent's own parent's, and so on)."""
    if location_id in positions.placed:
        return positions.placed[location_id]
    location = kb.locations.get(location_id)
    if location is None or location.kind not in _SHOWN_AT_PARENT or location_id in visiting:
        return None
    visiting.add(location_id)
    # The parent most sources give, the earliest reported first on ties.
    parents = sorted(location.parents, key=lambda fact: -len(fact.sources))
    for fact in parents:
        parent_position = _at_parent(kb, fact.value, positions, visiting)
        if parent_position is None:
            continue
        parent = kb.locations[fact.value]
        provenance = (
            f"Approximate: shown at the position of {parent.name} "
            f"({parent_position.provenance[:1].lower()}{parent_position.provenance[1:]})"
        )
        others = [_name(kb, other.value) for other in parents if other is not fact]
        if others:
            provenance += f"; sources also place it in {_listed(others)}"
        position = Position(parent_position.lat, parent_position.lon, "parent", provenance, True)
        positions.placed[location_id] = position
        return position
    names = _listed([_name(kb, fact.value) for fact in parents])
    positions.unplaced[location_id] = f"a {location.kind} is not looked up in GeoNames, " + (
        f"and its parent {names} has no position" if parents else "and no source says what it is in"
    )
    return None


def _name(kb: KnowledgeBase, location_id: str) -> str:
    location = kb.locations.get(location_id)
    return location.name if location is not None else location_id


def warn(
    kb: KnowledgeBase,
    places: Places,
    positions: Positions,
    loaded: Sequence[Loaded],
    problems: Problems,
) -> None:
    """Warnings for `check`: each location whose name fits several GeoNames records (where
    it is defined, the candidates and the fix), and each entry of `seeds/places.yaml` that
    a source's own coordinates override."""
    summaries = {item.summary_file: item for item in loaded}
    for location_id, candidates in positions.ambiguous.items():
        location = kb.locations[location_id]
        file, line, where = _defined_at(location, summaries)
        problems.warn(
            file,
            line,
            where,
            f"{location_id!r} ({location.name}) fits {len(candidates)} places in GeoNames: "
            f"{'; '.join(candidates)}. The map does not guess, so it does not show it: pick "
            f"one in {places.file} (`- id: {location_id}` with `geonames:` its id and "
            "`source:`), give it a `position` there, or give it a `parent` country.",
        )
    for location_id, pinned in places.pinned.items():
        position = positions.placed.get(location_id)
        if position is not None and position.origin == "sources":
            problems.warn(
                places.file,
                pinned.line,
                None,
                f"{location_id!r} is shown where its sources say ({position.provenance}), "
                "not where this file puts it; remove the entry, or check which is right",
            )


def _defined_at(
    location: Location, summaries: dict[str, Loaded]
) -> tuple[str, int | None, str | None]:
    """The file that first defines the location, the line of its name there, and the field."""
    file = location.files[0]
    item = summaries.get(file)
    if item is None:
        return file, None, None
    for index, entry in enumerate(item.summary.locations):
        if entry.id == location.id:
            path = ("locations", index, "name")
            return file, item.line_of(path), field_name(path)
    return file, None, None
