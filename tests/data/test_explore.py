"""The data the Map, Timeline and Network pages draw, and the editors' positions reaching
every page that shows them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from conftest import copy_project

from generator.data.explore import FILES
from generator.pages import drawings


def read(project: Path, name: str) -> dict:
    return json.loads((project / "content" / "data" / name).read_text(encoding="utf-8"))


def test_the_data_files_are_made_the_same_every_time(project: Path, cli, tmp_path: Path) -> None:
    assert cli("-C", project, "generate", "--force").exit_code == 0
    first = {name: (project / "content" / "data" / name).read_bytes() for name in FILES}
    again = copy_project(tmp_path / "again", with_content=False)
    assert cli("-C", again, "generate").exit_code == 0
    assert {name: (again / "content" / "data" / name).read_bytes() for name in FILES} == first


def test_the_map_data_says_where_each_position_comes_from(project: Path) -> None:
    places = {p["id"]: p for p in read(project, "map.json")["places"]}
    assert places["baghdad"]["origin"] == "gazetteer"
    assert places["baghdad"]["provenance"].startswith("Position from GeoNames (Baghdad, IQ")
    assert places["us-base-jordan"]["approximate"] is True
    assert places["us-base-jordan"]["lat"] == places["jordan"]["lat"]
    unplaced = {p["id"]: p["why"] for p in read(project, "map.json")["unplaced"]}
    assert unplaced["red-sea"] == "a sea is not looked up in GeoNames"
    # Every event is on the map at one of its places, or listed as not on it.
    shown = {e["id"] for p in places.values() for e in p["events"]}
    elsewhere = {e["id"] for e in read(project, "map.json")["events_unplaced"]}
    assert shown | elsewhere == {e["id"] for e in read(project, "timeline.json")["events"]}


def test_the_network_has_every_actor_and_each_edge_its_evidence(project: Path) -> None:
    network = read(project, "network.json")
    ids = {node["id"] for node in network["nodes"]}
    assert len(ids) == len(list((project / "content" / "actors").glob("*.md"))) - 1  # index
    for edge in network["edges"]:
        assert {edge["source"], edge["target"]} <= ids
        assert edge["evidence"].startswith(f"actors/{edge['source']}/#")
    spokesperson = [e for e in network["edges"] if e["source"] == "yehia-rasool"]
    assert spokesperson[0]["label"] == "spokesperson for"


def test_an_editors_position_reaches_the_map_and_the_page(project: Path, cli) -> None:
    (project / "seeds" / "places.yaml").write_text(
        "format: 1\nplaces:\n  - id: red-sea\n    position: {lat: 20.0, lon: 38.5}\n"
        '    source: "Natural Earth\'s marine areas"\n',
        encoding="utf-8",
    )
    result: Result = cli("-C", project, "generate")
    assert result.exit_code == 0, result.output
    places = {p["id"]: p for p in read(project, "map.json")["places"]}
    assert places["red-sea"]["provenance"] == "Set by the editors: Natural Earth's marine areas"
    page = (project / "content" / "locations" / "red-sea.md").read_text(encoding="utf-8")
    assert "38.5000: Set by the editors: Natural Earth's marine areas (reference data" in page
    assert '<figure class="fs-drawing fs-map"' in page
    # Nothing else changes without the file changing: a second run writes nothing.
    again = cli("-C", project, "generate")
    assert again.output.startswith("Generated content/: 0 created, 0 updated, 0 deleted")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "  - id: red-sea\n    position: {lat: 95, lon: 0}\n    source: a guess\n",
            "seeds/places.yaml:4: places[0].position.lat: Input should be less than or equal "
            "to 90 (got '95')",
        ),
        (
            "  - id: atlantis\n    position: {lat: 5, lon: 0}\n    source: legend\n",
            "seeds/places.yaml:3: places[0].id: 'atlantis' is not a location any summary defines",
        ),
        (
            "  - id: red-sea\n    position: {lat: 5, lon: 0}\n",
            "seeds/places.yaml:3: places[0].source: required field is missing",
        ),
    ],
)
def test_a_bad_places_file_is_refused_naming_file_line_and_field(
    project: Path, cli, entry: str, message: str
) -> None:
    (project / "seeds" / "places.yaml").write_text(f"format: 1\nplaces:\n{entry}", "utf-8")
    before = (project / "content" / "data" / "map.json").read_bytes()
    result = cli("-C", project, "generate")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {message}"), result.output
    assert (project / "content" / "data" / "map.json").read_bytes() == before


def test_outlines_are_cut_to_the_drawing() -> None:
    square = [(-100.0, -100.0), (100.0, -100.0), (100.0, 100.0), (-100.0, 100.0)]
    cut = drawings._clipped(square)
    assert all(-8.0 <= x <= 108.0 and -8.0 <= y <= 108.0 for x, y in cut)
    assert (-8.0, -8.0) in cut or any(abs(x + 8) < 1e-9 for x, _ in cut)
    inside = [(10.0, 10.0), (20.0, 10.0), (20.0, 20.0)]
    assert drawings._clipped(inside) == inside
    assert drawings._clipped([(-500.0, -500.0), (-400.0, -500.0), (-400.0, -400.0)]) == []


def test_links_in_drawings_go_up_to_the_root_and_down() -> None:
    assert drawings.href("actors/a.md", "events/e.md") == "../../events/e/"
    assert drawings.href("map/index.md", "locations/l.md") == "../locations/l/"
    assert drawings.href("actors/a.md", "actors/a.md", "relations") == "../../actors/a/#relations"
