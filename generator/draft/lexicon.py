"""The English words the offline drafter reads text by: titles, the head words that give
an organisation's or a place's kind, reporting verbs. Data, kept apart from the rules."""

from __future__ import annotations

from ..knowledge.dates import MONTHS
from ..sources.text import word_set


def _kinds(**words: str) -> dict[str, str]:
    """Each word of each list, to the kind its keyword names (`armed_group` -> `armed-group`)."""
    return {
        word: kind.replace("_", "-") for kind, listed in words.items() for word in listed.split()
    }


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CALENDAR = frozenset(word.casefold() for word in (*WEEKDAYS, *MONTHS))
"""Names of days and months: dates, never the names of entities."""

FUNCTION_WORDS = {day.casefold() for day in WEEKDAYS} | word_set(
    "a an the this that these those in on at as after before by for from with without to "
    "of and but or nor so yet if while when where since until because although though "
    "according however meanwhile also it its he she his her they their them we our you "
    "i there here some many most several one two three four five other another each every "
    "all both no not more fewer less about around nearly over under during despite "
    "earlier later then now today yesterday last next first second"
)
"""Words that open a sentence without naming anything ("The", "According", "Sunday")."""
OPENING_NOUNS = word_set(
    "officials official investigators police people residents witnesses crowds dock fire "
    "shipping port harbour harbor artillery mayor contributions"
)
"""Ordinary nouns news copy opens sentences with ("Fire crews", "Port authorities")."""

_TITLES = (
    "president|vice president|prime minister|foreign minister|interior minister|"
    "defence minister|defense minister|health minister|finance minister|minister|"
    "deputy minister|secretary of state|secretary|mayor|governor|general|gen|"
    "lt . col|lt . gen|col|colonel|lieutenant|major|maj|captain|capt|admiral|adm|"
    "sgt|sergeant|senator|sen|rep|representative|dr|ambassador|commander|chief|"
    "king|queen|prince|sheikh|ayatollah|judge|spokesman|spokeswoman|spokesperson|"
    "harbour master|harbor master|mr|mrs|ms|brig . gen|field marshal|emir|pope|"
    "chancellor|premier|speaker"
)
TITLES = [tuple(title.split()) for title in _TITLES.split("|")]
"""Titles before a person's name, as folded tokens ("Lt. Col." is `lt . col`)."""
TITLE_WORDS = word_set(
    "minister president secretary mayor governor general spokesman spokeswoman spokesperson"
)
"""A run of capitalised words ending in one of these is a title, not a name."""
LOWER_TITLES = word_set(
    "minister spokesman spokeswoman spokesperson master mayor commander leader president "
    "chief envoy ambassador general colonel official head director"
)
"""Titles written in lower case before a name ("harbour master J. K. Oster")."""

ORG_HEADS = _kinds(
    organization="ministry commission committee council agency union company corporation "
    "television news post times court authority authorities party bank university institute "
    "organization organisation hospital maritime",
    government="government administration",
    military_unit="command forces force army navy brigade division battalion regiment guard "
    "guards police",
    armed_group="brigades front militia rebels movement",
    coalition="alliance coalition",
)
"""The last word of an organisation's name, to the kind of actor it makes it."""
PLACE_HEADS = _kinds(
    sea="sea ocean gulf strait bay",
    region="river valley mountains province region governorate district",
    territory="strip bank heights island islands",
    facility="base airport port terminal",
    city="quay ford city",
    country="republic kingdom",
)
"""The last word of a place's name, to the kind of location it makes it."""
GROUP_NOUNS = _kinds(
    armed_group="rebels militia militias fighters militants",
    government="government",
    military_unit="forces troops army military police",
    group="officials authorities lawmakers diplomats people",
)
"""A capitalised word before one of these names a group ("Houthi rebels", "Iraqi officials")."""

FACILITY_NOUNS = word_set(
    "terminal depot base airport airbase bridge crossing camp hospital prison checkpoint "
    "embassy consulate refinery plant station compound headquarters warehouse school"
)
"""Nouns of built places: "the fuel depot", "the Kessa Ford bridge crossing"."""
PLACE_PREPOSITIONS = word_set("in at near from into across outside inside toward towards")
PLACE_NOUNS = word_set("town towns city cities village villages port region province district area")
"""Nouns after which "of" names a place ("the towns of Kovrel and Marrish")."""
PERSON_NOUNS = word_set(
    "official spokesman spokeswoman spokesperson lawmaker member commander leader minister "
    "diplomat officer man woman resident witness source"
)
"""Nouns that describe one person the text does not name ("a port official")."""
GROUP_PERSONS = word_set(
    "officials diplomats lawmakers residents witnesses sources investigators monitors "
    "authorities staff crowds members commanders leaders"
)
"""Nouns that describe people the text does not name ("diplomats in the region")."""
SPEAKER_NOUNS = PERSON_NOUNS | GROUP_PERSONS | {"ministry"}
"""What an unnamed speaker is called ("a ministry spokesman said")."""

CREDITS = (
    "Contributions from",
    "More from",
    "Reporting by",
    "Additional reporting",
    "Editing by",
    "Written by",
)
"""How an article's credits open: lines that report nothing."""

REPORTING_VERBS = _kinds(
    states="said says told stated reported added repeated",
    denies="denied denies dismissed",
    claims="claimed claims asserted asserting insisted",
    confirms="confirmed confirms",
    vows="vowed vows pledged promised",
    condemns="condemned condemns criticized criticised denounced denouncing labeled labelled",
    accuses="accused accuses accusing blamed",
    calls_for="urged demanded",
) | {
    "according to": "states",
    "called for": "calls-for",
    "calls for": "calls-for",
    "pushed for": "calls-for",
}
"""Reporting verbs, to the type of statement they report."""
AUXILIARIES = word_set("has have had also strongly publicly repeatedly was were is")
"""Words between a speaker and their verb ("has also strongly criticized")."""
