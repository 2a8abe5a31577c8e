"""Reviewing a language model's answer (`model.py`): every quote looked up in the text,
every reference to an id checked, every entry validated; what fails is left out and listed.

A quote at least `REPAIR_SCORE` percent like a passage of the text becomes that passage;
an item that rests on any other quote is dropped, the smallest that holds it (a relation,
a figure, or the whole entry when its own quote fails), and so are references to ids no
entry defines. A draft thus never holds a fact without a verified quote.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz

from ..common.errors import clip
from ..sources import schema
from ..sources.parse import field_name
from ..sources.text import SourceText, normalize
from .known import slug
from .proposals import SECTIONS, Dropped, Known, Proposal

REPAIR_SCORE = 95.0
"""A quote at least this similar (in percent) to a passage of the text is replaced by it."""
_MODELS: dict[str, type[BaseModel]] = dict(
    zip(SECTIONS, (schema.Actor, schema.Location, schema.Event, schema.Statement), strict=True)
)
# Where entries refer to ids: (section, the sub-items holding the field, "" for the entry
# itself, field, the section the id must be in, None for any).
_REFERENCES: tuple[tuple[str, str, str, str | None], ...] = (
    ("actors", "", "country", "locations"),
    ("actors", "possibly", "id", "actors"),
    ("actors", "relations", "target", "actors"),
    ("actors", "relations", "by", "actors"),
    ("locations", "", "parent", "locations"),
    ("locations", "possibly", "id", "locations"),
    ("events", "locations", "location", "locations"),
    ("events", "participants", "actor", "actors"),
    ("events", "participants", "by", "actors"),
    ("events", "figures", "according_to", "actors"),
    ("events", "figures", "location", "locations"),
    ("events", "relations", "target", "events"),
    ("events", "relations", "by", "actors"),
    ("statements", "", "speaker", "actors"),
    ("statements", "", "via", "actors"),
    ("statements", "", "about", None),
)
# What an entry-level validator refuses, and the optional field that fixes it when left out.
_ENTRY_RULE = {"actors": "country", "locations": "parent", "events": "sub_type"}


@dataclass
class _Entry:
    """An entry of the model's answer under review, and what the review did to it."""

    section: str
    item: dict[str, Any]
    label: str
    repairs: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Ref:
    """A reference to an id: `holder[field]`, or its `index`th item for lists of ids."""

    holder: dict[str, Any]
    field: str
    index: int | None
    category: str | None
    part: str
    where: str

    @property
    def value(self) -> str:
        value = self.holder[self.field]
        return str(value if self.index is None else value[self.index])

    def set(self, new: str) -> None:
        if self.index is None:
            self.holder[self.field] = new
        else:
            self.holder[self.field][self.index] = new


def _refs(entry: _Entry) -> Iterator[_Ref]:
    """Every reference the entry makes, whatever the shape the model gave it."""
    for section, part, name, category in _REFERENCES:
        container = entry.item.get(part) if part else entry.item
        if section != entry.section:
            continue
        if isinstance(container, dict):
            holders = [(container, part)]
        elif isinstance(container, list):
            holders = [(h, f"{part}[{i}]") for i, h in enumerate(container) if isinstance(h, dict)]
        else:
            holders = []
        for holder, where in holders:
            value = holder.get(name)
            at = f"{where}.{name}" if where else name
            if isinstance(value, str):
                yield _Ref(holder, name, None, category, part, at)
            for i, each in enumerate(value if isinstance(value, list) else []):
                if isinstance(each, str):
                    yield _Ref(holder, name, i, category, part, f"{at}[{i}]")


def _label(value: object, section: str, index: int) -> str:
    if isinstance(value, dict):
        for key in ("id", "name", "title", "summary"):
            if isinstance(value.get(key), str) and value[key].strip():
                return clip(str(value[key]).strip(), 80)
    return f"{section}[{index}]"


