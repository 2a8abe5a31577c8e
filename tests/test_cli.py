"""The `factsheets` command line: exact output and exit codes, help, schema, README coverage."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from conftest import ROOT, factsheets, without_undated

from generator.cli import main
from generator.common.project import EXPLORE_DIRS, GENERATED_DIRS
from generator.sources.schema import FORMAT, json_schema

SUMMARY = yaml.safe_load(
    (ROOT / "seeds" / "cbs-baghdad-drone-strike" / "summary.yaml").read_text(encoding="utf-8")
)
GENERATED = sorted(
    [
        "content/index.md",  # its "at a glance" section
        *(
            path.relative_to(ROOT).as_posix()
            for folder in GENERATED_DIRS
            for path in (ROOT / "content" / folder).glob("*.md")
        ),
    ]
)
"""Every generated page of the demo (relative to the project), as committed."""
PAGES = len(GENERATED)
COMMANDS = sorted(main.commands)


# --- generate ------------------------------------------------------------------


def test_generate_on_an_up_to_date_project_changes_nothing(cli, project: Path) -> None:
    before = {p: (project / p).read_bytes() for p in GENERATED}
    result = cli("-C", project, "generate")
    assert (result.exit_code, result.output) == (
        0,
        f"Generated content/: 0 created, 0 updated, 0 deleted, {PAGES} unchanged.\n",
    )
    assert {p: (project / p).read_bytes() for p in GENERATED} == before
    # And again, from the no-op fast path.
    result = cli("-C", project, "generate")
    assert (result.exit_code, result.output) == (
        0,
        f"Generated content/: 0 created, 0 updated, 0 deleted, {PAGES} unchanged.\n",
    )


def test_generate_recreates_a_missing_page(cli, project: Path) -> None:
    page = project / "content" / "actors" / "isis.md"
    page.unlink()
    result = cli("-C", project, "generate")
    assert (result.exit_code, result.output) == (
        0,
        f"Generated content/: 1 created, 0 updated, 0 deleted, {PAGES - 1} unchanged.\n",
    )
    assert page.read_bytes() == (ROOT / "content" / "actors" / "isis.md").read_bytes()


def test_generate_verbose_lists_files_and_quiet_prints_nothing(cli, project: Path) -> None:
    # The first run renders every page; the next, only the missing page, the sources
    # index (its coverage table counts everything, so it is rendered every time), the
    # Map, Timeline and Network pages (which list everything), the Data page (which
    # prints the size of files made of everything), and the About and home pages (which
    # count everything).
    for rendered in (PAGES, 1 + 1 + len(EXPLORE_DIRS) + 1 + 2):
        (project / "content" / "actors" / "isis.md").unlink()
        result = cli("-C", project, "-v", "generate")
        assert (result.exit_code, result.output) == (
            0,
            f"Rendered {rendered} of {PAGES} pages (the others cannot change).\n"
            "  created: content/actors/isis.md\n"
            f"Generated content/: 1 created, 0 updated, 0 deleted, {PAGES - 1} unchanged.\n",
        )
    (project / "content" / "actors" / "isis.md").unlink()
    result = cli("-C", project, "-q", "generate")
    assert (result.exit_code, result.output) == (0, "")


def test_generate_deletes_a_pristine_page_no_summary_produces(cli, project: Path) -> None:
    ghost = project / "content" / "actors" / "ghost.md"
    shutil.copy(project / "content" / "actors" / "isis.md", ghost)
    result = cli("-C", project, "-v", "generate")
    assert (result.exit_code, result.output) == (
        0,
        f"Rendered {PAGES} of {PAGES} pages (the others cannot change).\n"
        "  deleted: content/actors/ghost.md\n"
        f"Generated content/: 0 created, 0 updated, 1 deleted, {PAGES} unchanged.\n",
    )
    assert not ghost.exists()


def test_generate_leaves_a_page_edited_between_the_markers_and_exits_3(cli, project: Path) -> None:
    page = project / "content" / "actors" / "hamas.md"
    edited = page.read_text(encoding="utf-8").replace("# Hamas", "# Hamas (edited)")
    page.write_text(edited, encoding="utf-8")
    result = cli("-C", project, "generate")
    assert (result.exit_code, result.output) == (
        3,
        "Edited between the markers, left untouched: content/actors/hamas.md\n"
        f"Generated content/: 0 created, 0 updated, 0 deleted, {PAGES - 1} unchanged.\n"
        "Error: some pages were left untouched because they were edited between the markers "
        "or lost them; move the edits below the end marker, or rerun with --force "
        "(which backs the pages up first).\n",
    )
    assert page.read_text(encoding="utf-8") == edited


def test_generate_force_backs_up_and_regenerates(cli, project: Path) -> None:
    page = project / "content" / "actors" / "hamas.md"
    page.write_text(page.read_text(encoding="utf-8").replace("# Hamas", "# Hamas!"), "utf-8")
    result = cli("-C", project, "generate", "--force")
    [backup] = (project / ".factsheets" / "backups" / "content" / "actors").iterdir()
    assert (result.exit_code, result.output) == (
        0,
        "Edited between the markers, regenerated (forced): content/actors/hamas.md\n"
        f"Generated content/: 0 created, 0 updated, 0 deleted, {PAGES - 1} unchanged.\n"
        f"Backed up .factsheets/backups/content/actors/{backup.name}\n",
    )
    assert page.read_bytes() == (ROOT / "content" / "actors" / "hamas.md").read_bytes()


# --- generate --check ----------------------------------------------------------


def test_check_mode_on_a_fresh_project(cli, project: Path) -> None:
    result = cli("-C", project, "generate", "--check")
    assert (result.exit_code, result.output) == (
        0,
        f"Checked content/: 0 created, 0 updated, 0 deleted, {PAGES} unchanged.\n",
    )


def test_check_mode_on_a_stale_project_exits_3_and_writes_nothing(cli, project: Path) -> None:
    (project / "content" / "actors" / "isis.md").unlink()
    ghost = project / "content" / "events" / "ghost.md"
    shutil.copy(project / "content" / "events" / "baghdad-funeral.md", ghost)
    result = cli("-C", project, "generate", "--check")
    assert (result.exit_code, result.output) == (
        3,
        "  created: content/actors/isis.md\n"
        "  deleted: content/events/ghost.md\n"
        f"Checked content/: 1 created, 0 updated, 1 deleted, {PAGES - 1} unchanged "
        "(would be changed)\n"
        "Error: content/ is not up to date with seeds/; run `factsheets generate`.\n",
    )
    assert not (project / "content" / "actors" / "isis.md").exists()
    assert ghost.exists()


def test_check_mode_sees_a_changed_summary(cli, project: Path) -> None:
    summary = project / "seeds" / "cbs-baghdad-drone-strike" / "summary.yaml"
    text = summary.read_text(encoding="utf-8")
    summary.write_text(text.replace("outlet: CBS News", "outlet: CBS"), encoding="utf-8")
    result = cli("-C", project, "generate", "--check")
    assert result.exit_code == 3
    assert result.output.splitlines()[-1] == (
        "Error: content/ is not up to date with seeds/; run `factsheets generate`."
    )
    assert "  updated: content/sources/cbs-baghdad-drone-strike.md" in result.output


# --- check ----------------------------------------------------------------------


def plural(items: list, word: str) -> str:
    return f"{len(items)} {word}{'' if len(items) == 1 else 's'}"


def test_check_counts_what_the_seeds_describe(cli, project: Path) -> None:
    counts = ", ".join(
        [
            "1 source",
            plural(SUMMARY["actors"], "actor"),
            plural(SUMMARY["locations"], "location"),
            plural(SUMMARY["events"], "event"),
            plural(SUMMARY["statements"], "statement"),
        ]
    )
    result = cli("-C", project, "check")
    assert (result.exit_code, without_undated(result.output)) == (0, f"OK: {counts}.\n")


def test_check_reports_invalid_input_with_exit_1(cli, project: Path) -> None:
    summary = project / "seeds" / "cbs-baghdad-drone-strike" / "summary.yaml"
    text = summary.read_text(encoding="utf-8")
    summary.write_text(text.replace("kind: state", "kind: nation", 1), encoding="utf-8")
    result = cli("-C", project, "check")
    assert result.exit_code == 1
    line = text[: text.index("kind: state")].count("\n") + 1
    assert without_undated(result.output) == (
        f"Error: seeds/cbs-baghdad-drone-strike/summary.yaml:{line}: actors[0].kind: "
        "'nation' is not one of: 'person', 'organization', 'armed-group', 'government', "
        "'military-unit', 'state', 'coalition' or 'group'\n"
        "1 problem found; nothing was written.\n"
    )


def test_check_on_a_small_fictional_project(cli, fictional) -> None:
    fictional.add(
        "harbour",
        "Mayor Ana Ruiz opened the bridge.\n",
        """
        source:
          id: harbour-news
          title: Bridge opens
        actors:
          - id: ana-ruiz
            name: Ana Ruiz
            kind: person
            quote: Mayor Ana Ruiz
        """,
    )
    result = cli("-C", fictional.root, "check")
    assert (result.exit_code, without_undated(result.output)) == (
        0,
        "OK: 1 source, 1 actor, 0 locations, 0 events, 0 statements.\n",
    )


def test_commands_outside_a_project_say_where_they_looked(cli, tmp_path: Path) -> None:
    result = cli("-C", tmp_path, "check")
    assert (result.exit_code, without_undated(result.output)) == (
        1,
        f"Error: {tmp_path / 'mkdocs.yml'} not found: run this inside a fact-sheet project.\n",
    )


# --- schema -----------------------------------------------------------------------


def test_schema_matches_the_committed_file(cli) -> None:
    result = cli("schema")
    assert result.exit_code == 0
    committed = (ROOT / "schema" / "summary.schema.json").read_text(encoding="utf-8")
    assert result.output == committed, "run `make schema` and commit schema/summary.schema.json"
    schema = json.loads(result.output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "Fact-sheet summary (summary.yaml)"
    assert schema["required"] == ["source"]


def test_schema_to_a_file(cli, tmp_path: Path) -> None:
    target = tmp_path / "out" / "schema.json"
    result = cli("schema", "-o", target)
    assert (result.exit_code, result.output) == (0, f"Wrote {target}\n")
    assert target.read_text(encoding="utf-8") == cli("schema").output


# --- help, usage, version -----------------------------------------------------------


def test_main_help_lists_every_command_and_the_exit_codes() -> None:
    result = factsheets("--help")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: factsheets [OPTIONS] COMMAND [ARGS]...\n")
    commands = result.output.split("Commands:\n")[1].splitlines()
    assert [line.split()[0] for line in commands] == COMMANDS
    # Click wraps help to the terminal's width: compare the words.
    assert (
        "Exit codes: 0 success; 1 invalid input (nothing written), failed site build or "
        "write, or another run holds the lock; 2 wrong usage; 3 content/ is stale (--check) "
        "or has pages edited between the markers that were left alone."
    ) in " ".join(result.output.split())


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_command_has_help(name: str, flag: str) -> None:
    command = main.commands[name]
    result = factsheets(name, flag)
    assert result.exit_code == 0
    usage = result.output.split("\n\n")[0]
    assert usage.startswith(f"Usage: factsheets {name} [OPTIONS]"), usage
    first_line = command.help.strip().splitlines()[0]
    assert " ".join(first_line.split()) in " ".join(result.output.split())
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            for option in parameter.opts:
                assert option in result.output, f"{name} --help does not show {option}"
            assert parameter.help, f"{name} {parameter.opts[0]} has no help text"


def test_an_unknown_command_is_a_usage_error() -> None:
    result = factsheets("nope")
    assert (result.exit_code, result.output) == (
        2,
        "Usage: factsheets [OPTIONS] COMMAND [ARGS]...\n"
        "Try 'factsheets --help' for help.\n"
        "\n"
        "Error: No such command 'nope'.\n",
    )


def test_an_unknown_option_is_a_usage_error() -> None:
    result = factsheets("generate", "--frobnicate")
    assert (result.exit_code, result.output) == (
        2,
        "Usage: factsheets generate [OPTIONS]\n"
        "Try 'factsheets generate --help' for help.\n"
        "\n"
        "Error: No such option '--frobnicate'. Did you mean '--force'?\n",
    )


def test_version() -> None:
    result = factsheets("--version")
    assert (result.exit_code, result.output) == (0, f"factsheets 0.1.0 (summary format {FORMAT})\n")


# --- the installed command ---------------------------------------------------------


def run_command(*args: str | Path) -> subprocess.CompletedProcess:
    """`factsheets` as users run it (through `run`, which exits without cleaning up)."""
    command = [sys.executable, "-m", "generator", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (("--version",), 0, ""),
        (("no-such-command",), 2, "Error: No such command 'no-such-command'.\n"),
        (("-C", "{missing}", "check"), 1, "Error: {missing}/mkdocs.yml not found"),
    ],
    ids=["success", "usage-error", "error"],
)
def test_the_command_exits_with_its_code_after_all_its_output(
    tmp_path: Path, args: tuple[str, ...], code: int, stderr: str
) -> None:
    missing = tmp_path / "missing"
    result = run_command(*(arg.format(missing=missing) for arg in args))
    assert result.returncode == code, result.stderr
    assert stderr.format(missing=missing) in result.stderr
    if code == 0:
        assert result.stdout == f"factsheets 0.1.0 (summary format {FORMAT})\n"


def test_a_long_output_reaches_a_pipe_whole() -> None:
    result = run_command("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == json_schema()


# --- README -----------------------------------------------------------------------


def test_every_command_is_documented_in_the_readme() -> None:
    readme = ROOT / "README.md"
    assert readme.is_file(), "README.md is missing: it must document every factsheets command"
    text = readme.read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"factsheets {name}" not in text]
    assert not missing, (
        f"README.md does not document: {', '.join(f'`factsheets {n}`' for n in missing)}"
    )


def test_a_profiler_gets_to_write_its_results(tmp_path: Path) -> None:
    """The command ends with `os._exit`, which would skip cProfile's write at exit."""
    profile = tmp_path / "run.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "generator"]
    result = subprocess.run(
        [*command, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("factsheets ")
    assert profile.stat().st_size > 0
