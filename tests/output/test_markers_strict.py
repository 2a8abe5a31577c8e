"""Markers are read strictly, and no edit is lost even with --force (issue 4, item 3);
editors' notes keep out of the generated footnotes' namespace (item 2).

Every case a user can meet, with its exact message and exit code. A page whose editors'
text is certain is left alone as any page edited between the markers is, and --force
regenerates it keeping every editor's line; any other is refused, forced or not, and
nothing at all is written.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import FictionalProject, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.output.markers import BEGIN, Broken, Existing, compose, parse, read
from generator.pages.page import Page

PAGE = "content/actors/ana-ruiz.md"
SUMMARY = """
    source:
      id: harbour-news
      title: Bridge opens
    actors:
      - id: ana-ruiz
        name: Ana Ruiz
        kind: person
        quote: Mayor Ana Ruiz
        description: Mayor of the harbour town.
    """
OLD, NEW = "Mayor of the harbour town.", "Mayor of the town."
NOTES = "\n## Notes\n\nChecked with the harbour office.\n"
CONFLICT = (
    "Error: some pages were left untouched because they were edited between the markers "
    "or lost them; move the edits below the end marker, or rerun with --force "
    "(which backs the pages up first).\n"
)
_END = re.compile(r"<!-- factsheets:end sha256=[0-9a-f]{16} -->\n")

Cli = Callable[..., Result]


@pytest.fixture
def root(fictional: FictionalProject, cli: Cli) -> Path:
    """A generated project of one source: its fact sheet is PAGE."""
    project: Path = fictional.root
    fictional.add("harbour", "Mayor Ana Ruiz opened the bridge.\n", SUMMARY)
    result = cli("-C", project, "generate")
    assert result.exit_code == 0, result.output
    return project


def parts(root: Path) -> tuple[str, str, str, str]:
    """PAGE as generated: front matter (with its lines `---`), the text between it and
    the begin marker, the block (both markers included), and the text after it."""
    text = (root / PAGE).read_text(encoding="utf-8")
    front = text[: text.index("\n---\n", 3) + 5]
    begin = text.index("<!-- factsheets:begin")
    end = _END.search(text)
    assert end is not None
    return front, text[len(front) : begin], text[begin : end.end()], text[end.end() :]


def end_line(block: str) -> str:
    match = _END.search(block)
    assert match is not None
    return match.group()


def line_of(text: str, part: str, start: int = 0) -> int:
    """The line on which `part` starts in `text` (its first occurrence from `start`)."""
    return text.count("\n", 0, text.index(part, start)) + 1


def change_summary(root: Path) -> None:
    """A change that every page showing Ana Ruiz's description would be rewritten for."""
    summary = root / "seeds/harbour/summary.yaml"
    summary.write_text(summary.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")


def generated(root: Path) -> Existing:
    """PAGE as it is now, which must be laid out as the generator lays it out."""
    existing = parse((root / PAGE).read_text(encoding="utf-8"))
    assert existing is not None
    assert existing.intact and existing.problem is None
    return existing


def backups(root: Path) -> list[Path]:
    folder = root / ".factsheets/backups/content/actors"
    return sorted(folder.iterdir()) if folder.exists() else []


def assert_refused(cli: Cli, root: Path, data: bytes, message: str, code: int = 3) -> None:
    """With the page holding `data`: every run (checking, generating, forced) stops with
    `message`, and writes nothing anywhere, though another page would change too."""
    (root / PAGE).write_bytes(data)
    change_summary(root)
    before = snapshot(root / "content")
    for args in (["--check"], [], ["--force"]):
        result = cli("-C", root, "generate", *args)
        assert (result.exit_code, result.output) == (code, message), args
        assert snapshot(root / "content") == before, args
    assert backups(root) == []


def assert_left_as_edited(cli: Cli, root: Path, text: str, why: str | None = None) -> None:
    """The page is reported, with `why` (the start of its diagnosis), and left alone, as
    any page edited between the markers."""
    (root / PAGE).write_text(text, encoding="utf-8")
    change_summary(root)
    result = cli("-C", root, "generate")
    assert result.exit_code == 3
    said = f" (it {why}" if why else "\n"
    assert result.output.startswith(f"Edited between the markers, left untouched: {PAGE}{said}"), (
        result.output
    )
    assert result.output.endswith(CONFLICT)
    assert (root / PAGE).read_text(encoding="utf-8") == text


def force(cli: Cli, root: Path) -> Existing:
    """Run --force; PAGE must have been backed up and regenerated. Returns it."""
    result = cli("-C", root, "generate", "--force")
    assert result.exit_code == 0, result.output
    assert f"Edited between the markers, regenerated (forced): {PAGE}" in result.output
    assert len(backups(root)) == 1
    existing = generated(root)
    assert NEW in existing.body and OLD not in existing.body
    again = cli("-C", root, "generate")
    assert again.exit_code == 0, again.output
    return existing


# --- quotes of a marker are not markers ---------------------------------------------

QUOTES = (
    "\nHow a page ends:\n\n```\n{begin}{end}```\n\nor inline: `{end_text}`, or indented:\n\n"
    "    {end}\n~~~~ markdown\n{end}{begin}~~~~\n"
)


def quotes(block: str) -> str:
    end = end_line(block)
    return QUOTES.format(begin=BEGIN + "\n", end=end, end_text=end.strip())


def test_notes_quoting_the_markers_are_kept_as_they_are(cli: Cli, root: Path) -> None:
    front, _, block, _ = parts(root)
    preamble = f"\nAbove the facts:\n\n```\n{end_line(block)}```\n\n"
    notes = NOTES + quotes(block)
    (root / PAGE).write_text(front + preamble + block + notes, encoding="utf-8")
    change_summary(root)

    result = cli("-C", root, "-v", "generate")

    assert result.exit_code == 0, result.output
    assert f"  updated: {PAGE}" in result.output.splitlines()
    existing = generated(root)
    assert (existing.preamble, existing.tail) == (preamble, notes)
    assert NEW in existing.body


def test_force_keeps_notes_quoting_the_markers(cli: Cli, root: Path) -> None:
    front, preamble, block, _ = parts(root)
    notes = NOTES + quotes(block)
    assert_left_as_edited(cli, root, front + preamble + block.replace("# Ana", "# Ana!") + notes)
    assert force(cli, root).tail == notes


# --- a duplicated generated block ---------------------------------------------------


def test_a_duplicated_block_is_left_alone_and_force_keeps_every_note(cli: Cli, root: Path) -> None:
    # The whole page pasted below itself: its front matter, block and notes again.
    front, preamble, block, _ = parts(root)
    page = front + preamble + block + NOTES + front + preamble + block + NOTES + "Later note.\n"
    assert_left_as_edited(cli, root, page, "has the generated block 2 times)\n")

    existing = force(cli, root)

    # Both copies of the block and the copy of the front matter were generated text.
    assert existing.tail == NOTES + preamble + NOTES + "Later note.\n"
    assert (root / PAGE).read_text(encoding="utf-8").count("factsheets:begin") == 1


def test_a_duplicated_block_edited_in_both_copies_is_refused(cli: Cli, root: Path) -> None:
    front, preamble, block, _ = parts(root)
    first, second = block.replace("# Ana", "# Ana!"), block.replace("# Ana", "# Ana?")
    text = front + preamble + first + NOTES + second + "Later note.\n"
    start, copy = line_of(text, "<!-- factsheets:begin"), line_of(text, second)
    ends = [m.start() for m in _END.finditer(text)]
    ranges = f"{start}-{line_of(text, '<!--', ends[0])} and {copy}-{line_of(text, '<!--', ends[1])}"
    assert_refused(
        cli,
        root,
        text.encode(),
        f"Error: {PAGE}:{copy}: has the generated block 2 times, and more than one copy was "
        f"edited (lines {ranges}): cannot tell which text is generated\n"
        "Nothing was written (--force would not write over this page either): keep one copy, "
        "deleting the others from their begin marker to their end marker (your notes outside "
        "them stay), then run again.\n",
    )


# --- an end marker pasted inside the block, or below it -----------------------------


def test_an_end_marker_pasted_inside_the_block_is_dropped_with_it(cli: Cli, root: Path) -> None:
    front, preamble, block, _ = parts(root)
    pasted = block.replace("## Sources\n", end_line(block) + "## Sources\n")
    assert_left_as_edited(
        cli,
        root,
        front + preamble + pasted + NOTES,
        "has a marker pasted inside the generated block",
    )

    assert force(cli, root).tail == NOTES
    assert (root / PAGE).read_text(encoding="utf-8").count("factsheets:end") == 1


def test_an_end_marker_pasted_inside_an_edited_block_is_refused(cli: Cli, root: Path) -> None:
    front, preamble, block, _ = parts(root)
    edited = block.replace("# Ana", "# Ana!").replace(
        "## Sources\n", end_line(block) + "## Sources\n"
    )
    text = front + preamble + edited + NOTES
    first, second = (line_of(text, "<!--", m.start()) for m in _END.finditer(text))
    assert_refused(
        cli,
        root,
        text.encode(),
        f"Error: {PAGE}:{second}: has a second end marker (the first is on line {first}), "
        "and the generated text was edited: cannot tell where the generated block ends\n"
        "Nothing was written (--force would not write over this page either): delete the end "
        "marker that is not the block's own (what is below the one left is kept as notes), "
        "then run again.\n",
    )


def test_an_end_marker_pasted_in_the_notes_is_refused(cli: Cli, root: Path) -> None:
    front, preamble, block, _ = parts(root)
    text = front + preamble + block + NOTES + end_line(block) + "More notes.\n"
    end, pasted = (line_of(text, "<!--", m.start()) for m in _END.finditer(text))
    assert_refused(
        cli,
        root,
        text.encode(),
        f"Error: {PAGE}:{pasted}: has a second end marker, below the generated block (which "
        f"ends on line {end})\n"
        "Nothing was written (--force would not write over this page either): delete it (with "
        "any left-over generated text), or, to quote it, put it in a code block, then run "
        "again.\n",
    )


def test_markers_out_of_order_are_refused(cli: Cli, root: Path) -> None:
    front, preamble, block, _ = parts(root)
    text = front + preamble + end_line(block) + "A note.\n" + BEGIN + "\n" + NOTES
    end, begin = line_of(text, "<!-- factsheets:end"), line_of(text, BEGIN)
    assert_refused(
        cli,
        root,
        text.encode(),
        f"Error: {PAGE}:{end}: has its markers out of order (begin marker on line {begin}, end "
        f"marker on line {end}): cannot tell which text is generated\n"
        "Nothing was written (--force would not write over this page either): leave one begin "
        "marker line and, below it, one end marker line around the generated text (to quote a "
        "marker, put it in a code block), then run again.\n",
    )


# --- deleted front matter -----------------------------------------------------------


def test_a_page_without_front_matter_is_refused_until_put_right(cli: Cli, root: Path) -> None:
    front, preamble, block, _ = parts(root)
    assert_refused(
        cli,
        root,
        (preamble + block + NOTES).encode(),
        f"Error: {PAGE}:1: has no front matter (a generated page starts with a line `---`)\n"
        "Nothing was written (--force would not write over this page either): put two lines "
        "`---` at the top of the page, then run `factsheets generate --force`, which fills the "
        "front matter in (after a backup) and keeps your notes.\n",
    )

    # Doing as it says.
    assert_left_as_edited(cli, root, "---\n---\n" + preamble + block + NOTES)
    existing = force(cli, root)
    # The front matter as generated, with the changed description (its meta description
    # and JSON-LD say it).
    filled = front[4:-4].replace(OLD, NEW)
    assert filled.count(NEW) == 2
    assert (existing.front, existing.preamble, existing.tail) == (filled, preamble, NOTES)


@pytest.mark.parametrize("cut", ["first line", "both lines"])
def test_what_is_left_of_deleted_front_matter_is_refused(cli: Cli, root: Path, cut: str) -> None:
    front, preamble, block, _ = parts(root)
    left = front[4:] if cut == "first line" else front[4:-4]
    assert_refused(
        cli,
        root,
        (left + preamble + block + NOTES).encode(),
        f"Error: {PAGE}:1: looks like what is left of the front matter, but the page does not "
        "start with a line `---`\n"
        "Nothing was written (--force would not write over this page either): put the front "
        "matter back between two lines `---` at the top of the page, or delete what is left "
        "of it, then run again.\n",
    )


def test_front_matter_that_is_not_closed_is_refused(cli: Cli, root: Path) -> None:
    front, preamble, block, _ = parts(root)
    text = front[:-4] + preamble + block + NOTES
    assert_refused(
        cli,
        root,
        text.encode(),
        f"Error: {PAGE}:1: has front matter that is not closed: no line `---` ends it above "
        f"the begin marker on line {line_of(text, BEGIN)}\n"
        "Nothing was written (--force would not write over this page either): end the front "
        "matter with a line `---`, then run again.\n",
    )


# --- a byte that is not UTF-8 -------------------------------------------------------


def test_a_byte_that_is_not_utf8_in_the_notes_is_refused(cli: Cli, root: Path) -> None:
    front, preamble, block, _ = parts(root)
    data = (front + preamble + block + NOTES).encode() + b"Caf\xe9 on the quay.\n"
    offset, line = data.index(b"\xe9"), data.count(b"\n", 0, data.index(b"\xe9")) + 1
    assert_refused(
        cli,
        root,
        data,
        f"Error: {PAGE}:{line}: is not UTF-8 (byte 0xe9 at offset {offset})\n"
        "Nothing was written (--force would not write over this page either): save the page "
        "as UTF-8, then run again.\n",
    )


# --- footnote labels reserved for generated citations ---------------------------------


def test_notes_using_a_reserved_footnote_label_are_an_error(cli: Cli, root: Path) -> None:
    front, preamble, block, _ = parts(root)
    notes = NOTES + "\nAs the port says.[^fs-3]\n\n[^fs-3]: Harbour office, by phone.\n"
    text = front + "\nSee [^fs-note].\n" + block + notes
    reference, definition = line_of(text, "As the port"), line_of(text, "[^fs-3]:")
    reserved = "which is reserved for generated citations; rename it"
    assert_refused(
        cli,
        root,
        text.encode(),
        f"Error: {PAGE}:{line_of(text, 'See [^fs-note]')}: the note uses the footnote label "
        f"[^fs-note], {reserved}\n"
        f"{PAGE}:{reference}: the note uses the footnote label [^fs-3], {reserved}\n"
        f"{PAGE}:{definition}: the note uses the footnote label [^fs-3], {reserved}\n"
        "3 problems found; nothing was written.\n",
        code=1,
    )


def test_editors_own_footnote_labels_are_fine(cli: Cli, root: Path) -> None:
    front, preamble, block, _ = parts(root)
    notes = (
        NOTES + "\nAs the port says.[^1] And the mayor.[^note]\n\n[^1]: By phone.\n"
        "[^note]: In person.\n\nGenerated ones look like `[^fs-1]`:\n\n```\n[^fs-1]: ...\n```\n"
    )
    (root / PAGE).write_text(front + preamble + block + notes, encoding="utf-8")
    change_summary(root)
    result = cli("-C", root, "generate")
    assert result.exit_code == 0, result.output
    assert generated(root).tail == notes


# --- the parts of a page, for any text -----------------------------------------------

_PAGE = Page("actors/x.md", {"title": "X", "tags": ["Person"]}, "# X\n\nText.[^fs-1]\n")
_EDITED = "# X (edited)\n"
_MARKER = re.compile(r"<!-- factsheets:(?:begin.*|end sha256=[0-9a-f]{16} )-->\r?")
_FENCE = re.compile(r" {0,3}(?:`{3,}|~{3,}).*")
_QUOTED = [
    f"`{BEGIN}`",
    f"    {BEGIN}",
    " <!-- factsheets:end sha256=0123456789abcdef -->",
    "> <!-- factsheets:end sha256=0123456789abcdef -->",
    "<!-- factsheets:end sha256=0123456789abcdef --> and more",
    "<!-- factsheets:end sha256=… -->",
    "---",
    'title: "X"',
    "[^1]: a note",
]
_PLAIN = st.text(st.characters(blacklist_characters="\n", blacklist_categories=["Cs"]), max_size=30)
_LINE = st.one_of(_PLAIN, st.sampled_from(_QUOTED)).filter(
    lambda line: not _MARKER.fullmatch(line) and not _FENCE.fullmatch(line)
)
_FENCED = st.builds(
    lambda fence, lines: "\n".join([fence, *lines, fence]),
    st.sampled_from(["```", "````", "~~~"]),
    st.lists(
        st.one_of(_LINE, st.sampled_from([BEGIN, compose(_PAGE).splitlines()[-1]])), max_size=4
    ),
)
_NOTE = st.builds(
    lambda lines, newline, last: newline.join(lines) + last,
    st.lists(st.one_of(_LINE, _FENCED), max_size=8),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["", "\n"]),
)


