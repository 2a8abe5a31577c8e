"""The downloads: the account as JSON and its schema, the events as CSV, places and events
as GeoJSON, each fact sheet's own JSON, and the Data page listing them with their sizes."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import HARBOUR, HARBOUR_SUMMARY, ROOT, FictionalProject, copy_project, untouched

from generator import pipeline
from generator.common.project import DATA_DIR, Project
from generator.data import catalogue, downloads, explore
from generator.data.account import FACT_SHEETS
from generator.data.schema import SCHEMA_FILE, json_schema

DOWNLOADS = [f"{DATA_DIR}/{name}" for name in catalogue.FILES]
STRIKE = "baghdad-drone-strike"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo generated from its seeds alone, once for the module's read-only tests."""
    from click.testing import CliRunner

    from generator.cli import main

    project = copy_project(tmp_path_factory.mktemp("demo") / "project", with_content=False)
    result = CliRunner().invoke(main, ["-C", str(project), "generate"])
    assert result.exit_code == 0, result.output
    return project


def fact_sheets(content: Path) -> list[str]:
    """The path (without `.md`) of every fact sheet with its own JSON."""
    return sorted(
        f"{category}/{page.stem}"
        for category in FACT_SHEETS
        for page in (content / category).glob("*.md")
        if page.name != "index.md"
    )


def data_files(content: Path) -> dict[str, bytes]:
    """Every data file: those in data/ and each fact sheet's JSON."""
    paths = [*(content / DATA_DIR).iterdir()]
    for category in FACT_SHEETS:
        paths += (content / category).glob("*.json")
    return {p.relative_to(content).as_posix(): p.read_bytes() for p in sorted(paths)}


def load(content: Path, path: str) -> dict:
    return json.loads((content / path).read_text(encoding="utf-8"))


# --- The files ---------------------------------------------------------------------------


def test_every_download_and_each_fact_sheets_json_is_made(generated: Path) -> None:
    content = generated / "content"
    for path in DOWNLOADS:
        assert (content / path).is_file(), path
    sheets = fact_sheets(content)
    assert len(sheets) == 49  # the demo's actors, locations and events
    for stem in sheets:
        assert (content / f"{stem}.json").is_file(), stem
        page = (content / f"{stem}.md").read_text(encoding="utf-8")
        name = stem.rpartition("/")[2]
        # Linked from the page, relative to its Markdown file (MkDocs rewrites it).
        assert f"Data: [this fact sheet as JSON]({name}.json)" in page
    # Statements have no page, hence no JSON beside one.
    assert not list((content / "statements").glob("*.json"))


def test_two_fresh_generations_are_byte_identical(generated: Path, cli, tmp_path: Path) -> None:
    again = copy_project(tmp_path / "again", with_content=False)
    assert cli("-C", again, "generate").exit_code == 0
    first, second = generated / "content", again / "content"
    assert data_files(second) == data_files(first)
    page = "downloads/index.md"
    assert (second / page).read_bytes() == (first / page).read_bytes()


# --- The account and its schema ----------------------------------------------------------


def test_the_account_and_each_fact_sheets_json_validate_against_the_published_schema(
    generated: Path,
) -> None:
    content = generated / "content"
    published = load(content, f"{DATA_DIR}/{SCHEMA_FILE}")
    assert published == json_schema()
    jsonschema.Draft202012Validator.check_schema(published)
    validator = jsonschema.Draft202012Validator(published)
    account = load(content, f"{DATA_DIR}/account.json")
    assert account["$schema"] == SCHEMA_FILE
    validator.validate(account)
    for stem in fact_sheets(content):
        sheet = load(content, f"{stem}.json")
        validator.validate(sheet)
        assert sheet["$schema"] == f"../{DATA_DIR}/{SCHEMA_FILE}"
        # Its slice of the account, in the same shape: its entity as there, and the
        # sources it cites.
        category, _, entity_id = stem.partition("/")
        assert sheet[category] == {entity_id: account[category][entity_id]}
        assert sheet["sources"] == {
            s: account["sources"][s] for s in sheet[category][entity_id]["sources"]
        }
        assert not any(
            sheet[c] for c in ("actors", "locations", "events", "statements") if c != category
        )


