"""Figures as intervals: when sources' counts agree, disagree, or only follow each other in time.

A count is an interval of the numbers it allows (UCDP's low/high estimates are the model):
"3" is [3, 3], "at least 2" is [2, ∞), "more than 35" is [36, ∞), "up to 10" is [0, 10],
"fewer than 10" is [0, 9], "about 40" is [36, 44] (10%, at least 1 either side), and
"unknown" allows every number. Counts agree when one number fits them all, so "at least
1", "at least 2" and "3" dead agree on 3.

One source's successive counts of one thing (its `Measure`) are a series, read in the
order of their own times (`in_time_order`), never a disagreement with itself; only each
source's latest count is compared with the other sources' latest.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from .dates import Span

EARLY_WORDS = frozenset(
    {"initially", "at first", "first", "earlier", "originally", "early on", "in early reports"}
)
"""A figure's own time in words that put it before the source's other counts."""


class Measure(NamedTuple):
    """What a figure counts: its kind, refined by the source's words, a place or a group."""

    kind: str
    counted: str | None = None
    """What is counted, in the source's words (kind `other`, or a refinement)."""
    unit: str | None = None
    location: str | None = None
    """Id of the location the figure is limited to."""
    among: str | None = None
    """The group the figure is limited to ("civilians")."""


class Count(NamedTuple):
    """One value of a figure as a source gives it."""

    value: int | None
    """None when the source says the number is unknown."""
    qualifier: str
    according_to: str | None = None
    as_of: str | None = None
    """The figure's own time in the source's words (or an ISO date)."""
    when: Span | None = None
    """`as_of` placed in time, when it can be."""


def bounds(count: Count) -> tuple[float, float]:
    """The interval of numbers a count allows (the upper end may be infinite)."""
    value, qualifier = count.value, count.qualifier
    if value is None:
        return (0, math.inf)
    if qualifier == "at-least":
        return (value, math.inf)
    if qualifier == "more-than":
        return (value + 1, math.inf)
    if qualifier == "up-to":
        return (0, value)
    if qualifier == "fewer-than":
        return (0, max(value - 1, 0))
    if qualifier == "about":
        spread = max(1, round(value * 0.1))
        return (max(value - spread, 0), value + spread)
    return (value, value)


Steps = list[list[Count]]
"""One source's counts of one measure in time order: counts it gives for one time together
(two different counts for one time are not a revision)."""


def latest(by_source: Mapping[str, Steps]) -> list[Count]:
    """Every source's latest counts."""
    return [count for steps in by_source.values() if steps for count in steps[-1]]


def common(counts: Iterable[Count]) -> tuple[float, float] | None:
    """The numbers every count allows, or None when no number fits them all."""
    low, high = 0.0, math.inf
    for count in counts:
        a, b = bounds(count)
        low, high = max(low, a), min(high, b)
    return (low, high) if low <= high else None


def disagree(by_source: Mapping[str, Steps]) -> bool:
    """Whether the sources' latest counts cannot all hold."""
    return common(latest(by_source)) is None


def in_time_order(counts: list[Count], published: Span | None) -> Steps:
    """One source's counts of one measure, earliest first, those of one time together.

    A count's time is its own (`as_of`) when it can be placed; "initially" and the like
    come before everything; a count with no time of its own is as of the report's date
    (or last, for an undated report). Counts of one time keep the summary's order.
    """

    def time(count: Count) -> tuple[int, dt.date]:
        if count.as_of and count.as_of.casefold().strip() in EARLY_WORDS:
            return (0, dt.date.min)
        if count.when is not None:
            return (1, count.when.start)
        return (1, published.start if published else dt.date.max)

    steps: dict[tuple[int, dt.date], list[Count]] = {}
    for count in sorted(counts, key=time):
        steps.setdefault(time(count), []).append(count)
    return list(steps.values())


def order(count: Count) -> tuple[float, float, str, int, str, str]:
    """A total order of counts, lowest first: by the numbers they allow, then by how they
    are written, so ties print the same way every run."""
    low, high = bounds(count)
    return (
        low,
        high,
        count.qualifier,
        -1 if count.value is None else count.value,
        count.according_to or "",
        count.as_of or "",
    )
