"""What the words describe without naming it: facilities ("the container terminal at
Harrow Quay", "the fuel depot beside the terminal"), groups by who backs them ("an
Iran-backed militia", "an armed group backed by Veskaria") and their unnamed members ("a
senior commander of ...", "the group's commander").

English rules, run on each sentence after the names in it are found (`mentions`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import lexicon
from .found import Entity, Found, key, known_entity
from .known import Token, capitalised, tokens
from .proposals import Known

_FACILITY = re.compile(
    r"\b(?:the|a|an) (?P<what>(?:[\w.-]+ ){0,2}?(?:"
    + "|".join(sorted(lexicon.FACILITY_NOUNS))
    + r")) (?:at|in|of|near|beside|outside)(?: the)? ",
    re.IGNORECASE,
)
_MEMBER = re.compile(
    r"\b(?:a|an|the) (?P<what>(?:senior |top |former |local |deputy )?"
    r"(?P<role>commander|leader|chief|head|member|fighter)) of ",
    re.IGNORECASE,
)
_ITS_MEMBER = re.compile(
    r"\b(?P<one>one of )?the (?P<group>group|militia|front|movement|organi[sz]ation)[’']s "
    r"(?P<what>(?:former |senior |top |deputy )?(?P<role>commanders?|leaders?|chiefs?|heads?|"
    r"members?|fighters?|spokes(?:man|woman|person)))\b",
    re.IGNORECASE,
)
"""An unnamed member of the group named before: "the group’s commander"."""
_BACKED = re.compile(
    r"\b(?:a|an) (?P<what>(?:[\w-]+ )?(?:group|militia|faction|movement|force))"
    r",? (?P<how>backed|supported|funded|armed) by (?:neighbou?ring |the )?",
    re.IGNORECASE,
)
"""A group described by who backs it: "an armed group backed by neighbouring Veskaria"."""
_ORGANISATIONS = ("armed-group", "organization")


def _head(name: str) -> str:
    """The noun a facility's name is about: "depot" in "Fuel depot at the terminal"."""
    words = [t.key for t in tokens(name)]
    at = next((i for i, w in enumerate(words) if w in _FACILITY_LINKS and i), len(words))
    return words[at - 1] if at else ""


_FACILITY_LINKS = frozenset(("at", "in", "of", "near", "beside", "outside", "on"))


def _unnamed(name: str) -> str:
    """ "the Iran-backed militia" for "Unnamed Iran-backed militia"."""
    return "the " + name[len("Unnamed ") :] if name.startswith("Unnamed ") else name


