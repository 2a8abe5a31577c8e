"""`factsheets draft`: an offline draft an editor can review, which `check` validates."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import copy_project
from hypothesis import given
from hypothesis import strategies as st

from generator.common.errors import Problems
from generator.draft.compose import compose
from generator.draft.proposals import Draft, Proposal
from generator.sources.parse import parse_summary

DEMO = "seeds/cbs-baghdad-drone-strike"


def _fresh(project: Path) -> Path:
    """The demo's folder with its article only: the summary an editor has not written yet."""
    (project / DEMO / "summary.yaml").unlink()
    return project / DEMO


def test_drafts_the_demo_article_into_a_summary_check_validates(
    project: Path, cli: Callable[..., Result]
) -> None:
    _fresh(project)
    result = cli("-C", project, "draft", project / DEMO, "--outlet", "CBS News")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Drafted {DEMO}/summary.yaml: ")
    assert "every quote found in the text" in result.output
    text = (project / DEMO / "summary.yaml").read_text(encoding="utf-8")
    assert "\nstatus: draft\n" in text
    assert "  outlet: CBS News\n" in text
    # Entities the article names, with the kinds their words give.
    for line in (
        "name: Yehia Rasool",
        "name: Iraqi Armed Forces",
        "name: Baghdad",
        "type: spokesperson-for",
    ):
        assert line in text, line
    checked = cli("-C", project, "check")
    assert checked.exit_code == 0, checked.output
    assert f"Draft (not published until reviewed): {DEMO}/summary.yaml" in checked.output


def test_the_same_article_drafts_the_same_bytes(project: Path, cli: Callable[..., Result]) -> None:
    _fresh(project)
    cli("-C", project, "draft", project / DEMO)
    first = (project / DEMO / "summary.yaml").read_bytes()
    assert cli("-C", project, "draft", project / DEMO, "--force").exit_code == 0
    assert (project / DEMO / "summary.yaml").read_bytes() == first


def test_never_overwrites_a_summary_without_force(
    project: Path, cli: Callable[..., Result]
) -> None:
    before = (project / DEMO / "summary.yaml").read_bytes()
    result = cli("-C", project, "draft", project / DEMO)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {DEMO}/summary.yaml exists; rerun with --force to replace it "
        "(it is backed up first).\n"
    )
    assert (project / DEMO / "summary.yaml").read_bytes() == before
    assert cli("-C", project, "draft", project / DEMO, "--force").exit_code == 0
    backups = list((project / ".factsheets").rglob("summary.yaml*"))
    assert [b.read_bytes() for b in backups] == [before]


def test_reuses_the_ids_other_summaries_define(project: Path, cli: Callable[..., Result]) -> None:
    # A second article naming what the demo's summary defines, by names and aliases.
    folder = project / "seeds" / "second"
    folder.mkdir()
    (folder / "source.txt").write_text(
        "Yehia Rasool said the U.S. Central Command had struck a base in Baghdad. "
        "Iran denied any part in the attack.\n",
        encoding="utf-8",
    )
    result = cli("-C", project, "draft", folder, "--published", "2024-02-08", "--explain")
    assert result.exit_code == 0, result.output
    text = (folder / "summary.yaml").read_text(encoding="utf-8")
    for id_ in ("yehia-rasool", "us-central-command", "baghdad", "iran"):
        assert f"- id: {id_}\n" in text, id_
    assert (
        "actors yehia-rasool: 'Yehia Rasool': known: seeds/cbs-baghdad-drone-strike"
        in result.output
    )
    assert cli("-C", project, "check").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--published", "last week"],
            "Error: --published: Value error, must be YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (
            ["--url", "javascript:alert(1)"],
            "Error: --url: Value error, must be an http:// or https:// URL",
        ),
    ],
)
def test_bad_metadata_is_refused_before_anything_is_written(
    project: Path, cli: Callable[..., Result], args: list[str], message: str
) -> None:
    _fresh(project)
    result = cli("-C", project, "draft", project / DEMO, *args)
    assert result.exit_code == 1
    assert result.output.startswith(message)
    assert not (project / DEMO / "summary.yaml").exists()


def test_a_folder_without_its_text_is_an_error(project: Path, cli: Callable[..., Result]) -> None:
    folder = project / "seeds" / "empty"
    folder.mkdir()
    result = cli("-C", project, "draft", folder)
    assert result.exit_code == 1
    assert result.output == (
        "Error: seeds/empty/source.txt not found: save the article's text there first.\n"
    )
    shutil.rmtree(folder)


