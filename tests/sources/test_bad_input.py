"""Issue 4, item 5: bad input gets a clear error naming file, line and field.

Every case below breaks the demo project in one way and expects the exact error the
editor sees, exit code 1, and content/ left byte-for-byte as it was. Then: several
errors at once, and inputs of tens of megabytes, which must neither crash nor hang.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import copy_project, snapshot

FOLDER = "seeds/cbs-baghdad-drone-strike"
SUMMARY = f"{FOLDER}/summary.yaml"
SOURCE = f"{FOLDER}/source.txt"
HANG = 300
"""Seconds after which a run counts as hung: an anti-hang bound, not a speed target."""


# --- helpers -----------------------------------------------------------------


def replace(old: str, new: str, file: str = SUMMARY, first: bool = False) -> Callable[[Path], None]:
    """Replace the one occurrence of `old` (with `first`, the first of several)."""

    def mutate(root: Path) -> None:
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1 or (first and old in text), f"{old!r} is not once in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def line_of(root: Path, needle: str, file: str = SUMMARY, exact: bool = False) -> int:
    """1-based number of the one line of the (mutated) file that contains (or is) `needle`."""
    found = [
        number
        for number, line in enumerate((root / file).read_text(encoding="utf-8").splitlines(), 1)
        if (line == needle if exact else needle in line)
    ]
    assert len(found) == 1, f"{needle!r} is on lines {found}"
    return found[0]


def error_output(*problems: str) -> str:
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return "Error: " + "\n".join(problems) + f"\n{count} found; nothing was written.\n"


def assert_refused(root: Path, result, expected: str, before: dict[str, bytes]) -> None:
    assert result.output == expected
    assert result.exit_code == 1
    assert snapshot(root / "content") == before
    assert not (root / ".factsheets.lock").exists()


def run_child(root: Path, *args: str, timeout: float = HANG) -> subprocess.CompletedProcess:
    """`python -m generator -C root ARGS`: a crash or a hang there cannot take pytest down."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


# --- one problem at a time ----------------------------------------------------


@dataclass
class Case:
    id: str
    mutate: Callable[[Path], None]
    expected: Callable[[Path], list[str]]
    """The problem lines, computed after the mutation (line numbers)."""


def _at(needle: str, rest: str) -> Callable[[Path], list[str]]:
    """One problem on the line holding `needle`: `summary.yaml:LINE: rest`."""
    return lambda root: [f"{SUMMARY}:{line_of(root, needle)}: {rest}"]


def _symlink_outside(root: Path) -> None:
    outside = root.parent / "outside.txt"
    outside.write_text("Officials from Iraq have strongly criticized the strike.\n")
    (root / SOURCE).unlink()
    (root / SOURCE).symlink_to(outside)


def _folder_outside(root: Path) -> None:
    outside = root.parent / "elsewhere"
    shutil.copytree(root / FOLDER, outside)
    (root / "seeds/elsewhere").symlink_to(outside)


def _non_utf8(file: str, old: bytes, new: bytes) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / file
        data = path.read_bytes()
        assert data.count(old) == 1
        path.write_bytes(data.replace(old, new))

    return mutate


def _non_utf8_expected(file: str, byte: int) -> Callable[[Path], list[str]]:
    def expected(root: Path) -> list[str]:
        data = (root / file).read_bytes()
        offset = data.index(bytes([byte]))
        line = data.count(b"\n", 0, offset) + 1
        return [f"{file}:{line}: is not UTF-8 (byte 0x{byte:02x} at offset {offset})"]

    return expected


DUPLICATE_ISIS = """  - id: isis
    name: ISIS again
    kind: armed-group
    quote: "established to combat ISIS"

  - id: local-forces
"""


def _broken_summary_and_one_citing_its_actor(root: Path) -> None:
    """A second summary names `iran`, which only the broken one defines."""
    replace("  outlet: CBS News\n", "  outlet: CBS News\n  outlett: CBS\n")(root)
    second = root / "seeds/second"
    second.mkdir()
    (second / "source.txt").write_text("Iran said nothing today.\n", encoding="utf-8")
    (second / "summary.yaml").write_text(
        "source:\n  id: second\n  title: Iran says nothing\nstatements:\n"
        "  - id: iran-says-nothing\n    speaker: iran\n    type: claims\n"
        '    summary: Nothing.\n    quote: "Iran said nothing today"\n',
        encoding="utf-8",
    )


