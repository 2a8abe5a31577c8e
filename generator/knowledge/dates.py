"""Dates as intervals: the days a source's date allows, and whether two sources disagree.

Every date a source gives is read as a span of days, first to last, both included.

With a date written out (`value`):

- a day is that day; a month runs from its first to its last day; a year from
  1 January to 31 December;
- a week is the seven days from the given day (the week's first day);
- an approximate date is the given day widened by three days on each side, or the
  whole month or year when only that is given;
- a date is never read as more precise than it is written (the summary format refuses
  a precision its value does not match: `sources/schema.py`). A claim marked relative
  or unknown that still has a date uses the date as written.

Without a date, the source's own words ("Sunday", "last week") are read against the
day the report was published, and only when that is known to the day. Such spans are
marked as inferred.

- "today", "this morning", "tonight", "earlier today" are the report's day;
  "yesterday" and "last night" the day before; "two days ago" two days before;
- "overnight" is approximate: the day before and the report's day;
- a weekday ("Sunday", "on Sunday", "late Sunday", "as of Sunday evening") is the most
  recent such day before the report, or the report's own day when it names that
  weekday: in news writing "Monday" in a Monday report means that Monday;
- "last week" is Monday to Sunday of the previous week; "this week" and "earlier this
  week" run from Monday of the report's week to the report's day;
- "last month" and "last year" are the whole previous calendar month or year; a
  period that contains the report's day ("this month") ends on the report's day.
- Vague periods ("for months", "in recent weeks", "recently", "so far", "at first",
  "later") and words we cannot read give no span. A date without a span never counts
  as a disagreement.

Words are read in the source's language: weekday names in every language the
dateparser library knows ("dimanche" in a French report), other phrases by dateparser;
the English rules it lacks ("overnight", "late Sunday") apply to English sources only.

Two dates disagree when their spans have no day in common: "February 2024" and
"4 February 2024" agree; "4 February" and "6 February" do not.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

PRECISIONS = ("day", "week", "month", "year", "approximate")
"""The precisions a span can have (the claim vocabulary less `relative` and `unknown`)."""

_WIDEN = 3
# Not calendar.month_name: that follows the process's locale, and pages are in English.
MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
MONTHS += ("August", "September", "October", "November", "December")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# Times that name no day. dateparser reads none of these now; listing them keeps a future
# version from turning one into the report's day (as it does "now"), and skips its cost.
_VAGUE = frozenset(
    ("recently", "lately", "initially", "later", "earlier", "previously", "eventually")
    + ("so far", "at first", "until now", "to date", "at the time", "since then")
)
# "for months", "in recent weeks", "over the past few days": durations, not dates.
_VAGUE_PERIOD = re.compile(
    r"^(?:for|in recent|over recent|in the past|over the past|in the last|over the last)"
    r"(?: (?:\w+ )?\w+)? (?:days|weeks|months|years|decades)$"
)
_PREFIXES = re.compile(r"^(?:(?:on|late|early|earlier|by|as of|since)\s+)+")
_TIME_OF_DAY = r"(?:\s+(?:morning|evening|night|afternoon))?"


@dataclass(frozen=True)
class Span:
    """The days a date allows, first to last inclusive."""

    start: dt.date
    end: dt.date
    precision: str
    inferred: bool = False
    """True when computed from the source's words and the report's date."""

    def __post_init__(self) -> None:
        if self.start > self.end or self.precision not in PRECISIONS:
            raise ValueError(f"not a span: {self.start}..{self.end} ({self.precision})")

    def overlaps(self, other: Span) -> bool:
        """Whether the two spans have at least one day in common."""
        return self.start <= other.end and other.start <= self.end

    @property
    def iso(self) -> str:
        """A sortable key: the first day, as `YYYY-MM-DD`."""
        return self.start.isoformat()


def resolve(
    claim_value: str | None,
    precision: str,
    relative: str | None,
    published: str | None,
    language: str = "en",
) -> Span | None:
    """The span a date claim allows, by the rules in this module's docstring; None if none."""
    if claim_value:
        return _from_value(claim_value, str(precision))
    base = _parse_iso(published) if published else None
    if not relative or base is None or base[1] != "day":
        return None
    words = " ".join(relative.casefold().split()).strip(" .,;:!?\"'")
    return _resolve_words(words, base[0], language.casefold())


def disagree(spans: Iterable[Span | None]) -> bool:
    """True when at least two of the spans have no day in common; unresolved ones are ignored."""
    known = [span for span in spans if span is not None]
    # On a line, spans that overlap pairwise share a day: none after the earliest end starts.
    return bool(known) and max(s.start for s in known) > min(s.end for s in known)


