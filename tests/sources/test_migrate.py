"""Summaries in format 1 rewritten in format 2: `migrate_text` keeps every byte it need not
change, reads as the same summary as `upgrade` does, and `factsheets migrate` validates every
summary before it rewrites any."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from conftest import ROOT, FictionalProject, copy_project, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.common.errors import Problems
from generator.output import files
from generator.sources.migrate import Migration, migrate_text, upgrade
from generator.sources.parse import parse_summary
from generator.sources.schema import FORMAT, Summary
from generator.sources.vocabulary import Qualifier, Role

DEMO = "seeds/cbs-baghdad-drone-strike/summary.yaml"
FORMAT_1_DEMO = ROOT / "tests" / "fixtures" / "format-1" / "cbs-baghdad-drone-strike.summary.yaml"
"""The demo's summary as it was in format 1, kept to prove old summaries still work."""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the demo project whose summary is in format 1, as an existing user's is."""
    root = copy_project(tmp_path / "project")
    (root / DEMO).write_bytes(FORMAT_1_DEMO.read_bytes())
    return root


CHANGED = "role suspected-perpetrator → perpetrator, certainty suspected"


def read(text: str) -> Summary:
    """The summary a text validates to; fails the test with every problem otherwise."""
    problems = Problems()
    summary = parse_summary(text, "summary.yaml", problems)
    assert summary is not None, [str(problem) for problem in problems.items]
    return summary


def same(a: Summary, b: Summary) -> bool:
    return a.model_dump(exclude={"format"}) == b.model_dump(exclude={"format"})


def one_of(values: type[StrEnum]) -> str:
    """The values as the message of a value that is none of them lists them."""
    *first, last = [repr(value.value) for value in values]
    return f"{', '.join(first)} or {last}"


def line_of(text: str, part: str) -> int:
    return text[: text.index(part)].count("\n") + 1


# --- migrate_text -------------------------------------------------------------------------

BLOCK = """\
# yaml-language-server: $schema=../../schema/summary.schema.json
# A summary in format 1.

source:
  id: harbour-news  # the outlet's slug
  title: Harbour blast
events:
  - id: blast
    title: Blast at the harbour
    quote: "A blast hit the harbour"
    participants:
      # Unquoted, with a trailing comment kept after the line.
      - actor: harbour-gang
        role: suspected-perpetrator   # "suspected"
        quote: "the gang is suspected"
      # Quoted, in single then double quotes.
      - actor: dock-crew
        role: 'suspected-perpetrator'
        quote: 'the crew is suspected'
      - role: "suspected-perpetrator"
        actor: port-police
        quote: "police are suspected"
      - actor: ships
        role: target  # not touched
        quote: "hit the ships"
    figures:
      - kind: fatalities
        value: 12
        qualifier: over # "over 12"
        quote: "over 12 dead"
      - kind: injured
        value: 30
        qualifier: 'over'
        quote: "over 30 hurt"
      - kind: targets
        value: 2
        qualifier: "about"
        quote: "about two ships"
"""

BLOCK_MIGRATED = """\
# yaml-language-server: $schema=../../schema/summary.schema.json
# A summary in format 1.

format: 2
source:
  id: harbour-news  # the outlet's slug
  title: Harbour blast
events:
  - id: blast
    title: Blast at the harbour
    quote: "A blast hit the harbour"
    participants:
      # Unquoted, with a trailing comment kept after the line.
      - actor: harbour-gang
        role: perpetrator   # "suspected"
        certainty: suspected
        quote: "the gang is suspected"
      # Quoted, in single then double quotes.
      - actor: dock-crew
        role: perpetrator
        certainty: suspected
        quote: 'the crew is suspected'
      - role: perpetrator
        certainty: suspected
        actor: port-police
        quote: "police are suspected"
      - actor: ships
        role: target  # not touched
        quote: "hit the ships"
    figures:
      - kind: fatalities
        value: 12
        qualifier: more-than # "over 12"
        quote: "over 12 dead"
      - kind: injured
        value: 30
        qualifier: more-than
        quote: "over 30 hurt"
      - kind: targets
        value: 2
        qualifier: "about"
        quote: "about two ships"
