"""Many real sources, one faithful account: a rule per test, on `tests/fixtures/claims/`.

The fixture is five fictional reports (four outlets) on one invented story, a drone attack
on the port of Harrow Quay, written to hold every pattern real coverage has: a group
unnamed in the first report and named in later ones, a probable identity, a count revised
three times by one source, "Sunday" in Monday's report, consistent lower bounds, a real
disagreement, a suspected perpetrator named by another source and denying it in a third,
a toll broken down by place, second-hand attribution, the outlet's own assertion, one
statement in two outlets, a former leader, and sources calling one coalition by two kinds.

To regenerate its committed content/ after a reviewed change:

    .venv/bin/factsheets -C tests/fixtures/claims generate
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from generator.cli import main
from generator.sources.support import missing_terms

FIXTURE = ROOT / "tests" / "fixtures" / "claims"
HAND_WRITTEN = (
    "index.md",
    "search.md",
    "tags.md",
)
ATTACK = "events/harrow-quay-drone-attack.md"
POST = "harrow-quay-post-2031-05-05-drone-attack"


def copy_fixture(target: Path) -> Path:
    """The fixture with only its hand-written pages, ready to generate."""
    target.mkdir(parents=True)
    for name in ("mkdocs.yml",):
        shutil.copy(FIXTURE / name, target / name)
    shutil.copytree(FIXTURE / "overrides", target / "overrides")
    shutil.copytree(FIXTURE / "seeds", target / "seeds")
    for name in HAND_WRITTEN:
        (target / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURE / "content" / name, target / "content" / name)
    return target


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture generated afresh, with the budget users get."""
    root = copy_fixture(tmp_path_factory.mktemp("claims") / "project")
    code, output = run("-C", root, "generate")
    assert code == 0, output
    return root


@pytest.fixture(scope="module")
def page(fresh: Path):
    def read(path: str) -> str:
        return (fresh / "content" / path).read_text(encoding="utf-8")

    return read


def infobox(text: str) -> str:
    return text[text.index('<div class="fs-infobox"') : text.index("</div>")]


def rows(text: str, label: str) -> list[str]:
    """The second cells of the table rows whose first cell is `label`."""
    return [
        line.removeprefix(f"| {label} | ").removesuffix(" |")
        for line in text.splitlines()
        if line.startswith(f"| {label} | ")
    ]


def test_the_committed_content_is_what_the_generator_writes(fresh: Path) -> None:
    produced = {
        p.relative_to(fresh / "content"): p.read_bytes()
        for p in sorted((fresh / "content").rglob("*"))
        if p.is_file()
    }
    committed = {
        p.relative_to(FIXTURE / "content"): p.read_bytes()
        for p in sorted((FIXTURE / "content").rglob("*"))
        if p.is_file()
    }
    assert sorted(produced) == sorted(committed)
    stale = [str(path) for path in produced if produced[path] != committed[path]]
    assert not stale, (
        "tests/fixtures/claims/content/ differs from what the generator writes; review and "
        f"run `.venv/bin/factsheets -C tests/fixtures/claims generate`: {stale}"
    )


# --- 1. Identity ------------------------------------------------------------------------


def test_an_entity_any_source_names_is_shown_under_its_name(page) -> None:
    group = page("actors/veskaria-backed-group.md")
    assert group.startswith('---\ntitle: "Tessary Front"')
    box = infobox(group)
    assert "Not named in the sources" not in box
    [not_named] = rows(box, "Not named by")
    assert f"(../sources/{POST}.md)" in not_named
    assert "as “Unnamed armed group backed by Veskaria”[^" in not_named
    commander = page("actors/veskaria-backed-group-commander.md")
    assert commander.startswith('---\ntitle: "Baltazar Renko"')
    assert "Not named in the sources" not in commander


def test_an_entity_no_source_names_says_so(page) -> None:
    leader = infobox(page("actors/marsh-militia-leader.md"))
    assert rows(leader, "Name") == ["Not named in the sources"]


def test_an_editors_inference_of_identity_is_shown_as_such_on_both_pages(page) -> None:
    [probably] = rows(infobox(page("actors/marsh-militia-leader.md")), "Probably the same as")
    assert probably.startswith(
        "[Baltazar Renko](../actors/veskaria-backed-group-commander.md) "
        "(an editor's inference, not a source's: "
    )
    [possibly] = rows(infobox(page("actors/veskaria-backed-group-commander.md")), "Possibly also")
    assert possibly.startswith(
        "[Unnamed militia leader in the border marshes](../actors/marsh-militia-leader.md) "
        "(an editor's inference"
    )