CASES = [
    # Invalid YAML.
    Case(
        "yaml-unclosed-bracket",
        replace("  outlet: CBS News\n", "  outlet: [CBS News\n"),
        _at("  contributors:", "invalid YAML: did not find expected ',' or ']'"),
    ),
    Case(
        "yaml-bad-indentation",
        replace(
            "    kind: state\n    description: Carried out the drone",
            "    kind: state\n   description: Carried out the drone",
        ),
        _at(
            "   description: Carried out the drone",
            "invalid YAML: did not find expected '-' indicator",
        ),
    ),
    Case(
        "yaml-tab",
        replace(
            "    kind: state\n    description: Carried out the drone",
            "\tkind: state\n    description: Carried out the drone",
        ),
        _at("\tkind: state", "invalid YAML: found a tab character that violates indentation"),
    ),
    Case(
        "yaml-repeated-key",
        replace("  outlet: CBS News\n", "  outlet: CBS News\n  outlet: CBS again\n"),
        lambda root: [
            f"{SUMMARY}:{line_of(root, '  outlet: CBS again')}: source.outlet: repeated key "
            f"(first at line {line_of(root, '  outlet: CBS News')})"
        ],
    ),
    Case(
        "yaml-alias",
        replace("  outlet: CBS News\n", "  outlet: &o CBS News\n  title2: *o\n"),
        _at("title2: *o", "YAML aliases (*name) are not allowed"),
    ),
    Case(
        "yaml-python-tag",
        replace("  outlet: CBS News\n", "  outlet: !!python/object/apply:os.system [ls]\n"),
        _at(
            "  outlet: !!python",
            "invalid YAML: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
    ),
    Case(
        "yaml-not-a-mapping",
        lambda root: (root / SUMMARY).write_text("- source\n- actors\n", encoding="utf-8"),
        lambda root: [
            f"{SUMMARY}:1: a summary must be a mapping with source, actors, locations, events and statements"
        ],
    ),
    # Wrong types, missing and unknown fields.
    Case(
        "wrong-type-integer",
        replace("        value: 1\n", "        value: one\n"),
        _at(
            "        value: one",
            "events[0].figures[0].value: 'one' must be a whole number or `unknown`",
        ),
    ),
    Case(
        "wrong-type-list",
        replace("    aliases:\n      - US\n      - U.S.\n", "    aliases: US\n"),
        _at("    aliases: US", "actors[0].aliases: Input should be a valid list (got 'US')"),
    ),
    Case(
        "wrong-type-list-for-text",
        replace("    name: ISIS\n", "    name: [ISIS]\n"),
        _at("    name: [ISIS]", "actors[18].name: Input should be a valid string"),
    ),
    Case(
        "negative-figure",
        replace("        value: 1\n", "        value: -1\n"),
        _at(
            "        value: -1",
            "events[0].figures[0].value: '-1' must be 0 or more",
        ),
    ),
    Case(
        "empty-name",
        replace("    name: ISIS\n", '    name: ""\n'),
        _at('    name: ""', "actors[18].name: String should have at least 1 character (got '')"),
    ),
    Case(
        "missing-field",
        replace("    name: United States\n", ""),
        _at("  - id: united-states", "actors[0].name: required field is missing"),
    ),
    Case(
        "unknown-field-source",
        replace("  outlet: CBS News\n", "  outlet: CBS News\n  outlett: CBS\n"),
        _at("  outlett: CBS", "source.outlett: unknown field 'outlett'; did you mean 'outlet'?"),
    ),
    Case(
        "unknown-field-actor",
        replace("    name: United States\n", "    name: United States\n    descripton: x\n"),
        _at(
            "    descripton: x",
            "actors[0].descripton: unknown field 'descripton'; did you mean 'description'?",
        ),
    ),
    Case(
        "unknown-field-no-suggestion",
        replace(
            "    name: United States\n", "    name: United States\n    favourite_food: dates\n"
        ),
        _at(
            "    favourite_food: dates", "actors[0].favourite_food: unknown field 'favourite_food'"
        ),
    ),
    Case(
        "unknown-enum-value",
        replace(
            "    kind: state\n    description: Carried out the drone",
            "    kind: nation\n    description: Carried out the drone",
        ),
        _at(
            "    kind: nation",
            "actors[0].kind: 'nation' is not one of: 'person', 'organization', 'armed-group', "
            "'government', 'military-unit', 'state', 'coalition' or 'group'",
        ),
    ),
    Case(
        "sub-type-of-another-type",
        replace("    sub_type: Air/drone strike\n", "    sub_type: Agreement\n", first=True),
        _at(
            "  - id: baghdad-drone-strike",
            "events[0]: sub_type 'Agreement' does not belong to type 'Explosions/Remote "
            "violence' (allowed: Air/drone strike, Chemical weapon, Grenade, Remote "
            "explosive/landmine/IED, Shelling/artillery/missile attack, Suicide bomb)",
        ),
    ),
    Case(
        "country-without-quote",
        replace('    country_quote: "the Houthi rebels in Yemen"\n', ""),
        _at(
            "  - id: houthi-rebels",
            "actors[15]: `country` needs a `country_quote` that supports it",
        ),
    ),
    # Ids: unknown, duplicate, not slugs.
    Case(
        "unknown-id-with-suggestion",
        replace("        target: us-led-coalition\n", "        target: us-led-coalitoin\n"),
        _at(
            "        target: us-led-coalitoin",
            "actors[0].relations[0].target: unknown id 'us-led-coalitoin'; "
            "did you mean 'us-led-coalition'?",
        ),
    ),
    Case(
        "unknown-id",
        replace(
            "  - id: iraqi-armed-forces-blatant-assassination\n    speaker: iraqi-armed-forces\n",
            "  - id: iraqi-armed-forces-blatant-assassination\n    speaker: nobody-at-all\n",
        ),
        _at("    speaker: nobody-at-all", "statements[0].speaker: unknown id 'nobody-at-all'"),
    ),
    Case(
        "id-of-the-wrong-category",
        replace(
            "  - id: iraqi-armed-forces-blatant-assassination\n    speaker: iraqi-armed-forces\n",
            "  - id: iraqi-armed-forces-blatant-assassination\n    speaker: baghdad\n",
        ),
        lambda root: [
            f"{SUMMARY}:{line_of(root, '    speaker: baghdad')}: statements[0].speaker: "
            "'baghdad' is a city (location), but this field needs one of the actors "
            f"(defined at {SUMMARY}:{line_of(root, '  - id: baghdad', exact=True)})"
        ],
    ),
    Case(
        "duplicate-id",
        replace("  - id: local-forces\n", DUPLICATE_ISIS),
        lambda root: [
            f"{SUMMARY}:{line_of(root, '    name: ISIS again') - 1}: actors[19].id: "
            f"duplicate id 'isis' (first defined at line {_first_isis(root)})"
        ],
    ),
    Case(
        "id-not-a-slug",
        replace("  - id: hamas\n", "  - id: Hamas Group\n"),
        _at(
            "  - id: Hamas Group",
            "actors[21].id: 'Hamas Group' is not a valid id: use lower-case letters, digits "
            "and hyphens",
        ),
    ),
    Case(
        "id-is-a-path",
        replace("  - id: hamas\n", "  - id: ../../etc/passwd\n"),
        _at(
            "  - id: ../../etc/passwd",
            "actors[21].id: '../../etc/passwd' is not a valid id: use lower-case letters, "
            "digits and hyphens",
        ),
    ),
    Case(
        "source-file-is-a-path",
        replace("  file: source.txt\n", "  file: ../../../etc/passwd\n"),
        _at(
            "  file: ../../../etc/passwd",
            "source.file: String should match pattern '^[A-Za-z0-9][A-Za-z0-9._-]*$' "
            "(got '../../../etc/passwd')",
        ),
    ),
    # Dates.
    Case(
        "date-not-iso",
        replace("  language: en\n", '  published: "Feb 7 2024"\n  language: en\n'),
        _at("  published:", "source.published: 'Feb 7 2024' must be YYYY, YYYY-MM or YYYY-MM-DD"),
    ),
    Case(
        "date-impossible-quoted",
        replace("  language: en\n", '  published: "2023-02-29"\n  language: en\n'),
        _at(
            "  published:",
            "source.published: '2023-02-29' is not a real date (day is out of range for month)",
        ),
    ),
    Case(
        "date-impossible-unquoted",
        replace("  language: en\n", "  published: 2023-02-29\n  language: en\n"),
        _at(
            "  published:",
            "source.published: '2023-02-29' is not a real date (day is out of range for month)",
        ),
    ),
    Case(
        "date-month-13",
        replace("  language: en\n", "  published: 2024-13-01\n  language: en\n"),
        _at(
            "  published:",
            "source.published: '2024-13-01' is not a real date (month must be in 1..12)",
        ),
    ),
    # Quotes.
    Case(
        "quote-not-in-source-close",
        replace(
            '    quote: "criticized the US for the strike"\n',
            '    quote: "criticised the US for the strike"\n',
        ),
        _at(
            '    quote: "criticised the US',
            f"actors[0].quote: quote not found in {SOURCE}: 'criticised the US for the strike'\n"
            "    closest passage (97% similar): 'criticized the US for the strike,'",
        ),
    ),
    Case(
        "quote-not-in-source-at-all",
        replace(
            '    quote: "criticized the US for the strike"\n',
            '    quote: "zebras are dancing on the moon"\n',
        ),
        lambda root: [
            f"{SUMMARY}:{line_of(root, 'zebras')}: actors[0].quote: quote not found in "
            f"{SOURCE}: 'zebras are dancing on the moon'" + _closest_suffix(root)
        ],
    ),
    Case(
        "quote-too-short",
        replace('    quote: "established to combat ISIS"\n', '    quote: "IS"\n'),
        _at(
            '    quote: "IS"',
            "actors[18].quote: String should have at least 3 characters (got 'IS')",
        ),
    ),
    # URLs.
    Case(
        "url-javascript",
        replace("  language: en\n", '  url: "javascript:alert(1)"\n  language: en\n'),
        _at("  url:", "source.url: 'javascript:alert(1)' must be an http:// or https:// URL"),
    ),
    # Files: missing, not UTF-8, empty, not regular, outside the project, too large.
    Case(
        "source-missing",
        lambda root: (root / SOURCE).unlink(),
        lambda root: [f"{SOURCE}: file not found"],
    ),
    Case(
        "source-named-in-summary-missing",
        replace("  file: source.txt\n", "  file: article.txt\n"),
        lambda root: [f"{FOLDER}/article.txt: file not found"],
    ),
    Case(
        "summary-missing",
        lambda root: (root / "seeds/second").mkdir(),
        lambda root: ["seeds/second/summary.yaml: file not found"],
    ),
    Case(
        "no-seeds-folder",
        lambda root: shutil.rmtree(root / "seeds"),
        lambda root: ["seeds: no seeds/ folder: nothing to generate from"],
    ),
    Case(
        "no-summaries",
        lambda root: shutil.rmtree(root / FOLDER),
        lambda root: ["seeds: no summary.yaml found in any folder"],
    ),
    Case(
        "source-not-utf8",
        _non_utf8(SOURCE, b"Yehia Rasool, the", b"Yehia Ras\xf6ol, the"),
        _non_utf8_expected(SOURCE, 0xF6),
    ),
    Case(
        "summary-not-utf8",
        _non_utf8(SUMMARY, b"  outlet: CBS News", b"  outlet: CBS \xe9News"),
        _non_utf8_expected(SUMMARY, 0xE9),
    ),
    Case(
        "summary-utf16",
        lambda root: (root / SUMMARY).write_bytes(
            (root / SUMMARY).read_text(encoding="utf-8").encode("utf-16")
        ),
        lambda root: [f"{SUMMARY}:1: is not UTF-8 (byte 0xff at offset 0)"],
    ),
    Case(
        "summary-empty",
        lambda root: (root / SUMMARY).write_bytes(b""),
        lambda root: [f"{SUMMARY}: is empty"],
    ),
    Case(
        "summary-only-comments",
        lambda root: (root / SUMMARY).write_text("# to do\n\n", encoding="utf-8"),
        lambda root: [f"{SUMMARY}: is empty"],
    ),
    Case(
        "source-empty",
        lambda root: (root / SOURCE).write_text(" \n\n\t\n", encoding="utf-8"),
        lambda root: [f"{SOURCE}: is empty"],
    ),
    Case(
        "source-is-a-folder",
        lambda root: ((root / SOURCE).unlink(), (root / SOURCE).mkdir()),
        lambda root: [f"{SOURCE}: is not a regular file"],
    ),
    Case(
        "source-is-a-fifo",  # reading it would block forever
        lambda root: ((root / SOURCE).unlink(), os.mkfifo(root / SOURCE)),
        lambda root: [f"{SOURCE}: is not a regular file"],
    ),
    Case(
        "source-symlink-outside",
        _symlink_outside,
        lambda root: [
            f"{SOURCE}: is a link to {(root.parent / 'outside.txt').resolve()}, outside the "
            "project; refused"
        ],
    ),
    Case(
        "seed-folder-symlink-outside",
        _folder_outside,
        lambda root: [
            f"seeds/elsewhere/summary.yaml: is a link to "
            f"{(root.parent / 'elsewhere/summary.yaml').resolve()}, outside the project; refused"
        ],
    ),
    Case(
        "summary-over-the-size-limit",
        lambda root: os.truncate(root / SUMMARY, 65 * 2**20),  # sparse: no disk used
        lambda root: [f"{SUMMARY}: is 68,157,440 bytes (65.0 MB); the limit is 64 MB"],
    ),
    Case(
        "source-far-over-the-size-limit",
        lambda root: os.truncate(root / SOURCE, 10 * 2**30),
        lambda root: [f"{SOURCE}: is 10,737,418,240 bytes (10240.0 MB); the limit is 64 MB"],
    ),
    Case(
        "problems-without-a-field-sort-with-problems-that-have-one",
        replace("  outlet: CBS News\n", "  outlet: CBS News\n  extra: {k: &o v, j: *o, k: 2}\n"),
        lambda root: [
            f"{SUMMARY}:13: YAML aliases (*name) are not allowed",
            f"{SUMMARY}:13: source.extra.k: repeated key (first at line 13)",
        ],
    ),
    Case(
        "a-broken-summary-does-not-cause-unknown-id-errors-elsewhere",
        _broken_summary_and_one_citing_its_actor,
        lambda root: [
            f"{SUMMARY}:13: source.outlett: unknown field 'outlett'; did you mean 'outlet'?"
        ],
    ),
]


def _first_isis(root: Path) -> int:
    lines = (root / SUMMARY).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line == "  - id: isis")


