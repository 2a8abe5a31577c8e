"""Issue 4, items 1 and 2: editors' work in content/ is never lost.

Text outside the generated markers survives regeneration byte-for-byte; a page edited
between the markers (or stripped of them) is left alone, reported, and only replaced
with --force after a backup; hand-written pages are never touched; a page whose entity
is gone is deleted only when nobody wrote on it, and kept as an orphan otherwise.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import copy_project, snapshot

from generator.common.project import HOME_PAGE

SUMMARY = "seeds/cbs-baghdad-drone-strike/summary.yaml"
PAGE = "content/actors/iran.md"
OLD_DESCRIPTION = "    description: Denied any involvement in the attacks carried out by the groups it supports.\n"
NEW_DESCRIPTION = "    description: Denied any involvement in the attacks.\n"

CONFLICT_ERROR = (
    "Error: some pages were left untouched because they were edited between the markers "
    "or lost them; move the edits below the end marker, or rerun with --force "
    "(which backs the pages up first).\n"
)
_END = re.compile(r"<!-- factsheets:end sha256=[0-9a-f]{16} -->\n?")


# --- helpers -----------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def split_page(data: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """(front matter, preamble, generated part including both markers, tail) of a page."""
    text = data.decode("utf-8")
    assert text.startswith("---\n")
    front_end = text.index("\n---\n", 3) + len("\n---\n")
    begin = text.index("<!-- factsheets:begin")
    end = _END.search(text)
    assert end is not None, "no end marker"
    parts = (text[:front_end], text[front_end:begin], text[begin : end.end()], text[end.end() :])
    return tuple(part.encode("utf-8") for part in parts)  # type: ignore[return-value]


def clean_generation(tmp_path: Path, seeds: Path) -> dict[str, bytes]:
    """content/ as a first run generates it from `seeds` (no earlier content, no edits)."""
    from click.testing import CliRunner

    from generator.cli import main

    root = copy_project(tmp_path / "clean", seeds=seeds, with_content=False)
    result = CliRunner().invoke(main, ["-C", str(root), "generate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return snapshot(root / "content")


def lines(output: str) -> list[str]:
    return output.splitlines()


def generated_pages(root: Path) -> int:
    """How many pages in content/ carry the generator's markers: those of the generated
    folders, and the home page (its "at a glance" section)."""
    content = root / "content"
    return sum(
        1
        for path in [*content.glob("*/*.md"), content / HOME_PAGE]
        if path.read_text(encoding="utf-8").count("<!-- factsheets:begin") == 1
    )


# --- 1. text outside the markers is kept byte-for-byte ----------------------------


def test_text_outside_the_markers_survives_regeneration(project, cli, tmp_path):
    page = project / PAGE
    front, preamble, generated, tail = split_page(page.read_bytes())
    assert (preamble, tail) == (b"\n", b"")
    my_preamble = b"\n> **Editor's note:** read with the [timeline](../events/index.md).\n\n"
    my_tail = (
        "\n## Notes\n\nTrailing spaces stay.   \n\ttabs, ünïcödé, 🙂, <b>html</b>,"
        " ![img](../assets/x.png)\n<!-- comment -->\n\n\nno final newline"
    ).encode()
    page.write_bytes(front + my_preamble + generated + my_tail)
    edit(project / SUMMARY, OLD_DESCRIPTION, NEW_DESCRIPTION)

    result = cli("-C", project, "-v", "generate")

    assert result.exit_code == 0, result.output
    assert f"  updated: {PAGE}" in lines(result.output)
    new_front, new_preamble, new_generated, new_tail = split_page(page.read_bytes())
    assert new_preamble == my_preamble
    assert new_tail == my_tail
    assert b"Denied any involvement in the attacks.[^fs-1]" in new_generated
    assert new_generated != generated
    # Apart from the editor's text, the page is exactly what a clean run generates.
    expected = clean_generation(tmp_path, project / "seeds")["actors/iran.md"]
    assert new_front + b"\n" + new_generated == expected

    # A second run changes nothing.
    before = page.read_bytes()
    again = cli("-C", project, "generate")
    assert again.exit_code == 0, again.output
    pages = generated_pages(project)
    assert (
        again.output == f"Generated content/: 0 created, 0 updated, 0 deleted, {pages} unchanged.\n"
    )
    assert page.read_bytes() == before


def test_crlf_in_the_editors_tail_survives_regeneration(project, cli):
    page = project / PAGE
    front, preamble, generated, _ = split_page(page.read_bytes())
    my_tail = b"\r\n## Notes (written on Windows)\r\n\r\nFirst line.\r\nSecond line.\rOld Mac.\r\n"
    page.write_bytes(front + preamble + generated + my_tail)
    edit(project / SUMMARY, OLD_DESCRIPTION, NEW_DESCRIPTION)

    result = cli("-C", project, "generate")

    assert result.exit_code == 0, result.output
    assert split_page(page.read_bytes())[3] == my_tail


# --- 1. edits between the markers, or lost markers: left alone, reported, exit 3 ---


def test_page_edited_between_the_markers_is_left_alone_and_reported(project, cli):
    page = project / PAGE
    edit(page, "*State* in 1 source", "*State* (a country) in 1 source")
    edited = page.read_bytes()
    edit(project / SUMMARY, OLD_DESCRIPTION, NEW_DESCRIPTION)  # the page would change

    result = cli("-C", project, "-v", "generate")

    assert result.exit_code == 3
    assert f"Edited between the markers, left untouched: {PAGE}" in lines(result.output)
    assert result.output.endswith(CONFLICT_ERROR)
    assert page.read_bytes() == edited
    # The rest of the site is still brought up to date.
    assert "  updated: content/actors/index.md" in lines(result.output)
    assert (
        b"Denied any involvement in the attacks. |"
        in (project / "content/actors/index.md").read_bytes()
    )

    # It is reported on every run until someone resolves it, not only the first time.
    again = cli("-C", project, "generate")
    assert again.exit_code == 3
    assert f"Edited between the markers, left untouched: {PAGE}" in lines(again.output)
    assert again.output.endswith(CONFLICT_ERROR)
    assert page.read_bytes() == edited


def test_page_edited_between_the_markers_is_a_conflict_even_when_nothing_else_changed(project, cli):
    page = project / PAGE
    edit(page, "## Relations", "## Relations (checked by the desk)")
    edited = page.read_bytes()
    pages = generated_pages(project)

    result = cli("-C", project, "generate")

    assert result.exit_code == 3
    assert lines(result.output) == [
        f"Edited between the markers, left untouched: {PAGE}",
        f"Generated content/: 0 created, 0 updated, 0 deleted, {pages - 1} unchanged.",
        *lines(CONFLICT_ERROR),
    ]
    assert page.read_bytes() == edited


@pytest.mark.parametrize(
    "remove",
    [
        pytest.param(
            lambda text: re.sub(r"<!-- factsheets:begin[^\n]*-->\n", "", text), id="begin"
        ),
        pytest.param(lambda text: _END.sub("", text), id="end"),
        pytest.param(
            lambda text: _END.sub("", re.sub(r"<!-- factsheets:begin[^\n]*-->\n", "", text)),
            id="both",
        ),
    ],
)
def test_page_that_lost_its_markers_is_left_alone_and_reported(project, cli, remove):
    page = project / PAGE
    page.write_text(remove(page.read_text(encoding="utf-8")), encoding="utf-8")
    stripped = page.read_bytes()
    edit(project / SUMMARY, OLD_DESCRIPTION, NEW_DESCRIPTION)

    result = cli("-C", project, "generate")

    assert result.exit_code == 3
    assert f"No generator markers, left untouched: {PAGE}" in lines(result.output)
    assert result.output.endswith(CONFLICT_ERROR)
    assert page.read_bytes() == stripped


def test_force_backs_up_an_edited_page_then_regenerates_it(project, cli, tmp_path):
    page = project / PAGE
    edit(page, "*State* in 1 source", "*State* (a country) in 1 source")
    front, preamble, generated, _ = split_page(page.read_bytes())
    page.write_bytes(front + preamble + generated + b"\nMy notes, kept.\n")
    edited = page.read_bytes()
    edit(project / SUMMARY, OLD_DESCRIPTION, NEW_DESCRIPTION)

    result = cli("-C", project, "generate", "--force")

    assert result.exit_code == 0, result.output
    assert f"Edited between the markers, regenerated (forced): {PAGE}" in lines(result.output)
    backups = [line for line in lines(result.output) if line.startswith("Backed up ")]
    assert len(backups) == 1
    assert re.fullmatch(
        r"Backed up \.factsheets/backups/content/actors/iran\.md\.[0-9a-f]{12}", backups[0]
    )
    backup = project / backups[0].removeprefix("Backed up ")
    assert backup.read_bytes() == edited
    # Regenerated from the summary, the editor's notes below the end marker kept.
    expected = clean_generation(tmp_path, project / "seeds")["actors/iran.md"]
    assert page.read_bytes() == expected + b"\nMy notes, kept.\n"
    # The conflict is resolved: a normal run is clean again.
    again = cli("-C", project, "generate")
    assert again.exit_code == 0, again.output


def test_force_backs_up_a_page_without_markers_then_regenerates_it(project, cli, tmp_path):
    page = project / PAGE
    page.write_text("# Iran\n\nRewritten entirely by hand.\n", encoding="utf-8")

    result = cli("-C", project, "generate", "--force")

    assert result.exit_code == 0, result.output
    assert f"No generator markers, regenerated (forced): {PAGE}" in lines(result.output)
    backups = [line for line in lines(result.output) if line.startswith("Backed up ")]
    assert len(backups) == 1
    backup = project / backups[0].removeprefix("Backed up ")
    assert backup.read_bytes() == b"# Iran\n\nRewritten entirely by hand.\n"
    assert page.read_bytes() == clean_generation(tmp_path, project / "seeds")["actors/iran.md"]


def test_without_force_nothing_is_backed_up(project, cli):
    edit(project / PAGE, "## Relations", "## Relations (checked)")
    result = cli("-C", project, "generate")
    assert result.exit_code == 3
    assert "Backed up" not in result.output
    assert not (project / ".factsheets/backups").exists()


# --- 1. hand-written pages are never touched --------------------------------------


@pytest.mark.parametrize("force", [False, True], ids=["normal", "force"])
def test_hand_written_pages_are_never_touched(project, cli, force):
    content = project / "content"
    (content / "notes.md").write_text("# Notes\n\nHand-written.\n", encoding="utf-8")
    (content / "actors/reading-list.md").write_text(
        "---\ntitle: Reading list\n---\n\n# Reading list\n\nNot generated.\n", encoding="utf-8"
    )
    (content / "events/legacy.md").write_bytes(b"# Legacy page in Latin-1: caf\xe9\n")
    # Mentions the markers in prose, but is not a generated page.
    (content / "locations/how-to.md").write_text(
        "# How to\n\nGenerated pages start with `<!-- factsheets:begin`.\n", encoding="utf-8"
    )
    hand_written = ["index.md", "tags.md", "notes.md", "actors/reading-list.md"]
    hand_written += ["events/legacy.md", "locations/how-to.md"]
    before = {
        name: ((content / name).read_bytes(), (content / name).stat()) for name in hand_written
    }
    edit(project / SUMMARY, OLD_DESCRIPTION, NEW_DESCRIPTION)

    result = cli("-C", project, "-v", "generate", *(["--force"] if force else []))

    assert result.exit_code == 0, result.output
    for name, (data, stat) in before.items():
        path = content / name
        assert path.read_bytes() == data, name
        assert path.stat().st_mtime_ns == stat.st_mtime_ns, f"{name} was rewritten"
        assert path.stat().st_ino == stat.st_ino, f"{name} was replaced"
        assert f"content/{name}" not in result.output
    assert "Backed up" not in result.output


# --- 2. removed entities: deleted if untouched, kept as orphans if edited ----------


def remove_palestinian_people(project: Path) -> None:
    """Remove an actor that nothing else refers to."""
    summary = project / SUMMARY
    text = summary.read_text(encoding="utf-8")
    start = text.index("  - id: palestinian-people\n")
    end = text.index("  - id: ", start + 1)
    summary.write_text(text[:start] + text[end:], encoding="utf-8")
    assert "palestinian-people" not in summary.read_text(encoding="utf-8")


ORPHAN = "content/actors/palestinian-people.md"


def test_page_of_a_removed_entity_is_deleted_when_nobody_edited_it(project, cli):
    remove_palestinian_people(project)

    result = cli("-C", project, "-v", "generate")

    assert result.exit_code == 0, result.output
    assert f"  deleted: {ORPHAN}" in lines(result.output)
    assert " 1 deleted, " in lines(result.output)[-1]
    assert not (project / ORPHAN).exists()
    assert b"palestinian-people" not in (project / "content/actors/index.md").read_bytes()


@pytest.mark.parametrize("where", ["tail", "between the markers"])
def test_page_of_a_removed_entity_is_kept_as_an_orphan_when_edited(project, cli, where):
    page = project / ORPHAN
    if where == "tail":
        page.write_bytes(page.read_bytes() + b"\nEditor: see also the UN report.\n")
    else:
        edit(page, "*Group* in 1 source", "*Group* (people) in 1 source")
    edited = page.read_bytes()
    remove_palestinian_people(project)

    result = cli("-C", project, "-v", "generate")

    assert result.exit_code == 0, result.output
    assert f"Kept (edited, but no summary produces it any more): {ORPHAN}" in lines(result.output)
    assert f"  deleted: {ORPHAN}" not in lines(result.output)
    assert page.read_bytes() == edited


def test_orphan_is_reported_on_every_run(project, cli):
    page = project / ORPHAN
    page.write_bytes(page.read_bytes() + b"\nEditor: see also the UN report.\n")
    remove_palestinian_people(project)
    first = cli("-C", project, "generate")
    assert first.exit_code == 0, first.output

    again = cli("-C", project, "generate")

    assert again.exit_code == 0, again.output
    assert f"Kept (edited, but no summary produces it any more): {ORPHAN}" in lines(again.output)
