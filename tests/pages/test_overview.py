"""Issue 19, items 4 and 7: the About page (how the site is made, what its editors set in
mkdocs.yml) and the home page's "at a glance" section (counts, key events, main actors)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, FictionalProject, factsheets

from generator.pages import overview
from generator.pages.page import SiteData

MULTI = ROOT / "tests" / "fixtures" / "multi"


@pytest.fixture
def site(seeds_only: Path) -> Path:
    """The three-source fixture's seeds (`conftest.seeds_only`) and an empty content/."""
    (seeds_only / "content").mkdir()
    return seeds_only


def with_about(root: Path, settings: str) -> None:
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "extra:\n  factsheets:\n    about:\n" + settings,
        encoding="utf-8",
    )


def test_the_about_page_says_what_the_site_holds_and_credits_its_reference_data(
    site: Path,
) -> None:
    assert factsheets("-C", site, "generate").exit_code == 0
    about = (site / "content" / "about" / "index.md").read_text(encoding="utf-8")
    assert "This site tells what 3 sources, published 3–6 April 2031, report" in about
    assert "On this site: " in about and "from GeoNames" not in about  # fictional places
    assert "tell the site's editors, naming the page and the fact." in about
    assert "No licence is stated" in about
    assert "[GeoNames](https://www.geonames.org/) (CC BY 4.0)" in about


def test_the_editors_set_the_report_address_the_licence_and_the_methodology(
    site: Path,
) -> None:
    (site / "methodology.md").write_text(
        "Our desk reads every article twice.\n\n- *Two* editors sign each summary.\n",
        encoding="utf-8",
    )
    with_about(
        site,
        "      report_error: mailto:desk@example.org?subject=Error\n"
        "      licence: CC BY 4.0\n"
        "      licence_url: https://creativecommons.org/licenses/by/4.0/\n"
        "      methodology: methodology.md\n",
    )
    assert factsheets("-C", site, "generate").exit_code == 0
    page = site / "content" / "about" / "index.md"
    about = page.read_text(encoding="utf-8")
    assert "[report it](mailto:desk@example.org?subject=Error)" in about
    assert "under [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)." in about
    assert "Our desk reads every article twice.\n\n- *Two* editors sign each summary." in about
    assert "**One summary per source.**" not in about  # the editors' text replaces ours
    # The methodology file is the editors': read, never written; a change to it alone
    # renders the page again.
    (site / "methodology.md").write_text("Revised.\n", encoding="utf-8")
    result = factsheets("-C", site, "generate")
    assert result.exit_code == 0 and " 1 updated," in result.output
    assert "Revised." in page.read_text(encoding="utf-8")
    assert (site / "methodology.md").read_text(encoding="utf-8") == "Revised.\n"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            "      report_error: javascript:alert(1)\n",
            "extra.factsheets.about.report_error must be an address starting with https:// "
            "or http:// or mailto:, not 'javascript:alert(1)'",
        ),
        (
            "      licence_url: https://example.org/licence\n",
            "extra.factsheets.about.licence_url needs licence, the licence's name",
        ),
        (
            "      licence: [CC, BY]\n",
            "extra.factsheets.about.licence must be text, not ['CC', 'BY']",
        ),
        ("      licence_name: CC BY\n", "extra.factsheets.about.licence_name: unknown setting"),
    ],
)
def test_a_bad_about_setting_is_refused_naming_it(site: Path, settings: str, message: str) -> None:
    with_about(site, settings)
    result = factsheets("-C", site, "generate")
    assert result.exit_code == 1
    assert result.output == f"Error: {site / 'mkdocs.yml'}: {message}\n"
    assert list((site / "content").iterdir()) == []  # nothing written


def test_a_methodology_file_that_is_not_there_is_an_error(site: Path) -> None:
    with_about(site, "      methodology: missing.md\n")
    result = factsheets("-C", site, "generate")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {site / 'missing.md'}: extra.factsheets.about")


def test_the_home_page_is_made_with_its_glance_and_keeps_the_editors_text(site: Path) -> None:
    assert factsheets("-C", site, "generate").exit_code == 0
    home = site / "content" / "index.md"
    text = home.read_text(encoding="utf-8")
    assert "## At a glance { #at-a-glance }" in text
    assert "What 3 sources, published 3–6 April 2031, report: [" in text
    # Links from the root, not from a folder.
    assert "](events/index.md)" in text and "](../" not in text
    # No place of this fictional story is on a map: no link to an empty Map page.
    assert "[Map](map/index.md)" not in text
    assert "- [Timeline](timeline/index.md): 3 events in the order they happened." in text
    # An editor writes a title above the section and notes below it: both are kept.
    marker = "<!-- factsheets:begin"
    at = text.index(marker)
    edited = text[:at] + "# Our story\n\nWhat we follow.\n\n" + text[at:] + "\nOur notes.\n"
    home.write_text(edited, encoding="utf-8")
    (site / "seeds" / "wire-lemm-border-clash").rename(site / "removed")
    assert factsheets("-C", site, "generate").exit_code == 0
    again = home.read_text(encoding="utf-8")
    assert "\n---\n\n# Our story\n\nWhat we follow.\n\n" + marker in again
    assert again.endswith("\nOur notes.\n")
    assert "What 2 sources" in again


def test_key_events_are_those_most_sources_report_and_main_actors_those_in_most_events(
    tmp_path: Path,
) -> None:
    project = FictionalProject(tmp_path / "p")
    project.root.joinpath("seeds").rmdir()
    shutil.copytree(MULTI / "seeds", project.root / "seeds")
    site = SiteData(project.kb())
    [first] = overview.key_events(site, 1)
    assert len(first.sources) == max(len(event.sources) for event in site.kb.events.values())
    assert [event.id for event in overview.key_events(site)] == [
        event.id for event in site.timeline
    ]  # all three, in the timeline's order
    actors = overview.main_actors(site)
    counts = [count for _, count in actors]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 2


def test_a_hand_written_home_page_is_left_alone(site: Path) -> None:
    home = site / "content" / "index.md"
    home.write_text("# Our own home\n\nNo markers here.\n", encoding="utf-8")
    result = factsheets("-C", site, "generate")
    assert result.exit_code == 0, result.output
    assert home.read_text(encoding="utf-8") == "# Our own home\n\nNo markers here.\n"
