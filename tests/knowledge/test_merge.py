"""Merging summaries: the same id is the same entity, and disagreements are kept side by side.

The two sources are fictional: a ferry that capsized off a made-up town.
"""

from __future__ import annotations

import re

import markdown
import pytest

from generator.knowledge.figures import Measure
from generator.knowledge.model import KnowledgeBase, Link
from generator.pages.render import render

NORTHSHORE = (
    "The ferry Marla capsized near Gull Island on 3 March 2031, and three people died. "
    "The Lakeside Coast Guard, which locals call the harbour guard, led the rescue. "
    "Mayor Ina Varga promised an inquiry.\n"
)
NORTHSHORE_SUMMARY = """
    source:
      id: northshore-daily
      title: Ferry capsizes off Lakeside
      outlet: Northshore Daily
      published: "2031-03-04"
    actors:
      - id: coast-guard
        name: Lakeside Coast Guard
        aliases: [harbour guard]
        kind: organization
        quote: The Lakeside Coast Guard, which locals call the harbour guard
      - id: ina-varga
        name: Ina Varga
        kind: person
        description: Mayor of Lakeside
        quote: Mayor Ina Varga
    locations:
      - id: gull-island
        name: Gull Island
        kind: region
        quote: near Gull Island
    events:
      - id: ferry-capsizing
        title: Capsizing of the ferry Marla
        quote: The ferry Marla capsized near Gull Island
        date:
          precision: day
          value: "2031-03-03"
          quote: on 3 March 2031
        locations:
          - location: gull-island
            quote: capsized near Gull Island
        figures:
          - kind: fatalities
            value: 3
            quote: three people died
      - id: rescue
        title: Rescue of the Marla's passengers
        quote: led the rescue
        participants:
          - actor: coast-guard
            role: participant
            quote: The Lakeside Coast Guard, which locals call the harbour guard, led the rescue
        relations:
          - type: response-to
            target: ferry-capsizing
            quote: led the rescue
"""

RADIO = (
    "Two people died when the ferry Marla capsized near Gull Island on 4 March 2031, "
    "the coast guard said. "
    "Rescuers from the Lakeside Coast Guard searched through the night. "
    "Mayor Ina Varga thanked them.\n"
)
RADIO_SUMMARY = """
    source:
      id: lakeside-radio
      title: Two dead as ferry sinks
      outlet: Lakeside Radio
      published: "2031-03-05"
    actors:
      - id: coast-guard
        name: The coast guard
        aliases: [coast guard, harbour guard]
        kind: organization
        quote: the coast guard said
      - id: ina-varga
        name: Ina Varga
        kind: person
        quote: Mayor Ina Varga
    locations:
      - id: gull-island
        name: Gull Island
        kind: region
        quote: near Gull Island
    events:
      - id: ferry-capsizing
        title: Ferry Marla capsizes
        quote: the ferry Marla capsized near Gull Island
        date:
          precision: day
          value: "2031-03-04"
          quote: on 4 March 2031
        locations:
          - location: gull-island
            quote: capsized near Gull Island
        figures:
          - kind: fatalities
            value: 2
            according_to: coast-guard
            quote: Two people died
      - id: rescue
        title: Search through the night
        quote: Rescuers from the Lakeside Coast Guard searched through the night
        participants:
          - actor: coast-guard
            role: participant
            quote: Rescuers from the Lakeside Coast Guard
"""


@pytest.fixture
def kb(fictional) -> KnowledgeBase:
    # Sources are read in order of publication (Northshore first), not of folder names.
    fictional.add("a-radio", RADIO, RADIO_SUMMARY)
    fictional.add("b-northshore", NORTHSHORE, NORTHSHORE_SUMMARY)
    return fictional.kb()


def values(facts) -> list:
    return [fact.value for fact in facts]


def sources(facts) -> list[list[str]]:
    return [fact.sources for fact in facts]


def test_one_entity_per_id_across_summaries(kb: KnowledgeBase) -> None:
    assert list(kb.sources) == ["northshore-daily", "lakeside-radio"]
    assert sorted(kb.actors) == ["coast-guard", "ina-varga"]
    assert sorted(kb.locations) == ["gull-island"]
    assert sorted(kb.events) == ["ferry-capsizing", "rescue"]
    guard = kb.actors["coast-guard"]
    assert guard.files == ["seeds/b-northshore/summary.yaml", "seeds/a-radio/summary.yaml"]
    assert guard.sources == ["lakeside-radio", "northshore-daily"]
    assert guard.kind == "organization"
    assert kb.get("gull-island") is kb.locations["gull-island"]
    assert kb.get("nobody") is None