def _closest_suffix(root: Path) -> str:
    from generator.sources.text import SourceText

    passage, score = SourceText((root / SOURCE).read_text(encoding="utf-8")).closest(
        "zebras are dancing on the moon"
    )
    return f"\n    closest passage ({score:.0f}% similar): {passage!r}" if score >= 50 else ""


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_reported_and_nothing_is_written(project, cli, case):
    case.mutate(project)
    before = snapshot(project / "content")

    result = cli("-C", project, "generate")

    assert_refused(project, result, error_output(*case.expected(project)), before)


def test_an_http_url_is_accepted(project, cli):
    replace(
        "  language: en\n", '  url: "https://www.cbsnews.com/news/iraq-strike/"\n  language: en\n'
    )(project)
    result = cli("-C", project, "generate")
    assert result.exit_code == 0, result.output


def test_unquoted_valid_date_is_accepted(project, cli):
    replace("  language: en\n", "  published: 2024-02-08\n  language: en\n")(project)
    result = cli("-C", project, "generate")
    assert result.exit_code == 0, result.output
    assert "| Published | 8 February 2024 |" in (
        project / "content/sources/cbs-baghdad-drone-strike.md"
    ).read_text(encoding="utf-8")


# --- bugs found in the error reporting ------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"])
def test_control_character_in_the_summary_names_the_line(project, cli, char):
    replace("  outlet: CBS News\n", f"  outlet: CBS{char}News\n")(project)
    before = snapshot(project / "content")

    result = cli("-C", project, "generate")

    code = f"#x{ord(char):04x}"
    assert_refused(
        project,
        result,
        error_output(
            f"{SUMMARY}:12: invalid YAML: unacceptable character {code}: "
            "control characters are not allowed"
        ),
        before,
    )


