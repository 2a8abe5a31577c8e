"""The gazetteer (`sources/gazetteer.py`): GeoNames' countries and cities by name.

The site places a location only when exactly one record fits (`match`); the drafter's
layer (`draft/gazetteer.py`) keeps its one-record-per-name lookups, unchanged by the move.
"""

from __future__ import annotations

import pytest

from generator.draft import gazetteer as drafter
from generator.sources import gazetteer
from generator.sources.gazetteer import Ambiguous, Candidate, NotFound, Placed, match

BAGHDAD = Placed(33.34058, 44.40088, 98182, "Baghdad", "IQ", "city")
TRIPOLI_LIBYA, TRIPOLI_LEBANON, TRIPOLI_GREECE = 2210247, 266826, 252601
KOSOVO = 831053


# --- countries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "aliases", "iso"),
    [
        pytest.param("Iraq", [], "IQ", id="GeoNames' name"),
        pytest.param("iraq", [], "IQ", id="any case"),
        pytest.param("UK", [], "GB", id="a short name"),
        pytest.param("U.S.", [], "US", id="initials"),
        pytest.param("the Netherlands", [], "NL", id="GeoNames says The Netherlands"),
        pytest.param("Netherlands", [], "NL", id="without the"),
        pytest.param("the Gambia", [], "GM", id="GeoNames says Gambia"),
        pytest.param("Kingdom of Tessary", ["Britain"], "GB", id="by an alias"),
    ],
)
def test_countries_by_name_or_alias(name: str, aliases: list[str], iso: str) -> None:
    found = match(name, aliases, "country")
    assert isinstance(found, Placed)
    assert (found.kind, found.country) == ("country", iso)


def test_a_countrys_position_is_countryinfos_and_says_so() -> None:
    found = match("Jordan", [], "country")
    assert found == Placed(31.0, 36.0, 248816, "Jordan", "JO", "country")
    assert isinstance(found, Placed)
    assert found.provenance == (
        "Position: the centre of Jordan, from the countryinfo package (GeoNames id 248816)"
    )


def test_a_country_with_no_position_is_not_placed() -> None:
    assert match("Kosovo", [], "country") == NotFound(
        f"GeoNames knows Kosovo, Kosovo (XK), GeoNames id {KOSOVO}, but the countryinfo "
        "package gives no position for it"
    )


def test_names_of_two_countries_are_ambiguous() -> None:
    found = match("Jordan", ["Syria"], "country")
    assert isinstance(found, Ambiguous)
    assert [c.country for c in found.candidates] == ["SY", "JO"]  # the more populous first


def test_countries_are_not_guessed_at() -> None:
    assert match("Irak", [], "country") == NotFound("no country named 'Irak' in GeoNames")
    assert match("Tessary", [], "country") == NotFound("no country named 'Tessary' in GeoNames")


# --- cities ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Baghdad", "BAGHDAD", "baghdad", " Baghdad "])
def test_a_city_by_its_exact_name_in_any_case(name: str) -> None:
    assert match(name, [], "city") == BAGHDAD


def test_diacritics_do_not_matter() -> None:
    found = [match(name, [], "city") for name in ("São Paulo", "Sao Paulo", "SAO PAULO")]
    assert {f.geonameid for f in found if isinstance(f, Placed)} == {3448439}
    assert len(found) == 3


def test_a_city_is_found_by_an_alias() -> None:
    assert match("The capital", ["Baghdad"], "city") == BAGHDAD


def test_only_whole_names_match() -> None:
    found = match("Baghda", [], "city")
    assert found == NotFound(
        "no city named 'Baghda' in GeoNames (it lists cities of 15,000 people or more)"
    )
    assert isinstance(match("Greater Baghdad", [], "city"), NotFound)


def test_a_name_several_cities_share_is_ambiguous_with_every_candidate() -> None:
    found = match("Tripoli", [], "city")
    assert found == Ambiguous(
        "Tripoli",
        (
            Candidate("Tripoli", "LY", TRIPOLI_LIBYA),
            Candidate("Tripoli", "LB", TRIPOLI_LEBANON),
            Candidate("Trípoli", "GR", TRIPOLI_GREECE),
        ),
    )
    assert str(Candidate("Tripoli", "LB", TRIPOLI_LEBANON)) == (
        f"Tripoli, Lebanon (LB), GeoNames id {TRIPOLI_LEBANON}"
    )


def test_a_name_and_an_alias_naming_two_cities_are_ambiguous() -> None:
    found = match("Baghdad", ["Amman"], "city")
    assert isinstance(found, Ambiguous)
    assert {c.name for c in found.candidates} == {"Baghdad", "Amman"}


def test_the_parent_country_restricts_the_cities() -> None:
    found = match("Tripoli", [], "city", [["Lebanon"]])
    assert isinstance(found, Placed)
    assert (found.geonameid, found.country) == (TRIPOLI_LEBANON, "LB")
    assert found.provenance == f"Position from GeoNames (Tripoli, LB; id {TRIPOLI_LEBANON})"
    # A country known by one of its names (an alias here) is known.
    assert match("Tripoli", [], "city", [["Republic of Lebanon", "Lebanon"]]) == found


def test_two_parent_countries_allow_the_cities_of_both() -> None:
    found = match("Tripoli", [], "city", [["Lebanon"], ["Libya"]])
    assert isinstance(found, Ambiguous)
    assert {c.geonameid for c in found.candidates} == {TRIPOLI_LIBYA, TRIPOLI_LEBANON}


def test_a_city_in_another_country_is_not_found() -> None:
    assert match("Baghdad", [], "city", [["Jordan"]]) == NotFound(
        "no city named 'Baghdad' in Jordan in GeoNames (it lists cities of 15,000 people or more)"
    )


def test_a_city_of_a_fictional_country_is_never_matched() -> None:
    reason = NotFound("in Tessary, a country GeoNames does not list")
    assert match("Tripoli", [], "city", [["Tessary"]]) == reason
    # However real its name, and whatever other country the chain names.
    assert match("Baghdad", [], "city", [["Iraq"], ["Tessary"]]) == reason


@pytest.mark.parametrize("kind", ["region", "sea", "territory", "facility"])
def test_other_kinds_are_not_looked_up(kind: str) -> None:
    assert match("Baghdad", [], kind) == NotFound(f"a {kind} is not looked up in GeoNames")


# --- records by id (the editors' picks) ----------------------------------------------


def test_records_by_geonames_id() -> None:
    assert gazetteer.record(98182) == BAGHDAD
    jordan = gazetteer.record(248816)
    assert isinstance(jordan, Placed) and jordan.kind == "country"
    assert gazetteer.record(KOSOVO) == Candidate("Kosovo", "XK", KOSOVO)
    assert gazetteer.record(1) is None


# --- the drafter's layer -----------------------------------------------------------


def test_the_drafter_keeps_its_lookups() -> None:
    assert drafter.Place is gazetteer.Place
    assert drafter.country("U.S.") == gazetteer.Place("United States", "country", 6252001)
    # The drafter proposes the most populous city of a name, for an editor to review.
    assert drafter.city("Tripoli") == gazetteer.Place("Tripoli", "city", TRIPOLI_LIBYA, "Libya")
    assert drafter.city("Police") is None  # a town in Poland, and an English word
    assert gazetteer.most_populous_city("Police") is not None
    assert drafter.demonym_of("Iraqi") == "Iraq"
    assert drafter.demonym_of("Syrian") == "Syria"
    assert drafter.demonym_of("Tessarian", {"Tessary": "Tessary"}) == "Tessary"
    assert drafter.country("Tessary") is None