class Review:
    """The model's answer, checked: what survives becomes the draft's entries."""

    def __init__(self, text: SourceText, known: Sequence[Known]) -> None:
        self.text = text
        self.known = {k.id: k for k in known}
        self.dropped: list[Dropped] = []

    def run(self, data: dict[str, Any]) -> list[_Entry]:
        entries: list[_Entry] = []
        for section in SECTIONS:
            raw = data.get(section) or []
            for index, value in enumerate(raw if isinstance(raw, list) else [raw]):
                label = _label(value, section, index)
                if not isinstance(value, dict):
                    self.dropped.append(Dropped(section, label, "not an entry (an object)"))
                    continue
                entry = _Entry(section, _clean(value), label)
                reason = self._verify(entry, entry.item, "", 0)
                if reason:
                    self.dropped.append(Dropped(section, label, reason))
                    continue
                self._aliases(entry)
                entries.append(entry)
        entries = [e for e in self._ids(entries) if self._validate(e)]
        self._unlink(entries)
        return entries

    def proposal(self, entry: _Entry) -> Proposal:
        why = ["proposed by the language model"]
        reused = self.known.get(entry.item["id"])
        if reused and reused.section == entry.section:
            why[0] += f" (reuses the known id from {reused.source or 'another summary'})"
        if entry.repairs:
            low, high = math.floor(min(entry.repairs)), math.floor(max(entry.repairs))
            count = len(entry.repairs)
            similar = f"{low}%" if low == high else f"{low}% to {high}%"
            why.append(
                f"{'quote' if count == 1 else f'{count} quotes'} repaired: {similar} "
                "similar to the text"
            )
        return Proposal(
            entry.section, entry.item, "; ".join(why + entry.notes), entry.item["quote"]
        )

    def _note(self, entry: _Entry, reason: str) -> None:
        self.dropped.append(Dropped(entry.section, entry.label, reason))

    def _quote(self, entry: _Entry, value: object) -> tuple[str | None, str]:
        """The quote as the text has it (repaired when nearly right), or None and why not."""
        if not isinstance(value, str) or len(normalize(value)) < 3:
            return None, f"not a quote (at least 3 characters of the text): {value!r}"
        if self.text.find(value) is not None:
            return value, ""
        passage, score = _trimmed(value, self.text.closest(value)[0])
        if score >= REPAIR_SCORE and len(passage) >= 3 and self.text.find(passage) is not None:
            entry.repairs.append(score)
            return passage, ""
        return None, (
            f"quote not in the text (closest passage {math.floor(score)}% similar): "
            f'"{clip(value, 160)}"'
        )

    def _verify(self, entry: _Entry, obj: dict[str, Any], path: str, depth: int) -> str | None:
        """Check the quotes of an entry or its part; why it must go when its own quote fails.

        What rests on a failed quote goes with it: a relation, a participant, a date, a
        `country` with its `country_quote`. The schema nests two levels at most.
        """
        if "quote" in obj:
            quote, reason = self._quote(entry, obj["quote"])
            if quote is None:
                return reason
            obj["quote"] = quote
        for key in [k for k in obj if k != "quote"]:
            if key not in obj:  # gone with its quote
                continue
            value, here = obj[key], f"{path}{key}"
            if key.endswith("_quote"):
                quote, reason = self._quote(entry, value)
                if quote is None:
                    del obj[key]
                    obj.pop(key.removesuffix("_quote"), None)
                    self._note(entry, f"{here} left out: {reason}")
                else:
                    obj[key] = quote
            elif isinstance(value, list) and (key.endswith("_quotes") or depth < 1):
                kept = []
                for i, item in enumerate(value):
                    reason = ""
                    if key.endswith("_quotes"):
                        quote, reason = self._quote(entry, item)
                        item = quote
                    elif isinstance(item, dict):
                        reason = self._verify(entry, item, f"{here}[{i}].", depth + 1) or ""
                    if reason:
                        self._note(entry, f"{here}[{i}] left out: {reason}")
                    else:
                        kept.append(item)
                obj[key] = kept
            elif isinstance(value, dict) and depth < 1:
                reason = self._verify(entry, value, f"{here}.", depth + 1) or ""
                if reason:
                    del obj[key]
                    self._note(entry, f"{here} left out: {reason}")
        return None

    def _aliases(self, entry: _Entry) -> None:
        # Aliases are the text's names for the entity: one the text never uses is invented.
        aliases = entry.item.get("aliases")
        if not isinstance(aliases, list):
            return
        kept = []
        for alias in aliases:
            if isinstance(alias, str) and self.text.find(alias, any_case=True) is None:
                self._note(entry, f'alias left out: "{clip(alias, 80)}" is not in the text')
            else:
                kept.append(alias)
        entry.item["aliases"] = kept

    def _ids(self, entries: list[_Entry]) -> list[_Entry]:
        """Keep the model's ids when they are slugs, unique here and not another section's
        known id; make the others from it (or the name), and point references at them."""
        used: set[str] = set()
        seen: set[tuple[str, str]] = set()
        renamed: dict[tuple[str, str], str] = {}
        kept = []
        for entry in entries:
            raw = entry.item.get("id")
            if isinstance(raw, str):
                if (entry.section, raw) in seen:
                    self._note(entry, f"a second entry with the id {raw!r} (the first is kept)")
                    continue
                seen.add((entry.section, raw))
            final = raw if isinstance(raw, str) and self._free(raw, entry.section, used) else ""
            if not final:
                base = (
                    slug(raw if isinstance(raw, str) else entry.label)[:80].strip("-")
                    or entry.section[:-1]
                )
                final, number = base, 1
                while not self._free(final, entry.section, used):
                    number += 1
                    final = f"{base[:110]}-{number}"
                if isinstance(raw, str):
                    renamed[(entry.section, raw)] = final
                    entry.notes.append(f"its id {clip(raw, 60)!r} is taken or not a slug")
            used.add(final)
            entry.item = {"id": final, **{k: v for k, v in entry.item.items() if k != "id"}}
            entry.label = final
            kept.append(entry)
        for entry in kept:
            for ref in _refs(entry):
                for section in [ref.category] if ref.category else SECTIONS:
                    if (section, ref.value) in renamed:
                        ref.set(renamed[(section, ref.value)])
                        break
        return kept

    def _free(self, id_: str, section: str, used: set[str]) -> bool:
        other = self.known.get(id_)
        return (
            re.fullmatch(schema.SLUG_PATTERN[1:-1], id_) is not None
            and len(id_) <= 120
            and id_ not in used
            and (other is None or other.section == section)
        )

    def _validate(self, entry: _Entry) -> bool:
        """Validate the entry; an invalid optional part goes (and is listed), or else the entry."""
        model = _MODELS[entry.section]
        for _ in range(100):  # each round removes a part; a summary entry has fewer
            try:
                entry.item = _plain(model.model_validate(entry.item))
                return True
            except ValidationError as invalid:
                errors = invalid.errors()
            said = [f"{field_name(e['loc']) + ': ' if e['loc'] else ''}{e['msg']}" for e in errors]
            fatal = [s for e, s in zip(errors, said, strict=True) if not self._prune(entry, e)]
            if fatal:
                self._note(entry, f"not valid: {fatal[0]}")
                return False
            self._note(
                entry, f"{self._prune(entry, errors[0], apply=True)} left out, not valid: {said[0]}"
            )
        self._note(entry, "not valid")
        return False

    def _prune(self, entry: _Entry, error: Any, apply: bool = False) -> str | None:
        """The part of the entry whose leaving out cures the error (None: the entry must go);
        `apply` leaves it out."""
        loc, item = tuple(error["loc"]), entry.item
        if error["type"] == "extra_forbidden":  # a field the schema lacks, wherever it is
            holder: Any = item
            try:
                for step in loc[:-1]:
                    holder = holder[step]
                if apply:
                    del holder[loc[-1]]
                return field_name(loc)
            except (KeyError, IndexError, TypeError):
                return None
        fields = _MODELS[entry.section].model_fields
        name = loc[0] if loc else _ENTRY_RULE.get(entry.section, "")
        # A statement without its speaker would be the outlet's own: it goes whole.
        if name not in item or name not in fields or fields[name].is_required():
            return None
        if name == "speaker":
            return None
        value = item[name]
        if len(loc) > 1 and isinstance(loc[1], int) and isinstance(value, list):
            if apply and loc[1] < len(value):
                del value[loc[1]]
            return field_name(loc[:2])
        partner = name.removesuffix("_quote") if name.endswith("_quote") else f"{name}_quote"
        what = f"{name} and {partner}" if partner in item else str(name)
        if apply:
            del item[name]
            item.pop(partner, None)
        return what

    def _unlink(self, entries: list[_Entry]) -> None:
        """Leave out references to ids neither this draft nor the known entities define."""
        changed = True
        while changed:
            changed = False
            defined = {s: {e.item["id"] for e in entries if e.section == s} for s in SECTIONS}
            for entry in list(entries):
                gone: list[dict[str, Any]] = []  # sub-items left out, by identity
                for ref in reversed(list(_refs(entry))):  # from the end: indexes stay valid
                    if any(ref.holder is g for g in gone):
                        continue
                    target = ref.value
                    other = self.known.get(target)
                    ok = any(
                        target in defined[s] or (other is not None and other.section == s)
                        for s in ([ref.category] if ref.category else SECTIONS)
                    )
                    itself = target == entry.item["id"] and ref.field in ("target", "id")
                    if ok and not itself:
                        continue
                    changed = True
                    why = (
                        "refers to the entry itself"
                        if itself
                        else f"{target!r} is defined neither in this draft nor in another summary"
                    )
                    if ref.field == "speaker":
                        entries[:] = [e for e in entries if e is not entry]
                        self._note(entry, f"its speaker {why}")
                        break
                    what = ref.where
                    if ref.index is not None:
                        del ref.holder[ref.field][ref.index]
                    elif ref.part == "possibly":
                        del entry.item["possibly"]
                    elif ref.part == "" or ref.field == "by":
                        del ref.holder[ref.field]
                        ref.holder.pop(f"{ref.field}_quote", None)
                    else:  # the relation, participant, place or figure goes whole
                        gone.append(ref.holder)
                        parts = entry.item[ref.part]
                        entry.item[ref.part] = [h for h in parts if h is not ref.holder]
                        what = f"{what.rpartition('.')[0]} left out: its {ref.field}"
                        self._note(entry, f"{what} {why}")
                        continue
                    self._note(entry, f"{what} left out: {why}")