@pytest.mark.parametrize("fixture", ["claims", "multi"])
def test_the_account_holds_every_claim_of_the_knowledge_base(fixture: str) -> None:
    kb, _ = pipeline.knowledge_base(Project.at(ROOT / "tests" / "fixtures" / fixture))
    made = downloads.files(kb)
    account = json.loads(made[f"{DATA_DIR}/account.json"])
    jsonschema.Draft202012Validator(json_schema()).validate(account)
    for category in ("actors", "locations", "events", "statements"):
        table = getattr(kb, category)
        assert sorted(account[category]) == sorted(table)
        for entity_id, record in account[category].items():
            entity = table[entity_id]
            # Its sources, as the fact sheet lists them; every citation of every fact.
            assert record["sources"] == entity.sources
            cited = [
                c
                for claims in record.values()
                if isinstance(claims, list)
                for claim in claims
                if isinstance(claim, dict) and "citations" in claim
                for c in claim["citations"]
            ]
            cited += [
                c for f in record.get("figures", []) for n in f["counts"] for c in n["citations"]
            ]
            assert len(cited) == len(entity.all_citations())
    # Each file is the compact, sorted JSON of what it holds (the schema, for readers, is
    # indented): the same bytes as dumping it.
    for path, text in made.items():
        if path.endswith(".json") and not path.endswith(SCHEMA_FILE):
            assert text == downloads.dumped(json.loads(text)), path


def test_the_schema_refuses_what_the_account_does_not_hold(generated: Path) -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    account = load(generated / "content", f"{DATA_DIR}/account.json")
    strike = account["events"][STRIKE]
    strike["invented"] = 1
    with pytest.raises(jsonschema.ValidationError, match="invented"):
        validator.validate(account)
    del strike["invented"]
    del strike["participants"][0]["citations"][0]["sentence"]
    with pytest.raises(jsonschema.ValidationError, match="sentence"):
        validator.validate(account)


def test_every_claim_cites_a_sentence_of_its_source_page(generated: Path) -> None:
    content = generated / "content"
    account = load(content, f"{DATA_DIR}/account.json")
    strike = account["events"][STRIKE]
    assert strike["url"] == f"events/{STRIKE}/"
    assert strike["types"][0]["value"] == {
        "type": "Explosions/Remote violence",
        "sub_type": "Air/drone strike",
    }
    perpetrator = strike["participants"][0]
    assert perpetrator["value"] == {
        "actor": "united-states",
        "role": "perpetrator",
        "certainty": "stated",
        "by": None,
    }
    (citation,) = perpetrator["citations"]
    assert citation["source"] == "cbs-baghdad-drone-strike"
    assert citation["quote"] == "the overnight US drone strike"
    fatalities = next(f for f in strike["figures"] if f["measure"]["kind"] == "fatalities")
    assert fatalities["counts"][0]["value"]["qualifier"] == "at-least"
    assert fatalities["agreed"] == {"low": 1, "high": None}
    # Every citation's sentence is an anchor of its source's page, and holds the quote's start.
    anchors = {
        source: set(re.findall(r'id="(p\d+-s\d+)"', (content / f"sources/{source}.md").read_text()))
        for source in account["sources"]
    }
    cited = 0
    for category in ("actors", "locations", "events", "statements"):
        for record in account[category].values():
            for claims in record.values():
                for claim in claims if isinstance(claims, list) else []:
                    for c in claim.get("citations", []) if isinstance(claim, dict) else []:
                        assert c["sentence"] in anchors[c["source"]], c
                        assert c["url"] == f"sources/{c['source']}/#{c['sentence']}"
                        cited += 1
    assert cited > 300
    source = account["sources"]["cbs-baghdad-drone-strike"]
    assert source["outlet"] == "CBS News"
    assert source["page"] == "sources/cbs-baghdad-drone-strike/"


