"""Counts as intervals: when they agree, disagree, or follow each other in one source."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from generator.knowledge import figures
from generator.knowledge.dates import Span
from generator.knowledge.figures import Count

MONDAY = Span(dt.date(2031, 5, 5), dt.date(2031, 5, 5), "day")


def count(value: int | None, qualifier: str = "exact", **rest: object) -> Count:
    return Count(value, qualifier, **rest)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "allowed"),
    [
        (count(3), (3, 3)),
        (count(2, "at-least"), (2, math.inf)),
        (count(35, "more-than"), (36, math.inf)),
        (count(10, "up-to"), (0, 10)),
        (count(10, "fewer-than"), (0, 9)),
        (count(40, "about"), (36, 44)),
        (count(5, "about"), (4, 6)),
        (count(None), (0, math.inf)),
    ],
)
def test_each_qualifier_is_an_interval(given: Count, allowed: tuple[float, float]) -> None:
    assert figures.bounds(given) == allowed


@pytest.mark.parametrize(
    ("latest", "disagree"),
    [
        ({"a": [[count(1, "at-least")]], "b": [[count(2, "at-least")]], "c": [[count(3)]]}, False),
        ({"a": [[count(4)]], "b": [[count(7)]]}, True),
        ({"a": [[count(40, "about")]], "b": [[count(42)]]}, False),
        ({"a": [[count(None)]], "b": [[count(7)]]}, False),
        ({"a": [[count(10, "fewer-than")]], "b": [[count(10)]]}, True),
        # One source giving two counts for one time: they cannot both hold.
        ({"a": [[count(3), count(5)]]}, True),
        # Only the latest counts are compared: an earlier 20 does not dispute 35.
        ({"a": [[count(20)], [count(35, "more-than")]], "b": [[count(40)]]}, False),
    ],
)
def test_counts_disagree_only_when_no_number_fits_them_all(latest, disagree) -> None:
    assert figures.disagree(latest) is disagree


def test_a_sources_counts_are_in_time_order_those_of_one_time_together() -> None:
    sunday = Span(dt.date(2031, 5, 4), dt.date(2031, 5, 4), "day", inferred=True)
    monday = Span(dt.date(2031, 5, 5), dt.date(2031, 5, 5), "day", inferred=True)
    later = count(35, "more-than", as_of="on Monday", when=monday)
    first = count(20, as_of="initially")
    evening = count(30, "at-least", as_of="by Sunday evening", when=sunday)
    undated = count(33)
    steps = figures.in_time_order([later, undated, first, evening], MONDAY)
    assert steps == [[first], [evening], [later, undated]]


def test_ties_print_the_same_way_every_run() -> None:
    """ "Up to 9" and "fewer than 10" allow the same numbers: the order still decides."""
    up_to, fewer = count(9, "up-to"), count(10, "fewer-than")
    assert sorted([up_to, fewer], key=figures.order) == sorted([fewer, up_to], key=figures.order)