def test_a_file_just_over_the_limit_is_not_reported_as_the_limit(project, cli):
    os.truncate(project / SOURCE, 64 * 2**20 + 1)

    result = cli("-C", project, "generate")

    assert result.exit_code == 1
    match = re.fullmatch(
        rf"Error: {SOURCE}: is ([\d.,]+) (MB|bytes)[^\n]*; the limit is 64 MB\n"
        r"1 problem found; nothing was written\.\n",
        result.output,
    )
    assert match, result.output
    size = float(match[1].replace(",", "")) * (2**20 if match[2] == "MB" else 1)
    assert size > 64 * 2**20, f"the size shown is not over the limit: {result.output!r}"


# --- several problems in one run ------------------------------------------------


def test_all_problems_of_a_run_are_reported_together(project, cli):
    # Three problems in the demo summary (schema errors are all reported together).
    replace("  outlet: CBS News\n", "  outlet: CBS News\n  outlett: CBS\n")(project)
    replace("        value: 1\n", "        value: one\n")(project)
    replace(
        "    kind: state\n    description: Carried out the drone",
        "    kind: nation\n    description: Carried out the drone",
    )(project)
    # A second source with invalid YAML, a third with a missing text, a fourth whose
    # references and quotes are wrong, and a fifth that is not UTF-8.
    seeds = project / "seeds"
    for name in ("b-yaml", "c-missing", "d-refs", "e-latin1"):
        (seeds / name).mkdir()
    (seeds / "b-yaml/source.txt").write_text("Text.\n", encoding="utf-8")
    (seeds / "b-yaml/summary.yaml").write_text("source:\n  id: [b\n", encoding="utf-8")
    (seeds / "c-missing/summary.yaml").write_text(
        "source:\n  id: c-missing\n  title: C\n", encoding="utf-8"
    )
    (seeds / "d-refs/source.txt").write_text("The mayor spoke on Monday.\n", encoding="utf-8")
    (seeds / "d-refs/summary.yaml").write_text(
        "source:\n  id: d-refs\n  title: D\n"
        "actors:\n  - id: mayor\n    name: The mayor\n    kind: person\n"
        "    quote: The mayor spoke\n"
        "  - id: mayor\n    name: The mayor again\n    kind: person\n"
        "    quote: The governor spoke\n"
        "statements:\n  - id: s\n    speaker: mayr\n    type: claims\n    summary: Spoke.\n"
        "    quote: spoke on Monday\n",
        encoding="utf-8",
    )
    (seeds / "e-latin1/source.txt").write_text("Text.\n", encoding="utf-8")
    (seeds / "e-latin1/summary.yaml").write_bytes(b"source:\n  id: e\n  title: Caf\xe9\n")
    before = snapshot(project / "content")

    result = cli("-C", project, "generate")

    assert_refused(
        project,
        result,
        error_output(
            "seeds/b-yaml/summary.yaml:3: invalid YAML: did not find expected ',' or ']'",
            "seeds/c-missing/source.txt: file not found",
            f"{SUMMARY}:13: source.outlett: unknown field 'outlett'; did you mean 'outlet'?",
            f"{SUMMARY}:{line_of(project, '    kind: nation')}: actors[0].kind: 'nation' is "
            "not one of: 'person', 'organization', 'armed-group', 'government', "
            "'military-unit', 'state', 'coalition' or 'group'",
            f"{SUMMARY}:{line_of(project, '        value: one')}: events[0].figures[0].value: "
            "'one' must be a whole number or `unknown`",
            "seeds/d-refs/summary.yaml:9: actors[1].id: duplicate id 'mayor' (first defined at "
            "line 5)",
            "seeds/d-refs/summary.yaml:12: actors[1].quote: quote not found in "
            "seeds/d-refs/source.txt: 'The governor spoke'\n"
            "    closest passage (73% similar): 'The mayor spoke'",
            "seeds/d-refs/summary.yaml:15: statements[0].speaker: unknown id 'mayr'; did you "
            "mean 'mayor'?",
            "seeds/e-latin1/summary.yaml:3: is not UTF-8 (byte 0xe9 at offset 28)",
        ),
        before,
    )