def test_check_warns_where_one_summary_leaves_unnamed_what_another_names() -> None:
    code, output = run("-C", FIXTURE, "check")
    assert code == 0
    assert (
        f"Warning: seeds/{POST}/summary.yaml:48: actors[3].anonymous: 'veskaria-backed-group' "
        "is unnamed here but named 'Tessary Front' in "
        "seeds/cpa-2031-05-06-harrow-quay-live/summary.yaml"
    ) in output
    assert "'veskaria-backed-group-commander' is unnamed here but named 'Baltazar Renko'" in output


def test_a_kind_sources_disagree_on_shows_each_sources_word(page) -> None:
    [called] = rows(infobox(page("actors/saltmarsh-alliance.md")), "Called")
    assert re.fullmatch(
        r"coalition\[\^fs-\d+\] according to \[.+\); armed group\[\^fs-\d+\] according to \[.+\)",
        called,
    )


# --- 2. Figures -------------------------------------------------------------------------


def test_one_sources_revised_count_is_a_series_not_a_disagreement(page) -> None:
    attack = page(ATTACK)
    assert "Sources disagree: Injured" not in attack
    assert re.search(
        r"counted over time:\* 20 \(initially\)\[\^fs-\d+\] → at least 30 \(by Sunday evening, "
        r"4 May 2031\)\[\^fs-\d+\] → more than 35 \(on Monday, 5 May 2031\)",
        attack,
    )
    assert rows(infobox(attack), "Injured")[0].startswith("more than 35[^")
    assert attack.count("(earlier count, revised later)") == 2


def test_consistent_lower_bounds_are_no_disagreement(page) -> None:
    attack = page(ATTACK)
    assert "Sources disagree: Killed" not in attack
    assert (
        '!!! note "The counts agree: Killed"\n    Every source\'s latest count allows 3:' in attack
    )
    assert rows(infobox(attack), "Killed")[0].startswith("3 (the counts agree)[^")


def test_incompatible_counts_are_a_disagreement_listing_every_value(page) -> None:
    attack = page(ATTACK)
    box = attack[attack.index('!!! warning "Sources disagree: Munitions fired: drones launched"') :]
    values = re.findall(r"^    - (\d+)\[\^fs-\d+\]: \[", box, flags=re.MULTILINE)[:2]
    assert values == ["4", "7"]


def test_a_breakdown_by_place_and_a_group_are_separate_measures(page) -> None:
    strikes = page("events/castellane-air-strikes-veskaria.md")
    figures = strikes[strikes.index("## Figures") :]
    assert rows(figures, "Killed, in [Kovrel](../locations/kovrel.md)")[0].startswith("at least 13")
    assert rows(figures, "Killed, in [Marrish](../locations/marrish.md)")[0].startswith(
        "at least 16"
    )
    assert rows(figures, "Killed, among civilians")[0].startswith("5, according to")
    assert "Sources disagree" not in strikes


def test_an_unknown_count_is_shown_as_unknown(page) -> None:
    assert rows(infobox(page(ATTACK)), "Missing")[0].startswith("unknown[^")


# --- 3. Dates ---------------------------------------------------------------------------


def test_sunday_in_mondays_report_is_the_same_day_as_the_date(page) -> None:
    attack = page(ATTACK)
    [when] = rows(infobox(attack), "When")
    assert re.fullmatch(r"4 May 2031\[\^fs-\d+\]<sup class=\"fs-sep\">,</sup>\[\^fs-\d+\]", when)
    assert "Sources disagree on the date" not in attack


def test_relative_dates_are_placed_and_say_they_were_inferred(page) -> None:
    [when] = rows(infobox(page("events/harrow-quay-terminal-closure.md")), "When")
    assert when.startswith("last week (week of 5 May 2031, inferred from the report's date)[^")


def test_the_timeline_places_every_event_by_its_resolved_date(page) -> None:
    listed = re.findall(r"\]\(\.\./events/([a-z0-9-]+)\.md\)", page("events/index.md"))
    assert listed == [
        "ferreth-killed-in-clash",  # 2028
        "harrow-quay-drone-attack",  # Sunday 4 May
        "castellane-air-strikes-veskaria",  # overnight 5-6 May
        "harrow-quay-terminal-closure",  # "last week" in a report of 12 May
        "harrow-quay-terminal-reopening",  # "Monday" in that report
    ]


# --- 4. Certainty -----------------------------------------------------------------------


