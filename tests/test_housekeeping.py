"""Issue 20, items 4 and 5: mkdocs.yml read as MkDocs reads it (`!ENV`, `INHERIT`), the
summaries' cache pruned, `factsheets clean`, `factsheets --version`."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import factsheets

from generator.output.cache import CACHE_DIR
from generator.sources.schema import FORMAT


@pytest.fixture
def site(seeds_only: Path) -> Path:
    """The three-source fixture's seeds only (`conftest.seeds_only`)."""
    return seeds_only


def test_the_version_names_the_summary_format() -> None:
    result = factsheets("--version")
    assert result.exit_code == 0
    assert result.output.startswith("factsheets ")
    assert result.output.endswith(f" (summary format {FORMAT})\n")


def test_docs_dir_from_the_environment_and_settings_inherited(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "base.yml").write_text(
        "site_name: Base\nextra:\n  factsheets:\n    about:\n      licence: CC BY 4.0\n",
        encoding="utf-8",
    )
    (site / "mkdocs.yml").write_text(
        'INHERIT: base.yml\ndocs_dir: !ENV [FACTSHEETS_DOCS, "content"]\n', encoding="utf-8"
    )
    monkeypatch.setenv("FACTSHEETS_DOCS", "pages")
    result = factsheets("-C", site, "generate")
    assert result.exit_code == 0, result.output
    about = (site / "pages" / "about" / "index.md").read_text(encoding="utf-8")
    assert "published under CC BY 4.0." in about  # from the inherited file
    assert not (site / "content").exists() and not (site / "None").exists()


def test_an_environment_variable_not_set_is_an_error_not_a_folder_named_none(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FACTSHEETS_UNSET", raising=False)
    (site / "mkdocs.yml").write_text("docs_dir: !ENV [FACTSHEETS_UNSET]\n", encoding="utf-8")
    result = factsheets("-C", site, "generate")
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {site / 'mkdocs.yml'}: docs_dir must name a folder, not None "
        "(an !ENV variable that is not set?)\n",
    )
    assert sorted(p.name for p in site.iterdir()) == ["mkdocs.yml", "seeds"]


def test_an_inherited_file_that_is_not_there_is_an_error(site: Path) -> None:
    (site / "mkdocs.yml").write_text("INHERIT: missing.yml\n", encoding="utf-8")
    result = factsheets("-C", site, "generate")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {site / 'mkdocs.yml'}: Inherited config file")


def test_the_cache_keeps_only_the_summaries_of_the_last_run(site: Path) -> None:
    cache = site / CACHE_DIR
    assert factsheets("-C", site, "generate").exit_code == 0
    first = sorted(p.name for p in cache.iterdir())
    assert len(first) == 3  # a validated summary per source
    summary = site / "seeds" / "wire-lemm-border-clash" / "summary.yaml"
    for edit in range(3):
        summary.write_text(summary.read_text(encoding="utf-8") + f"# edit {edit}\n", "utf-8")
        assert factsheets("-C", site, "generate").exit_code == 0
    now = sorted(p.name for p in cache.iterdir())
    assert len(now) == 3 and len(set(now) - set(first)) == 1


def test_clean_removes_what_the_next_run_makes_again_and_keeps_the_backups(site: Path) -> None:
    assert factsheets("-C", site, "generate").exit_code == 0
    (site / "site").mkdir()
    (site / "site" / "index.html").write_text("<p>built</p>", encoding="utf-8")
    (site / ".site.build-abc").mkdir()  # what a killed build leaves
    for kept in ("site/pages.sqlite", "search/abc/pagefind-entry.json", "trash/old/index.html"):
        (site / ".factsheets" / kept).parent.mkdir(parents=True)
        (site / ".factsheets" / kept).write_text("kept by a build", encoding="utf-8")
    backups = site / ".factsheets" / "backups"
    backups.mkdir()
    (backups / "actors-x.md").write_text("an editor's page\n", encoding="utf-8")
    content = {p: p.read_bytes() for p in (site / "content").rglob("*") if p.is_file()}

    result = factsheets("-C", site, "-v", "clean")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines[:7]] == [
        "Removed .factsheets/cache",
        "Removed .factsheets/last-run.json",
        "Removed .factsheets/site",
        "Removed .factsheets/search",
        "Removed .factsheets/trash",
        "Removed site",
        "Removed .site.build-abc",
    ]
    assert lines[7].startswith("Removed what the next run makes again: ")
    assert lines[8] == (
        "Kept .factsheets/backups/ (1 file): the backups of edited pages; "
        "`factsheets clean --backups` removes them."
    )
    assert sorted(path.name for path in (site / ".factsheets").iterdir()) == ["backups"]
    for gone in (CACHE_DIR, ".factsheets/last-run.json", "site", ".site.build-abc"):
        assert not (site / gone).exists(), gone
    assert {p: p.read_bytes() for p in (site / "content").rglob("*") if p.is_file()} == content
    assert (backups / "actors-x.md").is_file()

    assert factsheets("-C", site, "clean").output.startswith("Nothing to remove.\n")
    assert factsheets("-C", site, "clean", "--backups").exit_code == 0
    assert not backups.exists()
    # The next run makes everything again, and changes no page.
    result = factsheets("-C", site, "generate")
    assert result.exit_code == 0 and " 0 created, 0 updated, 0 deleted," in result.output
