"""The editors' positions, `seeds/places.yaml` (`sources/places.py`): optional; each entry
a position or a GeoNames record, with where the editors got it; every problem named by
file, line and field, as a summary's are."""

from __future__ import annotations

import textwrap

import pytest
from conftest import HARBOUR, HARBOUR_SUMMARY, FictionalProject

from generator.sources.places import Pinned, Places, load_places

FILE = "seeds/places.yaml"


@pytest.fixture
def harbour(fictional: FictionalProject) -> FictionalProject:
    """A project whose one summary defines the location `port-vell` (and actors)."""
    fictional.add("harbour-news", HARBOUR, HARBOUR_SUMMARY)
    return fictional


def places_of(project: FictionalProject, text: str | None) -> tuple[Places, list[str]]:
    """The file read against the project's summaries, and every problem as printed."""
    if text is not None:
        path = project.root / "seeds" / "places.yaml"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    loaded, problems = project.load()
    assert not problems, [str(problem) for problem in problems.items]
    places = load_places(project.root / "seeds", problems, loaded)
    return places, [str(problem) for problem in sorted(problems.items)]


def test_no_file_is_no_places(harbour: FictionalProject) -> None:
    assert places_of(harbour, None) == (Places(FILE), [])


def test_positions_and_geonames_picks(harbour: FictionalProject) -> None:
    places, problems = places_of(
        harbour,
        """
        format: 1
        places:
          - id: port-vell
            position: {lat: 51.1, lon: -1.3}
            source: "OpenStreetMap, way 123456"
        """,
    )
    assert problems == []
    assert places == Places(
        FILE, {"port-vell": Pinned(51.1, -1.3, "Set by the editors: OpenStreetMap, way 123456", 3)}
    )
    places, problems = places_of(
        harbour,
        """
        places:
          - id: port-vell
            geonames: 98182
            source: GeoNames, chosen by the editors
        """,
    )
    assert problems == []
    assert places.pinned["port-vell"] == Pinned(
        33.34058,
        44.40088,
        "Set by the editors: GeoNames, chosen by the editors "
        "(Position from GeoNames (Baghdad, IQ; id 98182))",
        2,
    )


