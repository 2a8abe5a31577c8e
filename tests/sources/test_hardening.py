""" "No edit lost, ever" hardening, the sources side: ids that would name a page the site
needs for itself, quotes and names that Unicode makes look right when they are not,
file names and values that could rewrite the terminal's line, and dates whose precision
contradicts their value.

Each case writes one small fictional source, changes one thing, runs `factsheets check`
and expects the exact output and exit code.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FictionalProject, snapshot

from generator.common.errors import Problem, escape_controls
from generator.common.project import CATEGORY_DIRS
from generator.sources.checks import RESERVED_IDS

SUMMARY = "seeds/harbour-news/summary.yaml"
SOURCE = "seeds/harbour-news/source.txt"

TEXT = (
    "Mayor Ana Ruiz opened the new bridge in Port Vell on 2 May 2031.\n"
    "\n"
    "The town council welcomed the opening with fireworks.\n"
)
BASE = """\
source:
  id: harbour-news
  title: Bridge opens in Port Vell
  published: 2031-05-03
actors:
  - id: ana-ruiz
    name: Ana Ruiz
    kind: person
    quote: Mayor Ana Ruiz
locations:
  - id: port-vell
    name: Port Vell
    kind: city
    quote: in Port Vell
events:
  - id: bridge-opening
    title: Opening of the bridge
    quote: opened the new bridge
    date:
      precision: day
      value: 2031-05-02
      quote: on 2 May 2031
statements:
  - id: council-welcome
    type: states
    summary: The council welcomed the opening.
    quote: The town council welcomed the opening with fireworks
"""
OK = "OK: 1 source, 1 actor, 1 location, 1 event, 1 statement.\n"


def error_output(*problems: str) -> str:
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return "Error: " + "\n".join(problems) + f"\n{count} found; nothing was written.\n"


@pytest.fixture
def harbour(fictional: FictionalProject) -> FictionalProject:
    fictional.add("harbour-news", TEXT, BASE)
    return fictional


def edit(old: str, new: str, file: str = SUMMARY) -> Callable[[Path], None]:
    """Replace the one occurrence of `old` in `file`."""

    def mutate(root: Path) -> None:
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} is not once in {file}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return mutate


def line_of(root: Path, needle: str) -> int:
    """The 1-based number of the one line of the summary holding `needle`."""
    lines = (root / SUMMARY).read_text(encoding="utf-8").splitlines()
    found = [number for number, line in enumerate(lines, 1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}"
    return found[0]


@dataclass
class Case:
    id: str
    mutate: Callable[[Path], None]
    expected: Callable[[Path], list[str]]
    """The problem lines, computed after the mutation (line numbers)."""


def at(needle: str, rest: str) -> Callable[[Path], list[str]]:
    """One problem on the summary's line holding `needle`."""
    return lambda root: [f"{SUMMARY}:{line_of(root, needle)}: {rest}"]


def add_after(anchor: str, entry: str) -> Callable[[Path], None]:
    return edit(anchor, anchor + entry)


# --- 4. Ids cannot take reserved names ------------------------------------------------

ACTOR_INDEX = (
    "  - id: index\n    name: Town council\n    kind: organization\n    quote: The town council\n"
)
LOCATION_INDEX = (
    "  - id: index\n    name: The bridge\n    kind: facility\n    quote: the new bridge\n"
)
EVENT_INDEX = "  - id: index\n    title: Welcome of the opening\n    quote: welcomed the opening\n"

RESERVED = [
    Case(
        "actor-id-index",
        add_after("    quote: Mayor Ana Ruiz\n", ACTOR_INDEX),
        at(
            "  - id: index",
            "actors[1].id: 'index' is reserved (it names the Actors index page); choose another id",
        ),
    ),
    Case(
        "location-id-index",
        add_after("    quote: in Port Vell\n", LOCATION_INDEX),
        at(
            "  - id: index",
            "locations[1].id: 'index' is reserved (it names the Locations index page); "
            "choose another id",
        ),
    ),
    Case(
        "event-id-index",
        add_after("      quote: on 2 May 2031\n", EVENT_INDEX),
        at(
            "  - id: index",
            "events[1].id: 'index' is reserved (it names the Events index page); choose another id",
        ),
    ),
    Case(
        "source-id-index",
        edit("  id: harbour-news\n", "  id: index\n"),
        at(
            "  id: index",
            "source.id: 'index' is reserved (it names the Sources index page); choose another id",
        ),
    ),
    # A continuation page is `<id>.<key>.md`: an id with a dot could take another's.
    Case(
        "id-with-a-dot-cannot-name-a-continuation-page",
        add_after(
            "    quote: Mayor Ana Ruiz\n",
            ACTOR_INDEX.replace("id: index", "id: ana-ruiz.involvement"),
        ),
        at(
            "  - id: ana-ruiz.involvement",
            "actors[1].id: 'ana-ruiz.involvement' is not a valid id: use lower-case "
            "letters, digits and hyphens",
        ),
    ),
]


