"""The drafter's benchmark (issue 17): its comparison of a draft with the hand-written
summary, and a smoke run on the demo and the fixtures.

Targets are the benchmark's to report, never asserted here: these tests check that it
measures, not what the drafter scores.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import draft as bench
from generator.common.errors import Problems
from generator.draft.proposals import SECTIONS, Draft, Proposal
from generator.sources.load import load_all
from generator.sources.schema import Summary
from generator.sources.text import SourceText

TEXT = (
    "Officials in Harrow Quay said the Tessary Front launched drones at the port on "
    "5 May, killing two dock workers. The Tessary Front denied any part in the attack."
)

HAND: dict[str, Any] = {
    "format": 2,
    "source": {"id": "post", "title": "Drone attack on Harrow Quay"},
    "actors": [
        {
            "id": "tessary-front",
            "name": "Tessary Front",
            "kind": "armed-group",
            "quote": "the Tessary Front launched drones",
        },
        {
            "id": "dock-workers",
            "name": "Dock workers",
            "kind": "group",
            "anonymous": True,
            "quote": "two dock workers",
        },
    ],
    "locations": [
        {"id": "harrow-quay", "name": "Harrow Quay", "kind": "city", "quote": "Harrow Quay"}
    ],
    "events": [
        {
            "id": "harrow-quay-drone-attack",
            "title": "Drone attack on Harrow Quay",
            "quote": "launched drones at the port on 5 May, killing two dock workers",
            "date": {"precision": "day", "value": "2031-05-05", "quote": "on 5 May"},
            "figures": [{"kind": "fatalities", "value": 2, "quote": "killing two dock workers"}],
        }
    ],
    "statements": [
        {
            "id": "front-denies",
            "speaker": "tessary-front",
            "type": "denies",
            "summary": "The Tessary Front denied any part in the attack.",
            "quote": "The Tessary Front denied any part in the attack.",
        }
    ],
}


def summary(data: dict[str, Any], **changes: Any) -> Summary:
    return Summary.model_validate({**data, **changes})


def perfect(scores: bench.Scores) -> bool:
    tallies = [scores.tally(measure) for measure in bench.MEASURES]
    return all(t.recall == 1.0 and t.precision == 1.0 for t in tallies) and (
        scores.reuse.value == 1.0 and scores.quotes.value == 1.0
    )


def test_a_perfect_draft_scores_one_everywhere() -> None:
    hand = summary(HAND)
    scores = bench.compare(hand, hand, TEXT, {"harrow-quay": ["Harrow Quay"]})
    assert perfect(scores), scores
    assert scores.reuse.of == 1
    assert not any(scores.misses.values()) and not any(scores.extras.values())


def test_an_extra_entity_lowers_precision_only() -> None:
    extra = {"id": "port", "name": "the port", "kind": "facility", "quote": "the port"}
    drafted = summary(HAND, locations=[*HAND["locations"], extra])
    scores = bench.compare(drafted, summary(HAND), TEXT)
    assert scores.entities.recall == 1.0
    assert scores.entities.precision == pytest.approx(3 / 4)
    assert scores.extras["entities"] == ['location port "the port": "the port"']


def test_entities_match_by_name_or_by_quote_and_a_shared_word() -> None:
    actors = [
        # Another id, the same name folded (case, a leading "the").
        {**HAND["actors"][0], "id": "front", "name": "the tessary front"},
        # Another id and name, but its quote overlaps and "workers" is in both names.
        {"id": "workers", "name": "workers", "kind": "group", "quote": "dock workers"},
    ]
    scores = bench.compare(summary(HAND, actors=actors), summary(HAND), TEXT)
    assert scores.entities.matched == 3
    assert len(scores.notes["entities"]) == 2  # matched under other ids: shown by --show
    # An overlapping quote without a shared word is no match.
    actors[1] = {**actors[1], "name": "Victims"}
    scores = bench.compare(summary(HAND, actors=actors), summary(HAND), TEXT)
    assert scores.entities.matched == 2


def test_reuse_counts_known_ids_the_text_names() -> None:
    drafted = summary(HAND, actors=[{**HAND["actors"][0], "id": "the-front"}])
    known = {"tessary-front": ["Tessary Front"], "harrow-quay": ["Harrow Quay"]}
    scores = bench.compare(drafted, summary(HAND), TEXT, known)
    assert (scores.reuse.passed, scores.reuse.of) == (1, 2)
    assert scores.misses["reuse"] == ['tessary-front "Tessary Front"']
    # Known by a name the text does not use: not expected.
    scores = bench.compare(drafted, summary(HAND), TEXT, {"tessary-front": ["Marsh Front"]})
    assert scores.reuse.of == 0


def test_overlapping_quote_spans_match_events_statements_figures_and_dates() -> None:
    event = {
        "id": "drones-launched",
        "title": "Drones launched",
        "quote": "the Tessary Front launched drones at the port",
        "date": {"precision": "relative", "relative": "5 May", "quote": "5 May"},
        "figures": [{"kind": "other", "counted": "killed", "value": 2, "quote": "two dock"}],
    }
    statement = {**HAND["statements"][0], "id": "denial", "quote": "denied any part"}
    drafted = summary(HAND, events=[event], statements=[statement])
    scores = bench.compare(drafted, summary(HAND), TEXT)
    for measure in ("events", "statements", "figures", "dates"):
        tally = scores.tally(measure)
        assert (tally.matched, tally.hand, tally.drafted) == (1, 1, 1), measure
    # The date's quote overlaps but it is read differently: a match, noted.
    assert len(scores.notes["dates"]) == 1

    apart = {**event, "quote": "The Tessary Front denied any part"}
    scores = bench.compare(summary(HAND, events=[apart]), summary(HAND), TEXT)
    assert scores.events.matched == 0
    assert scores.events.recall == 0.0 and scores.events.precision == 0.0


def test_figures_need_the_same_value() -> None:
    event = {
        **HAND["events"][0],
        "figures": [{"kind": "fatalities", "value": 3, "quote": "killing two dock workers"}],
    }
    scores = bench.compare(summary(HAND, events=[event]), summary(HAND), TEXT)
    assert scores.events.matched == 1
    assert scores.figures.matched == 0


def test_quotes_not_in_the_text_are_counted() -> None:
    drafted = summary(HAND, statements=[{**HAND["statements"][0], "quote": "never said so"}])
    scores = bench.compare(drafted, summary(HAND), SourceText(TEXT))
    assert scores.quotes.of > scores.quotes.passed == scores.quotes.of - 1
    assert scores.misses["quotes"] == ['"never said so"']


def test_the_smoke_run_drafts_every_source(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "draft.json"
    assert bench.main(["--json", str(out), "--show", "wire-lemm-border-clash"]) == 0
    printed = capsys.readouterr().out
    table, _, rest = printed.partition("Targets (issue 17):")
    ids = [
        item.summary.source.id
        for seeds in bench.DEFAULT_SEEDS
        for item in load_all(seeds, seeds.parent, Problems())
    ]
    assert len(ids) >= 9
    for source_id in ids:
        assert source_id in table
    assert "total (micro-averaged)" in table
    for target in ("entity recall", "reuse", "statement recall", "figure recall", "demo"):
        assert target in rest
    assert "PASS  quotes verified 100%" in rest
    assert "PASS  every draft parses" in rest
    assert "wire-lemm-border-clash: the draft compared with the hand-written summary" in rest

    data = json.loads(out.read_text(encoding="utf-8"))
    assert [s["id"] for s in data["sources"]] == ids
    assert data["total"]["quotes_verified"]["share"] == 1.0
    assert not data["crashes"]


def _hand_summaries() -> dict[str, Summary]:
    return {
        item.summary.source.id: item.summary
        for seeds in bench.DEFAULT_SEEDS
        for item in load_all(seeds, seeds.parent, Problems())
    }


def test_a_drafter_that_writes_the_hand_summary_scores_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Through compose and parse_summary: the benchmark loses nothing on the way."""
    hands = _hand_summaries()

    def copy(text: str, source: dict[str, Any], known: object) -> Draft:
        data = hands[source["id"]].model_dump(mode="json", exclude_defaults=True)
        items = [Proposal(s, item, "hand", "") for s in SECTIONS for item in data.get(s, [])]
        return Draft(source, items)

    monkeypatch.setattr(bench, "draft", copy)
    results, crashes = bench.run(bench.DEFAULT_SEEDS)
    assert not crashes
    assert all(result.parsed for result in results)
    assert perfect(bench.total(results))


def test_a_draft_that_does_not_parse_is_reported_and_scored_on_what_validates(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(text: str, source: dict[str, Any], known: object) -> Draft:
        good = {"id": "lemm", "name": "Lemm", "kind": "river", "quote": "Lemm"}
        bad = {"id": "nowhere", "name": "Nowhere", "kind": "planet", "quote": "not in it"}
        return Draft(source, [Proposal("locations", item, "", "") for item in (good, bad)])

    monkeypatch.setattr(bench, "draft", broken)
    seeds = Path(bench.FIXTURES[1])
    assert bench.main(["--seeds", str(seeds)]) == 0
    printed = capsys.readouterr().out
    assert "Drafts that do not parse" in printed
    assert "FAIL  every draft parses without problems: 0/3" in printed
    assert "FAIL  quotes verified 100%" in printed
    assert "n/a   demo drafted" in printed
