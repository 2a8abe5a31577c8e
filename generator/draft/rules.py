"""The offline drafter: proposals from the words of the text, by rules. Deterministic.

Reads the text sentence by sentence: who and where it names (`mentions`), then what each
sentence reports, a statement or an event (`reports`), with the dates and figures the same
sentence gives (`facts`). Entities the site knows keep their ids; new ones get ids made
from their names, never one another summary uses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..sources.text import SourceText
from . import facts, mentions, reports
from .found import Entity, Found, is_credits, key, quote_at
from .known import slug
from .proposals import Known, Proposal

_MAX_ID = 60


def propose(text: SourceText, source: dict[str, Any], known: Sequence[Known]) -> list[Proposal]:
    """Everything the rules find in the text, in the order of the summary's sections."""
    found = mentions.find(text, known, outlet=str(source.get("outlet") or ""))
    published = source.get("published")
    published = str(published) if published else None
    language = str(source.get("language") or "en")

    statements: list[reports.Proposed] = []
    events: list[reports.EventFound] = []
    last_speaker: Entity | None = None
    for sentence in text.sentences:
        start, end = sentence.start, sentence.end
        if is_credits(text.text[start:end]):
            continue
        reported = reports.statements(text.text, start, end, found, last_speaker)
        said = reported[0] if reported else None
        for proposed, speaker in reported:
            statements.append(proposed)
            last_speaker = speaker
        happened = reports.event(text.text, start, end, found, events)
        numbers = facts.figures(text.text[start:end], start)
        if happened is not None:
            events.append(happened)
            when = facts.dates(text.text[start:end], start, published, language)
            if when:
                happened.proposed.refs["date"] = when[0]
        target = happened or (events[-1] if events else None)
        for number in numbers:
            if target is not None:
                figure = dict(number.figure)
                if said is not None and said[1].section == "actors":
                    figure["according_to"] = said[1].key
                target.proposed.refs.setdefault("figures", []).append((figure, number.why))

    ids = _Ids(known)
    entity_ids = {key: ids.entity(entity) for key, entity in _in_order(found).items()}
    # An entity another summary describes in the same words (it names neither): perhaps
    # the same, which only the editor can tell.
    described = {key(k.name): k for k in known if k.anonymous and k.section != "events"}
    proposals = [
        _entity(entity, entity_ids, text, described) for entity in _in_order(found).values()
    ]
    proposals += [_event(e.proposed, entity_ids, ids) for e in events]
    stated = [_statement(s, entity_ids, ids) for s in statements]
    return proposals + [p for p in stated if p is not None]


def _in_order(found: Found) -> dict[str, Entity]:
    """Entities in the order the text first mentions them."""
    first: dict[str, int] = {}
    for mention in found.mentions:
        first.setdefault(mention.entity.key, mention.start)
    ordered = sorted(found.entities.values(), key=lambda e: (first.get(e.key, e.quote[0]), e.key))
    return {e.key: e for e in ordered}


class _Ids:
    """New ids, made from names, unlike every id another summary uses."""

    def __init__(self, known: Sequence[Known]) -> None:
        self.taken = {k.id for k in known}

    def new(self, name: str, suffix: str = "") -> str:
        base = slug(name)[:_MAX_ID].strip("-") or "entry"
        candidate = base + suffix if suffix else base
        number = 2
        while candidate in self.taken:
            candidate, number = f"{base}-{number}", number + 1
        self.taken.add(candidate)
        return candidate

    def entity(self, entity: Entity) -> str:
        if entity.known is not None:
            return entity.known.id
        name = entity.name.removeprefix("Unnamed ")
        if entity.key.startswith("state:") and slug(name) in self.taken:
            return self.new(name, "-state")
        return self.new(name)