# --- 5. Unicode cannot deceive ---------------------------------------------------------

UNICODE = [
    Case(
        "quote-with-a-zero-width-space",
        edit("    quote: Mayor Ana Ruiz\n", '    quote: "Mayor Ana\\u200b Ruiz"\n'),
        at(
            '    quote: "Mayor Ana',
            f"actors[0].quote: quote not found in {SOURCE}: 'Mayor Ana\\u200b Ruiz' — it "
            "differs from the text only by U+200B ZERO WIDTH SPACE at position 10",
        ),
    ),
    Case(
        "text-with-a-soft-hyphen",
        edit("the new bridge in", "the new bri\u00addge in", file=SOURCE),
        at(
            "    quote: opened the new bridge",
            f"events[0].quote: quote not found in {SOURCE}: 'opened the new bridge' — it "
            "differs from the text only by U+00AD SOFT HYPHEN in the text, before position "
            "19 of the quote",
        ),
    ),
    Case(
        "text-with-a-ligature",
        edit("with fireworks", "with \ufb01reworks", file=SOURCE),
        at(
            "    quote: The town council",
            f"statements[0].quote: quote not found in {SOURCE}: 'The town council welcomed "
            "the opening with fireworks' — it differs from the text only by 'fi' at position "
            "44, where the text has U+FB01 LATIN SMALL LIGATURE FI",
        ),
    ),
    Case(
        "quote-with-a-right-to-left-override",
        edit("    quote: in Port Vell\n", '    quote: "in \\u202ePort Vell"\n'),
        at(
            '    quote: "in ',
            f"locations[0].quote: quote not found in {SOURCE}: 'in \\u202ePort Vell' — it "
            "differs from the text only by U+202E RIGHT-TO-LEFT OVERRIDE at position 4",
        ),
    ),
    Case(
        "quote-with-two-invisible-characters",
        edit("    quote: Mayor Ana Ruiz\n", '    quote: "Ma\\u2060yor Ana\\ufeff Ruiz"\n'),
        at(
            '    quote: "Ma',
            f"actors[0].quote: quote not found in {SOURCE}: 'Ma\\u2060yor Ana\\ufeff Ruiz' "
            "— it differs from the text only by U+2060 WORD JOINER at position 3 (and 1 "
            "more such difference)",
        ),
    ),
    Case(
        "folder-name-with-a-carriage-return",
        lambda root: (root / "seeds" / "x\rOK: 1 source").mkdir(),
        lambda root: ["seeds/x\\rOK: 1 source/summary.yaml: file not found"],
    ),
    Case(
        "folder-name-with-a-bidi-override",
        lambda root: (root / "seeds" / "a\u202etxt.yaml").mkdir(),
        lambda root: ["seeds/a\\u202etxt.yaml/summary.yaml: file not found"],
    ),
    Case(
        "folder-name-with-an-escape-sequence",
        lambda root: (root / "seeds" / "b\x1b[2Kc\x85d").mkdir(),
        lambda root: ["seeds/b\\x1b[2Kc\\x85d/summary.yaml: file not found"],
    ),
    Case(
        "folder-name-that-is-not-utf8",
        lambda root: os.mkdir(os.fsencode(root / "seeds") + b"/caf\xe9"),
        lambda root: ["seeds/caf\\udce9/summary.yaml: file not found"],
    ),
    Case(
        "yaml-key-with-a-bidi-override",
        edit("  published: 2031-05-03\n", "  published: 2031-05-03\n  out\u202elet: X\n"),
        at(
            "  out\u202elet",
            "source.out\\u202elet: unknown field 'out\\u202elet'; did you mean 'outlet'?",
        ),
    ),
    Case(
        "path-of-another-summary-in-a-message",
        lambda root: _second_source(root, "x\rOK", "harbour-news"),
        lambda root: [
            "seeds/x\\rOK/summary.yaml:2: source.id: source id 'harbour-news' is already "
            "used by seeds/harbour-news/summary.yaml",
        ],
    ),
    Case(
        "path-of-a-folder-sorted-first-in-a-message",
        lambda root: _second_source(root, "a\rb", "harbour-news"),
        lambda root: [
            f"{SUMMARY}:2: source.id: source id 'harbour-news' is already used by "
            "seeds/a\\rb/summary.yaml",
        ],
    ),
]