# --- events.csv --------------------------------------------------------------------------


def test_the_events_table_has_acled_like_columns_in_timeline_order(generated: Path) -> None:
    content = generated / "content"
    data = (content / DATA_DIR / "events.csv").read_bytes()
    text = data.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # RFC 4180
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, rows = rows[0], rows[1:]
    assert tuple(header) == catalogue.COLUMNS
    for column in ("id", "date", "date_end", "event_type", "sub_event_type", "actor1", "actor2"):
        assert column in header
    assert {"fatalities_low", "fatalities_high", "injured_low", "injured_high"} <= set(header)
    timeline = load(content, f"{DATA_DIR}/timeline.json")
    assert [row[0] for row in rows] == [event["id"] for event in timeline["events"]]

    strike = dict(zip(header, next(row for row in rows if row[0] == STRIKE), strict=True))
    baghdad = next(
        f
        for f in load(content, f"{DATA_DIR}/places.geojson")["features"]
        if f["properties"]["id"] == "baghdad"
    )
    lon, lat = baghdad["geometry"]["coordinates"]
    assert strike == {
        **{column: "" for column in header},
        "id": STRIKE,
        "title": "US drone strike in Baghdad",
        "url": f"events/{STRIKE}/",
        "inferred": "false",  # "overnight" in a report without a date: undated
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actor1": "united-states",
        "actor2": "slain-militia-commander",
        "actors": "united-states:perpetrator; slain-militia-commander:target; "
        "slain-militia-commander:victim",
        "location_ids": "baghdad",
        "location": "Baghdad",
        "latitude": str(lat),
        "longitude": str(lon),
        "position_origin": "gazetteer",
        "fatalities_low": "1",  # "at least": no upper bound
        "civilian_casualties_low": "0",
        "civilian_casualties_high": "0",
        "sources": "cbs-baghdad-drone-strike",
    }
    # A suspected perpetrator is no actor 1, but is listed with its certainty.
    jordan = dict(
        zip(header, next(row for row in rows if row[0] == "jordan-base-attack"), strict=True)
    )
    assert jordan["actor1"] == ""
    assert "iran-backed-militia:perpetrator:suspected" in jordan["actors"].split("; ")
    assert (jordan["fatalities_low"], jordan["fatalities_high"]) == ("3", "3")
    assert (jordan["location"], jordan["position_origin"]) == ("US base in Jordan", "parent")


def test_dated_and_disputed_events_fill_their_columns(tmp_path: Path, cli) -> None:
    project = tmp_path / "multi"
    shutil.copytree(ROOT / "tests" / "fixtures" / "multi", project)
    assert cli("-C", project, "generate", "--force").exit_code == 0
    text = (project / "content" / DATA_DIR / "events.csv").read_bytes().decode("utf-8")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    shelling = rows["kessa-ford-shelling"]
    assert (shelling["date"], shelling["date_end"], shelling["date_precision"]) == (
        "2031-04-02",
        "2031-04-02",
        "day",
    )
    assert shelling["disputed"].split("; ")[:3] == ["date", "figure:fatalities", "figure:injured"]
    # Sources that disagree: from the fewest any allows to the most (none bounds it).
    assert shelling["fatalities_low"] == "9"
    assert len(shelling["sources"].split("; ")) == len(shelling["source_urls"].split("; ")) == 3


# --- GeoJSON -----------------------------------------------------------------------------


def check_feature_collection(collection: dict, properties: tuple[tuple[str, str], ...]) -> list:
    assert set(collection) == {"type", "features"}
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert set(feature) == {"type", "geometry", "properties"}
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]  # RFC 7946: longitude first
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert list(feature["properties"]) == sorted(name for name, _ in properties)
    return collection["features"]


