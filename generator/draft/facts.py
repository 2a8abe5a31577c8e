"""Dates and figures in a sentence, by English rules: "on 4 May", "Sunday", "overnight";
"more than 40 service members were injured"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..knowledge.dates import MONTHS, describe, resolve
from ..sources.support import NUMBER_WORDS
from .lexicon import WEEKDAYS

_MONTH = f"({'|'.join(MONTHS)})"
_WEEKDAY = f"(?:{'|'.join(WEEKDAYS)})"
_DAY_FIRST = re.compile(rf"\b(?:on |late on |early on )?(\d{{1,2}}) {_MONTH}(?:,? (\d{{4}}))?\b")
_MONTH_FIRST = re.compile(rf"\b(?:on )?{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?\b")
_MONTH_ONLY = re.compile(rf"\b(?:in|since|until|by) {_MONTH}(?: (\d{{4}}))?\b")
_YEAR = re.compile(r"\b(?:in|since|until|by) ((?:19|20)\d\d)\b")
_RELATIVE = re.compile(
    rf"\b(?:(?:late|early) )?(?:on )?{_WEEKDAY}(?:[’']s)?(?: (?:morning|evening|night|afternoon))?\b"
    r"|\b(?:overnight|yesterday|today|tonight|last night|last week|last month|last year"
    r"|earlier this week|this week|the next morning|the next day|hours after|in recent weeks"
    r"|earlier this month|earlier this year)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateFound:
    claim: dict[str, Any]
    """The `date:` block (precision, value or relative, quote)."""
    why: str
    start: int


def dates(sentence: str, offset: int, published: str | None, language: str) -> list[DateFound]:
    """The dates a sentence gives, in its order."""
    found: list[DateFound] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], claim: dict[str, Any], why: str) -> None:
        if any(match.start() < end and start < match.end() for start, end in taken):
            return
        taken.append((match.start(), match.end()))
        claim["quote"] = match.group()
        found.append(DateFound(claim, why, offset + match.start()))

    for match in _DAY_FIRST.finditer(sentence):
        add(match, *_day(int(match.group(1)), match.group(2), match.group(3), published))
    for match in _MONTH_FIRST.finditer(sentence):
        add(match, *_day(int(match.group(2)), match.group(1), match.group(3), published))
    for match in _MONTH_ONLY.finditer(sentence):
        month = MONTHS.index(match.group(1)) + 1
        year = match.group(2) or (published[:4] if published else None)
        if year:
            add(match, {"precision": "month", "value": f"{year}-{month:02d}"}, "a month")
        else:
            add(match, {"precision": "relative", "relative": match.group(1)}, "a month, no year")
    for match in _YEAR.finditer(sentence):
        add(match, {"precision": "year", "value": match.group(1)}, "a year")
    for match in _RELATIVE.finditer(sentence):
        words = re.sub(r"^(?:on )", "", match.group(), flags=re.IGNORECASE)
        words = re.sub(r"[’']s$", "", words)
        why = f"relative words, {words!r}"
        span = resolve(None, "relative", words, published, language) if published else None
        if span is not None:
            why += f", which read against the publication date give {describe(span)}"
        add(match, {"precision": "relative", "relative": words}, why)
    return sorted(found, key=lambda f: f.start)


def _day(
    day: int, month_name: str, year: str | None, published: str | None
) -> tuple[dict[str, Any], str]:
    month = MONTHS.index(month_name) + 1
    why = "a day"
    if year is None and published and len(published) >= 4:
        year = published[:4]
        why = "a day; the year is the publication's"
        try:
            if dt.date(int(year), month, day).isoformat() > published:
                year, why = str(int(year) - 1), "a day; the year before the publication's"
        except ValueError:
            pass
    if year is None:
        return {"precision": "relative", "relative": f"{day} {month_name}"}, "a day, no year"
    try:
        dt.date(int(year), month, day)
    except ValueError:
        return {"precision": "relative", "relative": f"{day} {month_name}"}, "not a real day"
    return {"precision": "day", "value": f"{year}-{month:02d}-{day:02d}"}, why


# --- figures ---------------------------------------------------------------------

_QUALIFIERS = {
    "at least": "at-least",
    "more than": "more-than",
    "over": "more-than",
    "about": "about",
    "approximately": "about",
    "around": "about",
    "roughly": "about",
    "some": "about",
    "an estimated": "about",
    "nearly": "fewer-than",
    "almost": "fewer-than",
    "up to": "up-to",
    "fewer than": "fewer-than",
    "less than": "fewer-than",
}
_FIGURE = re.compile(
    r"\b(?:(at least|more than|over|about|approximately|around|roughly|some|an estimated|nearly"
    r"|almost|up to|fewer than|less than) )?(\d{1,3}(?:,\d{3})+|\d+|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")\b((?: [\w’'-]+){0,3}?) (people|persons|civilians|soldiers|troops|service members|"
    r"workers|dock workers|fighters|drones|missiles|rockets|shells|vessels|locations|targets|"
    r"sites|children|women|men|militants|members|others|police officers|officers|of them)\b",
    re.IGNORECASE,
)
_KINDS = (
    (r"\b(?:killed|killing|dead|died|deaths?|lives|slain|fatalities)\b", "fatalities"),
    (r"\b(?:injured|wounded|hurt|injuries|treated)\b", "injured"),
    (r"\bmissing\b", "missing"),
    (r"\bevacuated\b", "evacuated"),
    (r"\bdisplaced\b", "displaced"),
    (r"\b(?:arrested|detained)\b", "arrested"),
)
_MUNITIONS = {"drones", "missiles", "rockets", "shells"}
_TARGETS = {"locations", "targets", "sites"}
_TROOPS = {"troops", "soldiers", "service members"}


@dataclass(frozen=True)
class FigureFound:
    figure: dict[str, Any]
    why: str
    start: int


def figures(sentence: str, offset: int) -> list[FigureFound]:
    """The counts a sentence gives, with what they count and how exact they are."""
    found: list[FigureFound] = []
    for match in _FIGURE.finditer(sentence):
        qualifier, number, _, noun = match.groups()
        value = _value(number)
        if value is None or (number.isdigit() and len(number) == 4 and 1900 <= value <= 2100):
            continue
        noun_key = noun.casefold()
        around = sentence[max(match.start() - 40, 0) : match.end() + 40]
        kind = next((k for pattern, k in _KINDS if re.search(pattern, around, re.I)), None)
        if noun_key in _MUNITIONS:
            kind = "munitions"
        elif noun_key in _TARGETS:
            kind = "targets"
        elif kind is None and noun_key in _TROOPS:
            kind = "troops"
        if kind is None:
            continue
        figure: dict[str, Any] = {"kind": kind, "value": value}
        if qualifier:
            figure["qualifier"] = _QUALIFIERS[qualifier.casefold()]
        if noun_key in ("civilians", "children", "women") and kind in ("fatalities", "injured"):
            figure["among"] = noun_key
        figure["quote"] = match.group()
        why = f"a number, {number!r}, counting {noun!r}" + (
            f" ({qualifier!r})" if qualifier else ""
        )
        found.append(FigureFound(figure, why, offset + match.start()))
    return found


def _value(number: str) -> int | None:
    word = number.casefold()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    digits = number.replace(",", "")
    return int(digits) if digits.isdigit() else None
