"""Issue "No edit lost, ever", item 1: a page saved while a run regenerates it keeps what
was saved.

A run reads each page early (when it is rendered) and puts the new text in place at the
end. In between, an editor may save a note below the end marker (`factsheets serve`
regenerates as they work). The page is put in place only while its file holds the bytes
it was made from; otherwise it is made again from what was saved. The file replaced is
held under another name until every page is in place, so that a note written into it at
the last moment (through a file the editor had open) is merged in too. Also item 3:
backups are never written over.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import copy_project, snapshot

from generator.cli import main
from generator.output import apply, write
from generator.output.markers import compose, parse
from generator.pages.page import Page

SUMMARY = "seeds/cbs-baghdad-drone-strike/summary.yaml"
OLD_TITLE = "  title: Iraq criticizes overnight US drone strike in Baghdad\n"
NEW_TITLE = "  title: Iraq criticizes the overnight US drone strike in Baghdad\n"
"""The source title is in every footnote: changing it rewrites nearly every page."""
PAGE = "content/actors/iran.md"
CONFLICT_ERROR = (
    "Error: some pages were left untouched because they were edited between the markers "
    "or lost them; move the edits below the end marker, or rerun with --force "
    "(which backs the pages up first).\n"
)
INTERRUPTED_ERROR = (
    "Error: some pages were saved while they were being regenerated (see the warnings "
    "above); check them, then run `factsheets generate` again.\n"
)
HANG = 60
"""Seconds after which the note-writing child is taken for hung (an anti-hang bound only)."""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)


def toggle_title(root: Path) -> None:
    """Change the source's title one way or back: nearly every page changes."""
    summary = root / SUMMARY
    text = summary.read_text(encoding="utf-8")
    old, new = (OLD_TITLE, NEW_TITLE) if OLD_TITLE in text else (NEW_TITLE, OLD_TITLE)
    summary.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    """The demo project, its content/ as this generator makes it."""
    root = copy_project(tmp_path / "project", with_content=False)
    result = run(root, "generate")
    assert result.exit_code == 0, result.output
    return root


def lines(result: Result) -> list[str]:
    return result.output.splitlines()


# --- a second process saving notes while generations run ----------------------------

NOTE_WRITER = textwrap.dedent(
    """
    # Appends numbered notes to random pages, as an editor saving below the end marker,
    # until told to stop; logs each note once it is written.
    import os, random, sys, time

    pages = open(sys.argv[1], encoding="utf-8").read().split("\\n")
    stop, log = sys.argv[2], sys.argv[3]
    chance = random.Random(1)
    number = 0
    with open(log, "a", encoding="utf-8") as done:
        while not os.path.exists(stop):
            number += 1
            page = chance.choice(pages)
            with open(page, "a", encoding="utf-8") as handle:
                handle.write(f"\\nNote {number} saved during a run.\\n")
            done.write(f"{number}\\t{page}\\n")
            done.flush()
            time.sleep(0.0003)
    """
)


def test_every_note_saved_while_generations_run_is_kept(generated: Path, tmp_path: Path) -> None:
    root = generated
    pages = sorted(str(path) for path in (root / "content").glob("*/*.md"))
    assert len(pages) > 40
    listing, stop, log = tmp_path / "pages.txt", tmp_path / "stop", tmp_path / "notes.log"
    listing.write_text("\n".join(pages), encoding="utf-8")
    log.touch()
    writer = subprocess.Popen([sys.executable, "-c", NOTE_WRITER, listing, stop, log])
    outputs: list[str] = []
    try:
        deadline = time.monotonic() + HANG
        while not log.read_text(encoding="utf-8"):  # writing before the first run starts
            assert writer.poll() is None and time.monotonic() < deadline, (
                "the writer is not writing"
            )
            time.sleep(0.01)
        for _ in range(6):
            toggle_title(root)
            result = run(root, "-v", "generate")
            outputs.append(result.output)
            assert result.exit_code == 0, result.output
            assert "Warning" not in result.output
    finally:
        stop.touch()
        writer.wait(timeout=HANG)
    assert writer.returncode == 0

    notes = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(notes) > 200, "too few notes were saved to test anything"
    texts = {page: Path(page).read_text(encoding="utf-8") for page in pages}
    lost = [
        (number, page)
        for number, page in notes
        if texts[page].count(f"\nNote {number} saved during a run.\n") != 1
    ]
    assert lost == [], f"{len(lost)} of {len(notes)} notes lost or doubled"
    # The runs did meet saves: pages were made again from what was saved.
    merged = [line for output in outputs for line in output.splitlines() if "merged again" in line]
    assert merged, "no page was saved between its rendering and its writing"
    # Every page is whole, and as a clean run makes it: notes below the end marker only.
    for page, text in texts.items():
        existing = parse(text)
        assert existing is not None and existing.intact, page
    assert run(root, "generate", "--check").exit_code == 0
    assert write.in_the_way(root / "content") == []
    assert not [p for p in (root / "content").rglob(".*") if ".tmp-" in p.name]