def test_places_and_events_are_geojson_points(generated: Path) -> None:
    content = generated / "content"
    places = check_feature_collection(
        load(content, f"{DATA_DIR}/places.geojson"), catalogue.PLACE_PROPERTIES
    )
    drawn = {p["id"]: p for p in load(content, f"{DATA_DIR}/map.json")["places"]}
    assert [f["properties"]["id"] for f in places] == sorted(drawn)
    for feature in places:
        place = drawn[feature["properties"]["id"]]
        assert feature["geometry"]["coordinates"] == [place["lon"], place["lat"]]
        for key in ("name", "kind", "url", "origin", "provenance", "approximate"):
            assert feature["properties"][key] == place[key]
    events = check_feature_collection(
        load(content, f"{DATA_DIR}/events.geojson"), catalogue.EVENT_PROPERTIES
    )
    # One point per event and placed place of it, as the map draws them.
    assert sorted((f["properties"]["id"], f["properties"]["location"]) for f in events) == sorted(
        (event["id"], place_id) for place_id, place in drawn.items() for event in place["events"]
    )
    strike = next(f for f in events if f["properties"]["id"] == STRIKE)
    assert strike["properties"]["location_name"] == "Baghdad"
    assert strike["properties"]["date"] is None  # undated


# --- The Data page -----------------------------------------------------------------------


def listed_sizes(page: str) -> dict[str, int]:
    """Each file the Data page links with its size in bytes."""
    rows = re.findall(
        r"^\| \[([^\]]+)\]\(\.\./data/\1\) \| [^|]+ \| [^|]*?\(?([\d,]+) bytes", page, re.M
    )
    return {name: int(size.replace(",", "")) for name, size in rows}


def check_the_data_page(content: Path) -> None:
    page = (content / "downloads" / "index.md").read_text(encoding="utf-8")
    on_disk = {p.name: p.stat().st_size for p in (content / DATA_DIR).iterdir()}
    assert set(on_disk) == {*catalogue.FILES, *explore.FILES}
    assert listed_sizes(page) == on_disk
    sheets = [content / f"{stem}.json" for stem in fact_sheets(content)]
    total = sum(p.stat().st_size for p in sheets)
    assert f"{len(sheets)} files, " in page and f"({total:,} bytes) in all" in page
    assert f"[account.schema.json](../{DATA_DIR}/account.schema.json) |\n" in page


def test_the_data_page_lists_every_file_with_its_size(generated: Path, cli, tmp_path: Path) -> None:
    content = generated / "content"
    check_the_data_page(content)
    assert "| `fatalities_low`, `fatalities_high`, " in (content / "downloads/index.md").read_text()
    # And after an incremental run, whose Data page is made again with the new sizes.
    project = copy_project(tmp_path / "edited", with_content=False)
    assert cli("-C", project, "generate").exit_code == 0
    summary = project / "seeds" / "cbs-baghdad-drone-strike" / "summary.yaml"
    text = summary.read_text(encoding="utf-8")
    summary.write_text(
        text.replace(
            "description: Overnight US drone strike", "description: Overnight drone strike"
        ),
        encoding="utf-8",
    )
    result = cli("-C", project, "generate")
    assert result.exit_code == 0 and " 0 updated" not in result.output, result.output
    check_the_data_page(project / "content")


def test_the_data_page_is_in_the_navigation() -> None:
    for config in (
        "mkdocs.yml",
        "tests/fixtures/claims/mkdocs.yml",
        "tests/fixtures/multi/mkdocs.yml",
    ):
        assert "  - Data: downloads/index.md\n" in (ROOT / config).read_text(encoding="utf-8")


# --- Runs --------------------------------------------------------------------------------