"""


def test_a_block_summary_is_rewritten_in_place_with_every_comment_kept() -> None:
    migration = migrate_text(BLOCK)
    assert migration.text == BLOCK_MIGRATED
    assert migration.changes == [
        "format: 2 added",
        f"line 14: {CHANGED}",
        f"line 18: {CHANGED}",
        f"line 20: {CHANGED}",
        "line 29: qualifier over → more-than",
        "line 33: qualifier over → more-than",
    ]
    # Every comment, byte for byte, in the same order.
    comments = [line[line.index("#") :] for line in BLOCK.splitlines() if "#" in line]
    assert [line[line.index("#") :] for line in BLOCK_MIGRATED.splitlines() if "#" in line] == (
        comments
    )
    assert same(read(migration.text), read(BLOCK))
    assert read(migration.text).format == FORMAT
    assert read(BLOCK).format == 1


def test_a_flow_style_participant_gets_its_certainty_inside_the_braces() -> None:
    raw = (
        "source: {id: s, title: T}  # flow source\n"
        "events:\n"
        "  - id: e\n"
        "    title: E\n"
        "    quote: the quote\n"
        "    participants:\n"
        '      - {actor: a, role: suspected-perpetrator, quote: "a, said: b"}  # flow\n'
        "      - {actor: b, role: 'suspected-perpetrator', certainty: claimed, quote: q b q}\n"
        "    figures: [{kind: targets, value: 3, qualifier: over, quote: over three}]\n"
    )
    migration = migrate_text(raw)
    assert migration.text == (
        "format: 2\n"
        "source: {id: s, title: T}  # flow source\n"
        "events:\n"
        "  - id: e\n"
        "    title: E\n"
        "    quote: the quote\n"
        "    participants:\n"
        "      - {actor: a, role: perpetrator, certainty: suspected,"
        ' quote: "a, said: b"}  # flow\n'
        "      - {actor: b, role: perpetrator, certainty: claimed, quote: q b q}\n"
        "    figures: [{kind: targets, value: 3, qualifier: more-than, quote: over three}]\n"
    )
    assert same(read(migration.text), read(raw))
    participants = read(migration.text).events[0].participants
    assert [(p.role.value, p.certainty.value) for p in participants] == [
        ("perpetrator", "suspected"),
        ("perpetrator", "claimed"),
    ]


def test_a_participant_that_has_a_certainty_keeps_it() -> None:
    raw = (
        "source:\n"
        "  id: s\n"
        "  title: T\n"
        "events:\n"
        "  - id: e\n"
        "    title: E\n"
        "    quote: the quote\n"
        "    participants:\n"
        "      - actor: a\n"
        "        certainty: alleged  # by the police\n"
        "        role: suspected-perpetrator\n"
        "        quote: is alleged\n"
        "      - actor: b\n"
        "        role: suspected-perpetrator\n"
        "        certainty: denied\n"
        "        quote: denies it\n"
    )
    migration = migrate_text(raw)
    assert migration.text == ("format: 2\n" + raw.replace("suspected-perpetrator", "perpetrator"))
    participants = read(migration.text).events[0].participants
    assert [p.certainty.value for p in participants] == ["alleged", "denied"]
    assert same(read(migration.text), read(raw))


def test_the_change_kept_certainty_is_not_reported_as_suspected() -> None:
    raw = (
        "source: {id: s, title: T}\n"
        "events:\n"
        "  - id: e\n"
        "    title: E\n"
        "    quote: the quote\n"
        "    participants:\n"
        "      - {actor: a, role: suspected-perpetrator, certainty: alleged, quote: qqq}\n"
    )
    assert migrate_text(raw).changes == [
        "format: 2 added",
        "line 7: role suspected-perpetrator → perpetrator",
    ]


def test_a_summary_in_format_2_is_left_as_it_is() -> None:
    raw = BLOCK_MIGRATED
    assert migrate_text(raw) == Migration(raw, [])
    # Even one whose values happen to read like format 1's words elsewhere.
    quoted = raw.replace('"over 12 dead"', '"over suspected-perpetrator"')
    assert migrate_text(quoted) == Migration(quoted, [])


def test_a_format_1_summary_without_old_values_only_gains_its_format() -> None:
    raw = "# comment\nsource:\n  id: s\n  title: T\n"
    assert migrate_text(raw) == Migration(
        "# comment\nformat: 2\nsource:\n  id: s\n  title: T\n", ["format: 2 added"]
    )


def test_the_last_line_without_a_newline() -> None:
    raw = (
        "source: {id: s, title: T}\n"
        "events:\n"
        "  - id: e\n"
        "    title: E\n"
        "    quote: the quote\n"
        "    participants:\n"
        "      - actor: a\n"
        "        quote: is suspected\n"
        "        role: suspected-perpetrator"
    )
    migration = migrate_text(raw)
    assert migration.text == (
        "format: 2\n"
        + raw.replace("suspected-perpetrator", "perpetrator")
        + "\n        certainty: suspected"
    )
    assert same(read(migration.text), read(raw))


def test_a_summary_that_says_format_1_is_migrated_too() -> None:
    raw = "format: 1\nsource: {id: s, title: T}\n"
    assert migrate_text(raw).text == "format: 2\nsource: {id: s, title: T}\n"


# --- the demo summary ---------------------------------------------------------------------


def test_the_demo_summary_migrates_to_the_same_summary_touching_only_its_old_values() -> None:
    raw = FORMAT_1_DEMO.read_text(encoding="utf-8")
    before = read(raw)
    assert before.format == 1
    role, qualifier = line_of(raw, "role: suspected-perpetrator"), line_of(raw, "qualifier: over")

    migration = migrate_text(raw)

    after = read(migration.text)
    assert after.format == FORMAT
    assert same(after, before)
    assert migration.changes == [
        "format: 2 added",
        f"line {role}: {CHANGED}",
        f"line {qualifier}: qualifier over → more-than",
    ]
    old, new = raw.splitlines(), migration.text.splitlines()
    diff = [
        line
        for line in difflib.unified_diff(old, new, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == [
        "+format: 2",
        "-        role: suspected-perpetrator",
        "+        role: perpetrator",
        "+        certainty: suspected",
        "-        qualifier: over",
        "+        qualifier: more-than",
    ]
    assert len(new) == len(old) + 2
    # Every other line, comments included, is the same line in the same order.
    kept = difflib.SequenceMatcher(None, old, new, autojunk=False)
    assert sum(block.size for block in kept.get_matching_blocks()) == len(old) - 2


# --- upgrade and migrate_text agree -------------------------------------------------------


def summary_data(participants: list[dict[str, str]], figures: list[dict[str, Any]]) -> dict:
    return {
        "source": {"id": "harbour-news", "title": "Harbour blast"},
        "actors": [
            {"id": f"actor-{i}", "name": f"Actor {i}", "kind": "group", "quote": "a group"}
            for i in range(len(participants))
        ],
        "events": [
            {
                "id": "blast",
                "title": "Blast",
                "quote": "a blast",
                "participants": [
                    {"actor": f"actor-{i}", **p, "quote": "took part"}
                    for i, p in enumerate(participants)
                ],
                "figures": [{"kind": "targets", **f, "quote": "some targets"} for f in figures],
            }
        ],
    }


def dumped(data: dict, style: str) -> str:
    """The data as YAML: in block style, in flow style, or every scalar double-quoted."""
    if style == "flow":
        return yaml.safe_dump(data, default_flow_style=True, sort_keys=False, width=60)
    if style == "quoted":
        return yaml.safe_dump(data, default_style='"', sort_keys=False)
    return yaml.safe_dump(data, sort_keys=False)


def assert_upgrade_matches_migration(data: dict, style: str) -> None:
    raw = dumped(data, style)
    upgraded = Summary.model_validate(upgrade(data))
    migration = migrate_text(raw)
    migrated = read(migration.text)
    assert migrated.format == FORMAT
    assert same(migrated, upgraded)
    assert same(read(raw), upgraded)
    # Nothing else in the data was touched: the text is the same once the old values are.
    old_values = ("suspected-perpetrator", "over")
    assert migration.changes[0] == "format: 2 added"
    assert len(migration.changes) == 1 + sum(
        value in old_values
        for event in data["events"]
        for item in event["participants"] + event["figures"]
        for value in (item.get("role"), item.get("qualifier"))
    )
    assert upgrade(upgraded.model_dump(mode="json")) == upgraded.model_dump(mode="json")


ROLES = [
    {"role": "suspected-perpetrator"},
    {"role": "suspected-perpetrator", "certainty": "claimed"},
    {"role": "perpetrator"},
    {"role": "target", "certainty": "alleged"},
]
QUALIFIERS: list[dict[str, Any]] = [{"value": 85, "qualifier": "over"}, {"value": 3}]


@pytest.mark.parametrize("style", ["block", "flow", "quoted"])
@pytest.mark.parametrize(
    ("participants", "figures"),
    [
        (ROLES, QUALIFIERS),
        (ROLES[:1], []),
        ([], QUALIFIERS[:1]),
        (ROLES[2:], QUALIFIERS[1:]),
        (list(itertools.repeat(ROLES[0], 3)), list(itertools.repeat(QUALIFIERS[0], 2))),
    ],
    ids=["mixed", "one-role", "one-qualifier", "nothing-old", "repeated"],
)
def test_upgrade_and_migrate_text_read_alike(
    participants: list[dict[str, str]], figures: list[dict[str, Any]], style: str
) -> None:
    assert_upgrade_matches_migration(summary_data(participants, figures), style)


participant = st.fixed_dictionaries(
    {"role": st.sampled_from(["suspected-perpetrator", "perpetrator", "victim", "target"])},
    optional={"certainty": st.sampled_from(["stated", "suspected", "claimed", "denied"])},
)
figure = st.fixed_dictionaries(
    {"value": st.integers(0, 10_000)},
    optional={"qualifier": st.sampled_from(["over", "about", "at-least", "exact", "up-to"])},
)


@settings(max_examples=60, deadline=None)
@given(
    participants=st.lists(participant, max_size=5),
    figures=st.lists(figure, max_size=4),
    style=st.sampled_from(["block", "flow", "quoted"]),
)
def test_upgrade_and_migrate_text_read_alike_whatever_the_summary(
    participants: list[dict[str, str]], figures: list[dict[str, Any]], style: str
) -> None:
    assert_upgrade_matches_migration(summary_data(participants, figures), style)


# --- factsheets migrate -------------------------------------------------------------------


def demo_changes(project: Path) -> str:
    raw = (project / DEMO).read_text(encoding="utf-8")
    return (
        f"format: 2 added; line {line_of(raw, 'role: suspected-perpetrator')}: {CHANGED}; "
        f"line {line_of(raw, 'qualifier: over')}: qualifier over → more-than"
    )


def test_migrate_check_on_the_demo_exits_3_and_writes_nothing(cli, project: Path) -> None:
    before = snapshot(project)
    result = cli("-C", project, "migrate", "--check")
    assert (result.exit_code, result.output) == (
        3,
        f"Would migrate {DEMO} to format 2: {demo_changes(project)}\n"
        "Error: 1 summary not in format 2; run `factsheets migrate`.\n",
    )
    assert snapshot(project) == before


def test_migrate_rewrites_the_demo_then_finds_nothing_to_do(cli, project: Path) -> None:
    raw = (project / DEMO).read_text(encoding="utf-8")
    changes = demo_changes(project)
    before = snapshot(project)

    result = cli("-C", project, "migrate")

    assert (result.exit_code, result.output) == (
        0,
        f"Migrated {DEMO} to format 2: {changes}\n1 summary migrated, 0 already in format 2.\n",
    )
    assert (project / DEMO).read_text(encoding="utf-8") == migrate_text(raw).text
    after = snapshot(project)
    assert {name for name in after if after[name] != before.get(name)} == {
        DEMO,
        files.LOCK,  # the lock file, created empty
    }
    assert after[files.LOCK] == b""
    assert same(read(after[DEMO].decode("utf-8")), read(raw))

    for args in (["migrate"], ["migrate", "--check"]):
        result = cli("-C", project, *args)
        assert (result.exit_code, result.output) == (0, "The summary is in format 2.\n")
    assert snapshot(project) == after


def test_migrate_quiet_prints_only_errors(cli, project: Path) -> None:
    assert (cli("-C", project, "-q", "migrate", "--check").output) == (
        "Error: 1 summary not in format 2; run `factsheets migrate`.\n"
    )
    result = cli("-C", project, "-q", "migrate")
    assert (result.exit_code, result.output) == (0, "")
    assert read((project / DEMO).read_text(encoding="utf-8")).format == FORMAT


SOURCE = "Police say the gang is suspected. Over 12 people died.\n"


def old_summary(name: str) -> str:
    return f"""
    # {name}, in format 1
    source:
      id: {name}
      title: Harbour blast  # as reported
    actors:
      - id: gang
        name: The gang
        kind: group
        quote: the gang
    events:
      - id: blast
        title: Blast
        quote: people died
        participants:
          - actor: gang
            role: suspected-perpetrator
            quote: the gang is suspected
        figures:
          - {{kind: fatalities, value: 12, qualifier: over, quote: Over 12 people died}}
    """


def test_migrate_rewrites_only_the_summaries_in_format_1(cli, fictional: FictionalProject) -> None:
    for name in ("a-old", "c-old"):
        fictional.add(name, SOURCE, old_summary(name))
    fictional.add(
        "b-current",
        SOURCE,
        "format: 2\nsource: {id: b-current, title: Blast}  # already current\n",
    )
    current = (fictional.root / "seeds/b-current/summary.yaml").read_bytes()
    before, _ = fictional.load()

    result = cli("-C", fictional.root, "migrate")

    changes = f"format: 2 added; line 16: {CHANGED}; line 19: qualifier over → more-than"
    assert (result.exit_code, result.output) == (
        0,
        f"Migrated seeds/a-old/summary.yaml to format 2: {changes}\n"
        f"Migrated seeds/c-old/summary.yaml to format 2: {changes}\n"
        "2 summaries migrated, 1 already in format 2.\n",
    )
    assert (fictional.root / "seeds/b-current/summary.yaml").read_bytes() == current
    after, problems = fictional.load()
    assert not problems
    assert [loaded.summary.format for loaded in after] == [FORMAT] * 3
    assert all(same(a.summary, b.summary) for a, b in zip(before, after, strict=True))
    text = (fictional.root / "seeds/a-old/summary.yaml").read_text(encoding="utf-8")
    assert text.startswith("# a-old, in format 1\nformat: 2\nsource:\n")
    assert "  title: Harbour blast  # as reported\n" in text
    assert fictional.problems() == []  # quotes and references check out as before

    result = cli("-C", fictional.root, "migrate")
    assert (result.exit_code, result.output) == (0, "All 3 summaries are in format 2.\n")


def test_an_invalid_summary_stops_migrate_before_anything_is_written(
    cli, fictional: FictionalProject
) -> None:
    fictional.add("a-old", SOURCE, old_summary("a-old"))
    fictional.add(
        "b-broken", SOURCE, old_summary("b-broken").replace("qualifier: over", "qualifier: under")
    )
    fictional.add("c-old", SOURCE, old_summary("c-old"))
    before = snapshot(fictional.root)

    for args in (["migrate"], ["migrate", "--check"]):
        result = cli("-C", fictional.root, *args)
        assert (result.exit_code, result.output) == (
            1,
            "Error: seeds/b-broken/summary.yaml:19: events[0].figures[0].qualifier: 'under' is "
            f"not one of: {one_of(Qualifier)}\n"
            "1 problem found; nothing was written.\n",
        )
        assert snapshot(fictional.root) == before


def test_an_invalid_summary_in_a_copy_of_the_demo(cli, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_content=False)
    (project / "seeds/broken").mkdir()
    (project / "seeds/broken/source.txt").write_text(SOURCE, encoding="utf-8")
    (project / "seeds/broken/summary.yaml").write_text(
        "source:\n  id: broken\n  title: Blast\n  colour: red\n", encoding="utf-8"
    )
    before = snapshot(project)
    result = cli("-C", project, "migrate")
    assert result.exit_code == 1
    assert result.output.startswith("Error: seeds/broken/summary.yaml:4: source.colour: ")
    assert result.output.endswith("1 problem found; nothing was written.\n")
    assert snapshot(project) == before


def test_migrate_waits_for_no_one_else_holding_the_lock(cli, project: Path) -> None:
    before = snapshot(project)
    with files.locked(project):
        result = cli("-C", project, "migrate")
    assert (result.exit_code, result.output) == (
        1,
        "Error: another factsheets run is writing to this project (it holds "
        ".factsheets.lock); wait for it to finish and try again\n",
    )
    assert (project / DEMO).read_bytes() == before[DEMO]


def with_migrate_text(
    monkeypatch: pytest.MonkeyPatch, rewrite: Callable[[str, Migration], str]
) -> None:
    """Make `factsheets migrate` rewrite each text with `rewrite(raw, migration)`."""

    def migrate_then(raw: str) -> Migration:
        migration = migrate_text(raw)
        return Migration(rewrite(raw, migration), migration.changes)

    monkeypatch.setattr(pipeline, "migrate_text", migrate_then)


@pytest.mark.parametrize(
    ("rewrite", "why"),
    [
        (
            lambda raw, m: m.text.replace("Harbour blast", "Harbour fire"),
            "reads as a different summary",
        ),
        (
            lambda raw, m: m.text.replace("role: perpetrator", "role: culprit"),
            # Line 17 of the rewritten text, which has `format: 2` above the rest.
            "does not validate (seeds/b-old/summary.yaml:17: events[0].participants[0].role: "
            f"'culprit' is not one of: {one_of(Role)})",
        ),
        (lambda raw, m: raw, "is still in format 1"),
    ],
    ids=["different", "invalid", "unchanged"],
)
def test_a_migration_that_would_change_a_summary_is_an_internal_error(
    cli,
    fictional: FictionalProject,
    monkeypatch: pytest.MonkeyPatch,
    rewrite: Callable[[str, Migration], str],
    why: str,
) -> None:
    fictional.add("a-current", SOURCE, "format: 2\nsource: {id: a-current, title: Blast}\n")
    fictional.add("b-old", SOURCE, old_summary("b-old"))
    before = snapshot(fictional.root)
    with_migrate_text(monkeypatch, rewrite)
    result = cli("-C", fictional.root, "migrate")
    assert (result.exit_code, result.output) == (
        1,
        "Error: internal error: seeds/b-old/summary.yaml cannot be migrated to format 2: "
        f"its rewritten text {why}. Nothing was written; please report this with the file.\n",
    )
    assert snapshot(fictional.root) == before


def test_a_summary_saved_during_the_migration_stops_it(
    cli, fictional: FictionalProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = fictional.add("a-old", SOURCE, old_summary("a-old")) / "summary.yaml"
    b = fictional.add("b-old", SOURCE, old_summary("b-old")) / "summary.yaml"
    edited = b.read_text(encoding="utf-8").replace("title: Blast", "title: The blast")

    def save_b(raw: str, migration: Migration) -> str:
        b.write_text(edited, encoding="utf-8")  # an editor saves b meanwhile
        return migration.text

    with_migrate_text(monkeypatch, save_b)
    a_before = a.read_bytes()
    result = cli("-C", fictional.root, "migrate")
    # a is checked first and is as it was read: it is not written either.
    assert (result.exit_code, result.output) == (
        1,
        "Error: seeds/b-old/summary.yaml changed while it was being migrated; nothing was "
        "written. Run `factsheets migrate` again.\n",
    )
    assert a.read_bytes() == a_before
    assert b.read_text(encoding="utf-8") == edited


def test_migrate_keeps_a_byte_order_mark(cli, fictional: FictionalProject) -> None:
    folder = fictional.add("a-old", SOURCE, old_summary("a-old"))
    raw = (folder / "summary.yaml").read_text(encoding="utf-8")
    (folder / "summary.yaml").write_bytes(("\ufeff" + raw).encode("utf-8"))
    result = cli("-C", fictional.root, "migrate")
    assert result.exit_code == 0, result.output
    assert (folder / "summary.yaml").read_bytes() == ("\ufeff" + migrate_text(raw).text).encode(
        "utf-8"
    )


def test_migrate_has_help(cli: Callable[..., Result]) -> None:
    result = cli("migrate", "--help")
    assert result.exit_code == 0
    assert "Rewrite summaries written in an older format in the current one." in result.output
    assert "--check" in result.output
