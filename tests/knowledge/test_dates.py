"""Dates as spans of days: resolving claims, finding disagreements, describing spans."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.knowledge import dates
from generator.knowledge.dates import Span, describe, disagree, resolve
from generator.sources.vocabulary import Precision

D = dt.date
MONDAY = "2024-02-05"  # the report's day in most cases below: a Monday
WEDNESDAY = "2024-02-07"  # where "this week" and "last week" differ from a day's arithmetic


def span(
    start: str, end: str | None = None, precision: str = "day", inferred: bool = False
) -> Span:
    """A span from ISO days (one day when `end` is left out)."""
    return Span(D.fromisoformat(start), D.fromisoformat(end or start), precision, inferred)


WORDS = [
    # The report's day.
    ("today", MONDAY, span(MONDAY, inferred=True)),
    ("this morning", MONDAY, span(MONDAY, inferred=True)),
    ("this afternoon", MONDAY, span(MONDAY, inferred=True)),
    ("this evening", MONDAY, span(MONDAY, inferred=True)),
    ("tonight", MONDAY, span(MONDAY, inferred=True)),
    ("earlier today", MONDAY, span(MONDAY, inferred=True)),
    ("Earlier  Today.", MONDAY, span(MONDAY, inferred=True)),
    # The day before.
    ("yesterday", MONDAY, span("2024-02-04", inferred=True)),
    ("yesterday morning", MONDAY, span("2024-02-04", inferred=True)),
    ("last night", MONDAY, span("2024-02-04", inferred=True)),
    ("late last night", MONDAY, span("2024-02-04", inferred=True)),
    ("yesterday", "2024-03-01", span("2024-02-29", inferred=True)),
    ("overnight", MONDAY, span("2024-02-04", MONDAY, "approximate", True)),
    ("overnight", "2024-01-01", span("2023-12-31", "2024-01-01", "approximate", True)),
    # Weekdays: the most recent one before the report, or the report's own weekday.
    ("Sunday", MONDAY, span("2024-02-04", inferred=True)),
    ("on Sunday", MONDAY, span("2024-02-04", inferred=True)),
    ("Sunday night", MONDAY, span("2024-02-04", inferred=True)),
    ("late Sunday", MONDAY, span("2024-02-04", inferred=True)),
    ("as of Sunday evening", MONDAY, span("2024-02-04", inferred=True)),
    ("since Saturday", MONDAY, span("2024-02-03", inferred=True)),
    ("by Friday", MONDAY, span("2024-02-02", inferred=True)),
    ("Tuesday", MONDAY, span("2024-01-30", inferred=True)),
    ("Monday", MONDAY, span(MONDAY, inferred=True)),
    ("early Monday", MONDAY, span(MONDAY, inferred=True)),
    ("Mon", MONDAY, span(MONDAY, inferred=True)),
    ("Wednesday", WEDNESDAY, span(WEDNESDAY, inferred=True)),
    ("Monday afternoon", WEDNESDAY, span(MONDAY, inferred=True)),
    ("Thursday", WEDNESDAY, span("2024-02-01", inferred=True)),
    # Weeks, months, years.
    ("last week", MONDAY, span("2024-01-29", "2024-02-04", "week", True)),
    ("last week", WEDNESDAY, span("2024-01-29", "2024-02-04", "week", True)),
    ("this week", WEDNESDAY, span(MONDAY, WEDNESDAY, "week", True)),
    ("earlier this week", WEDNESDAY, span(MONDAY, WEDNESDAY, "week", True)),
    ("this week", MONDAY, span(MONDAY, MONDAY, "week", True)),
    ("last month", MONDAY, span("2024-01-01", "2024-01-31", "month", True)),
    ("last month", "2024-03-15", span("2024-02-01", "2024-02-29", "month", True)),
    ("this month", MONDAY, span("2024-02-01", MONDAY, "month", True)),
    ("last year", MONDAY, span("2023-01-01", "2023-12-31", "year", True)),
    ("3 days ago", MONDAY, span("2024-02-02", inferred=True)),
    ("two days ago", MONDAY, span("2024-02-03", inferred=True)),
    # Vague periods and unknown words never resolve.
    ("for months", MONDAY, None),
    ("in recent weeks", MONDAY, None),
    ("recently", MONDAY, None),
    ("for years", MONDAY, None),
    ("over the past few days", MONDAY, None),
    ("initially", MONDAY, None),
    ("at first", MONDAY, None),
    ("later", MONDAY, None),
    ("so far", MONDAY, None),
    ("earlier", MONDAY, None),
    ("in the aftermath", MONDAY, None),
    ("", MONDAY, None),
    # Words are read only against a report's full day.
    ("Sunday", "2024-02", None),
    ("yesterday", "2024", None),
    ("Sunday", None, None),
    ("Sunday", "not a date", None),
]


@pytest.mark.parametrize(("words", "published", "expected"), WORDS)
def test_relative_words_resolve_against_the_report_day(
    words: str, published: str | None, expected: Span | None
) -> None:
    assert resolve(None, "relative", words, published) == expected


@pytest.mark.parametrize("words", ["recently", "for months", "in recent weeks", "so far", "later"])
def test_vague_words_never_reach_the_parser(words: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Even a parser that reads every phrase as the report's day must not date vague periods.
    def anything(words: str, base: dt.date, language: str) -> Span:
        return Span(base, base, "day", True)

    monkeypatch.setattr(dates, "_dateparser", anything)
    dates._resolve_words.cache_clear()
    try:
        assert resolve(None, "relative", words, MONDAY) is None
        assert resolve(None, "relative", "in the aftermath", MONDAY) == span(MONDAY, inferred=True)
    finally:
        dates._resolve_words.cache_clear()


@pytest.mark.parametrize("precision", ["approximate", "unknown", "day"])
def test_words_resolve_whatever_the_claimed_precision(precision: str) -> None:
    assert resolve(None, precision, "Sunday", MONDAY) == span("2024-02-04", inferred=True)


VALUES = [
    ("2024-02-04", "day", span("2024-02-04")),
    ("2024-02", "day", span("2024-02-01", "2024-02-29", "month")),  # never finer than written
    ("2024-02", "month", span("2024-02-01", "2024-02-29", "month")),
    ("2023-02", "month", span("2023-02-01", "2023-02-28", "month")),
    ("2024-12-25", "month", span("2024-12-01", "2024-12-31", "month")),
    ("2024", "year", span("2024-01-01", "2024-12-31", "year")),
    ("2024-02-04", "year", span("2024-01-01", "2024-12-31", "year")),
    ("2024-01-29", "week", span("2024-01-29", "2024-02-04", "week")),
    ("2024-02", "week", span("2024-02-01", "2024-02-29", "month")),
    ("2024-02-04", "approximate", span("2024-02-01", "2024-02-07", "approximate")),
    ("2024-02", "approximate", span("2024-02-01", "2024-02-29", "month")),
    ("2024", "approximate", span("2024-01-01", "2024-12-31", "year")),
    ("2024-02-04", "relative", span("2024-02-04")),
    ("2024-02", "unknown", span("2024-02-01", "2024-02-29", "month")),
    ("9999-12-30", "approximate", span("9999-12-27", "9999-12-31", "approximate")),
    ("2024-02-30", "day", None),
    ("February", "day", None),
]


@pytest.mark.parametrize(("value", "precision", "expected"), VALUES)
def test_values_resolve_to_their_interval(
    value: str, precision: str, expected: Span | None
) -> None:
    assert resolve(value, precision, None, None) == expected


def test_a_value_wins_over_words() -> None:
    assert resolve("2024-01-10", "day", "Sunday", MONDAY) == span("2024-01-10")


def test_precision_vocabulary_members_are_accepted() -> None:
    assert resolve("2024-02", Precision.month, None, None) == span(
        "2024-02-01", "2024-02-29", "month"
    )


def test_french_weekday_names_follow_the_same_rules() -> None:
    assert resolve(None, "relative", "dimanche", MONDAY, "fr") == span("2024-02-04", inferred=True)
    assert resolve(None, "relative", "lundi", MONDAY, "fr") == span(MONDAY, inferred=True)
    assert resolve(None, "relative", "hier", MONDAY, "fr") == span("2024-02-04", inferred=True)


def test_english_only_rules_stay_english() -> None:
    # "overnight" is an English word: a French source's text is not read with English rules.
    assert resolve(None, "relative", "overnight", MONDAY, "fr") is None


def test_an_unsupported_language_resolves_nothing() -> None:
    assert resolve(None, "relative", "Sunday", MONDAY, "tlh") is None


def test_repeated_words_come_from_the_cache() -> None:
    first = resolve(None, "relative", "Thursday night", "2021-06-14")
    assert first == span("2021-06-10", inferred=True)
    assert resolve(None, "relative", "thursday  night", "2021-06-14") is first


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([span("2024-02-01", "2024-02-29", "month"), span("2024-02-04")], False),
        ([span("2024-02-04"), span("2024-02-06")], True),
        ([span("2024-02-04"), None, span("2024-02-04")], False),
        ([span("2024-02-04"), None, None], False),
        ([None, None], False),
        ([], False),
        ([span("2024-02-04", "2024-02-05", "approximate"), span("2024-02-05")], False),
        ([span("2024-02-01", "2024-02-07", "approximate"), span("2024-02-06")], False),
        # Each overlaps the middle one, but the outer two cannot both hold.
        (
            [
                span("2024-02-01", "2024-02-03"),
                span("2024-02-01", "2024-02-29", "month"),
                span("2024-02-10"),
            ],
            True,
        ),
        (
            [span("2023-01-01", "2023-12-31", "year"), span("2024-01-01", "2024-12-31", "year")],
            True,
        ),
    ],
)
def test_disagree(spans: list[Span | None], expected: bool) -> None:
    assert disagree(spans) is expected
    assert disagree(iter(reversed(spans))) is expected


def test_overlaps_and_iso() -> None:
    month = span("2024-02-01", "2024-02-29", "month")
    assert month.overlaps(span("2024-02-29")) and span("2024-02-29").overlaps(month)
    assert not month.overlaps(span("2024-03-01"))
    assert month.iso == "2024-02-01"
    assert sorted([span("2024-02-10"), month, span("2023-12-31")], key=lambda s: s.iso)[1] == month


def test_a_span_must_be_a_span() -> None:
    with pytest.raises(ValueError):
        span("2024-02-05", "2024-02-04")
    with pytest.raises(ValueError):
        span("2024-02-05", precision="relative")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (span("2024-02-04"), "4 February 2024"),
        (span("2024-01-29", "2024-02-04", "week"), "week of 29 January 2024"),
        (span("2024-02-01", "2024-02-29", "month"), "February 2024"),
        (span("2024-02-01", MONDAY, "month", True), "February 2024"),
        (span("2024-01-01", "2024-12-31", "year"), "2024"),
        (span("2024-02-03", "2024-02-04", "approximate"), "3–4 February 2024"),
        (span("2024-01-31", "2024-02-01", "approximate"), "31 January – 1 February 2024"),
        (span("2023-12-31", "2024-01-01", "approximate"), "31 December 2023 – 1 January 2024"),
        (span("2024-02-01", "2024-02-07", "approximate"), "around 4 February 2024"),
        (span("2024-02-04", "2024-02-04", "approximate"), "4 February 2024"),
    ],
)
def test_describe(value: Span, expected: str) -> None:
    assert describe(value) == expected


def test_describe_resolved_claims() -> None:
    assert describe(resolve(None, "relative", "overnight", MONDAY) or span("1999-01-01")) == (
        "4–5 February 2024"
    )
    assert describe(resolve("2024-02-04", "approximate", None, None) or span("1999-01-01")) == (
        "around 4 February 2024"
    )


texts = st.one_of(st.none(), st.text(max_size=40), st.sampled_from([w for w, _, _ in WORDS]))


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(st.none(), st.text(max_size=12), st.dates().map(dt.date.isoformat)),
    precision=st.one_of(st.sampled_from([p.value for p in Precision]), st.text(max_size=8)),
    relative=texts,
    published=st.one_of(st.none(), st.text(max_size=12), st.dates().map(dt.date.isoformat)),
    language=st.one_of(st.sampled_from(["en", "fr", "de", "es", "xx"]), st.text(max_size=4)),
)
def test_resolve_never_raises(
    value: str | None, precision: str, relative: str | None, published: str | None, language: str
) -> None:
    result = resolve(value, precision, relative, published, language)
    assert result is None or (isinstance(result, Span) and result.start <= result.end)
    if result is not None:
        describe(result)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(), precision=st.sampled_from([p.value for p in Precision]))
def test_a_day_lies_in_the_span_of_its_day_month_and_year(day: dt.date, precision: str) -> None:
    for value in (day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]):
        result = resolve(value, precision, None, None)
        assert result is not None and not result.inferred
        assert result.start <= day <= result.end


@settings(max_examples=300, deadline=None)
@given(words=st.text(max_size=30), published=st.dates(), language=st.sampled_from(["en", "fr"]))
def test_any_words_against_a_real_report_day_never_raise(
    words: str, published: dt.date, language: str
) -> None:
    result = resolve(None, "relative", words, published.isoformat(), language)
    assert result is None or result.inferred