def _clean(value: Any, depth: int = 0) -> Any:
    """A copy without null fields: models write `null` for what they leave out. Summaries
    nest four levels at most; deeper values are left to validation to refuse."""
    if isinstance(value, dict) and depth < 5:
        return {k: _clean(v, depth + 1) for k, v in value.items() if v is not None}
    if isinstance(value, list) and depth < 5:
        return [_clean(v, depth + 1) for v in value]
    return value


def _trimmed(quote: str, passage: str) -> tuple[str, float]:
    """The passage without the words at its ends that the quote lacks, and how like the
    quote it is in percent: `closest` widens its match to whole words and may take more."""
    wanted, words = normalize(quote), passage.split(" ")
    score = fuzz.ratio(wanted, passage)
    shorter = True
    while shorter and len(words) > 1:
        shorter = False
        last = words[-1].rstrip(".,;:")
        for cut in (words[1:], words[:-1], [*words[:-1], last] if last else words[:-1]):
            if cut != words and fuzz.ratio(wanted, " ".join(cut)) >= score:
                words, score, shorter = cut, fuzz.ratio(wanted, " ".join(cut)), True
                break
    return " ".join(words), score


def _order(names: list[str]) -> list[str]:
    """Fields as hand-written summaries order them: kind after the names, whose view a
    claim is just before its quote; otherwise the schema's order."""
    early = [n for n in ("kind", "anonymous") if n in names and "aliases" in names]
    late = [n for n in ("certainty", "by") if n in names]
    rest = [n for n in names if n not in early and n not in late]
    if early:
        rest[rest.index("aliases") + 1 : rest.index("aliases") + 1] = early
    at = rest.index("quote") if "quote" in rest else len(rest)
    rest[at:at] = late
    return rest


def _plain(model: BaseModel) -> dict[str, Any]:
    """A validated entry as plain values in the summary's order, defaults left out."""
    fields = type(model).model_fields
    plain: dict[str, Any] = {}
    for name in _order(list(fields)):
        value = getattr(model, name)
        if not fields[name].is_required() and value == fields[name].default:
            continue
        plain[name] = _value(value)
    return plain


def _value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value)
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value.value if isinstance(value, Enum) else value
