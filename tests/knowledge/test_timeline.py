"""Ordering events in time: by date where sources give one, by their relations where not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.knowledge.dates import resolve
from generator.knowledge.model import Citation, Dated, Event, KnowledgeBase, Link
from generator.knowledge.timeline import chronological, sort_key
from generator.sources.schema import DateClaim
from generator.sources.text import Sentence

SENTENCE = Sentence(1, 1, 0, 10, "A sentence.")


def event(
    event_id: str,
    *dates: str,
    after: tuple[str, ...] = (),
    relations: tuple[tuple[str, str], ...] = (),
    reported: str | None = None,
    title: str | None = None,
) -> Event:
    """An event with the given happened-on dates and "response-to" predecessors."""
    item = Event(event_id, "events", None)
    citation = Citation("fictional-source", f"quote for {event_id}", SENTENCE)
    item.names.add(title or event_id.replace("-", " ").capitalize(), citation)
    for number, value in enumerate(dates):
        claim = DateClaim(precision=_precision(value), value=value, quote=f"date {number}")
        item.dates.add(dated(claim), Citation("fictional-source", f"date {number}", SENTENCE))
    if reported:
        claim = DateClaim(precision="day", value=reported, basis="reported", quote="reported")
        item.dates.add(dated(claim), citation)
    for target in after:
        item.relations.add(Link("response-to", target), citation)
    for kind, target in relations:
        item.relations.add(Link(kind, target), citation)
    return item


def _precision(value: str) -> str:
    return {4: "year", 7: "month"}.get(len(value), "day")


def dated(claim: DateClaim) -> Dated:
    """A date as merging gives it: with the days it stands for."""
    return Dated(claim, resolve(claim.value, claim.precision.value, claim.relative, None))


def order(*events: Event) -> list[str]:
    kb = KnowledgeBase(events={item.id: item for item in events})
    return [item.id for item in chronological(kb)]


def test_dated_events_come_in_date_order_whatever_their_order_or_name() -> None:
    assert order(
        event("alpha", "2031-03-10"),
        event("beta", "2031-01-05"),
        event("gamma", "2031-03-09"),
    ) == ["beta", "gamma", "alpha"]


def test_partial_dates_sort_before_the_days_they_contain() -> None:
    assert order(event("day", "2031-03-05"), event("month", "2031-03"), event("year", "2030")) == [
        "year",
        "month",
        "day",
    ]


def test_the_earliest_date_any_source_gives_is_the_sort_key() -> None:
    disputed = event("disputed", "2031-03-09", "2031-03-02")
    assert sort_key(disputed) == "2031-03-02"
    assert order(event("other", "2031-03-05"), disputed) == ["disputed", "other"]


def test_a_reported_on_date_does_not_date_the_event() -> None:
    late_report = event("late-report", reported="2031-01-01")
    assert sort_key(late_report) is None
    assert order(late_report, event("dated", "2031-06-01")) == ["dated", "late-report"]


def test_undated_events_follow_what_they_respond_to() -> None:
    assert order(
        event("later", "2031-05-01"),
        event("response", after=("start",)),
        event("start", "2031-01-01"),
        event("reply-to-response", after=("response",)),
    ) == ["start", "response", "reply-to-response", "later"]


def test_follows_orders_like_response_to_and_precedes_the_other_way() -> None:
    assert order(
        event("second", relations=(("follows", "first"),)),
        event("first", "2031-02-01"),
        event("third", relations=(("follows", "second"),)),
        event("zero", relations=(("precedes", "first"),), title="Aaa comes first by name"),
    ) == ["zero", "first", "second", "third"]


def test_part_of_and_coincides_with_do_not_order() -> None:
    assert order(
        event("whole", "2031-06-01"),
        event("part", "2031-02-01", relations=(("part-of", "whole"),)),
        event("same-time", "2031-01-01", relations=(("coincides-with", "part"),)),
    ) == ["same-time", "part", "whole"]


def test_unrelated_undated_events_come_last_by_title() -> None:
    assert order(
        event("zulu", title="Zulu"),
        event("dated", "2031-01-01"),
        event("alpha", title="alpha"),
        event("bravo", title="Bravo"),
    ) == ["dated", "alpha", "bravo", "zulu"]


def test_relations_to_unknown_events_are_ignored() -> None:
    assert order(event("orphan", after=("not-an-event",)), event("dated", "2031-01-01")) == [
        "dated",
        "orphan",
    ]


@pytest.mark.parametrize(
    "events",
    [
        pytest.param(
            (event("a", after=("b",)), event("b", after=("a",))),
            id="two-cycle",
        ),
        pytest.param(
            (event("a", after=("c",)), event("b", after=("a",)), event("c", after=("b",))),
            id="three-cycle",
        ),
        pytest.param(
            (
                event("a", "2031-01-02", after=("b",)),
                event("b", "2031-01-01", after=("a",)),
                event("c", after=("a",)),
            ),
            id="dated-cycle-with-follower",
        ),
        pytest.param((event("a", after=("a",)),), id="self-loop"),
    ],
)
def test_cycles_do_not_crash_and_every_event_appears_once(events: tuple[Event, ...]) -> None:
    result = order(*events)
    assert sorted(result) == sorted(item.id for item in events)


def test_a_cycle_is_broken_at_its_earliest_event() -> None:
    assert order(
        event("a", "2031-01-02", after=("b",)),
        event("b", "2031-01-01", after=("a",)),
        event("c", after=("a",)),
    ) == ["b", "a", "c"]


@pytest.mark.parametrize(
    "events",
    [
        pytest.param(
            (
                event("b", "2031-03-05", after=("a",)),
                event("c", "2031-03-10"),
                event("a"),
            ),
            id="dated-response-to-undated",
        ),
        pytest.param(
            (
                event("b", "2031-03-05"),
                event("c", "2031-03-10"),
                event("a", relations=(("precedes", "b"),)),
            ),
            id="undated-precedes-dated",
        ),
    ],
)
def test_an_undated_cause_does_not_push_dated_events_out_of_date_order(
    events: tuple[Event, ...],
) -> None:
    assert order(*events) == ["a", "b", "c"]


def test_an_empty_knowledge_base_has_an_empty_timeline() -> None:
    assert chronological(KnowledgeBase()) == []


# --- Properties over many graphs ------------------------------------------------


@st.composite
def consistent_graphs(draw) -> tuple[list[Event], list[tuple[str, str]]]:
    """Events 0..n-1 whose relations only point forward in time, dates never against them."""
    size = draw(st.integers(2, 8))
    days = draw(st.lists(st.one_of(st.none(), st.integers(1, 28)), min_size=size, max_size=size))
    sorted_days = iter(sorted(d for d in days if d is not None))
    days = [None if d is None else next(sorted_days) for d in days]
    edges = [
        (i, j, draw(st.sampled_from(["response-to", "follows", "precedes"])))
        for i in range(size)
        for j in range(i + 1, size)
        if draw(st.booleans())
    ]
    events = []
    for index, day in enumerate(days):
        relations = tuple(
            (kind, f"e{i}") for i, j, kind in edges if j == index and kind != "precedes"
        ) + tuple(
            ("precedes", f"e{j}") for i, j, kind in edges if i == index and kind == "precedes"
        )
        dates = (f"2031-03-{day:02d}",) if day else ()
        events.append(event(f"e{index}", *dates, relations=relations, title=f"T{size - index}"))
    return events, [(f"e{i}", f"e{j}") for i, j, _ in edges]


@settings(max_examples=300, deadline=None)
@given(consistent_graphs())
def test_relations_and_dates_are_both_respected_when_they_agree(graph) -> None:
    events, edges = graph
    result = order(*events)
    assert sorted(result) == sorted(e.id for e in events)
    position = {eid: index for index, eid in enumerate(result)}
    for earlier, later in edges:
        assert position[earlier] < position[later], (earlier, later, result)
    dated = sorted((sort_key(e), position[e.id]) for e in events if sort_key(e))
    assert [p for _, p in dated] == sorted(p for _, p in dated), result


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from(["follows", "precedes"])),
        max_size=15,
    ),
    st.lists(st.one_of(st.none(), st.integers(1, 28)), min_size=6, max_size=6),
)
def test_any_relations_even_contradictory_give_every_event_once(edges, days) -> None:
    events = [
        event(
            f"e{index}",
            *((f"2031-03-{day:02d}",) if day else ()),
            relations=tuple((kind, f"e{j}") for i, j, kind in edges if i == index),
        )
        for index, day in enumerate(days)
    ]
    assert sorted(order(*events)) == sorted(e.id for e in events)
