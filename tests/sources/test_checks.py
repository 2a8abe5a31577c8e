"""Checks across every summary: ids, references and quotes, each problem with file and line."""

from __future__ import annotations

import pytest
from conftest import HARBOUR, HARBOUR_SUMMARY

from generator.sources.checks import citation_key, validate

GAZETTE = "Port Vell is a harbour town. Ana Ruiz has been mayor for a year.\n"

S = "seeds/harbour/summary.yaml"


def add_harbour(fictional, summary: str = HARBOUR_SUMMARY) -> None:
    fictional.add("harbour", HARBOUR, summary)


def test_a_valid_project_has_no_problems_and_maps_quotes_to_sentences(fictional) -> None:
    add_harbour(fictional)
    loaded, problems = fictional.load()
    sentences = validate(loaded, problems)
    assert problems.items == []
    assert sentences[citation_key("harbour-news", "Mayor Ana Ruiz")].anchor == "p1-s2"
    assert sentences[citation_key("harbour-news", "met in Port Vell")].anchor == "p1-s1"
    assert len(sentences) == 5


def test_duplicate_id_in_one_summary(fictional) -> None:
    add_harbour(
        fictional,
        HARBOUR_SUMMARY.replace("id: harbour-council", "id: ana-ruiz"),
    )
    assert fictional.problems() == [
        f"{S}:9: actors[1].id: duplicate id 'ana-ruiz' (first defined at line 5)",
    ]


def test_duplicate_id_across_categories_in_one_summary(fictional) -> None:
    add_harbour(fictional, HARBOUR_SUMMARY.replace("id: port-vell", "id: ana-ruiz"))
    assert f"{S}:14: locations[0].id: duplicate id 'ana-ruiz' (first defined at line 5)" in (
        fictional.problems()
    )


def test_duplicate_id_in_a_summary_is_reported_even_when_another_summary_has_the_id(
    fictional,
) -> None:
    add_harbour(fictional)
    fictional.add(
        "port-gazette",
        GAZETTE,
        """
        source:
          id: port-gazette
          title: Port gazette
        actors:
          - id: ana-ruiz
            name: Ana Ruiz
            kind: person
            quote: Ana Ruiz has been mayor
          - id: ana-ruiz
            name: A harbour town
            kind: person
            quote: a harbour town
        """,
    )
    assert fictional.problems() == [
        "seeds/port-gazette/summary.yaml:9: actors[1].id: duplicate id 'ana-ruiz' "
        "(first defined at line 5)",
    ]


def test_duplicate_source_id(fictional) -> None:
    add_harbour(fictional)
    fictional.add(
        "later-copy",
        GAZETTE,
        """
        source:
          id: harbour-news
          title: Port gazette
        """,
    )
    assert fictional.problems() == [
        "seeds/later-copy/summary.yaml:2: source.id: source id 'harbour-news' is already used by "
        "seeds/harbour/summary.yaml",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            ("actor: ana-ruiz", "actor: ana-ruis"),
            f"{S}:23: events[0].participants[0].actor: unknown id 'ana-ruis'; "
            "did you mean 'ana-ruiz'?",
            id="with-suggestion",
        ),
        pytest.param(
            ("actor: ana-ruiz", "actor: someone-else"),
            f"{S}:23: events[0].participants[0].actor: unknown id 'someone-else'",
            id="without-suggestion",
        ),
        pytest.param(
            ("actor: ana-ruiz", "actor: port-vel"),
            # The only close id is a location, and this field needs an actor.
            f"{S}:23: events[0].participants[0].actor: unknown id 'port-vel'",
            id="suggests-only-the-right-category",
        ),
    ],
)
def test_unknown_id(fictional, change: tuple[str, str], expected: str) -> None:
    add_harbour(fictional, HARBOUR_SUMMARY.replace(*change))
    assert fictional.problems() == [expected]


def test_reference_to_an_entity_of_the_wrong_category(fictional) -> None:
    add_harbour(fictional, HARBOUR_SUMMARY.replace("actor: ana-ruiz", "actor: port-vell"))
    assert fictional.problems() == [
        f"{S}:23: events[0].participants[0].actor: 'port-vell' is a city (location), but this "
        f"field needs one of the actors (defined at {S}:14)",
    ]


def test_statement_about_may_name_any_category_but_must_exist(fictional) -> None:
    add_harbour(
        fictional,
        HARBOUR_SUMMARY
        + """
    statements:
      - id: ruiz-opens
        speaker: ana-ruiz
        type: claims
        summary: The bridge is open.
        about: [bridge-opening, port-vell, harbour-council, nowhere]
        quote: opened the new bridge
    """,
    )
    assert fictional.problems() == [
        f"{S}:32: statements[0].about[3]: unknown id 'nowhere'",
    ]