# --- very large inputs: no crash, no hang -----------------------------------------


def test_a_30_mb_source_text_is_handled(tmp_path):
    root = copy_project(tmp_path / "project")
    paragraph = "Officials met in the city on Tuesday. They discussed roads and schools.\n"
    with open(root / SOURCE, "a", encoding="utf-8") as handle:
        handle.write(paragraph * (30 * 2**20 // len(paragraph)))
    assert (root / SOURCE).stat().st_size > 30 * 2**20

    result = run_child(root, "generate")

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == ""
    assert re.fullmatch(
        r"Generated content/: 0 created, \d+ updated, 0 deleted, \d+ unchanged\.\n", result.stdout
    )
    page = (root / "content/sources/cbs-baghdad-drone-strike.md").stat().st_size
    assert page > 30 * 2**20


def test_thousands_of_problems_are_all_reported(project, cli):
    entries = "".join(
        f"  - id: extra-{n}\n    name: Extra {n}\n    kind: person\n    quot: x\n"
        for n in range(3000)
    )
    replace("actors:\n", "actors:\n" + entries)(project)
    before = snapshot(project / "content")

    result = cli("-C", project, "generate")

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "6000 problems found; nothing was written."
    assert lines[0] == f"Error: {SUMMARY}:20: actors[0].quote: required field is missing"
    assert lines[1] == f"{SUMMARY}:23: actors[0].quot: unknown field 'quot'; did you mean 'quote'?"
    assert lines[-2] == (
        f"{SUMMARY}:{20 + 4 * 2999 + 3}: actors[2999].quot: unknown field 'quot'; "
        "did you mean 'quote'?"
    )
    assert snapshot(project / "content") == before


def test_yaml_billion_laughs_is_refused(project, cli):
    bomb = '    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"    {level}: &{level} [{', '.join([f'*{previous}'] * 9)}]\n"
    replace("  outlet: CBS News\n", "  outlet: CBS News\n  extra:\n" + bomb)(project)
    before = snapshot(project / "content")

    result = cli("-C", project, "generate")

    assert_refused(
        project,
        result,
        error_output(
            f"{SUMMARY}:{line_of(project, '    b: &b')}: YAML aliases (*name) are not allowed"
        ),
        before,
    )


def test_a_30_mb_value_gets_a_short_error(project, cli):
    huge = "x" * (30 * 2**20)
    replace(
        "    description: Carried out the drone strike in Baghdad and the airstrikes in Iraq and Syria.\n",
        f"    description: {huge}\n",
    )(project)

    result = cli("-C", project, "generate")

    assert result.exit_code == 1
    assert re.fullmatch(
        rf"Error: {SUMMARY}:26: actors\[0\]\.description: String should have at most 2000 "
        r"characters \(got 'x{50,200}…\)\n1 problem found; nothing was written\.\n",
        result.output,
    ), result.output[:500]


@pytest.mark.parametrize(
    ("nested", "line"),
    [
        ("[" * 50_000 + "]" * 50_000, 12),
        ("\n    " + "- " * 50_000 + "CBS News", 13),
        # 64 levels of four spaces: the 64th nested key, 63 lines below the outlet's.
        ("".join(f"\n{' ' * 4 * level}level{level}:" for level in range(2, 100)) + " CBS", 75),
    ],
    ids=["brackets", "dashes", "indentation"],
)
def test_deeply_nested_yaml_is_an_error_not_a_crash(tmp_path, nested, line):
    root = copy_project(tmp_path / "project")
    replace("  outlet: CBS News\n", f"  outlet: {nested}\n")(root)
    before = snapshot(root / "content")

    result = run_child(root, "generate", timeout=120)

    assert result.returncode == 1, f"exit {result.returncode}"
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {SUMMARY}:{line}: nesting deeper than 64 levels is not allowed\n"
        "1 problem found; nothing was written.\n"
    )
    assert snapshot(root / "content") == before


def test_a_long_quote_missing_from_a_large_source_is_reported_without_hanging(tmp_path):
    root = copy_project(tmp_path / "project")
    big = root / "seeds/big"
    big.mkdir()
    paragraph = "Officials met in the city on Tuesday. They discussed the roads and the schools.\n"
    (big / "source.txt").write_text(paragraph * (2**20 // len(paragraph)), encoding="utf-8")
    words = ["zebra", "moon", "dance", "tonight", "quietly", "river", "harbour", "lantern"]
    pick = random.Random(1).choice
    quote = " ".join(pick(words) for _ in range(580))
    assert len(quote) > 4000
    (big / "summary.yaml").write_text(
        "source:\n  id: big\n  title: Big\nactors:\n  - id: officials\n"
        f"    name: Officials\n    kind: group\n    quote: {quote}\n",
        encoding="utf-8",
    )

    try:
        result = run_child(root, "generate", timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("reporting one missing quote took more than 20 s")

    assert result.returncode == 1
    assert result.stderr.startswith(
        "Error: seeds/big/summary.yaml:8: actors[0].quote: quote not found in "
        f"seeds/big/source.txt: '{quote[:100]}"
    )
    assert result.stderr.endswith("\n1 problem found; nothing was written.\n")