def describe(span: Span) -> str:
    """The span in words for readers, e.g. "4 February 2024" or "week of 29 January 2024"."""
    start, end = span.start, span.end
    if span.precision == "year":
        return str(start.year)
    if span.precision == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    if span.precision == "week":
        return f"week of {_day(start)}"
    if start == end:
        return _day(start)
    if span.precision == "approximate" and (end - start).days == 2 * _WIDEN:
        return f"around {_day(start + dt.timedelta(days=_WIDEN))}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{_day(end)}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} – {_day(end)}"
    return f"{_day(start)} – {_day(end)}"


def _day(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _parse_iso(value: str) -> tuple[dt.date, str] | None:
    """The first day of an ISO partial date and its natural precision."""
    match = _ISO.match(value.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        first = dt.date(year or 1, month or 1, day or 1)
    except ValueError:
        return None
    return first, "day" if day else "month" if month else "year"


def _shift(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:  # at the ends of the calendar a widened span stops there
        return dt.date.max if days > 0 else dt.date.min


def _period(day: dt.date, precision: str, inferred: bool = False) -> Span:
    """The whole day, ISO week (Monday to Sunday), month or year that contains `day`."""
    if precision == "week":
        monday = _shift(day, -day.weekday())
        return Span(monday, _shift(monday, 6), "week", inferred)
    if precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return Span(day.replace(day=1), day.replace(day=last), "month", inferred)
    if precision == "year":
        return Span(day.replace(month=1, day=1), day.replace(month=12, day=31), "year", inferred)
    return Span(day, day, "day", inferred)


def _from_value(value: str, precision: str) -> Span | None:
    parsed = _parse_iso(value)
    if parsed is None:
        return None
    day, natural = parsed
    if natural == "day" and precision == "week":
        return Span(day, _shift(day, 6), "week")
    if natural == "day" and precision == "approximate":
        return Span(_shift(day, -_WIDEN), _shift(day, _WIDEN), "approximate")
    # Never finer than written, and coarser when the claim says so ("month" of a full date).
    coarser = precision if precision in ("month", "year") and natural != "year" else natural
    return _period(day, coarser)


@lru_cache(maxsize=8192)
def _resolve_words(words: str, base: dt.date, language: str) -> Span | None:
    """Relative words read against the report's day. Cached: sites repeat the same words."""
    if not words or words in _VAGUE or _VAGUE_PERIOD.match(words):
        return None
    if language == "en":
        # dateparser has no "overnight": the night before the report, on either side of midnight.
        if words == "overnight":
            return Span(_shift(base, -1), base, "approximate", True)
        # dateparser knows "Sunday" and "today" but not "late Sunday" or "earlier today".
        words = _PREFIXES.sub("", words)
    weekdays = _weekday_names(language)
    if weekdays:
        suffix = _TIME_OF_DAY if language == "en" else ""
        match = re.fullmatch(rf"({'|'.join(map(re.escape, weekdays))}){suffix}", words)
        if match:
            # dateparser reads "Monday" in a Monday report as a week earlier; news means that day.
            back = (base.weekday() - weekdays[match.group(1)]) % 7
            return Span(_shift(base, -back), _shift(base, -back), "day", True)
    return _dateparser(words, base, language)


@lru_cache(maxsize=64)
def _weekday_names(language: str) -> dict[str, int]:
    """Names of the weekdays in a language, longest first, to their number (Monday is 0)."""
    # Imported when first needed: dateparser takes 70 ms to import, and most runs (a site
    # whose relative dates were all read before) never call it.
    from dateparser.languages.loader import default_loader

    try:
        info = default_loader.get_locale(language).info
    except Exception:  # an unknown language: its words are not read
        return {}
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    names = {
        str(name).casefold(): number
        for number, key in enumerate(days)
        for name in info.get(key, [])
        if len(str(name)) >= 3  # "mo", "di": too short to tell from other words
    }
    return dict(sorted(names.items(), key=lambda item: -len(item[0])))


def _dateparser(words: str, base: dt.date, language: str) -> Span | None:
    from dateparser.date import DateDataParser  # see `_weekday_names` for why here

    settings = {
        # Noon, so "two hours ago" or "this evening" stay on the report's day.
        "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day, 12),
        "PREFER_DATES_FROM": "past",
    }
    try:
        data = DateDataParser(languages=[language], settings=settings).get_date_data(words)
    except Exception:  # unsupported language or text dateparser cannot take: no span
        return None
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    # dateparser gives a period and one day in it ("last week" is the day a week ago).
    period = data.period if data.period in ("week", "month", "year") else "day"
    span = _period(day, period, inferred=True)
    if span.start <= base < span.end:  # "this week": up to the report, not past it
        return Span(span.start, base, span.precision, True)
    return span