def test_names_and_aliases_are_unioned_with_their_sources(kb: KnowledgeBase) -> None:
    guard = kb.actors["coast-guard"]
    assert values(guard.names) == ["Lakeside Coast Guard", "The coast guard"]
    # A tie between names: the one read first is the page title.
    assert guard.name == "Lakeside Coast Guard"
    assert values(guard.aliases) == ["harbour guard", "coast guard"]
    assert sources(guard.aliases) == [["northshore-daily", "lakeside-radio"], ["lakeside-radio"]]


def test_the_name_most_sources_use_wins(kb: KnowledgeBase, fictional) -> None:
    fictional.add(
        "c-third",
        "The coast guard closed the harbour.\n",
        """
        source:
          id: third-source
          title: Harbour closed
        actors:
          - id: coast-guard
            name: The coast guard
            kind: organization
            quote: The coast guard
        """,
    )
    assert fictional.kb().actors["coast-guard"].name == "The coast guard"


def test_a_fact_both_sources_state_is_one_fact_with_two_citations(kb: KnowledgeBase) -> None:
    capsizing = kb.events["ferry-capsizing"]
    assert values(capsizing.places) == ["gull-island"]
    [place] = capsizing.places
    assert [(c.source, c.quote, c.sentence.anchor) for c in place.citations] == [
        ("northshore-daily", "capsized near Gull Island", "p1-s1"),
        ("lakeside-radio", "capsized near Gull Island", "p1-s1"),
    ]
    assert sources(kb.actors["ina-varga"].names) == [["northshore-daily", "lakeside-radio"]]
    assert values(kb.actors["ina-varga"].descriptions) == ["Mayor of Lakeside"]


def test_disputed_figures_are_all_kept_with_their_sources(kb: KnowledgeBase) -> None:
    event = kb.events["ferry-capsizing"]
    fatalities = event.figures[Measure("fatalities")]
    assert event.disputed_figures == [Measure("fatalities")]
    assert [v[:3] for v in values(fatalities)] == [(3, "exact", None), (2, "exact", "coast-guard")]
    assert sources(fatalities) == [["northshore-daily"], ["lakeside-radio"]]


def test_disputed_dates_are_all_kept(kb: KnowledgeBase) -> None:
    dates = kb.events["ferry-capsizing"].dates
    assert kb.events["ferry-capsizing"].dates_disputed
    assert [(d.claim.value, d.claim.precision.value) for d in values(dates)] == [
        ("2031-03-03", "day"),
        ("2031-03-04", "day"),
    ]
    assert sources(dates) == [["northshore-daily"], ["lakeside-radio"]]


def test_participants_and_relations_are_unioned(kb: KnowledgeBase) -> None:
    rescue = kb.events["rescue"]
    assert values(rescue.participants) == [Link("participant", "coast-guard")]
    assert sources(rescue.participants) == [["northshore-daily", "lakeside-radio"]]
    assert values(rescue.relations) == [Link("response-to", "ferry-capsizing")]
    assert values(rescue.names) == ["Rescue of the Marla's passengers", "Search through the night"]


@pytest.fixture
def event_page(kb: KnowledgeBase) -> list[str]:
    page = next(p for p in render(kb) if p.path == "events/ferry-capsizing.md")
    return page.body.splitlines()


