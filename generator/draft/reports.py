"""Statements and events in a sentence, by English rules.

A statement is a reporting verb ("denied", "vowed", "called for") with its speaker: the
actor named before it, after it ("..., the ministry said"), or after "according to". An
event is a sentence that reports something happening (a strike, a funeral, talks), with
the places, dates, actors and numbers the same sentence gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..sources.text import word_set
from . import lexicon
from .found import Entity, Found, Mention, quote_at
from .known import Token, tokens

_VERBS = lexicon.REPORTING_VERBS
_VERB = re.compile(r"\b(" + "|".join(sorted(_VERBS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_PRONOUNS = frozenset(("he", "she", "they", "it"))
_DETERMINERS = frozenset(["a", "an", "the", "one", "of"])


@dataclass
class Proposed:
    """An entry for the draft, with entity keys where ids will go."""

    item: dict[str, Any]
    why: str
    trigger: str
    refs: dict[str, Any] = field(default_factory=dict)


def statements(
    text: str, start: int, end: int, found: Found, last_speaker: Entity | None
) -> list[tuple[Proposed, Entity]]:
    """The statements a sentence reports: one per reporting verb whose speaker is found.
    A verb that follows another without a subject of its own ("labeled the strike ... and
    cited it", "denied ..., asserting that") is the same speaker's."""
    sentence = text[start:end]
    verbs = list(_VERB.finditer(sentence))
    found_here: list[tuple[Proposed, Entity]] = []
    last_verb = -1
    """The index of the verb of the last statement found."""
    for index, match in enumerate(verbs):
        clause_end = start + verbs[index + 1].start() if index + 1 < len(verbs) else end
        clause_start = start
        via: Entity | None = None
        if index:
            previous = verbs[index - 1]
            nested = _NESTED.match(sentence, previous.end(), match.start())
            # The clause starts after the comma or the "and" that joins it to the last.
            comma = sentence.rfind(",", previous.end(), match.start())
            joined = sentence.rfind(" and ", previous.end(), match.start())
            if nested is not None and last_verb == index - 1:
                # "the channel reported that a port official said ...": the official
                # speaks, through the channel, and the channel's statement is this one.
                via = found_here[-1][1]
                clause_start = start + nested.end()
            elif comma < 0 and joined < 0:
                continue
            else:
                clause_start = start + max(comma + 1, joined + len(" and ") if joined >= 0 else -1)
        speaker_hint = found_here[-1][1] if found_here else last_speaker
        said = _statement(
            text,
            start,
            end,
            clause_start,
            clause_end,
            match,
            found,
            speaker_hint,
            bool(index) and via is None,
        )
        if said is not None and via is not None:
            if said[1] is via:
                continue  # "the ministry said that it said": one statement
            said[0].refs["via"] = [via.key]
            found_here.pop()
        if said is not None:
            found_here.append(said)
            last_verb = index
    return found_here


_NESTED = re.compile(r"\s+that\s+(?=(?:a|an|the|one)?\s*[\w'’-]+(?:\s+[\w'’-]+){0,4}\s*$)")
"""Between "reported" and "said": "that" and a short subject of its own."""


def _statement(
    text: str,
    start: int,
    end: int,
    clause_start: int,
    clause_end: int,
    match: re.Match[str],
    found: Found,
    last_speaker: Entity | None,
    follows: bool,
) -> tuple[Proposed, Entity] | None:
    sentence = text[start:end]
    verb = match.group(1).casefold()
    at, after = start + match.start(), start + match.end()
    words = tokens(sentence, start)
    mentions = found.within(start, end)
    speaker: Entity | None
    if follows and last_speaker is not None:
        speaker, why = last_speaker, f"the same speaker as before: {last_speaker.name!r}"
    else:
        clause = [w for w in words if w.start >= clause_start]
        speaker, why = _speaker(text, clause, mentions, at, after, verb, found, last_speaker)
    if speaker is None:
        return None
    # Up to the next reporting verb, without the "and" that joins them.
    quote = re.sub(r"\s+(?:and|or|but)$", "", text[clause_start:clause_end].strip(" ,;"))
    if len(quote) < 12:
        return None
    summary = " ".join(quote.split())
    about = [m.entity for m in mentions if m.entity is not speaker]
    item: dict[str, Any] = {"speaker": speaker.key, "type": _VERBS[verb], "summary": summary}
    refs = {"about": list(dict.fromkeys(e.key for e in about))[:5]}
    item["quote"] = quote
    return Proposed(item, f"reporting verb {verb!r}; {why}", verb, refs), speaker


def _speaker(
    text: str,
    words: list[Token],
    mentions: list[Mention],
    at: int,
    after: int,
    verb: str,
    found: Found,
    last_speaker: Entity | None,
) -> tuple[Entity | None, str]:
    if verb == "according to":
        following = [m for m in mentions if m.start >= after]
        if following and following[0].start - after < 6:
            return following[
                0
            ].entity, f"speaker after 'according to': {following[0].entity.name!r}"
        return None, ""
    before = [w for w in words if w.end <= at]
    # "..., the ministry said." / "..., Oster said."
    if before and before[-1].key in _PRONOUNS and last_speaker is not None:
        return last_speaker, f"'{before[-1].text}' is the last speaker, {last_speaker.name!r}"
    # "The lawmaker stated": a definite description of the last, unnamed, speaker.
    if (
        len(before) == 2
        and before[0].key == "the"
        and before[1].key in lexicon.SPEAKER_NOUNS
        and last_speaker is not None
        and last_speaker.anonymous
    ):
        return last_speaker, f"{before[0].text} {before[1].text} is the last speaker"
    # The subject: from the start of the clause to the verb.
    clause_start = 0
    for index, word in enumerate(before):
        if word.text in (",", ";", "“", '"') and index < len(before) - 1:
            clause_start = index + 1
    subject = before[clause_start:]
    # "Yehia Rasool, the spokesperson for ..., criticized": the sentence's subject.
    if clause_start and mentions and mentions[0].start <= words[0].start + 4:
        first = mentions[0]
        if first.entity.section == "actors" and not any(
            w.key in ("said", "that") for w in words if first.end <= w.start < at
        ):
            subject = [w for w in words if w.start >= first.start and w.end <= at]
    subject = [
        w
        for w in subject
        if w.key
        not in (
            "has",
            "have",
            "had",
            "also",
            "strongly",
            "publicly",
            "repeatedly",
            "was",
            "were",
            "is",
        )
    ]
    if not subject:
        # "said the ministry" is rare in news English; "said on Friday that" is not.
        return None, ""
    span_start, span_end = subject[0].start, subject[-1].end
    # Only actors speak; a country that does is its state.
    inside = [
        m if m.entity.section == "actors" else Mention(m.start, m.end, found.state(m.entity))
        for m in mentions
        if span_start <= m.start
        and m.end <= span_end
        and (m.entity.section == "actors" or m.entity.kind == "country")
    ]
    leading = [w for w in subject if w.key not in _DETERMINERS]
    if (
        leading
        and leading[0].key in lexicon.SPEAKER_NOUNS
        and leading[0].start < (inside[0].start if inside else span_end)
    ):
        inside = []  # "Officials from Iraq": unnamed officials, not Iraq
    head = subject[-1]
    if inside and inside[0].start == subject[0].start and inside[0].entity.kind == "person":
        # "Yehia Rasool, the spokesperson for the Iraqi Armed Forces, condemned": he did.
        return inside[0].entity, f"speaker before it: {inside[0].entity.name!r}"
    # "A spokesperson for the Iraqi Armed Forces": the organisation speaks.
    keys = [w.key for w in subject]
    if (
        inside
        and any(k in ("spokesperson", "spokesman", "spokeswoman") for k in keys)
        and "for" in keys
    ):
        return inside[-1].entity, f"a spokesperson for {inside[-1].entity.name!r}"
    if inside and inside[-1].end >= head.end - 1:
        return inside[-1].entity, f"speaker before it: {inside[-1].entity.name!r}"
    if head.key in lexicon.SPEAKER_NOUNS or any(
        w.key in lexicon.SPEAKER_NOUNS for w in subject[-3:]
    ):
        phrase_words = [w for w in subject]
        while phrase_words and phrase_words[0].key in _DETERMINERS:
            phrase_words = phrase_words[1:]
        if not phrase_words:
            return None, ""
        phrase = text[phrase_words[0].start : phrase_words[-1].end]
        if len(phrase) > 80:
            return None, ""
        plural = head.key.endswith("s") and head.key not in ("spokesperson",)
        speaker = Entity(
            "unnamed:" + " ".join(w.key for w in phrase_words),
            "actors",
            f"Unnamed {phrase}",
            "group" if plural else "person",
            (subject[0].start, subject[-1].end),
            f"a speaker the text does not name: {text[subject[0].start : subject[-1].end]!r}",
            anonymous=True,
        )
        kept = found.add(speaker, subject[0].start, subject[-1].end)
        for mention in inside:
            if mention.entity.section == "locations" and mention.entity.kind == "country":
                kept.country = kept.country or mention.entity.key
                kept.country_quote = kept.country_quote or (subject[0].start, subject[-1].end)
        return kept, f"an unnamed speaker, {phrase!r}"
    return None, ""


# --- events ----------------------------------------------------------------------

_EVENT_WORDS: list[tuple[str, str | None, str | None, str]] = [
    # (pattern, ACLED type, sub-type, what it is)
    (
        r"drone strikes?|air ?strikes?|air raids?|drone attacks?|drones? (?:struck|hit)",
        "Explosions/Remote violence",
        "Air/drone strike",
        "strike",
    ),
    (
        r"shelling|shells (?:struck|hit)|artillery|rocket attacks?|missile attacks?",
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "shelling",
    ),
    (r"clash(?:es)?|fighting|gunfight", "Battles", "Armed clash", "clash"),
    (
        r"bombings?|explosions?|car bombs?",
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
        "bombing",
    ),
    (r"protests?|demonstrations?|rall(?:y|ies)", "Protests", "Peaceful protest", "protest"),
    (r"arrested|arrests", "Strategic developments", "Arrests", "arrest"),
    (r"funerals?", "Strategic developments", "Other", "funeral"),
    (r"talks|discussions|negotiations", "Strategic developments", "Other", "talks"),
    (r"(?:phone )?call with|meeting|summit|met with", "Strategic developments", "Other", "meeting"),
    (r"summoned|closed|reopened|deployed", "Strategic developments", "Other", "move"),
    (r"strikes?", "Explosions/Remote violence", None, "strike"),
    (r"attacks?|assaults?|raids?", None, None, "attack"),
    (r"killing|was killed|were killed", None, None, "killing"),
]
_EVENT = [(re.compile(rf"\b(?:{p})\b", re.IGNORECASE), t, s, w) for p, t, s, w in _EVENT_WORDS]
_PERPETRATOR_VERBS = re.compile(
    r"\b(?:carried out|carrying out|launched|struck|attacked|fired|shelled|hit|answered)\b"
)
_BOUNDARIES = word_set("in on at of and by that which with for to from after before")
_DEFINITE = frozenset(["the", "this", "that", "these", "those", "its", "their", "his", "her"])


@dataclass
class EventFound:
    what: str
    place_key: str | None
    proposed: Proposed


def event(
    text: str, start: int, end: int, found: Found, earlier: list[EventFound]
) -> EventFound | None:
    """The event a sentence reports, unless it only refers back to one ("the strike")."""
    sentence = text[start:end]
    hits = [(p.search(sentence), t, s, w) for p, t, s, w in _EVENT]
    first_hit = next(((m, t, s, w) for m, t, s, w in hits if m is not None), None)
    if first_hit is None:
        return None
    match, type_, sub_type, what = first_hit
    # "the airstrikes" after "a drone strike" are others: a plural refers back to a plural.
    if match.group().casefold().endswith("s") and not what.endswith("s"):
        what += "s"
    trigger_at, trigger_end = start + match.start(), start + match.end()
    words = tokens(sentence, start)
    index = next(i for i, w in enumerate(words) if w.start >= trigger_at)
    # Back over the words that describe it: "the overnight US drone strike".
    # Back over the words that describe it ("the overnight US drone strike"), as far as
    # its article: "the strike" refers to one reported before, "a strike" does not.
    first, determiner = index, None
    while first > 0 and index - first < 5:
        previous = words[first - 1]
        if previous.key in _DEFINITE or previous.key in ("a", "an"):
            determiner = previous.key
            break
        if previous.key in _BOUNDARIES or not (
            previous.text[:1].isalpha() or previous.text in ("-", ".")
        ):
            break
        first -= 1
    mentions = found.within(start, end)
    places = [m for m in mentions if m.entity.section == "locations"]
    place_key = places[0].entity.key if places else None
    if determiner in _DEFINITE and any(
        e.what == what and (place_key is None or e.place_key in (None, place_key)) for e in earlier
    ):
        return None  # "the strike": one reported before
    title_end = trigger_end
    following = [m for m in places if m.start >= trigger_end and m.start - trigger_end < 12]
    if following:
        title_end = following[0].end
    title = text[words[first].start : title_end] if first < len(words) else match.group()
    title = " ".join(title.split())
    title = title[:1].upper() + title[1:]
    item: dict[str, Any] = {"title": title, "quote": sentence.strip()}
    if type_:
        item["type"] = type_
    if sub_type:
        item["sub_type"] = sub_type
    refs: dict[str, Any] = {"locations": [], "participants": []}
    for place in places:
        preposition = text.rfind(" ", start, place.start - 1)
        quote_start = (
            preposition + 1
            if preposition >= start and place.start - preposition < 8
            else place.start
        )
        refs["locations"].append((place.entity.key, quote_at(text, quote_start, place.end)))
    for mention in mentions:
        if mention.entity.section != "actors":
            continue
        role = _role(text, mention, trigger_at, trigger_end, what)
        if role is None:
            continue
        low, high = min(mention.start, trigger_at), max(mention.end, trigger_end)
        if high - low > 120:
            low, high = mention.start, mention.end
        refs["participants"].append((mention.entity.key, role, quote_at(text, low, high)))
    why = f"{match.group()!r} reports something happening" + (
        f"; ACLED {type_}" + (f" / {sub_type}" if sub_type else "")
        if type_
        else "; no ACLED type: the words do not make it clear"
    )
    return EventFound(what, place_key, Proposed(item, why, match.group(), refs))


def _role(
    text: str, mention: Mention, at: int, end: int, what: str
) -> tuple[str, str | None] | None:
    """The part an actor named in the sentence plays, and the certainty, when the words say."""
    between = text[mention.end : at] if mention.end <= at else text[end : mention.start]
    if what in ("talks", "meeting", "funeral", "move"):
        if what == "funeral":
            return ("attendee", None) if "attend" in text[mention.end : mention.end + 60] else None
        return "participant", None
    if mention.end <= at:
        gap = text[mention.end : at]
        if len(gap) <= 20 and not re.search(r"[,.;]", gap):
            return "perpetrator", None  # "US drone strike", "US and UK strikes"
        if "suspected of" in gap:
            return "perpetrator", "suspected"
        if _PERPETRATOR_VERBS.search(gap) and len(gap) < 60:
            return "perpetrator", None
        return None
    gap = between
    if re.match(r"^\s*(?:\w+\s+){0,3}?(?:by)\s+(?:the\s+)?$", gap):
        return "perpetrator", None
    if re.match(
        r"^\s*(?:\w+\s+){0,4}?(?:against|on|targeting|at)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+)?$",
        gap,
    ):
        return "target", None
    if re.search(r"(?:killing|killed|death of|lives of)\s+(?:\w+\s+){0,3}$", gap):
        return "victim", None
    return None