class Describer:
    """Finds, sentence by sentence, what a text describes, into the entities found so far."""

    def __init__(self, text: str, found: Found, known: Sequence[Known]) -> None:
        self.text = text
        self.found = found
        self.facilities = [k for k in known if k.section == "locations" and k.kind == "facility"]
        """Facilities the site knows, for "the terminal" or "the fuel depot beside it"."""

    def sentence(self, words: list[Token], taken: list[bool]) -> None:
        self.groups(words, taken)
        self.facility_references(words, taken)
        self.facilities_and_members(words)

    def facility_references(self, words: list[Token], taken: list[bool]) -> None:
        """ "the terminal", "the old bridge", "the Kessa Ford bridge crossing": a facility
        named before in the text or by the site, when exactly one has that head noun (and
        the words before it, where its name has them)."""
        for i, word in enumerate(words):
            if word.key != "the" or i + 1 >= len(words) or taken[i + 1]:
                continue
            n = next(
                (
                    n
                    for n in (1, 2, 3)
                    if i + n < len(words) and words[i + n].key in lexicon.FACILITY_NOUNS
                ),
                None,
            )
            phrase = words[i + 1 : i + 1 + n] if n else []
            if not phrase or not all(w.text.isalpha() and w.text.islower() for w in phrase):
                continue
            after = words[i + 1 + len(phrase)] if i + 1 + len(phrase) < len(words) else None
            if after is not None and (
                after.key in lexicon.FACILITY_NOUNS or after.key in ("at", "in", "of", "near")
            ):
                continue  # "the bridge crossing", or a new facility in a place
            span = (phrase[0].start, phrase[-1].end)
            head, modifiers = phrase[-1].key, {w.key for w in phrase[:-1]}
            found = [
                e
                for e in self.found.entities.values()
                if e.kind == "facility" and e.known is None and _head(e.name) == head
            ]
            known = self._facility(head, modifiers) or self._facility(head, set())
            if len(found) == 1 and known is None:
                self.found.add(found[0], *span)
            elif known is not None and not found:
                said = self.text[span[0] : span[1]]
                self.found.add(known_entity(known, span, said), *span)

    def _facility(self, head: str, words: set[str]) -> Known | None:
        """The one facility the site knows whose name's head noun is `head` and whose
        names have all these words."""
        matching = [
            k
            for k in self.facilities
            if any(
                _head(name) == head and words <= {t.key for t in tokens(name)}
                for name in (k.name, *k.aliases)
            )
        ]
        return matching[0] if len(matching) == 1 else None

    def facilities_and_members(self, words: list[Token]) -> None:
        if not words:
            return
        start, end = words[0].start, words[-1].end
        sentence = self.text[start:end]
        self.facilities_in_places(start, sentence)
        self.backed_groups(start, sentence)
        self.members_of_the_group(start, sentence)
        self.members_of(start, sentence)

    def facilities_in_places(self, start: int, sentence: str) -> None:
        """ "the container terminal at Harrow Quay": a facility in a place."""
        for match in _FACILITY.finditer(sentence):
            at = start + match.end()
            place = next(
                (m for m in self.found.mentions if m.start >= at and m.start - at <= 5), None
            )
            if place is None or place.entity.section != "locations":
                continue
            span = (start + match.start(), place.end)
            phrase = " ".join(self.text[start + match.start("what") : place.end].split())
            described = tokens(self.text[start + match.start("what") : start + match.end("what")])
            known = self._facility(
                described[-1].key,
                {w.key for w in described[:-1]} | {w.key for w in tokens(place.entity.name)},
            )
            if known is not None:  # "the container terminal at Harrow Quay": the site's
                self.found.add_around(known_entity(known, span, phrase), *span)
                continue
            entity = Entity(
                key(phrase),
                "locations",
                phrase[:1].upper() + phrase[1:],
                "facility",
                span,
                f"a facility in a place: {phrase!r}",
            )
            kept = self.found.add(entity, *span)
            if kept.country is None:
                kept.country, kept.country_quote = place.entity.key, span

    def backed_groups(self, start: int, sentence: str) -> None:
        """ "an armed group backed by neighbouring Veskaria"."""
        for match in _BACKED.finditer(sentence):
            at = start + match.end()
            backer = next(
                (m for m in self.found.mentions if m.start >= at and m.start - at <= 2), None
            )
            if backer is None:
                continue
            patron = backer.entity
            if patron.section == "locations":
                if patron.kind != "country":
                    continue
                patron = self.found.state(patron)
            span = (start + match.start(), backer.end)
            label = f"{match.group('what')} {match.group('how').casefold()} by {patron.name}"
            entity = self.found.add_around(
                Entity(
                    key(label),
                    "actors",
                    f"Unnamed {label}",
                    "armed-group",
                    span,
                    f"described by who backs it: {self.text[span[0] : span[1]]!r}",
                    anonymous=True,
                ),
                *span,
            )
            if not entity.relations:
                entity.relations.append(("backed-by", patron.key, span))

    def members_of_the_group(self, start: int, sentence: str) -> None:
        """ "the group’s commander": an unnamed member of the group named before."""
        for match in _ITS_MEMBER.finditer(sentence):
            at = start + match.start()
            noun = match.group("group").casefold()
            kinds = ("armed-group",) if noun in ("group", "militia", "front") else _ORGANISATIONS
            owner = next(
                (
                    m.entity
                    for m in reversed(self.found.mentions)
                    if m.end <= at
                    and m.entity.section == "actors"
                    and m.entity.kind in kinds
                    and not m.entity.name.endswith("s")  # "the group", not "Iran-backed groups"
                ),
                None,
            )
            if owner is None:
                continue
            role = match.group("role").casefold()
            one = bool(match.group("one")) or not role.endswith("s")
            singular = role.removesuffix("s")
            title = f"{match.group('what')[: -len(role)]}{singular if one else role}"
            span = (at, start + match.end())
            entity = Entity(
                f"member:{title} of {owner.key}",
                "actors",
                f"Unnamed {title} of {_unnamed(owner.name)}",
                "person" if one else "group",
                span,
                f"{self.text[span[0] : span[1]]!r}: the group named before, {owner.name!r}",
                anonymous=True,
            )
            kept = self.found.add(entity, *span)
            if not kept.relations:
                relation = (
                    "commander-of"
                    if singular in ("commander", "leader", "chief", "head")
                    else "member-of"
                )
                kept.relations.append((relation, owner.key, span))

    def members_of(self, start: int, sentence: str) -> None:
        """ "a senior commander of an Iran-backed militia": an unnamed member of a named group."""
        for match in _MEMBER.finditer(sentence):
            at = start + match.end()
            group = next(
                (m for m in self.found.mentions if m.start >= at - 1 and m.start - at <= 4), None
            )
            if group is None or group.entity.section != "actors":
                continue
            span = (start + match.start(), group.end)
            phrase = " ".join(self.text[start + match.start("what") : group.end].split())
            role = match.group("role").casefold()
            entity = Entity(
                "member:" + key(phrase),
                "actors",
                f"Unnamed {phrase}",
                "person",
                span,
                f"an unnamed {role} of {group.entity.name!r}",
                anonymous=True,
            )
            kept = self.found.add(entity, *span)
            relation = (
                "commander-of" if role in ("commander", "leader", "chief", "head") else "member-of"
            )
            if not kept.relations:
                kept.relations.append((relation, group.entity.key, span))

    def groups(self, words: list[Token], taken: list[bool]) -> None:
        """Unnamed groups the words describe: "an Iran-backed militia", "Iran-backed groups"."""
        for i in range(len(words) - 3):
            if (
                words[i + 1].text == "-"
                and words[i + 2].key in ("backed", "led", "allied", "aligned")
                and capitalised(words[i])
            ):
                noun_at = i + 3
                while noun_at < len(words) and words[noun_at].key in (
                    "international",
                    "military",
                    "armed",
                    "local",
                    "regional",
                    "shiite",
                    "sunni",
                ):
                    noun_at += 1
                if noun_at >= len(words):
                    continue
                noun = words[noun_at]
                if noun.key not in (
                    "militia",
                    "militias",
                    "group",
                    "groups",
                    "coalition",
                    "forces",
                    "fighters",
                    "factions",
                ):
                    continue
                span = (words[i].start, noun.end)
                phrase = self.text[span[0] : span[1]]
                backer = self.found.actor_named(words[i].text)
                led = words[i + 2].key == "led"
                kind = (
                    "coalition"
                    if noun.key == "coalition"
                    else "military-unit"
                    if noun.key == "forces"
                    else "armed-group"
                )
                label = (
                    phrase if led else f"Unnamed {phrase}" if not noun.key.endswith("s") else phrase
                )
                entity = self.found.add_around(
                    Entity(
                        key(phrase),
                        "actors",
                        label,
                        kind,
                        span,
                        f"described as {phrase!r}",
                        anonymous=not led,
                    ),
                    *span,
                )
                if backer is not None and not entity.relations:
                    relation = "leads" if led else "backed-by"
                    if led:
                        backer.relations.append(("leads", entity.key, span))
                    else:
                        entity.relations.append((relation, backer.key, span))