@given(st.text(min_size=3, max_size=40).filter(lambda s: s.strip() and len(s.strip()) >= 3))
def test_any_text_reads_back_exactly(value: str) -> None:
    stripped = value.strip()
    if not any(c.isprintable() and not c.isspace() for c in stripped):
        return
    draft = Draft(
        {"id": "x", "title": stripped, "language": "en", "file": "source.txt"},
        [
            Proposal(
                "actors",
                {"id": "a", "name": stripped, "kind": "group", "quote": stripped},
                stripped,
                stripped,
            )
        ],
    )
    problems = Problems()
    summary = parse_summary(compose(draft), "x", problems)
    if summary is None:  # a value the format itself refuses (invisible only, too long)
        assert problems.items
        return
    assert summary.source.title == stripped
    assert summary.actors[0].quote == stripped


def test_a_follow_up_article_is_drafted_against_what_the_site_knows(
    project: Path, cli: Callable[..., Result]
) -> None:
    folder = project / "seeds" / "followup"
    folder.mkdir()
    (folder / "source.txt").write_text(
        "Iraqi officials said on Sunday that a second US drone strike in Baghdad had killed "
        "two members of an Iran-backed militia.\n"
        "Yehia Rasool, the spokesperson for the Iraqi Armed Forces, condemned the strike and "
        "called for the withdrawal of the US-led coalition.\n",
        encoding="utf-8",
    )
    assert cli("-C", project, "draft", folder, "--published", "2024-02-11").exit_code == 0
    text = (folder / "summary.yaml").read_text(encoding="utf-8")
    # A known alias inside a description is the known entity, not a new one.
    assert "us-led-coalition-2" not in text
    assert "      - us-led-coalition\n" in text
    # "the strike" is the one reported before, not a second event.
    assert text.count("\n  - id: ", text.index("\nevents:"), text.index("\nstatements:")) == 1
    # The named spokesperson speaks, not the organisation he speaks for.
    assert "    speaker: yehia-rasool\n    type: condemns\n" in text
    # An unnamed group another summary describes in the same words: perhaps the same one.
    assert "    possibly:\n      id: iran-backed-militia\n" in text
    assert cli("-C", project, "check").exit_code == 0


def test_unnamed_people_and_facilities_are_read_as_the_site_knows_them(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    fixture = Path(__file__).parents[1] / "fixtures" / "claims" / "seeds"
    project = copy_project(tmp_path / "project", seeds=fixture)
    folder = project / "seeds" / "harbour-wire-followup"
    folder.mkdir()
    (folder / "source.txt").write_text(
        "Castellane security officials said the fire at the terminal was out.\n"
        "Castellane Television reported that a harbour official said the fuel depot beside "
        "the terminal would stay closed.\n"
        "A Veskarian parliament member denied any role in the attack.\n"
        "Officials blamed a militia backed by neighbouring Veskaria. The group’s commander "
        "has vowed more attacks.\n",
        encoding="utf-8",
    )
    # With -C, a folder is also found inside the project, as git -C would.
    drafted = cli(
        "-C", project, "draft", "seeds/harbour-wire-followup", "--published", "2031-05-20"
    )
    assert drafted.exit_code == 0, drafted.output
    text = (folder / "summary.yaml").read_text(encoding="utf-8")
    # People of a country the site knows, with a word between: one unnamed group of it.
    assert "    name: Unnamed Castellane security officials\n" in text
    assert "    name: Unnamed Veskarian parliament member\n" in text
    # "the terminal", "the fuel depot beside the terminal": the facilities the site knows.
    assert "  - id: harrow-quay-container-terminal\n" in text
    assert "  - id: harrow-quay-fuel-depot\n" in text
    # A group described by who backs it, and its commander named after it.
    assert "    name: Unnamed militia backed by Veskaria\n" in text
    assert (
        "    name: Unnamed commander of the militia backed by Veskaria\n    kind: person\n"
    ) in text
    assert "      - type: commander-of\n        target: militia-backed-by-veskaria\n" in text
    # Reported speech: the official speaks, through the channel.
    assert "    speaker: harbour-official\n    via:\n      - castellane-television\n" in text
    assert cli("-C", project, "check").exit_code == 0
