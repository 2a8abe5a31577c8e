"""Where each location is on a map (`knowledge/positions.py`): the first origin that has a
position wins (sources, then the editors' `seeds/places.yaml`, then the gazetteer, then a
parent's), every position says where it comes from, and a name several places share is
never guessed: it stays off the map, and `check` warns, until the editors pick one."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import ROOT, FictionalProject

from generator.common.errors import Problems
from generator.knowledge.merge import merge
from generator.knowledge.model import KnowledgeBase
from generator.knowledge.positions import Position, Positions, resolve, warn
from generator.sources.checks import validate
from generator.sources.load import Loaded, load_all
from generator.sources.places import Places, load_places

TEXT = (
    "Shelling hit Tripoli on Monday. "
    "Officials in Tripoli, Lebanon, said the port had closed. "
    "Tessary said its own town of Tripoli, in Tessary, was calm. "
    "Ships in the Red Sea turned back. "
    "A fuel depot near the port burned. "
    "The Lemm valley in Lebanon flooded, and a camp in the Lemm valley was evacuated. "
    "A dam, location unknown, held. "
    "In Baghdad, at 33.3N 44.4E, officials met. "
    "Officials in Iraq said nothing.\n"
)
SUMMARY = """
    source:
      id: wire
      title: Wire report
      published: 2031-05-02
    locations:
      - id: tripoli
        name: Tripoli
        kind: city
        quote: Shelling hit Tripoli
      - id: lebanon
        name: Lebanon
        kind: country
        quote: Tripoli, Lebanon
      - id: tripoli-lebanon
        name: Tripoli
        kind: city
        quote: Officials in Tripoli, Lebanon
        parent: lebanon
        parent_quote: Tripoli, Lebanon
      - id: tessary
        name: Tessary
        kind: country
        quote: Tessary said
      - id: tessary-tripoli
        name: Tripoli
        kind: city
        quote: its own town of Tripoli
        parent: tessary
        parent_quote: Tripoli, in Tessary
      - id: red-sea
        name: Red Sea
        kind: sea
        quote: Ships in the Red Sea
      - id: port
        name: Port of Tripoli
        kind: facility
        quote: the port had closed
        parent: tripoli-lebanon
        parent_quote: Officials in Tripoli, Lebanon, said the port had closed
      - id: fuel-depot
        name: Fuel depot
        kind: facility
        quote: A fuel depot near the port
        parent: port
        parent_quote: A fuel depot near the port
      - id: lemm-valley
        name: Lemm valley
        kind: region
        quote: The Lemm valley in Lebanon
        parent: lebanon
        parent_quote: The Lemm valley in Lebanon
      - id: camp
        name: Camp
        kind: facility
        quote: a camp in the Lemm valley
        parent: lemm-valley
        parent_quote: a camp in the Lemm valley
      - id: dam
        name: Dam
        kind: facility
        quote: A dam, location unknown
      - id: baghdad
        name: Baghdad
        kind: city
        quote: In Baghdad
        coordinates:
          lat: 33.3
          lon: 44.4
          quote: at 33.3N 44.4E
      - id: iraq
        name: Iraq
        kind: country
        quote: Officials in Iraq
"""
"""Locations of every kind and origin (the name of `tripoli`, the first, on line 7)."""
# GeoNames ids of the cities named Tripoli (or Trípoli) the gazetteer holds.
TRIPOLI_LIBYA, TRIPOLI_LEBANON, TRIPOLI_GREECE = 2210247, 266826, 252601


def positions_of(
    project: FictionalProject, places: str | None = None
) -> tuple[KnowledgeBase, Places, Positions, list[Loaded], Problems]:
    """Load, check, merge and place the project's locations; fails on any problem."""
    if places is not None:
        (project.root / "seeds" / "places.yaml").write_text(places, encoding="utf-8")
    loaded, problems = project.load()
    sentences = validate(loaded, problems)
    found = load_places(project.root / "seeds", problems, loaded)
    assert not problems, [str(problem) for problem in problems.items]
    kb = merge(loaded, sentences)
    return kb, found, resolve(kb, found), loaded, problems


@pytest.fixture
def world(fictional: FictionalProject) -> FictionalProject:
    fictional.add("wire", TEXT, SUMMARY)
    return fictional


# --- the gazetteer: exactly one record, or none --------------------------------


def test_a_city_two_countries_name_is_ambiguous_never_guessed(world: FictionalProject) -> None:
    _, _, positions, _, _ = positions_of(world)
    assert "tripoli" not in positions.placed
    assert positions.ambiguous["tripoli"] == [
        f"Tripoli, Libya (LY), GeoNames id {TRIPOLI_LIBYA}",
        f"Tripoli, Lebanon (LB), GeoNames id {TRIPOLI_LEBANON}",
        f"Trípoli, Greece (GR), GeoNames id {TRIPOLI_GREECE}",
    ]
    assert positions.unplaced["tripoli"] == (
        f"ambiguous: 3 places named Tripoli (Tripoli, Libya (LY), GeoNames id {TRIPOLI_LIBYA}; "
        f"Tripoli, Lebanon (LB), GeoNames id {TRIPOLI_LEBANON}; "
        f"Trípoli, Greece (GR), GeoNames id {TRIPOLI_GREECE}); set it in seeds/places.yaml"
    )