def test_a_suspicion_is_never_shown_as_a_fact_and_the_conflict_is_flagged(page) -> None:
    attack = page(ATTACK)
    [who] = [row for row in rows(infobox(attack), "Who") if "perpetrator" in row]
    assert re.fullmatch(
        r"\[Tessary Front\]\(\.\./actors/veskaria-backed-group\.md\), perpetrator: "
        r"suspected by \[Unnamed Castellane security officials\]\(.+?\)\[\^fs-\d+\]; "
        r"stated as fact\[\^fs-\d+\]; denied by \[Tessary Front\]\(.+?\)\[\^fs-\d+\]",
        who,
    )
    assert '!!! warning "Sources differ on the perpetrator"' in attack
    participants = attack[attack.index("## Participants") : attack.index("## Figures")]
    [row] = [line for line in participants.splitlines() if "perpetrator" in line]
    assert row.startswith(
        "| [Tessary Front](../actors/veskaria-backed-group.md) | perpetrator: suspected by "
        "[Unnamed Castellane security officials]"
    )
    assert "; denied by [Tessary Front]" in row


# --- 5. Statements ----------------------------------------------------------------------


def test_second_hand_attribution_names_whom_it_came_through(page) -> None:
    assert re.search(
        r"\[Unnamed Harrow Quay port official\]\(.+?\) \*\*claims\*\* "
        r"\(via \[Castellane Television\]\(\.\./actors/castellane-television\.md\)\[\^fs-\d+\]\)",
        page(ATTACK),
    )
    assert "## Statements passed on" in page("actors/castellane-television.md")


def test_the_outlets_own_assertion_is_the_reports(page) -> None:
    assert f"[Harrow Quay Post](../sources/{POST}.md) (the report itself) **confirms**" in page(
        ATTACK
    )
    assert "## The reports' own assertions" in page("statements/index.md")


def test_one_statement_in_two_outlets_is_one_statement_with_both_sources(page) -> None:
    statements = page("statements/index.md")
    assert statements.count('<span id="st-marrow-vows-punishment">') == 1
    line = next(s for s in statements.splitlines() if "Those responsible" in s)
    assert len(re.findall(r"\[\^fs-\d+\]", line)) == 2


# --- 6. Relations in time ---------------------------------------------------------------


def test_a_former_relation_says_so_on_both_ends(page) -> None:
    assert rows(infobox(page("actors/lucan-ferreth.md")), "Leads, formerly")
    assert "- Led by, formerly: [Lucan Ferreth](../actors/lucan-ferreth.md)" in page(
        "actors/veskaria-backed-group.md"
    )


def test_connected_with_is_a_relation(page) -> None:
    assert rows(infobox(page("actors/veskaria-backed-group-commander.md")), "Connected with")


# --- 7. Pages never hide a disagreement -------------------------------------------------


def test_small_pages_are_never_cut(page, fresh: Path) -> None:
    cut = [
        str(path.relative_to(fresh / "content"))
        for path in (fresh / "content").glob("*/*.md")  # generated pages sit one folder deep
        if "See all" in path.read_text(encoding="utf-8")
    ]
    assert cut == []
    assert not list((fresh / "content").rglob("*.statements.md"))


def test_the_event_box_answers_who_what_when_where_and_the_toll_first(page) -> None:
    lines = [line for line in infobox(page(ATTACK)).splitlines() if line.startswith("| ")]
    labels = [line[2:].split(" |")[0] for line in lines]
    assert labels[:7] == ["Event", "Who", "", "", "", "What", "When"]
    assert labels[7:11] == ["Where", "Killed", "Injured", "Missing"]


# --- 8. Quotes support what they cite ---------------------------------------------------


def test_a_description_whose_names_no_quote_states_is_warned_about() -> None:
    description = "Carried out the drone strike in Baghdad and the airstrikes in Iraq and Syria."
    quote = "criticized the US for the strike"
    assert missing_terms(description, [quote], ["United States", "US"]) == [
        "Baghdad",
        "Iraq",
        "Syria",
    ]
    supported = [quote, "US drone strike in Baghdad", "The U.S. airstrikes in Iraq and Syria"]
    assert missing_terms(description, supported, ["United States"]) == []
    assert missing_terms("Killed three soldiers.", ["3 soldiers were killed"]) == []
    assert missing_terms("Killed four soldiers.", ["3 soldiers were killed"]) == ["four"]


# --- 9. Sentences -----------------------------------------------------------------------


def test_a_rank_before_a_name_does_not_end_a_sentence(page) -> None:
    source = page("sources/cpa-2031-05-06-harrow-quay-live.md")
    # Sentence ¶7.1 as readers see it (up to the next sentence or the paragraph's end),
    # without the elements marking its quotes: "Lt." and "Col." do not end it.
    [sentence] = re.findall(
        r'<span class="fs-sentence" id="p7-s1">(.*?)(?=<span class="fs-sentence"|</p>)', source
    )
    shown = html.unescape(re.sub(r"<[^>]*>", "", sentence))
    assert shown.startswith("¶7.1 Lt. Col. Mara Venn, a spokeswoman for the defence ministry")
    venn = page("actors/mara-venn.md")
    assert re.search(
        r"\[\^fs-\d+\]: “[^”]*Mara Venn[^”]*” — \[.+, ¶7\.1\]"
        r"\(\.\./sources/cpa-2031-05-06-harrow-quay-live\.md#p7-s1-q\d+-\d+\)",
        venn,
    )