ENTRY = """
    format: 1
    places:
      - id: port-vell
        position: {lat: 51.1, lon: 1.3}
        source: OpenStreetMap
"""
"""A valid file that each case below breaks in one way: the entry's id is on line 3."""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "format: 1",
            "formt: 1",
            [f"{FILE}:1: formt: unknown field 'formt'; did you mean 'format'?"],
            id="unknown field, top",
        ),
        pytest.param(
            "format: 1",
            "format: 2",
            [f"{FILE}:1: format: '2' is not a format this version reads: write `format: 1`"],
            id="a later format",
        ),
        pytest.param(
            "    source: OpenStreetMap",
            "    sorce: OpenStreetMap",
            [
                f"{FILE}:3: places[0].source: required field is missing",
                f"{FILE}:5: places[0].sorce: unknown field 'sorce'; did you mean 'source'?",
            ],
            id="misspelt field",
        ),
        pytest.param(
            "lat: 51.1",
            "lat: 91",
            [
                f"{FILE}:4: places[0].position.lat: Input should be less than or equal to 90 "
                "(got '91')"
            ],
            id="latitude out of range",
        ),
        pytest.param(
            "lon: 1.3",
            "lon: east",
            [
                f"{FILE}:4: places[0].position.lon: Input should be a valid number, unable to "
                "parse string as a number (got 'east')"
            ],
            id="longitude not a number",
        ),
        pytest.param(
            "{lat: 51.1, lon: 1.3}",
            "{lat: 51.1}",
            [f"{FILE}:4: places[0].position.lon: required field is missing"],
            id="half a position",
        ),
        pytest.param(
            "lon: 1.3}",
            "lon: 1.3, alt: 4}",
            [f"{FILE}:4: places[0].position.alt: unknown field 'alt'; did you mean 'lat'?"],
            id="unknown field in a position",
        ),
        pytest.param(
            "    source: OpenStreetMap",
            "    geonames: 98182\n    source: OpenStreetMap",
            [
                f"{FILE}:3: places[0]: give either `position` or `geonames`, not both and not neither"
            ],
            id="both",
        ),
        pytest.param(
            "    position: {lat: 51.1, lon: 1.3}\n",
            "",
            [
                f"{FILE}:3: places[0]: give either `position` or `geonames`, not both and not neither"
            ],
            id="neither",
        ),
        pytest.param(
            "    position: {lat: 51.1, lon: 1.3}",
            "    geonames: 0",
            [f"{FILE}:4: places[0].geonames: Input should be greater than 0 (got '0')"],
            id="geonames id not positive",
        ),
        pytest.param(
            "    position: {lat: 51.1, lon: 1.3}",
            "    geonames: 1",
            [
                f"{FILE}:4: places[0].geonames: 1 is not a country, nor a city of 15,000 people "
                "or more, in GeoNames"
            ],
            id="geonames id unknown",
        ),
        pytest.param(
            "    position: {lat: 51.1, lon: 1.3}",
            "    geonames: 831053",
            [
                f"{FILE}:4: places[0].geonames: 831053 is Kosovo (XK), a country the countryinfo "
                "package has no position for; give `position`"
            ],
            id="geonames record without a position",
        ),
        pytest.param(
            "source: OpenStreetMap",
            'source: "  "',
            [f"{FILE}:5: places[0].source: String should have at least 1 character (got '  ')"],
            id="blank source",
        ),
        pytest.param(
            "id: port-vell",
            "id: Port_Vell",
            [
                f"{FILE}:3: places[0].id: 'Port_Vell' is not a valid id: use lower-case "
                "letters, digits and hyphens"
            ],
            id="not an id",
        ),
        pytest.param(
            "id: port-vell",
            "id: port-vel",
            [
                f"{FILE}:3: places[0].id: 'port-vel' is not a location any summary defines; "
                "did you mean 'port-vell'?"
            ],
            id="an id no summary defines",
        ),
        pytest.param(
            "id: port-vell",
            "id: ana-ruiz",
            [f"{FILE}:3: places[0].id: 'ana-ruiz' is not a location any summary defines"],
            id="an actor's id",
        ),
        pytest.param(
            "    source: OpenStreetMap",
            "    source: OpenStreetMap\n  - id: port-vell\n    geonames: 98182\n"
            "    source: GeoNames",
            [f"{FILE}:6: places[1].id: 'port-vell' is set twice (first at line 3)"],
            id="an id set twice",
        ),
        pytest.param(
            "    source: OpenStreetMap",
            "    source: OpenStreetMap\n    source: GeoNames",
            [f"{FILE}:6: places[0].source: repeated key (first at line 5)"],
            id="a repeated key",
        ),
        pytest.param(
            "places:",
            "places: {}",
            [f"{FILE}:3: invalid YAML: did not find expected key"],
            id="YAML that does not parse",
        ),
        pytest.param(
            "format: 1\nplaces:",
            "format: 1\nplaces: none\nold:",
            [
                f"{FILE}:2: places: Input should be a valid list (got 'none')",
                f"{FILE}:3: old: unknown field 'old'",
            ],
            id="places not a list",
        ),
    ],
)
def test_each_problem_names_file_line_and_field(
    harbour: FictionalProject, old: str, new: str, expected: list[str]
) -> None:
    text = textwrap.dedent(ENTRY)
    assert text.count(old) == 1, old
    _, problems = places_of(harbour, text.replace(old, new))
    assert problems == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "- port-vell\n",
            "must be a mapping with `format: 1` and `places`, a list of places",
            id="a list",
        ),
        pytest.param("# nothing yet\n", "is empty", id="only a comment"),
        pytest.param(
            "places: &a []\nmore: *a\n", "YAML aliases (*name) are not allowed", id="an alias"
        ),
    ],
)
def test_a_file_that_is_not_a_list_of_places(
    harbour: FictionalProject, text: str, expected: str
) -> None:
    places, problems = places_of(harbour, text)
    assert [problem.split(": ", 1)[1] for problem in problems] == [expected]
    assert places == Places(FILE)


def test_an_invalid_summarys_ids_are_not_blamed(harbour: FictionalProject) -> None:
    harbour.add("broken", "Ships sailed.\n", "source: {id: broken}\nlocations:\n  - id: sea\n")
    (harbour.root / "seeds" / "places.yaml").write_text(
        "places:\n  - id: sea\n    position: {lat: 1, lon: 2}\n    source: A chart\n",
        encoding="utf-8",
    )
    loaded, problems = harbour.load()
    places = load_places(harbour.root / "seeds", problems, loaded)
    assert problems.items and all(p.file != FILE for p in problems.items)
    assert "sea" in places.pinned


def test_an_id_set_twice_is_an_error_even_when_the_first_is_wrong(
    harbour: FictionalProject,
) -> None:
    _, problems = places_of(
        harbour,
        """
        places:
          - id: port-vell
            geonames: 1
            source: A guess
          - id: port-vell
            position: {lat: 1, lon: 2}
            source: A chart
        """,
    )
    assert problems == [
        f"{FILE}:3: places[0].geonames: 1 is not a country, nor a city of 15,000 people or "
        "more, in GeoNames",
        f"{FILE}:5: places[1].id: 'port-vell' is set twice (first at line 2)",
    ]


def test_only_the_good_entries_are_kept(harbour: FictionalProject) -> None:
    places, problems = places_of(
        harbour,
        """
        places:
          - id: port-vell
            position: {lat: 1, lon: 2}
            source: A chart
          - id: nowhere
            position: {lat: 1, lon: 2}
            source: A chart
        """,
    )
    assert problems == [f"{FILE}:5: places[1].id: 'nowhere' is not a location any summary defines"]
    assert list(places.pinned) == ["port-vell"]