# --- each case, made to happen at its worst moment ---------------------------------------


def test_a_note_saved_between_rendering_and_writing_is_merged(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = generated / PAGE
    toggle_title(generated)
    real_apply = apply.apply

    def apply_after_a_save(plan: write.Plan, *args: object, **kwargs: object) -> list[Path]:
        # Every page is rendered and staged; the editor saves a note before any is written.
        with open(page, "a", encoding="utf-8") as handle:
            handle.write("\nSaved while the run was rendering.\n")
        return real_apply(plan, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(apply, "apply", apply_after_a_save)
    result = run(generated, "-v", "generate")

    assert result.exit_code == 0, result.output
    assert f"  saved during the run, merged again keeping the new text: {PAGE}" in lines(result)
    assert f"  updated: {PAGE}" in lines(result)
    text = page.read_text(encoding="utf-8")
    assert text.endswith("-->\n\nSaved while the run was rendering.\n")
    assert NEW_TITLE.strip().removeprefix("title: ") in text  # the new generated text
    monkeypatch.undo()
    assert run(generated, "generate", "--check").exit_code == 0


def test_a_note_written_into_the_page_as_it_is_replaced_is_merged(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worst moment: checked unchanged, then written to (through a file the editor
    had open) just before the rename. The old file is held, read again, and merged."""
    page = generated / PAGE
    toggle_title(generated)
    real_replace = os.replace
    written = False

    def replace_after_a_write(source: object, target: object) -> None:
        nonlocal written
        if os.fspath(target) == str(page) and not written:  # type: ignore[arg-type]
            written = True
            with open(page, "a", encoding="utf-8") as handle:
                handle.write("\nWritten as the page was replaced.\n")
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace_after_a_write)
    result = run(generated, "-v", "generate")

    assert result.exit_code == 0, result.output
    assert f"  saved during the run, merged again keeping the new text: {PAGE}" in lines(result)
    text = page.read_text(encoding="utf-8")
    assert text.endswith("-->\n\nWritten as the page was replaced.\n")
    existing = parse(text)
    assert existing is not None and existing.intact
    assert NEW_TITLE.strip().removeprefix("title: ") in existing.body
    assert not [p for p in page.parent.iterdir() if ".tmp-" in p.name]


def test_notes_written_into_both_the_old_and_the_new_file_are_both_kept(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = generated / PAGE
    toggle_title(generated)
    real_replace = os.replace
    calls = 0

    def replace_between_two_writes(source: object, target: object) -> None:
        nonlocal calls
        mine = os.fspath(target) == str(page)  # type: ignore[arg-type]
        calls += mine
        if mine and calls == 1:
            with open(page, "a", encoding="utf-8") as handle:
                handle.write("\nFirst note, into the old file.\n")
        real_replace(source, target)  # type: ignore[arg-type]
        if mine and calls == 1:
            with open(page, "a", encoding="utf-8") as handle:
                handle.write("\nSecond note, into the new file.\n")

    monkeypatch.setattr(os, "replace", replace_between_two_writes)
    result = run(generated, "generate")

    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert text.endswith(
        "-->\n\nFirst note, into the old file.\n\nSecond note, into the new file.\n"
    )


def test_a_page_edited_between_the_markers_during_the_run_is_left_alone(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = generated / PAGE
    toggle_title(generated)
    real_apply = apply.apply
    edited = ""

    def apply_after_an_edit(plan: write.Plan, *args: object, **kwargs: object) -> list[Path]:
        nonlocal edited
        edited = page.read_text(encoding="utf-8").replace("# Iran", "# Iran (edited)", 1)
        page.write_text(edited, encoding="utf-8")
        return real_apply(plan, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(apply, "apply", apply_after_an_edit)
    result = run(generated, "generate")

    assert result.exit_code == 3
    assert f"Edited between the markers, left untouched: {PAGE}" in lines(result)
    assert result.output.endswith(CONFLICT_ERROR)
    assert page.read_text(encoding="utf-8") == edited


def test_a_page_rewritten_in_both_files_is_backed_up_and_reported(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two changes that are not both additions cannot be merged: the page keeps the
    second, the first is kept in a backup, and the run says where (exit 3)."""
    page = generated / PAGE
    before = page.read_text(encoding="utf-8")
    page.write_text(before + "\nA note.\n", encoding="utf-8")
    run(generated, "generate")
    toggle_title(generated)
    real_replace = os.replace
    calls = 0
    old_version = ""

    def replace_between_two_rewrites(source: object, target: object) -> None:
        nonlocal calls, old_version
        mine = os.fspath(target) == str(page)  # type: ignore[arg-type]
        calls += mine
        if mine and calls == 1:
            with open(page, "r+", encoding="utf-8") as handle:  # rewritten in place
                old_version = handle.read().replace("\nA note.\n", "\nA note, reworded.\n")
                handle.seek(0)
                handle.write(old_version)
                handle.truncate()
        real_replace(source, target)  # type: ignore[arg-type]
        if mine and calls == 1:
            text = page.read_text(encoding="utf-8").replace("\nA note.\n", "\nA note, cut.\n")
            page.write_text(text, encoding="utf-8")

    monkeypatch.setattr(os, "replace", replace_between_two_rewrites)
    result = run(generated, "generate")

    [backup] = (generated / ".factsheets/backups/content/actors").iterdir()
    shown = f".factsheets/backups/content/actors/{backup.name}"
    assert result.exit_code == 3
    assert (
        f"Warning: {PAGE} was saved while it was being regenerated, in a way that cannot be "
        f"merged: the text saved then is in {shown}; copy what you need from it."
    ) in lines(result)
    assert result.output.endswith(INTERRUPTED_ERROR)
    assert backup.read_text(encoding="utf-8") == old_version
    assert page.read_text(encoding="utf-8").endswith("-->\n\nA note, cut.\n")


def test_a_page_to_delete_that_gets_a_note_is_kept(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An actor no summary names any more: its page goes, unless a note is saved on it
    meanwhile, even as it is deleted."""
    page = generated / "content/actors/palestinian-people.md"
    summary = generated / SUMMARY
    text = summary.read_text(encoding="utf-8")
    start = text.index("  - id: palestinian-people\n")
    summary.write_text(text[:start] + text[text.index("  - id: ", start + 1) :], "utf-8")
    real_unlink = os.unlink

    def unlink_after_a_write(path: object, *args: object, **kwargs: object) -> None:
        if os.fspath(path) == str(page):  # type: ignore[arg-type]
            with open(page, "a", encoding="utf-8") as handle:
                handle.write("\nA note on a page about to go.\n")
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", unlink_after_a_write)
    result = run(generated, "generate")

    assert result.exit_code == 0, result.output
    assert (
        "Kept (edited, but no summary produces it any more): content/actors/palestinian-people.md"
    ) in lines(result)
    assert page.read_text(encoding="utf-8").endswith("\nA note on a page about to go.\n")


def test_a_text_compose_wrote_gives_back_its_page() -> None:
    """Deciding a page again needs the page: it is read back from its staged text."""
    page = Page(
        "actors/x.md",
        {
            "title": 'A "quoted" title\u2028: with\nbreaks',
            "tags": ["Person"],
            "search": {"boost": 2},
        },
        "# X\n\nBody.\n",
    )
    for preamble, tail in (("\n", ""), ("\nAbove.\n", "\nBelow.\r\n")):
        assert write.page_of(page.path, compose(page, preamble, tail)) == page
    assert write.page_of(page.path, "# Hand-written\n") is None


# --- item 3: backups are never written over ----------------------------------------------


def test_backups_are_never_written_over(generated: Path) -> None:
    page = generated / PAGE
    edited = page.read_text(encoding="utf-8").replace("# Iran", "# Iran (edited)", 1)
    backups = generated / ".factsheets/backups/content/actors"
    made = []
    for _ in range(3):  # the same edit, forced over three times: three backups
        page.write_text(edited, encoding="utf-8")
        result = run(generated, "generate", "--force")
        assert result.exit_code == 0, result.output
        made += [line.removeprefix("Backed up ") for line in lines(result) if "Backed up" in line]
    first = made[0]
    assert re.fullmatch(r"\.factsheets/backups/content/actors/iran\.md\.[0-9a-f]{12}", first)
    assert made == [first, f"{first}-2", f"{first}-3"]
    assert all((generated / name).read_text(encoding="utf-8") == edited for name in made)
    # A file already at the name is not written over either, whatever it holds.
    (generated / f"{first}-4").write_text("someone else's", encoding="utf-8")
    before = snapshot(backups)
    page.write_text(edited, encoding="utf-8")
    result = run(generated, "generate", "--force")
    assert f"Backed up {first}-5" in lines(result)
    assert snapshot(backups) == {**before, f"{Path(first).name}-5": edited.encode()}