def test_a_parent_country_restricts_the_city_to_it(world: FictionalProject) -> None:
    _, _, positions, _, _ = positions_of(world)
    placed = positions.placed["tripoli-lebanon"]
    assert (placed.lat, placed.lon) == pytest.approx((34.43352, 35.84415))
    assert placed.origin == "gazetteer"
    assert placed.provenance == f"Position from GeoNames (Tripoli, LB; id {TRIPOLI_LEBANON})"
    assert not placed.approximate
    assert "tripoli-lebanon" not in positions.ambiguous


def test_a_city_in_a_fictional_country_is_never_matched(world: FictionalProject) -> None:
    _, _, positions, _, _ = positions_of(world)
    assert "tessary-tripoli" not in positions.placed
    assert "tessary-tripoli" not in positions.ambiguous
    assert positions.unplaced["tessary-tripoli"] == ("in Tessary, a country GeoNames does not list")
    assert positions.unplaced["tessary"] == "no country named 'Tessary' in GeoNames"


def test_countries_are_placed_at_their_centre_and_say_whose_it_is(
    world: FictionalProject,
) -> None:
    _, _, positions, _, _ = positions_of(world)
    assert positions.placed["lebanon"] == Position(
        33.83333333,
        35.83333333,
        "gazetteer",
        "Position: the centre of Lebanon, from the countryinfo package (GeoNames id 272103)",
    )


def test_kinds_other_than_countries_and_cities_are_not_looked_up(
    world: FictionalProject,
) -> None:
    _, _, positions, _, _ = positions_of(world)
    assert positions.unplaced["red-sea"] == "a sea is not looked up in GeoNames"
    assert positions.unplaced["dam"] == (
        "a facility is not looked up in GeoNames, and no source says what it is in"
    )


# --- parents -------------------------------------------------------------------


def test_a_facility_is_shown_at_its_parent_approximately(world: FictionalProject) -> None:
    _, _, positions, _, _ = positions_of(world)
    port, city = positions.placed["port"], positions.placed["tripoli-lebanon"]
    assert (port.lat, port.lon) == (city.lat, city.lon)
    assert port.origin == "parent"
    assert port.approximate
    assert port.provenance == (
        "Approximate: shown at the position of Tripoli "
        f"(position from GeoNames (Tripoli, LB; id {TRIPOLI_LEBANON}))"
    )


def test_parents_chain_up_to_the_first_placed_one(world: FictionalProject) -> None:
    _, _, positions, _, _ = positions_of(world)
    lebanon = positions.placed["lebanon"]
    for location_id in ("lemm-valley", "camp"):  # camp -> lemm-valley -> lebanon
        position = positions.placed[location_id]
        assert (position.lat, position.lon, position.approximate) == (
            lebanon.lat,
            lebanon.lon,
            True,
        )
    assert positions.placed["fuel-depot"].provenance.startswith(
        "Approximate: shown at the position of Port of Tripoli (approximate: shown at the "
        "position of Tripoli"
    )


def test_a_facility_whose_parent_is_unplaced_says_so(fictional: FictionalProject) -> None:
    fictional.add(
        "wire",
        TEXT,
        SUMMARY.replace("parent: tripoli-lebanon", "parent: tripoli"),
    )
    _, _, positions, _, _ = positions_of(fictional)
    assert "port" not in positions.placed
    assert positions.unplaced["port"] == (
        "a facility is not looked up in GeoNames, and its parent Tripoli has no position"
    )
    assert "port" not in positions.ambiguous  # the warning is about Tripoli, not its parts


# --- the order of origins --------------------------------------------------------


def test_sources_win_over_the_editors_and_the_gazetteer(world: FictionalProject) -> None:
    kb, places, positions, loaded, problems = positions_of(
        world,
        "format: 1\nplaces:\n  - id: baghdad\n    position: {lat: 1, lon: 2}\n"
        "    source: A map the editors drew\n",
    )
    assert positions.placed["baghdad"] == Position(33.3, 44.4, "sources", "Stated by “Wire report”")
    warn(kb, places, positions, loaded, problems)
    assert [str(w) for w in problems.warnings if w.file == "seeds/places.yaml"] == [
        "seeds/places.yaml:3: 'baghdad' is shown where its sources say (Stated by “Wire "
        "report”), not where this file puts it; remove the entry, or check which is right"
    ]


def test_sources_that_disagree_the_first_reported_is_shown_and_said(
    world: FictionalProject,
) -> None:
    world.add(
        "later",
        "In Baghdad, at 33.2N 44.5E, officials met.\n",
        """
        source:
          id: later
          title: Later report
          published: 2031-05-09
        locations:
          - id: baghdad
            name: Baghdad
            kind: city
            quote: In Baghdad
            coordinates: {lat: 33.2, lon: 44.5, quote: at 33.2N 44.5E}
        """,
    )
    _, _, positions, _, _ = positions_of(world)
    assert positions.placed["baghdad"] == Position(
        33.3,
        44.4,
        "sources",
        "Stated by “Wire report” (the first reported; sources disagree: “Later report” "
        "gives 33.2, 44.5)",
    )


