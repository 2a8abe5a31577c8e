"""`seeds/places.yaml`: where the editors say a location is, when no source says it and the
gazetteer cannot (a facility, a sea, a fictional town) or could mean several places.

    format: 1
    places:
      - id: harrow-quay-container-terminal
        position: {lat: 51.1, lon: 1.3}
        source: "OpenStreetMap, way 123456"     # where the editors got it
      - id: kessa
        geonames: 12345                          # or: the GeoNames record they chose
        source: "GeoNames, chosen by the editors"

The file is optional. Like a summary, it is read with the line of every field, and each
problem names its file, line and field. Its positions are reference data, never a
source's claim: `knowledge/positions.py` says on every one that the editors set it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from ..common.errors import Problems
from ..common.project import display_path
from . import gazetteer
from .load import Loaded, read_text
from .parse import FieldPath, construct, describe, field_name, line_of
from .schema import Slug, Strict, Text

PLACES_FILE = "places.yaml"
"""Its name in `seeds/`."""
FORMAT = 1
"""The version of the file's format this code reads."""


class Point(Strict):
    """A point on the map."""

    lat: Annotated[float, Field(ge=-90, le=90)]
    """Latitude in decimal degrees (north is positive)."""
    lon: Annotated[float, Field(ge=-180, le=180)]
    """Longitude in decimal degrees (east is positive)."""


class PlaceEntry(Strict):
    """Where one location is, as the editors set it: a position, or a GeoNames record."""

    id: Slug
    """Id of the location, as the summaries define it."""
    position: Point | None = None
    """Its position, when the editors have one (give this or `geonames`)."""
    geonames: Annotated[int, Field(gt=0)] | None = None
    """The GeoNames id of the country or city it is, when the gazetteer finds several of
    its name (give this or `position`)."""
    source: Text
    """Where the editors got it ("OpenStreetMap, way 123456"): shown to readers."""

    @model_validator(mode="after")
    def _one_way(self) -> PlaceEntry:
        if (self.position is None) == (self.geonames is None):
            raise ValueError("give either `position` or `geonames`, not both and not neither")
        return self


class PlacesFile(Strict):
    """The editors' positions of locations: `seeds/places.yaml`."""

    format: Annotated[int, Field(ge=1, le=FORMAT)] = 1
    """Version of this file's format: 1."""
    places: list[PlaceEntry] = []
    """One entry per location."""


@dataclass(frozen=True)
class Pinned:
    """A location's position as the editors set it."""

    lat: float
    """Latitude in decimal degrees."""
    lon: float
    """Longitude in decimal degrees."""
    provenance: str
    """Where it comes from, as a sentence for readers."""
    line: int | None
    """The line of its entry in the file."""


@dataclass(frozen=True)
class Places:
    """Every valid entry of `seeds/places.yaml` (none when there is no file)."""

    file: str = f"seeds/{PLACES_FILE}"
    """The file as messages show it."""
    pinned: dict[str, Pinned] = field(default_factory=dict)
    """Location id -> where the editors put it, in the file's order."""


def load_places(
    project_seeds: Path, problems: Problems, loaded: Sequence[Loaded], *, root: Path | None = None
) -> Places:
    """The editors' positions (`seeds/places.yaml`, optional), each problem in `problems`.

    `loaded` are the summaries: an entry must name a location one of them defines (an
    invalid summary's ids are not blamed: its own errors explain them). `root` is the
    project's folder, that messages show paths from (by default, the one holding seeds/)."""
    path = project_seeds / PLACES_FILE
    shown = display_path(path, root or project_seeds.parent)
    if not path.exists() and not path.is_symlink():
        return Places(shown)
    raw = read_text(path, root or project_seeds.parent, problems)
    if raw is None:
        return Places(shown)
    parsed = construct(raw, shown, problems)
    if parsed is None:
        return Places(shown)
    node, data = parsed
    try:
        content = PlacesFile.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            problems.add(shown, *_describe(node, item))
        return Places(shown)
    # An invalid summary's ids may be locations: its own errors explain them.
    known = {location.id for item in loaded for location in item.summary.locations}
    return Places(shown, _pinned(content, node, shown, problems, known | problems.unverified_ids))


def _pinned(
    content: PlacesFile, node: yaml.Node, shown: str, problems: Problems, known: set[str]
) -> dict[str, Pinned]:
    pinned: dict[str, Pinned] = {}
    seen: dict[str, int | None] = {}
    for index, entry in enumerate(content.places):
        at: FieldPath = ("places", index)
        line = line_of(node, (*at, "id"))
        if entry.id in seen:
            problems.add(
                shown,
                line,
                field_name((*at, "id")),
                f"{entry.id!r} is set twice (first at line {seen[entry.id]})",
            )
            continue
        seen[entry.id] = line
        if entry.id not in known:
            message = f"{entry.id!r} is not a location any summary defines"
            close = difflib.get_close_matches(entry.id, sorted(known), n=1)
            if close:
                message += f"; did you mean {close[0]!r}?"
            problems.add(shown, line, field_name((*at, "id")), message)
            continue
        if entry.position is not None:
            point = entry.position
            pinned[entry.id] = Pinned(
                point.lat, point.lon, f"Set by the editors: {entry.source}", line
            )
            continue
        assert entry.geonames is not None  # the model requires one of the two
        chosen = gazetteer.record(entry.geonames)
        if not isinstance(chosen, gazetteer.Placed):
            why = (
                f"is not a country, nor a city of {gazetteer.MIN_POPULATION:,} people or "
                "more, in GeoNames"
                if chosen is None
                else f"is {chosen.name} ({chosen.country}), a country the countryinfo package "
                "has no position for; give `position`"
            )
            problems.add(
                shown,
                line_of(node, (*at, "geonames")),
                field_name((*at, "geonames")),
                f"{entry.geonames} {why}",
            )
            continue
        pinned[entry.id] = Pinned(
            chosen.lat,
            chosen.lon,
            f"Set by the editors: {entry.source} ({chosen.provenance})",
            line,
        )
    return pinned


def _describe(node: yaml.Node, error: ErrorDetails) -> tuple[int | None, str | None, str]:
    """One pydantic error as (line, field, message), in an editor's terms."""
    if tuple(error["loc"]) == ("format",):
        message = (
            f"{error.get('input')!r} is not a format this version reads: write `format: {FORMAT}`"
        )
        return line_of(node, ("format",)), "format", message
    shape = f"must be a mapping with `format: {FORMAT}` and `places`, a list of places"
    return describe(node, error, PlacesFile, shape)