def _second_source(root: Path, folder: str, source_id: str) -> None:
    second = root / "seeds" / folder
    second.mkdir()
    (second / "source.txt").write_text("Nothing happened.\n", encoding="utf-8")
    (second / "summary.yaml").write_text(
        f"source:\n  id: {source_id}\n  title: Nothing\n", encoding="utf-8"
    )


# --- 13. Dates are consistent --------------------------------------------------------


def _date(precision: str, value: str | None) -> Callable[[Path], None]:
    line = f"      value: {value}\n" if value else ""
    return edit(
        "      precision: day\n      value: 2031-05-02\n",
        f"      precision: {precision}\n{line}",
    )


def _value_error(value: str, rest: str) -> Callable[[Path], list[str]]:
    return at(f"      value: {value}", f"events[0].date.value: '{value}' {rest}")


def _no_date(precision: str) -> Case:
    return Case(
        f"{precision}-without-value-or-words",
        _date(precision, None),
        at(
            f"      precision: {precision}",
            f"events[0].date: precision `{precision}` needs a `value` (the date) or "
            "`relative` (the source's words for it); omit `date` when the source gives no time",
        ),
    )


DATES = [
    Case(
        "day-with-a-year",
        _date("day", '"2031"'),
        at(
            '      value: "2031"',
            "events[0].date.value: '2031' is a year, but precision `day` needs a day "
            "(YYYY-MM-DD); write the day, or precision `year`",
        ),
    ),
    Case(
        "day-with-a-month",
        _date("day", "2031-05"),
        _value_error(
            "2031-05",
            "is a month, but precision `day` needs a day (YYYY-MM-DD); write the day, or "
            "precision `month`",
        ),
    ),
    Case(
        "week-with-a-year",
        _date("week", "2031"),
        _value_error(
            "2031",
            "is a year, but precision `week` needs the week's first day (YYYY-MM-DD); write "
            "that day, or precision `year`",
        ),
    ),
    Case(
        "week-with-a-month",
        _date("week", "2031-05"),
        _value_error(
            "2031-05",
            "is a month, but precision `week` needs the week's first day (YYYY-MM-DD); write "
            "that day, or precision `month`",
        ),
    ),
    Case(
        "month-with-a-year",
        _date("month", "2031"),
        _value_error(
            "2031",
            "is a year, but precision `month` needs a month (YYYY-MM); write the month, or "
            "precision `year`",
        ),
    ),
    Case(
        "month-with-a-day",
        _date("month", "2031-05-02"),
        _value_error(
            "2031-05-02",
            "is a day, but precision `month` needs a month (YYYY-MM); write `2031-05`, or "
            "precision `day`",
        ),
    ),
    Case(
        "year-with-a-month",
        _date("year", "2031-05"),
        _value_error(
            "2031-05",
            "is a month, but precision `year` needs a year (YYYY); write `2031`, or "
            "precision `month`",
        ),
    ),
    Case(
        "year-with-a-day",
        _date("year", "2031-05-02"),
        _value_error(
            "2031-05-02",
            "is a day, but precision `year` needs a year (YYYY); write `2031`, or precision `day`",
        ),
    ),
    _no_date("day"),
    _no_date("week"),
    _no_date("month"),
    _no_date("year"),
]

CASES = RESERVED + UNICODE + DATES


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_check_refuses_it_naming_file_line_and_field(harbour, cli, case):
    root = harbour.root
    case.mutate(root)

    result = cli("-C", root, "check")

    assert result.output == error_output(*case.expected(root))
    assert result.exit_code == 1