def test_an_event_cannot_relate_to_itself(fictional) -> None:
    add_harbour(
        fictional,
        HARBOUR_SUMMARY
        + """
        relations:
          - type: follows
            target: bridge-opening
            quote: opened the new bridge
    """,
    )
    assert fictional.problems() == [
        f"{S}:29: events[0].relations[0].target: an event cannot relate to itself",
    ]


@pytest.mark.parametrize(
    ("category", "kind", "what"),
    [
        pytest.param("actors", "group", "a group (actor)", id="names-both-files"),
        pytest.param("actors", "organization", "an organization (actor)", id="an-before-vowels"),
    ],
)
def test_identity_conflict(fictional, category: str, kind: str, what: str) -> None:
    add_harbour(fictional)
    fictional.add(
        "port-gazette",
        GAZETTE,
        f"""
        source:
          id: port-gazette
          title: Port gazette
        {category}:
          - id: port-vell
            name: Port Vell
            kind: {kind}
            quote: Port Vell
        """,
    )
    assert fictional.problems() == [
        f"seeds/port-gazette/summary.yaml:5: {category}[0].id: id 'port-vell' is {what} here "
        f"but a city (location) in {S}:14; one id must name one entity",
    ]


def test_sources_may_give_one_entity_different_kinds(fictional) -> None:
    """One source's "city" and another's "region" are two words for one place, not an error:
    the page shows each source's word."""
    add_harbour(fictional)
    fictional.add(
        "port-gazette",
        GAZETTE,
        """
        source:
          id: port-gazette
          title: Port gazette
        locations:
          - id: port-vell
            name: Port Vell
            kind: region
            quote: Port Vell
        """,
    )
    assert fictional.problems() == []


def test_quote_not_found_shows_the_closest_passage(fictional) -> None:
    add_harbour(
        fictional,
        HARBOUR_SUMMARY.replace("quote: opened the new bridge", "quote: opened the old bridge"),
    )
    assert fictional.problems() == [
        f"{S}:21: events[0].quote: quote not found in seeds/harbour/source.txt: "
        "'opened the old bridge'\n"
        "    closest passage (86% similar): 'opened the new bridge.'",
    ]


def test_quote_not_found_without_any_close_passage(fictional) -> None:
    add_harbour(
        fictional,
        HARBOUR_SUMMARY.replace("quote: met in Port Vell", "quote: zebras xylophone quartz"),
    )
    assert fictional.problems() == [
        f"{S}:17: locations[0].quote: quote not found in seeds/harbour/source.txt: "
        "'zebras xylophone quartz'",
    ]


def test_every_kind_of_quote_is_checked(fictional) -> None:
    summary = HARBOUR_SUMMARY.replace(
        "        kind: city\n",
        "        kind: city\n        parent: port-vell\n        parent_quote: in Lisbon\n",
    ).replace("quote: Mayor Ana Ruiz opened", "quote: Mayor Ana Ruiz closed")
    add_harbour(fictional, summary)
    problems = fictional.problems()
    assert [p.split(": quote not found")[0] for p in problems] == [
        f"{S}:18: locations[0].parent_quote",
        f"{S}:27: events[0].participants[0].quote",
    ]


def test_a_quote_from_another_source_is_not_found(fictional) -> None:
    add_harbour(fictional)
    fictional.add(
        "port-gazette",
        GAZETTE,
        """
        source:
          id: port-gazette
          title: Port gazette
        actors:
          - id: ana-ruiz
            name: Ana Ruiz
            kind: person
            quote: Mayor Ana Ruiz
        """,
    )
    problems = fictional.problems()
    assert len(problems) == 1
    assert problems[0].startswith(
        "seeds/port-gazette/summary.yaml:8: actors[0].quote: quote not found in "
        "seeds/port-gazette/source.txt: 'Mayor Ana Ruiz'"
    )


def test_a_statement_id_reused_with_another_speaker_is_an_identity_conflict(fictional) -> None:
    fictional.add(
        "port-gazette",
        "The council denied that the bridge is new.\n",
        """
        source:
          id: port-gazette
          title: Port gazette
        statements:
          - id: bridge-is-new
            speaker: harbour-council
            type: denies
            summary: The bridge is not new.
            quote: The council denied that the bridge is new.
        """,
    )
    add_harbour(
        fictional,
        HARBOUR_SUMMARY
        + """
    statements:
      - id: bridge-is-new
        speaker: ana-ruiz
        type: claims
        summary: The bridge is new.
        quote: opened the new bridge
    """,
    )
    problems = fictional.problems()
    assert len(problems) == 1
    assert "bridge-is-new" in problems[0]
    assert S in problems[0] and "seeds/port-gazette/summary.yaml" in problems[0]
