"""Words readers see for the schema's codes: kinds, roles, relations, dates."""

from __future__ import annotations

import datetime as dt

_KIND = {
    "armed-group": "Armed group",
    "military-unit": "Military unit",
    "actors": "Actor",
    "locations": "Location",
    "events": "Event",
}

_KIND_PLURAL = {
    "person": "People",
    "organization": "Organizations",
    "armed-group": "Armed groups",
    "government": "Governments",
    "military-unit": "Military units",
    "state": "States",
    "coalition": "Coalitions",
    "group": "Groups",
    "city": "Cities",
    "country": "Countries",
    "region": "Regions",
    "sea": "Seas",
    "territory": "Territories",
    "facility": "Facilities",
}

_RELATION = {
    # code: (how this page states its own relation, how the other end lists it)
    "spokesperson-for": ("Spokesperson for", "Spokesperson"),
    "member-of": ("Member of", "Member"),
    "part-of": ("Part of", "Includes"),
    "backed-by": ("Backed by", "Backs"),
    "leads": ("Leads", "Led by"),
    "official-of": ("Official of", "Official"),
    "allied-with": ("Allied with", "Allied with"),
    "opposes": ("Opposes", "Opposed by"),
    "commander-of": ("Commander of", "Commander"),
    "connected-with": ("Connected with", "Connected with"),
    "response-to": ("In response to", "Answered by"),
    "follows": ("Follows", "Followed by"),
    "precedes": ("Precedes", "Preceded by"),
    "coincides-with": ("Coincides with", "Coincides with"),
}

_CATEGORY = {
    "actors": "Actors",
    "locations": "Locations",
    "events": "Events",
    "statements": "Statements",
    "sources": "Sources",
}

_FIGURE = {
    "fatalities": "Killed",
    "injured": "Injured",
    "civilian-casualties": "Civilian casualties",
    "targets": "Targets hit",
    "troops": "Troops",
    "evacuated": "Evacuated",
    "arrested": "Arrested",
    "missing": "Missing",
    "displaced": "Displaced",
    "munitions": "Munitions fired",
    "duration": "Duration",
}

FIGURE_KINDS = tuple(_FIGURE)
"""Figure kinds in the order pages list them: the toll first."""

_QUALIFIER = {
    "exact": "",
    "more-than": "more than ",
    "at-least": "at least ",
    "about": "about ",
    "up-to": "up to ",
    "fewer-than": "fewer than ",
}

_CERTAINTY = {
    # code: (with whose view it is, without)
    "stated": ("stated by", "stated as fact"),
    "confirmed": ("confirmed by", "confirmed"),
    "claimed": ("claimed by", "claimed"),
    "suspected": ("suspected by", "suspected"),
    "alleged": ("alleged by", "alleged"),
    "denied": ("denied by", "denied"),
}


def kind_label(kind: str) -> str:
    return _KIND.get(kind, kind.replace("-", " ").capitalize())


def kind_plural(kind: str) -> str:
    return _KIND_PLURAL.get(kind, kind_label(kind) + "s")


def relation_label(kind: str) -> str:
    return _RELATION.get(kind, (kind.replace("-", " ").capitalize(), ""))[0]


def inverse_label(kind: str) -> str:
    return _RELATION.get(kind, ("", "Related: " + kind.replace("-", " ")))[1]


def category_title(category: str) -> str:
    return _CATEGORY[category]


def explore_title(kind: str) -> str:
    """The title of the page that draws the whole site: "Map", "Timeline", "Network"."""
    return kind.capitalize()


def figure_label(kind: str) -> str:
    return _FIGURE.get(kind, kind.replace("-", " ").capitalize())


def count_value(value: int | None, qualifier: str, unit: str | None = None) -> str:
    """A count in words: "more than 35", "unknown", "about 6 hours"."""
    if value is None:
        return "unknown"
    text = f"{_QUALIFIER.get(qualifier, '')}{value:,}"
    return f"{text} {unit}" if unit else text


def certainty(code: str, by: bool) -> str:
    """How a source presents a claim: "suspected by" (followed by who) or "suspected"."""
    with_by, alone = _CERTAINTY.get(code, (code + " by", code))
    return with_by if by else alone


def relation_words(kind: str, status: str) -> str:
    """A relation as its subject's page states it: "Leads", "Leads, formerly"."""
    label = relation_label(kind)
    return f"{label}, formerly" if status == "former" else label


_STATEMENT_VERB = {
    "condemns": "Condemned by",
    "claims": "Claimed by",
    "denies": "Denied by",
    "accuses": "Accusations by",
    "vows": "Vowed by",
    "confirms": "Confirmed by",
    "calls-for": "Called for by",
    "states": "Stated by",
}


def statement_verb(kind: str) -> str:
    return _STATEMENT_VERB.get(kind, kind.capitalize())


def role_label(role: str) -> str:
    return role.replace("-", " ")


def partial_date(value: str) -> str:
    """`2024-02-07` as 7 February 2024, `2024-02` as February 2024, `2024` as is."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return f"{day.day} {day:%B %Y}"
    if len(parts) == 2:
        return f"{dt.date(parts[0], parts[1], 1):%B %Y}"
    return str(parts[0])


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


FILTERS = {
    "kind_label": kind_label,
    "kind_plural": kind_plural,
    "relation_label": relation_label,
    "inverse_label": inverse_label,
    "figure_label": figure_label,
    "role_label": role_label,
    "plural": plural,
}