def test_one_statement_under_two_ids_is_reported_as_a_likely_duplicate(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "project")
    live = root / "seeds" / "cpa-2031-05-06-harrow-quay-live" / "summary.yaml"
    text = live.read_text(encoding="utf-8")
    live.write_text(
        text.replace("id: marrow-vows-punishment", "id: marrow-repeats-vow"), encoding="utf-8"
    )
    code, output = run("-C", root, "check")
    assert code == 0
    assert (
        "Warning: 'marrow-repeats-vow' and 'marrow-vows-punishment' may be the same statement: "
        "the same speaker vows in words "
    ) in output


def test_only_real_disagreements_are_counted(page) -> None:
    """Five "disputes" by the old rule (any two different values): the date ("Sunday" and
    4 May), the dead (1, 2, 3), one source's injured series and the drones. Two are real:
    the drones (4 against 7) and the perpetrator (stated, suspected and denied)."""
    assert "| Facts on which sources disagree | 2 |" in page("sources/index.md")


# --- Edge cases found in review, each on an edited copy of the fixture ------------------

COURIER = "meridian-courier-2031-05-08-front-denies"
DISPATCH = "northern-dispatch-2031-05-07-tessary-front"


def edited(tmp_path: Path, source: str, old: str, new: str, text: str = "") -> Path:
    """A copy of the fixture with `old` replaced by `new` in one summary (and `text`
    added to its article)."""
    root = copy_fixture(tmp_path / "project")
    summary = root / "seeds" / source / "summary.yaml"
    yaml_text = summary.read_text(encoding="utf-8")
    assert old in yaml_text
    summary.write_text(yaml_text.replace(old, new, 1), encoding="utf-8")
    if text:
        article = root / "seeds" / source / "source.txt"
        article.write_text(article.read_text(encoding="utf-8") + "\n\n" + text, encoding="utf-8")
    return root


def generated(root: Path, path: str) -> str:
    code, output = run("-C", root, "generate")
    assert code == 0, output
    return (root / "content" / path).read_text(encoding="utf-8")


def test_every_outlets_own_assertion_keeps_its_outlet(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        COURIER,
        "statements:\n",
        "statements:\n  - id: courier-own-assertion\n    type: confirms\n"
        "    summary: The Front is the largest member of the alliance.\n"
        "    about: [harrow-quay-drone-attack]\n"
        '    quote: "The Front is the largest member of the alliance."\n',
    )
    [confirmed] = rows(generated(root, ATTACK), "Confirmed by")
    assert "Harrow Quay Post" in confirmed and "Meridian Courier" in confirmed


def test_two_counts_one_source_gives_for_one_time_disagree(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        DISPATCH,
        '        quote: "in which three people were killed"\n',
        '        quote: "in which three people were killed"\n      - kind: fatalities\n'
        '        value: 5\n        quote: "A port spokesman put the number of dead at five."\n',
        text="A port spokesman put the number of dead at five.",
    )
    attack = generated(root, ATTACK)
    assert '!!! warning "Sources disagree: Killed"' in attack
    # Not a revision: only the injured counts of the live report are earlier counts.
    assert attack.count("(earlier count, revised later)") == 2


def test_unknown_counts_never_end_a_range(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        "harrow-quay-post-2031-05-05-drone-attack",
        "        value: 1\n        qualifier: at-least\n",
        "        value: unknown\n",
    )
    [killed] = rows(infobox(generated(root, ATTACK)), "Killed")
    assert killed.startswith("3 (the counts agree)[^")


def test_a_statement_id_that_names_an_actor_elsewhere_is_an_error_not_a_crash(
    tmp_path: Path,
) -> None:
    root = edited(tmp_path, COURIER, "  - id: militia-leader-no-drones\n", "  - id: selda-marrow\n")
    code, output = run("-C", root, "check")
    assert code == 1
    assert "id 'selda-marrow' is a statement here but a person (actor) in " in output


def test_possibly_cannot_name_the_entity_itself(tmp_path: Path) -> None:
    root = edited(
        tmp_path,
        COURIER,
        "      id: veskaria-backed-group-commander\n",
        "      id: marsh-militia-leader\n",
    )
    code, output = run("-C", root, "check")
    assert code == 1
    assert "possibly.id: `possibly` names another entity this one may be" in output