ACCEPTED = [
    ("statement-id-index", edit("  - id: council-welcome\n", "  - id: index\n")),
    ("nfd-quote-nfc-text", lambda root: _accents(root, quote="Rui\u0301z", text="Ru\u00edz")),
    ("nfc-quote-nfd-text", lambda root: _accents(root, quote="Ru\u00edz", text="Rui\u0301z")),
    (
        "quote-with-a-narrow-no-break-space",
        edit("    quote: Mayor Ana Ruiz\n", '    quote: "Mayor\\u202fAna Ruiz"\n'),
    ),
    ("week-with-its-first-day", _date("week", "2031-04-28")),
    ("month-with-a-month", _date("month", "2031-05")),
    ("year-with-a-year", _date("year", '"2031"')),
    ("day-with-only-words", _date("day", None)),
    ("approximate-with-nothing", _date("approximate", None)),
    ("unknown-with-nothing", _date("unknown", None)),
]


def _accents(root: Path, quote: str, text: str) -> None:
    edit("Ana Ruiz opened", f"Ana {text} opened", file=SOURCE)(root)
    edit("    quote: Mayor Ana Ruiz\n", f"    quote: Mayor Ana {quote}\n")(root)


@pytest.mark.parametrize(("name", "mutate"), ACCEPTED, ids=[name for name, _ in ACCEPTED])
def test_check_accepts_it(harbour, cli, name, mutate):
    if name == "day-with-only-words":
        mutate = _with_words(mutate)
    mutate(harbour.root)

    result = cli("-C", harbour.root, "check")

    assert result.output == OK
    assert result.exit_code == 0


def _with_words(mutate: Callable[[Path], None]) -> Callable[[Path], None]:
    def both(root: Path) -> None:
        mutate(root)
        edit(
            "      quote: on 2 May 2031\n", "      relative: Friday\n      quote: on 2 May 2031\n"
        )(root)

    return both


def test_generate_refuses_a_reserved_id_and_writes_nothing(harbour, cli):
    add_after("    quote: Mayor Ana Ruiz\n", ACTOR_INDEX)(harbour.root)
    before = snapshot(harbour.root / "content")

    result = cli("-C", harbour.root, "generate")

    assert result.output == error_output(
        f"{SUMMARY}:10: actors[1].id: 'index' is reserved (it names the Actors index page); "
        "choose another id"
    )
    assert result.exit_code == 1
    assert snapshot(harbour.root / "content") == before


def test_every_page_the_site_names_itself_is_reserved(harbour, cli):
    # The pages no id names (the index pages, today) take names an id must not have.
    assert cli("-C", harbour.root, "generate").exit_code == 0
    ids = {"harbour-news", "ana-ruiz", "port-vell", "bridge-opening"}
    own = {
        path.name.split(".")[0]
        for folder in CATEGORY_DIRS
        for path in (harbour.root / "content" / folder).glob("*.md")
    } - ids
    assert own == set(RESERVED_IDS) == {"index"}


def test_a_project_folder_with_a_control_character_is_escaped(tmp_path, cli):
    root = tmp_path / "p\rOK"
    root.mkdir()

    result = cli("-C", root, "check")

    assert result.output == (
        f"Error: {escape_controls(str(root.resolve()))}/mkdocs.yml not found: run this "
        "inside a fact-sheet project.\n"
    )
    assert "\r" not in result.output
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("x\rOK: 1 source", "x\\rOK: 1 source"),
        ("tab\there", "tab\\there"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("del\x7f", "del\\x7f"),
        ("c1\x9b", "c1\\x9b"),
        ("\u202aembed\u202c", "\\u202aembed\\u202c"),
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
        ("mark\u200f", "mark\\u200f"),
        ("line\u2028sep", "line\\u2028sep"),
        ("caf\udce9", "caf\\udce9"),
        ("Ru\u00edz \u0391\u0430 \u200b", "Ru\u00edz \u0391\u0430 \u200b"),  # visible text stays
    ],
)
def test_problems_escape_what_could_rewrite_the_terminal_line(raw, shown):
    problem = Problem(f"seeds/{raw}/summary.yaml", 3, f"source.{raw}", f"in {raw}")

    assert str(problem) == f"seeds/{shown}/summary.yaml:3: source.{shown}: in {shown}"
    assert escape_controls(escape_controls(raw)) == escape_controls(raw) == shown


def test_a_message_keeps_its_own_line_breaks_and_only_those():
    # A line break in a name is escaped where the message is built (`escape_controls`).
    name = escape_controls("c\nd")
    problem = Problem("a\nb.yaml", 1, "x\ny", f"first\r\n    in {name}")

    assert str(problem) == "a\\nb.yaml:1: x\\ny: first\\r\n    in c\\nd"