def test_the_event_page_shows_disputed_figures_side_by_side(event_page: list[str]) -> None:
    start = event_page.index("## Figures")
    header, rule, first, second = event_page[start + 2 : start + 6]
    assert (header, rule) == ("| Figure | Reported | Source |", "|:--|:--|:--|")
    assert first.startswith(
        "| Killed | 3[^fs-5] | [Ferry capsizes off Lakeside](../sources/northshore-daily.md)"
    )
    assert second.startswith(
        "| Killed | 2, according to [Lakeside Coast Guard](../actors/coast-guard.md)[^fs-6] "
        "| [Two dead as ferry sinks](../sources/lakeside-radio.md)"
    )
    # The warning lists every value itself, with its source: it refers to nothing elsewhere.
    assert event_page[start + 7 : start + 12] == [
        '!!! warning "Sources disagree: Killed"',
        "    Their latest counts cannot all be true:",
        "",
        "    - 3[^fs-5]: [Ferry capsizes off Lakeside](../sources/northshore-daily.md) "
        "(as of 4 March 2031)",
        "    - 2, according to [Lakeside Coast Guard](../actors/coast-guard.md)[^fs-6]: "
        "[Two dead as ferry sinks](../sources/lakeside-radio.md) (as of 5 March 2031)",
    ]
    assert "[^fs-5]: “three people died” — [Ferry capsizes off Lakeside, ¶1.1]" in "\n".join(
        event_page
    )


def test_the_event_page_shows_every_date_with_its_footnote(event_page: list[str]) -> None:
    assert "| When | 3 March 2031[^fs-1]; 4 March 2031[^fs-2] |" in event_page


def test_the_as_of_date_is_separated_from_the_source_link(event_page: list[str]) -> None:
    assert (
        "| Killed | 3[^fs-5] | [Ferry capsizes off Lakeside](../sources/northshore-daily.md) "
        "(as of 4 March 2031) |"
    ) in event_page


def test_the_disputed_date_warning_lists_both_dates_inside_the_admonition(
    event_page: list[str],
) -> None:
    rendered = markdown.markdown(
        "\n".join(event_page), extensions=["admonition", "tables", "footnotes", "md_in_html"]
    )
    start = rendered.index('<div class="admonition warning">')
    warning = rendered[start : rendered.index("</div>", start)]
    text = re.sub(r"<[^>]+>", "", warning)
    assert "Sources disagree on the date" in text
    assert "3 March 2031" in text and "Ferry capsizes off Lakeside" in text
    assert "4 March 2031" in text and "Two dead as ferry sinks" in text


# --- Agreement is not disagreement ---------------------------------------------

SAME_DAY_A = "The ferry sank on 3 March 2031. Three people died.\n"
SAME_DAY_A_SUMMARY = """
    source:
      id: src-a
      title: Ferry sinks
    events:
      - id: sinking
        title: Sinking of the ferry
        quote: The ferry sank
        date:
          precision: day
          value: "2031-03-03"
          quote: on 3 March 2031
        figures:
          - kind: fatalities
            value: 3
            quote: Three people died
"""
SAME_DAY_B = "The ferry sank on Monday, 3 March 2031. Police said three people died.\n"
SAME_DAY_B_SUMMARY = """
    source:
      id: src-b
      title: Three dead
    actors:
      - id: police
        name: Police
        kind: organization
        quote: Police
    events:
      - id: sinking
        title: Sinking of the ferry
        quote: The ferry sank
        date:
          precision: day
          value: "2031-03-03"
          relative: on Monday
          quote: on Monday, 3 March 2031
        figures:
          - kind: fatalities
            value: 3
            according_to: police
            quote: three people died
"""


def agreeing(fictional, *, date_words: bool) -> KnowledgeBase:
    """Two sources giving the same day and the same toll; B may word the date its own way."""
    fictional.add("a", SAME_DAY_A, SAME_DAY_A_SUMMARY)
    summary = SAME_DAY_B_SUMMARY
    if not date_words:
        summary = summary.replace("          relative: on Monday\n", "")
    fictional.add("b", SAME_DAY_B, summary)
    return fictional.kb()


def test_the_same_date_in_other_words_is_not_a_disagreement(fictional) -> None:
    kb = agreeing(fictional, date_words=True)
    page = next(p for p in render(kb) if p.path == "events/sinking.md")
    assert "Sources disagree on the date" not in page.body


def test_the_same_figure_with_another_attribution_is_not_counted_as_disputed(
    fictional,
) -> None:
    kb = agreeing(fictional, date_words=False)
    assert len(kb.events["sinking"].dates) == 1
    figures = kb.events["sinking"].figures[Measure("fatalities")]
    assert [fact.value.value for fact in figures] == [3, 3]
    pages = render(kb)
    event = next(p for p in pages if p.path == "events/sinking.md")
    assert "Sources disagree" not in event.body
    index = next(p for p in pages if p.path == "sources/index.md")
    assert "| Facts on which sources disagree | 0 |" in index.body.splitlines()
