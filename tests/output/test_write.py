"""Writing pages: markers and checksums, editors' text kept byte-for-byte, nothing rewritten needlessly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from generator.output.apply import apply
from generator.output.markers import BEGIN, compose, parse
from generator.output.write import decide, plan_of, settle, staging
from generator.pages.page import Page

PAGE = Page("actors/ana-ruiz.md", {"title": "Ana Ruiz", "tags": ["Person"]}, "# Ana Ruiz\n")
NEWER = Page(
    "actors/ana-ruiz.md", {"title": "Ana Ruiz", "tags": ["Person"]}, "# Ana Ruiz\n\nMayor.\n"
)
INDEX = Page("actors/index.md", {"title": "Actors"}, "# Actors\n")

TAIL = "\n## Editor's notes\n\nKept *as is*, <b>markup</b> and all.  \n\n\ttabbed line\nno newline at end"
PREAMBLE = "\n> Note from the desk, above the generated text.\n\n"


# --- compose and parse ---------------------------------------------------------


def test_compose_lays_out_front_matter_markers_and_body() -> None:
    text = compose(PAGE)
    lines = text.split("\n")
    assert lines[:6] == [
        "---",
        'title: "Ana Ruiz"',
        'tags: ["Person"]',
        "---",
        "",
        BEGIN,
    ]
    assert lines[6] == "# Ana Ruiz"
    assert lines[7].startswith("<!-- factsheets:end sha256=")
    assert len(lines[7]) == len("<!-- factsheets:end sha256=") + 16 + len(" -->")
    assert lines[8:] == [""]


@pytest.mark.parametrize(
    "title",
    [
        'A "quoted" title: with a colon',
        "two\nlines\n---\nnot the end of the front matter",
        "#hash and 'single' quotes, [brackets] {braces} & *stars*",
        "Iran’s Revolutionary Guard — ünïcödé",
    ],
)
def test_front_matter_is_yaml_that_reads_back_as_written(title: str) -> None:
    page = Page("actors/x.md", {"title": title, "tags": ["Person"], "search": {"boost": 2}}, "x\n")
    existing = parse(compose(page))
    assert existing is not None
    assert existing.intact
    assert yaml.safe_load(existing.front) == page.front_matter


def test_parse_splits_a_composed_page_into_its_parts() -> None:
    existing = parse(compose(PAGE, PREAMBLE, TAIL))
    assert existing is not None
    assert existing.preamble == PREAMBLE
    assert existing.body == PAGE.body
    assert existing.tail == TAIL
    assert existing.intact
    assert not existing.pristine


def test_a_page_nobody_wrote_on_is_pristine() -> None:
    existing = parse(compose(PAGE, "\n\n", "\n  \n"))
    assert existing is not None
    assert existing.pristine


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("# Ana Ruiz\n", "# Ana Ruiz!\n"),  # body
        ("# Ana Ruiz\n", "# Ana Ruiz\nA note in the wrong place.\n"),  # added inside
        ('title: "Ana Ruiz"', 'title: "Ana R."'),  # front matter
        ('tags: ["Person"]', 'tags: ["Person", "Mayor"]'),
    ],
)
def test_the_checksum_detects_edits_between_the_markers(old: str, new: str) -> None:
    text = compose(PAGE, PREAMBLE, TAIL)
    assert old in text
    existing = parse(text.replace(old, new, 1))
    assert existing is not None
    assert not existing.intact
    assert not existing.pristine


def test_edits_outside_the_markers_keep_the_page_intact() -> None:
    text = compose(PAGE) + "Notes.\n"
    text = text.replace(f"---\n\n{BEGIN}", f"---\nAbove.\n{BEGIN}")
    existing = parse(text)
    assert existing is not None
    assert existing.intact
    assert (existing.preamble, existing.tail) == ("Above.\n", "Notes.\n")


@pytest.mark.parametrize(
    "text",
    [
        "# A hand-written page\n",
        "---\ntitle: Hand-written\n---\n\n# Hand-written\n",
        compose(PAGE).replace(BEGIN, "<!-- begin -->"),
        compose(PAGE).split("<!-- factsheets:end")[0],
        compose(PAGE).split("---\n", 2)[2],  # no front matter
        "",
    ],
    ids=["no-front-matter", "no-markers", "no-begin", "no-end", "front-matter-removed", "empty"],
)
def test_parse_refuses_pages_without_complete_markers(text: str) -> None:
    assert parse(text) is None


# --- plan and apply -------------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


def generate(content: Path, pages: list[Page], *, force: bool = False):
    """As a run does: each page settled as it is rendered, then what is left."""
    with staging(content):
        result = plan_of(content, [settle(content, page) for page in pages])
        backups = apply(result, content.parent, content, force=force)
    return result, backups


def test_first_generation_creates_every_page(content: Path) -> None:
    result, _ = generate(content, [PAGE, INDEX])
    assert result.created == [content / PAGE.path, content / INDEX.path]
    assert result.stale
    assert (content / PAGE.path).read_text(encoding="utf-8") == compose(PAGE)
    assert (content / INDEX.path).read_text(encoding="utf-8") == compose(INDEX)


def test_unchanged_pages_are_not_rewritten(content: Path) -> None:
    generate(content, [PAGE, INDEX])
    path = content / PAGE.path
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.stat()
    result, _ = generate(content, [PAGE, INDEX])
    assert (result.writes, result.created, result.updated, result.unchanged) == ({}, [], [], 2)
    assert not result.stale
    after = path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_editor_text_outside_the_markers_is_kept_byte_for_byte(content: Path) -> None:
    generate(content, [PAGE])
    path = content / PAGE.path
    original = path.read_bytes().decode("utf-8")
    edited = original.replace(f"---\n\n{BEGIN}", f"---\n{PREAMBLE}{BEGIN}") + TAIL
    path.write_bytes(edited.encode("utf-8"))

    result, _ = generate(content, [NEWER])
    assert result.updated == [path]
    text = path.read_bytes().decode("utf-8")
    assert text == compose(NEWER, PREAMBLE, TAIL)
    assert "Mayor." in text
    assert text.endswith("-->\n" + TAIL)
    assert text.startswith('---\ntitle: "Ana Ruiz"\ntags: ["Person"]\n---\n' + PREAMBLE + BEGIN)


def test_a_page_edited_between_the_markers_is_left_alone(content: Path) -> None:
    generate(content, [PAGE])
    path = content / PAGE.path
    edited = path.read_text(encoding="utf-8").replace("# Ana Ruiz", "# Ana Ruiz (edited)") + TAIL
    path.write_text(edited, encoding="utf-8")

    result, backups = generate(content, [NEWER])
    assert result.edited == [path]
    assert result.conflicts == [path]
    assert result.stale
    assert backups == []
    assert path.read_text(encoding="utf-8") == edited


def test_force_backs_up_an_edited_page_then_regenerates_it_keeping_the_tail(
    content: Path,
) -> None:
    generate(content, [PAGE])
    path = content / PAGE.path
    edited = path.read_text(encoding="utf-8").replace("# Ana Ruiz", "# Ana Ruiz (edited)") + TAIL
    path.write_text(edited, encoding="utf-8")

    _, backups = generate(content, [NEWER], force=True)
    assert path.read_text(encoding="utf-8") == compose(NEWER, "\n", TAIL)
    [backup] = backups
    assert backup.read_text(encoding="utf-8") == edited
    assert backup.is_relative_to(content.parent / ".factsheets" / "backups")


def test_a_file_without_markers_at_a_generated_path_is_left_alone(content: Path) -> None:
    path = content / PAGE.path
    path.parent.mkdir()
    path.write_text("# Ana Ruiz\n\nWritten by hand.\n", encoding="utf-8")
    result, _ = generate(content, [PAGE])
    assert result.unmarked == [path]
    assert path.read_text(encoding="utf-8") == "# Ana Ruiz\n\nWritten by hand.\n"


def test_a_non_utf8_file_at_a_generated_path_is_left_alone(content: Path) -> None:
    path = content / PAGE.path
    path.parent.mkdir()
    path.write_bytes(b"caf\xe9\n")
    result, _ = generate(content, [PAGE])
    assert result.unmarked == [path]
    assert path.read_bytes() == b"caf\xe9\n"


def test_orphans_are_deleted_only_if_pristine(content: Path) -> None:
    other = Page("actors/gone.md", {"title": "Gone"}, "# Gone\n")
    noted = Page("actors/noted.md", {"title": "Noted"}, "# Noted\n")
    edited = Page("locations/edited.md", {"title": "Edited"}, "# Edited\n")
    generate(content, [PAGE, other, noted, edited])
    (content / noted.path).write_text(compose(noted, "\n", "My notes.\n"), encoding="utf-8")
    edited_text = compose(edited).replace("# Edited", "# Edited by hand")
    (content / edited.path).write_text(edited_text, encoding="utf-8")
    hand = content / "actors" / "hand-written.md"
    hand.write_text("# Mine\n", encoding="utf-8")
    home = content / "index.md"
    home.write_text("# Home\n", encoding="utf-8")

    result, _ = generate(content, [PAGE])
    assert result.deletes == [content / other.path]
    assert sorted(result.orphans) == [content / noted.path, content / edited.path]
    assert not (content / other.path).exists()
    assert (content / noted.path).read_text(encoding="utf-8") == compose(noted, "\n", "My notes.\n")
    assert (content / edited.path).read_text(encoding="utf-8") == edited_text
    assert hand.read_text(encoding="utf-8") == "# Mine\n"
    assert home.read_text(encoding="utf-8") == "# Home\n"


def test_plan_writes_nothing(content: Path) -> None:
    result = plan_of(content, [decide(content, page) for page in (PAGE, INDEX)])
    assert result.stale
    assert list(content.iterdir()) == []


def test_settle_stages_new_text_and_apply_puts_it_in_place_index_pages_last(
    content: Path,
) -> None:
    generate(content, [PAGE, INDEX])
    decisions = [settle(content, NEWER), settle(content, INDEX)]
    page, index = decisions
    assert (page.action, page.text, index.action) == ("update", None, "keep")
    assert page.staged is not None
    assert page.staged.read_text(encoding="utf-8") == compose(NEWER)
    # Nothing changes in content/ before apply: a run failing here loses nothing.
    assert (content / PAGE.path).read_text(encoding="utf-8") == compose(PAGE)

    result = plan_of(content, decisions)
    assert (result.updated, result.unchanged) == ([content / PAGE.path], 1)
    apply(result, content.parent, content)
    assert (content / PAGE.path).read_text(encoding="utf-8") == compose(NEWER)
    assert sorted(p.name for p in (content / "actors").iterdir()) == ["ana-ruiz.md", "index.md"]


def test_apply_puts_index_pages_in_place_last(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An interrupted run must never leave an index linking to a page not there yet.
    replaced: list[str] = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (replaced.append(Path(b).name), real(a, b)))
    last = Page("actors/zoe-ortiz.md", {"title": "Zoe Ortiz"}, "# Zoe Ortiz\n")
    generate(content, [INDEX, PAGE, last])
    assert replaced == ["ana-ruiz.md", "zoe-ortiz.md", "index.md"]


def test_leftover_temporary_files_are_cleaned_up(content: Path) -> None:
    generate(content, [PAGE])
    leftover = content / "actors" / ".ana-ruiz.md.tmp-12345"
    leftover.write_text("half a page", encoding="utf-8")
    generate(content, [PAGE])
    assert sorted(p.name for p in (content / "actors").iterdir()) == ["ana-ruiz.md"]


def test_a_page_saved_with_windows_line_endings_keeps_its_notes(content: Path) -> None:
    generate(content, [PAGE])
    path = content / PAGE.path
    notes = "## Notes\n\nWritten on another machine.\n"
    path.write_bytes(compose(PAGE, "\n", notes).replace("\n", "\r\n").encode("utf-8"))
    result, _ = generate(content, [NEWER])
    assert (result.unmarked, result.edited, result.updated) == ([], [], [path])
    # The generated part is rewritten; the editor's notes keep their line endings.
    assert path.read_bytes().decode("utf-8") == compose(NEWER, "\r\n", notes.replace("\n", "\r\n"))


def test_a_page_saved_with_a_byte_order_mark_keeps_its_notes(content: Path) -> None:
    generate(content, [PAGE])
    path = content / PAGE.path
    notes = "## Notes\n\nWritten on another machine.\n"
    path.write_bytes(("\ufeff" + compose(PAGE, "\n", notes)).encode("utf-8"))
    result, _ = generate(content, [NEWER], force=True)
    assert result.unmarked == []
    assert path.read_text(encoding="utf-8").lstrip("\ufeff") == compose(NEWER, "\n", notes)