def test_the_editors_win_over_the_gazetteer_and_parents(world: FictionalProject) -> None:
    _, _, positions, _, _ = positions_of(
        world,
        "format: 1\nplaces:\n"
        "  - id: lebanon\n    position: {lat: 34, lon: 36}\n    source: An atlas\n"
        "  - id: port\n    position: {lat: 34.45, lon: 35.82}\n"
        "    source: OpenStreetMap, way 123456\n",
    )
    assert positions.placed["lebanon"] == Position(
        34, 36, "editors", "Set by the editors: An atlas"
    )
    assert positions.placed["port"] == Position(
        34.45, 35.82, "editors", "Set by the editors: OpenStreetMap, way 123456"
    )
    assert positions.placed["lemm-valley"].lat == 34  # a parent's position is the editors'


def test_the_editors_resolve_an_ambiguity_with_a_geonames_id(world: FictionalProject) -> None:
    kb, places, positions, loaded, problems = positions_of(
        world,
        f"format: 1\nplaces:\n  - id: tripoli\n    geonames: {TRIPOLI_LIBYA}\n"
        "    source: GeoNames, chosen by the editors\n",
    )
    placed = positions.placed["tripoli"]
    assert (placed.origin, placed.approximate) == ("editors", False)
    assert placed.provenance == (
        "Set by the editors: GeoNames, chosen by the editors "
        f"(Position from GeoNames (Tripoli, LY; id {TRIPOLI_LIBYA}))"
    )
    assert "tripoli" not in positions.ambiguous
    assert "tripoli" not in positions.unplaced
    warn(kb, places, positions, loaded, problems)
    assert problems.warnings == []


# --- check's warnings --------------------------------------------------------------


def test_check_warns_about_each_ambiguous_location(world: FictionalProject) -> None:
    kb, places, positions, loaded, problems = positions_of(world)
    warn(kb, places, positions, loaded, problems)
    assert [str(w) for w in problems.warnings] == [
        "seeds/wire/summary.yaml:7: locations[0].name: 'tripoli' (Tripoli) fits 3 places in "
        f"GeoNames: Tripoli, Libya (LY), GeoNames id {TRIPOLI_LIBYA}; Tripoli, Lebanon (LB), "
        f"GeoNames id {TRIPOLI_LEBANON}; Trípoli, Greece (GR), GeoNames id {TRIPOLI_GREECE}. "
        "The map does not guess, so it does not show it: pick one in seeds/places.yaml "
        "(`- id: tripoli` with `geonames:` its id and `source:`), give it a `position` "
        "there, or give it a `parent` country."
    ]


# --- the demo, and determinism ----------------------------------------------------


def demo() -> tuple[KnowledgeBase, Positions]:
    problems = Problems()
    loaded = load_all(ROOT / "seeds", ROOT, problems)
    sentences = validate(loaded, problems)
    places = load_places(ROOT / "seeds", problems, loaded)
    assert not problems, [str(problem) for problem in problems.items]
    kb = merge(loaded, sentences)
    return kb, resolve(kb, places)


def test_the_demo() -> None:
    _, positions = demo()
    assert {k: v.origin for k, v in positions.placed.items()} == {
        "baghdad": "gazetteer",
        "iraq": "gazetteer",
        "jordan": "gazetteer",
        "syria": "gazetteer",
        "yemen": "gazetteer",
        "us-base-jordan": "parent",
    }
    assert positions.placed["baghdad"].provenance == (
        "Position from GeoNames (Baghdad, IQ; id 98182)"
    )
    base, jordan = positions.placed["us-base-jordan"], positions.placed["jordan"]
    assert (base.lat, base.lon, base.approximate) == (jordan.lat, jordan.lon, True)
    assert positions.unplaced == {
        "gaza-strip": "a territory is not looked up in GeoNames, and no source says what it is in",
        "red-sea": "a sea is not looked up in GeoNames",
    }
    assert positions.ambiguous == {}


def test_the_order_locations_are_read_in_changes_nothing(world: FictionalProject) -> None:
    kb, places, positions, _, _ = positions_of(world)
    shuffled = list(kb.locations.items())
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        kb.locations = dict(shuffled)
        assert resolve(kb, places) == positions


def test_a_cycle_of_parents_ends(fictional: FictionalProject, tmp_path: Path) -> None:
    fictional.add(
        "loop",
        "The north lies in the south, and the south lies in the north.\n",
        """
        source: {id: loop, title: Loop}
        locations:
          - id: north
            name: North
            kind: region
            quote: The north
            parent: south
            parent_quote: The north lies in the south
          - id: south
            name: South
            kind: region
            quote: the south lies
            parent: north
            parent_quote: the south lies in the north
        """,
    )
    _, _, positions, _, _ = positions_of(fictional)
    assert positions.placed == {}
    assert positions.unplaced == {
        "north": "a region is not looked up in GeoNames, and its parent South has no position",
        "south": "a region is not looked up in GeoNames, and its parent North has no position",
    }
