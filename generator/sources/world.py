"""Country outlines for maps: Natural Earth's 1:110m countries, as the `countryinfo`
package ships them (one GeoJSON outline per country).

Reference data drawn under the marks of a map, never a claim of a source; every map says
where its outlines come from (`ATTRIBUTION`). Read once per process, on first use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

ATTRIBUTION = "Country outlines: Natural Earth (public domain), via the countryinfo package"

Ring = tuple[tuple[float, float], ...]
"""A closed outline, as (longitude, latitude) points."""


@dataclass(frozen=True)
class Country:
    """One country's outline."""

    name: str
    iso: str
    """ISO 3166-1 alpha-2 code ("IQ"), or "" when the data has none."""
    rings: tuple[Ring, ...]
    """Outer rings and holes alike: drawn with the even-odd rule."""
    box: tuple[float, float, float, float]
    """(west, south, east, north) in degrees."""


@cache
def countries() -> tuple[Country, ...]:
    """Every country the package has an outline for, sorted by name."""
    found = []
    folder = resources.files("countryinfo") / "data"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        rings = tuple(_rings(data.get("geoJSON")))
        if not rings or not isinstance(data.get("name"), str):
            continue
        iso = data.get("ISO", {}).get("alpha2", "") if isinstance(data.get("ISO"), dict) else ""
        lons = [lon for ring in rings for lon, _ in ring]
        lats = [lat for ring in rings for _, lat in ring]
        box = (min(lons), min(lats), max(lons), max(lats))
        found.append(Country(data["name"], iso if isinstance(iso, str) else "", rings, box))
    return tuple(sorted(found, key=lambda c: c.name))


def _rings(geojson: Any) -> list[Ring]:
    """The rings of a GeoJSON FeatureCollection's polygons; nothing for anything else."""
    if not isinstance(geojson, dict):
        return []
    rings: list[Ring] = []
    for feature in geojson.get("features") or []:
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        elif geometry.get("type") != "MultiPolygon":
            continue
        for polygon in polygons:
            for ring in polygon:
                points = tuple((float(p[0]), float(p[1])) for p in ring if len(p) >= 2)
                if len(points) >= 3:
                    rings.append(points)
    return rings
