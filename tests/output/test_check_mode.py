"""Issue 4, item 4: `factsheets generate --check` for CI.

It exits 0 when content/ is up to date, exits 3 and lists the files when it is stale,
and never writes anything (not even the lock file or the cache).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_project

from generator.common.project import HOME_PAGE

SUMMARY = "seeds/cbs-baghdad-drone-strike/summary.yaml"
STALE_ERROR = "Error: content/ is not up to date with seeds/; run `factsheets generate`.\n"
CONFLICT_ERROR = (
    "Error: some pages were left untouched because they were edited between the markers "
    "or lost them; move the edits below the end marker, or rerun with --force "
    "(which backs the pages up first).\n"
)


def tree(root: Path, everything: bool = False) -> dict[str, tuple[bytes, int]]:
    """The files of content/ and seeds/ (with `everything`, the whole project) and mtimes."""
    return {
        str(path.relative_to(root)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file() and (everything or path.relative_to(root).parts[0] != ".factsheets")
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def generated_pages(root: Path) -> int:
    """The pages with a generated section: those of the generated folders, and the home
    page (its "at a glance" section)."""
    content = root / "content"
    return sum(
        1
        for path in [*content.glob("*/*.md"), content / HOME_PAGE]
        if path.read_text(encoding="utf-8").count("<!-- factsheets:begin") == 1
    )


def test_up_to_date_content_passes(project, cli):
    before = tree(project)

    result = cli("-C", project, "generate", "--check")

    assert result.exit_code == 0, result.output
    pages = generated_pages(project)
    assert (
        result.output == f"Checked content/: 0 created, 0 updated, 0 deleted, {pages} unchanged.\n"
    )
    assert tree(project) == before


def test_notes_outside_the_markers_do_not_make_content_stale(project, cli):
    page = project / "content/actors/iran.md"
    page.write_bytes(page.read_bytes() + b"\n## Desk notes\n\nChecked against the wire.\n")

    result = cli("-C", project, "generate", "--check")

    assert result.exit_code == 0, result.output


def test_stale_content_fails_and_lists_the_files_without_writing(project, cli):
    edit(
        project / SUMMARY,
        "    description: Denied any involvement in the attacks carried out by the groups it supports.\n",
        "    description: Denied any involvement in the attacks.\n",
    )
    (project / "content/events/baghdad-funeral.md").unlink()  # to be created
    text = (project / SUMMARY).read_text(encoding="utf-8")  # to be deleted
    start = text.index("  - id: palestinian-people\n")
    (project / SUMMARY).write_text(
        text[:start] + text[text.index("  - id: ", start + 1) :], encoding="utf-8"
    )
    before = tree(project)
    pages = generated_pages(project)

    result = cli("-C", project, "generate", "--check")

    assert result.exit_code == 3
    assert result.output.splitlines() == [
        "  created: content/events/baghdad-funeral.md",
        "  updated: content/about/index.md",  # it counts the site's actors
        "  updated: content/actors/index.md",
        "  updated: content/actors/iran.md",
        "  updated: content/downloads/index.md",  # the data files' sizes changed
        "  updated: content/index.md",  # its "at a glance" section counts them too
        "  updated: content/sources/cbs-baghdad-drone-strike.md",
        "  updated: content/sources/index.md",
        "  deleted: content/actors/palestinian-people.md",
        f"Checked content/: 1 created, 7 updated, 1 deleted, {pages - 8} unchanged "
        "(would be changed)",
        STALE_ERROR.rstrip("\n"),
    ]
    assert tree(project) == before
    assert not (project / ".factsheets.lock").exists()


def test_check_writes_nothing_at_all(tmp_path, cli):
    root = copy_project(tmp_path / "fresh")
    before = tree(root, everything=True)

    result = cli("-C", root, "generate", "--check")

    assert result.exit_code == 0, result.output
    assert tree(root, everything=True) == before


def test_check_after_generate_passes(project, cli):
    edit(project / SUMMARY, "  outlet: CBS News\n", "  outlet: CBS News (US)\n")
    assert cli("-C", project, "generate", "--check").exit_code == 3
    assert cli("-C", project, "generate").exit_code == 0

    result = cli("-C", project, "generate", "--check")

    assert result.exit_code == 0, result.output


def test_page_edited_between_the_markers_makes_check_fail(project, cli):
    page = project / "content/actors/iran.md"
    edit(page, "## Relations", "## Relations (checked)")
    before = tree(project)

    result = cli("-C", project, "generate", "--check")

    assert result.exit_code == 3
    assert "Edited between the markers, left untouched: content/actors/iran.md" in (
        result.output.splitlines()
    )
    assert result.output.endswith(STALE_ERROR)
    assert tree(project) == before


def test_page_without_markers_makes_check_fail(project, cli):
    page = project / "content/actors/iran.md"
    page.write_text("# Iran\n\nWritten by hand.\n", encoding="utf-8")

    result = cli("-C", project, "generate", "--check")

    assert result.exit_code == 3
    assert "No generator markers, left untouched: content/actors/iran.md" in (
        result.output.splitlines()
    )
    assert result.output.endswith(STALE_ERROR)


def test_check_with_invalid_input_reports_it_and_writes_nothing(project, cli):
    edit(project / SUMMARY, "  outlet: CBS News\n", "  outlet: CBS News\n  outlett: CBS\n")
    before = tree(project)

    result = cli("-C", project, "generate", "--check")

    assert result.exit_code == 1
    assert result.output == (
        "Error: seeds/cbs-baghdad-drone-strike/summary.yaml:13: source.outlett: "
        "unknown field 'outlett'; did you mean 'outlet'?\n"
        "1 problem found; nothing was written.\n"
    )
    assert tree(project) == before


def test_check_on_an_empty_content_folder_lists_every_page(tmp_path, cli):
    root = copy_project(tmp_path / "fresh", with_content=False)
    before = tree(root)

    result = cli("-C", root, "generate", "--check")

    assert result.exit_code == 3
    created = [line for line in result.output.splitlines() if line.startswith("  created: ")]
    # Every generated page but the home page, copied with the hand-written pages (its "at a
    # glance" section as committed, up to date).
    assert len(created) == generated_pages(copy_project(tmp_path / "demo")) - 1
    assert (
        f"Checked content/: {len(created)} created, 0 updated, 0 deleted, 1 unchanged "
        "(would be changed)\n"
    ) in result.output
    assert "  created: content/actors/iran.md" in created
    assert "  created: content/sources/index.md" in created
    assert result.output.endswith(STALE_ERROR)
    assert tree(root) == before


@pytest.mark.parametrize("quiet", ["-q", "--quiet"])
def test_quiet_check_still_fails_with_the_error(project, cli, quiet):
    edit(project / SUMMARY, "  outlet: CBS News\n", "  outlet: CBS News (US)\n")

    result = cli("-C", project, quiet, "generate", "--check")

    assert result.exit_code == 3
    assert result.output == STALE_ERROR