def _entity(
    entity: Entity, ids: dict[str, str], text: SourceText, described: dict[str, Known]
) -> Proposal:
    quote = quote_at(text.text, *entity.quote)
    item: dict[str, Any] = {"id": ids[entity.key], "name": entity.name}
    aliases = [a for a in dict.fromkeys(entity.aliases) if a != entity.name]
    if entity.known is not None:
        aliases = [a for a in aliases if a not in entity.known.names]
    if aliases:
        item["aliases"] = aliases
    item["kind"] = entity.kind
    if entity.anonymous:
        item["anonymous"] = True
    item["quote"] = quote
    alike = described.get(key(entity.name)) if entity.known is None else None
    if alike is not None and alike.section == entity.section:
        reason = f"{alike.source} describes an entity in the same words, {alike.name!r}"
        item["possibly"] = {"id": alike.id, "reason": reason}
    if entity.country and entity.country in ids and entity.country_quote:
        # An actor's country; a place's, the place it is in.
        field = "country" if entity.section == "actors" else "parent"
        item[field] = ids[entity.country]
        item[f"{field}_quote"] = quote_at(text.text, *entity.country_quote)
    relations = [
        {"type": kind, "target": ids[target], "quote": quote_at(text.text, *q)}
        for kind, target, q in entity.relations
        if target in ids and ids[target] != item["id"]
    ]
    if relations:
        item["relations"] = relations
    why = entity.why
    if entity.place is not None and entity.known is None:
        why += "; reference data, check that the text means this place"
    return Proposal(entity.section, item, why, quote)


def _event(proposed: reports.Proposed, ids: dict[str, str], new_ids: _Ids) -> Proposal:
    item = dict(proposed.item)
    refs = proposed.refs
    entry: dict[str, Any] = {"id": new_ids.new(item["title"]), "title": item["title"]}
    entry["quote"] = item["quote"]
    for field in ("type", "sub_type"):
        if field in item:
            entry[field] = item[field]
    why = proposed.why
    date = refs.get("date")
    if date is not None:
        entry["date"] = dict(date.claim)
        why += f"; date: {date.why}"
    places = [{"location": ids[k], "quote": q} for k, q in refs.get("locations", []) if k in ids]
    if places:
        entry["locations"] = list({p["location"]: p for p in places}.values())
    participants = []
    for actor, (role, certainty), quote in refs.get("participants", []):
        if actor not in ids:
            continue
        participant: dict[str, Any] = {"actor": ids[actor], "role": role}
        if certainty:
            participant["certainty"] = certainty
        participant["quote"] = quote
        participants.append(participant)
    if participants:
        entry["participants"] = list({(p["actor"], p["role"]): p for p in participants}.values())
    figures = []
    for figure, figure_why in refs.get("figures", []):
        figure = dict(figure)
        according = figure.pop("according_to", None)
        quote = figure.pop("quote")
        if according in ids:
            figure["according_to"] = ids[according]
        figure["quote"] = quote
        figures.append(figure)
        why += f"; figure: {figure_why}"
    if figures:
        entry["figures"] = figures
    return Proposal("events", entry, why, proposed.trigger)


def _statement(proposed: reports.Proposed, ids: dict[str, str], new_ids: _Ids) -> Proposal | None:
    item = proposed.item
    speaker = ids.get(item["speaker"])
    if speaker is None:
        return None
    entry: dict[str, Any] = {
        "id": new_ids.new(f"{speaker} {item['type']} {_gist(item['summary'])}"),
        "speaker": speaker,
    }
    via = [ids[k] for k in proposed.refs.get("via", []) if k in ids and ids[k] != speaker]
    if via:
        entry["via"] = via
    entry |= {
        "type": item["type"],
        "summary": item["summary"],
    }
    about = [ids[k] for k in proposed.refs.get("about", []) if k in ids]
    about = [a for a in about if a != speaker and a not in via]
    if about:
        entry["about"] = list(dict.fromkeys(about))
    entry["quote"] = item["quote"]
    return Proposal("statements", entry, proposed.why, proposed.trigger)


_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "to",
        "and",
        "that",
        "this",
        "it",
        "its",
        "for",
        "with",
        "was",
        "were",
        "has",
        "have",
        "had",
    ]
)


def _gist(summary: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", summary.casefold()) if w not in _STOP]
    return " ".join(words[-4:])