@settings(max_examples=300, deadline=None)
@given(_NOTE)
def test_any_note_without_a_whole_marker_line_is_kept(note: str) -> None:
    text = compose(_PAGE, "\n", note)
    existing = read(text.encode())
    assert isinstance(existing, Existing)
    assert (existing.preamble, existing.tail, existing.intact) == ("\n", note, True)
    # Edited between the markers, as --force would regenerate it.
    edited = read(text.replace("# X\n", _EDITED, 1).encode())
    assert isinstance(edited, Existing) and not edited.intact
    assert compose(_PAGE, edited.preamble, edited.tail) == text


@settings(max_examples=200, deadline=None)
@given(_NOTE)
def test_any_text_above_the_block_without_a_whole_marker_line_is_kept(note: str) -> None:
    preamble = note + ("" if note.endswith("\n") else "\n")
    text = compose(_PAGE, preamble, NOTES)
    existing = read(text.encode())
    assert isinstance(existing, Existing)
    assert (existing.preamble, existing.tail, existing.intact) == (preamble, NOTES, True)


def test_the_errors_cross_from_a_worker_process_whole() -> None:
    # Rendering decides pages in forked workers: their errors come back pickled.
    broken = read(compose(_PAGE).split("---\n", 2)[2].encode())
    assert isinstance(broken, Broken)
    noted = read(compose(_PAGE, "\n", "[^fs-2]: mine\n").encode())
    assert isinstance(noted, Existing)
    for error in (broken.error("content/actors/x.md"), noted.error("content/actors/x.md")):
        copy = pickle.loads(pickle.dumps(error))
        assert (type(copy), copy.format_message(), copy.exit_code) == (
            type(error),
            error.format_message(),
            error.exit_code,
        )


def test_every_page_nothing_may_be_written_over_is_named_in_one_run(
    cli: Cli, project: Path
) -> None:
    """Not only the first: an editor fixes them all after one run (mkdocs' way with
    configuration errors)."""
    pages = ["content/actors/iran.md", "content/events/baghdad-funeral.md"]
    for page in pages:
        path = project / page
        path.write_bytes(path.read_bytes() + b"Caf\xe9.\n")
    before = snapshot(project / "content")
    for args in ((), ("--check",), ("--force",)):
        result = cli("-C", project, "generate", *args)
        assert result.exit_code == 3, args
        for page in pages:
            assert f"{page}:" in result.output and "is not UTF-8 (byte 0xe9" in result.output
        assert result.output.count("Nothing was written") == 2
        assert snapshot(project / "content") == before