def test_a_run_with_nothing_to_do_writes_nothing(cli, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_content=False)
    assert cli("-C", project, "generate").exit_code == 0
    before = untouched(project / "content")
    for step in ("fast path", "without the record"):
        result = cli("-C", project, "generate")
        assert result.output.startswith("Generated content/: 0 created, 0 updated, 0 deleted"), step
        assert untouched(project / "content") == before, step
        shutil.rmtree(project / ".factsheets")
    # A data file deleted by hand is made again, by the next run.
    (project / "content" / "actors" / "isis.json").unlink()
    (project / "content" / DATA_DIR / "events.csv").unlink()
    assert cli("-C", project, "generate").exit_code == 0
    assert {p: v[0] for p, v in untouched(project / "content").items()} == {
        p: v[0] for p, v in before.items()
    }


def harbour(fictional: FictionalProject, *, with_ana: bool = True) -> None:
    summary = HARBOUR_SUMMARY
    if not with_ana:
        # Ana Ruiz gone, and the participant that named her.
        summary = summary.replace(
            "      - id: ana-ruiz\n        name: Ana Ruiz\n        kind: person\n        quote: Mayor Ana Ruiz\n",
            "",
        ).replace(
            "        participants:\n          - actor: ana-ruiz\n            role: participant\n"
            "            quote: Mayor Ana Ruiz opened\n",
            "",
        )
        assert "ana-ruiz" not in summary
    fictional.add("harbour-news", HARBOUR, summary)


def test_a_fact_sheets_json_goes_with_its_entity(fictional: FictionalProject, cli) -> None:
    root, content = fictional.root, fictional.root / "content"
    harbour(fictional)
    assert cli("-C", root, "generate").exit_code == 0
    own = content / "actors" / "ana-ruiz.json"
    assert own.is_file() and (content / "actors" / "ana-ruiz.md").is_file()
    # Files an editor put in the generator's folders are theirs.
    (content / "actors" / "notes.json").write_text("{}\n", encoding="utf-8")
    (content / "actors" / "harbour-council.csv").write_text("a,b\r\n", encoding="utf-8")

    harbour(fictional, with_ana=False)
    result = cli("-C", root, "generate")
    assert result.exit_code == 0, result.output
    assert "1 deleted" in result.output
    assert not own.exists() and not (content / "actors" / "ana-ruiz.md").exists()
    assert (content / "actors" / "notes.json").is_file()
    assert (content / "actors" / "harbour-council.csv").is_file()
    assert (content / "actors" / "harbour-council.json").is_file()
    account = load(content, f"{DATA_DIR}/account.json")
    assert "ana-ruiz" not in account["actors"]
    check_the_data_page(content)
    # And nothing to do after.
    before = untouched(content)
    assert cli("-C", root, "generate").output.startswith("Generated content/: 0 created, 0 updated")
    assert untouched(content) == before


def test_a_json_the_last_run_made_goes_even_when_its_page_went_first(
    fictional: FictionalProject, cli
) -> None:
    root, content = fictional.root, fictional.root / "content"
    harbour(fictional)
    assert cli("-C", root, "generate").exit_code == 0
    (content / "actors" / "ana-ruiz.md").unlink()  # by hand, before the entity goes
    harbour(fictional, with_ana=False)
    assert cli("-C", root, "generate").exit_code == 0
    assert not (content / "actors" / "ana-ruiz.json").exists()


def test_the_json_of_a_page_kept_for_its_editors_notes_stays(
    fictional: FictionalProject, cli
) -> None:
    root, content = fictional.root, fictional.root / "content"
    harbour(fictional)
    assert cli("-C", root, "generate").exit_code == 0
    page = content / "actors" / "ana-ruiz.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Ana Ruiz", "Ana Ruiz (mayor)", 1))
    harbour(fictional, with_ana=False)
    result = cli("-C", root, "generate")
    assert page.is_file(), result.output  # edited: kept, and reported
    # It still links to its JSON: kept too, until the editor deals with the page.
    assert (content / "actors" / "ana-ruiz.json").is_file()
