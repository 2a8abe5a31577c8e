"""Who and where a text names: known entities, places, people, organisations, and the
unnamed groups and officials it describes ("an Iran-backed militia", "Iraqi officials").

English rules. A mention is a span of the text and the entity it stands for; entities are
keyed by their folded name, so "Rasool" after "Yehia Rasool" and "the Front" after "the
Tessary Front" are the same one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..sources.text import SourceText
from . import gazetteer, lexicon
from .descriptions import Describer
from .found import Entity, Found, is_credits, key, known_entity
from .known import Names, Token, capitalised, tokens
from .proposals import Known

_FUNCTION = lexicon.FUNCTION_WORDS | lexicon.OPENING_NOUNS


def find(text: SourceText, known: Sequence[Known], outlet: str = "") -> Found:
    """Every entity the text names or describes, and each of its mentions. The outlet's
    name ("The Post has confirmed") is the source itself, not an actor."""
    finder = _Finder(text, known, outlet)
    for sentence in text.sentences:
        finder.sentence(tokens(sentence.text, sentence.start))
    finder.found.mentions.sort(key=lambda m: m.start)
    return finder.found


_OPENERS = frozenset(('"', "“", "(", "‘", "'"))


class _Finder:
    def __init__(self, text: SourceText, known: Sequence[Known], outlet: str) -> None:
        self.text = text.text
        self.found = Found()
        self.names = Names(k for k in known if k.section != "events")
        self.countries: dict[str, str] = {}
        """Names of countries the site knows, to their own name (for demonyms)."""
        for entity in known:
            if entity.kind in ("state", "country"):
                for name in entity.names:
                    self.countries[name] = entity.name
        self.pending: list[tuple[Entity, str, int, tuple[int, int]]] = []
        """Relations to the first actor named after an offset: (actor, type, offset, quote)."""
        words = [t.key for t in tokens(outlet) if t.text[:1].isupper()]
        self.outlet = frozenset(words[-1:])
        """The last word of the outlet's name ("Post"): the source itself, not an actor."""
        self.described = Describer(self.text, self.found, known)
        self.people: dict[str, Entity] = {}
        self.heads: dict[str, Entity] = {}
        self.surnames = {
            entity.name.split()[-1].casefold(): entity
            for entity in known
            if entity.kind == "person" and not entity.anonymous and len(entity.name.split()) > 1
        }
        """Organisations by the last word of their name ("Front"), for "the Front"."""
        """People by their surname, so that a later "Rasool" is "Yehia Rasool"."""
        # A word capitalised in mid-sentence somewhere is a name where it opens one too.
        every = [(i, t.text) for s in text.sentences for i, t in enumerate(tokens(s.text))]
        self.midsentence = {word for i, word in every if i and word[:1].isupper()}
        # A name whose demonym the text uses is a country's ("Veskaria", "Veskarian").
        capitalised = sorted({word for _, word in every if word[:1].isupper()})
        for word in capitalised:
            self.countries.setdefault(word, word)
        self.demonyms = {
            country
            for word in capitalised
            if (country := gazetteer.demonym_of(word, {w: w for w in capitalised})) != word
            and country is not None
        }
        """Countries the text names by a demonym, such as "Veskaria" for "Veskarian"."""

    # --- one sentence -------------------------------------------------------

    def sentence(self, words: list[Token]) -> None:
        if not words or is_credits(self.text[words[0].start : words[-1].end]):
            return
        taken = [False] * len(words)
        for match in self.names.find(words):
            following = words[match.end] if match.end < len(words) else None
            if match.end - match.start == 1 and following is not None and capitalised(following):
                continue  # "Castellane Television": the longer name is another's
            entity = match.known[0]
            self._known(words, match.start, match.end, entity, match.name)
            for i in range(match.start, match.end):
                taken[i] = True
            noun_at = self._people_of(words, match.end)
            if entity.kind in ("state", "country") and noun_at is not None:
                # "Castellane security officials": people of a country the site knows.
                span = (words[match.start].start, words[match.end - 1].end)
                self._group(match.name, entity.name, words[noun_at], span)
        index = 0
        while index < len(words):
            if taken[index] or not capitalised(words[index]):
                index += 1
                continue
            end = self._run_end(words, index, taken)
            self._name(words, index, end)
            index = end
        self.described.sentence(words, taken)
        for actor, relation, offset, quote in self.pending:
            # The first name after the title or "spokesperson for" is whom it is for.
            nearest = min(
                (m for m in self.found.mentions if offset <= m.start < words[-1].end),
                key=lambda m: m.start,
                default=None,
            )
            if nearest is None or nearest.entity is actor:
                continue
            target = nearest.entity
            if target.section == "locations" and target.kind == "country":
                target = self.found.state(target)
            end = quote[1] if relation == "official-of" else max(quote[1], nearest.end)
            actor.relations.append((relation, target.key, (quote[0], end)))
        self.pending.clear()

    def _run_end(self, words: list[Token], start: int, taken: list[bool]) -> int:
        """Where the run of name words from `start` ends: capitalised words, with "of",
        "'s", initials' periods and hyphens between them."""
        end = start + 1
        while end < len(words) and not taken[end]:
            word = words[end]
            following = words[end + 1] if end + 1 < len(words) else None
            if (
                capitalised(word)
                or (
                    word.text == "."
                    and len(words[end - 1].text) <= 3
                    and words[end - 1].text[:1].isupper()
                )
                or (
                    word.key in ("of", "-")
                    and following
                    and capitalised(following)
                    and not taken[end + 1]
                )
            ):
                end += 1
            elif (
                word.text in ("'", "’")
                and following
                and following.key == "s"
                and end + 2 < len(words)
                and capitalised(words[end + 2])
            ):
                end += 2
            elif word.text in ("'", "’") and following and capitalised(following):
                end += 1  # "the Harrow Quay Dockworkers' Union"
            else:
                break
        while (
            end > start + 1
            and words[end - 1].text == "."
            and len(words[end - 2].text) > 1
            and words[end - 2].key not in ("s", "u", "k")
        ):
            end -= 1
        return end

    def _known(self, words: list[Token], start: int, end: int, entity: Known, name: str) -> None:
        span = (words[start].start, words[end - 1].end)
        self.found.add(known_entity(entity, span, name), *span)

    def _name(self, words: list[Token], start: int, end: int) -> None:
        run = words[start:end]
        sentence_start = start == 0 or words[start - 1].text in _OPENERS
        # "The Tessary Front": the article is not part of the name, nor is a sentence's
        # first word that is an ordinary word ("Officials said").
        while run and run[0].key in _FUNCTION and (sentence_start or run[0].key == "the"):
            run, start, sentence_start = run[1:], start + 1, False
        if not run:
            return
        if len(run) == 1 and (run[0].key in lexicon.CALENDAR or run[0].key in self.outlet):
            return
        first = run[0]
        lone = sentence_start and len(run) == 1 and first.text not in self.midsentence
        if lone and self._place(first.text) is None:
            return
        if run[-1].key in lexicon.TITLE_WORDS:
            return  # "Valdorian Interior Minister" before a name the site knows
        title, rest = self._title(run)
        if not rest:
            return
        span = (rest[0].start, rest[-1].end)
        name = self.text[span[0] : span[1]]
        folded = key(name)
        before = words[start - 1] if start > 0 else None
        following = words[end] if end < len(words) else None

        if title is not None:
            person = self._person(name, span, f"after the title {self._between(title, rest[0])!r}")
            owner = run[: run.index(title)]
            if owner:
                self.pending.append(
                    (person, "official-of", owner[0].start, (run[0].start, span[1]))
                )
            return
        if len(run) == 1 and before is not None and before.key == "the" and folded in self.heads:
            organisation = self.heads[folded]  # "the Front" after "the Tessary Front"
            if name not in organisation.aliases and organisation.name != name:
                organisation.aliases.append(f"the {name}")
            self.found.add(organisation, *span)
            return
        if len(run) == 1 and folded in self.surnames and folded not in self.people:
            person_known = self.surnames[folded]  # "Mayor Maast": a person the site knows
            self._known(run, 0, 1, person_known, name)
            return
        if len(run) == 1 and folded in self.people:  # a surname of someone named before
            person = self.people[folded]
            if name not in person.aliases:
                person.aliases.append(name)
            self.found.add(person, *span)
            return
        if before is not None and before.key in lexicon.LOWER_TITLES:
            self._person(name, span, f"after {before.text!r}")
            return
        demonym = gazetteer.demonym_of(name, self.countries) if len(run) == 1 else None
        country = self._place(name)
        nation = demonym or (country.name if country and country.kind == "country" else None)
        noun_at = self._people_of(words, end, person=nation is not None)
        if noun_at is not None:
            if not self._possessive_at(words, noun_at + 1):
                self._group(name, nation, words[noun_at], span)
            elif country is not None and country.kind == "country":
                self._state(name, span, country)  # "the U.S. military's Central Command"
            return
        if demonym:
            return  # "Iraqi" alone names nothing
        place = country
        modifier = (
            before is not None
            and before.key == "the"
            and following is not None
            and following.text.islower()
            and following.text.isalpha()
        )
        if place is not None and place.kind == "city" and modifier:
            return  # "the Gaza conflict": a place's name describing something else
        if place is not None:
            if place.kind == "country" and not self._place_context(words, start):
                self._state(name, span, place)
            else:
                self._add_location(
                    name, place.kind, span, f"in the gazetteer: {place.provenance}", place
                )
            return
        head = run[-1].key
        if head in lexicon.ORG_HEADS and len(run) > 1:
            actor = self._actor(
                name,
                lexicon.ORG_HEADS[head],
                span,
                f"an organisation's name ending in {run[-1].text!r}",
            )
            self._tie(actor, run, span)
            self.heads.setdefault(head, actor)
            if start >= 2 and words[start - 2].text in ("'", "’") and words[start - 1].key == "s":
                # "the U.S. military's Central Command": part of whoever owns it.
                owners = [m for m in self.found.mentions if m.end <= words[start - 2].start]
                near = owners and owners[-1].end >= words[start - 2].start - 12
                if near and owners[-1].entity.section == "actors" and not actor.relations:
                    actor.relations.append(
                        ("part-of", owners[-1].entity.key, (owners[-1].start, span[1]))
                    )
            return
        if head in lexicon.PLACE_HEADS and len(run) > 1:
            self._add_location(
                name, lexicon.PLACE_HEADS[head], span, f"a place's name ending in {run[-1].text!r}"
            )
            return
        appositive = self._appositive(words, end)
        if appositive is not None:
            section, kind, why = appositive
            if section == "locations":
                self._add_location(name, kind, span, why)
            elif kind == "person":
                person = self._person(name, span, why)
                stop = self._spokesperson_for(words, end)
                if stop is not None:
                    self.pending.append(
                        (person, "spokesperson-for", words[stop].end, (span[0], words[stop].end))
                    )
            else:
                self._actor(name, kind, span, why)
            return
        if self._place_context(words, start):
            self._add_location(
                name, "city", span, f"a name after {before.text if before else ''!r}"
            )
            return
        if len(run) in (2, 3) and all(t.text.isalpha() and t.text[1:].islower() for t in run):
            self._person(name, span, "a name of two or three words")
            return
        if len(run) == 1 and (first.text in self.demonyms or self._possessor(first)):
            self._state_unknown(name, span)
            return
        if len(run) == 1 and not sentence_start:
            what = "an acronym" if first.text.isupper() else "a capitalised word"
            self._actor(name, "organization", span, f"{what}, {name!r}; check its kind")

    def _people_of(self, words: list[Token], at: int, person: bool = True) -> int | None:
        """Where the noun is, when words[at:] describe people or a group ("officials",
        "security forces", with `person` also one person: "parliament member")."""
        noun_at = at + 1 if self._modifier(words, at) else at
        if noun_at >= len(words) or not words[noun_at].text.islower():
            return None
        noun = words[noun_at].key
        group = noun in lexicon.GROUP_NOUNS or (person and noun in lexicon.PERSON_NOUNS)
        return noun_at if group else None

    def _modifier(self, words: list[Token], at: int) -> bool:
        """Whether words[at] is a lower-case word between a name and the people it
        describes ("Castellane security officials", "an Iraqi parliament member")."""
        if at + 1 >= len(words):
            return False
        word, noun = words[at], words[at + 1]
        return (
            word.text.isalpha()
            and word.text.islower()
            and word.key not in lexicon.FUNCTION_WORDS
            and word.key not in lexicon.REPORTING_VERBS
            and not word.key.endswith(("ed", "ing", "ly"))
            and noun.text.islower()
            and (noun.key in lexicon.GROUP_NOUNS or noun.key in lexicon.PERSON_NOUNS)
        )

    def _possessor(self, word: Token) -> bool:
        """Whether the text speaks of the word's ministries or government ("Castellane's
        defence ministry"), as of a state's."""
        pattern = rf"\b{re.escape(word.text)}[’']s (?:\w+ )?(?:ministry|government|army|air force|navy|coast guard|ambassador|president|forces)\b"
        return re.search(pattern, self.text) is not None

    def _state_unknown(self, name: str, span: tuple[int, int]) -> None:
        why = "a state: the text names its people or its ministries"
        self.found.add(Entity(key(name), "actors", name, "state", span, why), *span)

    def _between(self, first: Token, last: Token) -> str:
        return self.text[first.start : last.start].strip()

    def _place_context(self, words: list[Token], start: int) -> bool:
        """Whether the name at `start` follows "in", "at", "near"..., or is listed with a
        place that does ("in Iraq and Syria")."""
        at = start - 1
        if at >= 0 and words[at].key in ("and", "or", ","):
            previous = [m for m in self.found.mentions if m.end <= words[at].start]
            if (
                previous
                and previous[-1].entity.section == "locations"
                and previous[-1].end >= words[at].start - 1
            ):
                return True
        if at >= 1 and words[at].key == "of" and words[at - 1].key in lexicon.PLACE_NOUNS:
            return True  # "the Veskarian towns of Kovrel and Marrish"
        return at >= 0 and words[at].key in lexicon.PLACE_PREPOSITIONS

    def _tie(self, actor: Entity, run: list[Token], span: tuple[int, int]) -> None:
        """An organisation's country, from a demonym or a possessive in its name."""
        first = run[0].text
        demonym = gazetteer.demonym_of(first, self.countries)
        if demonym:
            country = self._country_mentioned(demonym)
            if country is not None and actor.country is None:
                actor.country, actor.country_quote = country.key, span
            return
        if len(run) > 2 and run[1].text in ("'", "’") and run[2].key == "s":
            owner = self.found.actor_named(first)
            if owner is not None and not actor.relations:
                actor.relations.append(("part-of", owner.key, span))

    def _title(self, run: list[Token]) -> tuple[Token | None, list[Token]]:
        """The title the run opens with, and the rest (the person's name)."""
        keys = [t.key for t in run]
        best = 0
        index = 0
        # Titles may follow a country: "U.S. Secretary of State Antony Blinken".
        for i in range(len(run)):
            for title in lexicon.TITLES:
                fits = tuple(keys[i : i + len(title)]) == title and i + len(title) < len(run)
                if fits and i + len(title) > best:
                    best, index = i + len(title), i
        if not best:
            return None, run
        rest = run[best:]
        while rest and rest[0].text == ".":
            rest = rest[1:]
        return run[index], rest

    def _appositive(self, words: list[Token], end: int) -> tuple[str, str, str] | None:
        """What "NAME, a/the ... HEAD" says the name is."""
        if end + 2 >= len(words) or words[end].text != ",":
            return None
        if words[end + 1].key not in ("a", "an", "the"):
            return None
        phrase = []
        for token in words[end + 2 : end + 9]:
            if token.text in (",", ".", ";") or token.key in (
                "who",
                "which",
                "that",
                "whose",
                "for",
                "of",
                "in",
                "from",
            ):
                break
            phrase.append(token)
        if not phrase:
            return None
        head = phrase[-1].key
        said = self.text[words[end].start + 2 : phrase[-1].end]
        if (
            head in lexicon.PERSON_NOUNS
            or head in lexicon.LOWER_TITLES
            or head in ("farmer", "smuggler", "journalist", "doctor", "operator", "worker")
        ):
            return "actors", "person", f"described as {said!r}"
        if head == "group" and any(t.key == "armed" for t in phrase):
            return "actors", "armed-group", f"described as {said!r}"
        if head in lexicon.ORG_HEADS:
            return "actors", lexicon.ORG_HEADS[head], f"described as {said!r}"
        if head in (
            "company",
            "firm",
            "agency",
            "organisation",
            "organization",
            "group",
            "channel",
            "newspaper",
        ):
            return "actors", "organization", f"described as {said!r}"
        if head in ("town", "city", "village", "port"):
            return "locations", "city", f"described as {said!r}"
        if head in ("country", "state"):
            return "locations", "country", f"described as {said!r}"
        return None

    def _spokesperson_for(self, words: list[Token], end: int) -> int | None:
        """The index of "for" in "NAME, the spokesperson for ...", if the words say so."""
        for at in range(end + 2, min(end + 6, len(words) - 1)):
            if words[at].key == "for" and words[at - 1].key in (
                "spokesperson",
                "spokesman",
                "spokeswoman",
            ):
                return at
        return None

    def _place(self, name: str) -> gazetteer.Place | None:
        return gazetteer.country(name) or gazetteer.city(name)

    # --- what each kind of name makes --------------------------------------

    def _person(self, name: str, span: tuple[int, int], why: str) -> Entity:
        person = self.found.add(
            Entity(key(name), "actors", name, "person", span, f"a person: {why}"), *span
        )
        surname = key(name).split()[-1]
        if len(key(name).split()) > 1:
            self.people.setdefault(surname, person)
        return person

    def _state(self, name: str, span: tuple[int, int], place: gazetteer.Place) -> Entity:
        """A country that acts ("Iran has denied", "a US drone strike"): a state."""
        entity = Entity(
            key(place.name),
            "actors",
            place.name,
            "state",
            span,
            f"a country acting, in the gazetteer: {place.provenance}",
            place=place,
        )
        if name != place.name:
            entity.aliases.append(name)
        kept = self.found.add(entity, *span)
        if kept.section == "locations":  # named as a place before: it acts as a state too
            kept = self.found.add(self.found.state(kept), *span)
        if name != kept.name and name not in kept.aliases:
            kept.aliases.append(name)
        return kept

    def _actor(self, name: str, kind: str, span: tuple[int, int], why: str) -> Entity:
        return self.found.add(Entity(key(name), "actors", name, kind, span, why), *span)

    def _add_location(
        self,
        name: str,
        kind: str,
        span: tuple[int, int],
        why: str,
        place: gazetteer.Place | None = None,
    ) -> Entity:
        canonical = place.name if place is not None and place.kind == "country" else name
        entity = Entity(key(canonical), "locations", canonical, kind, span, why, place=place)
        if canonical != name:
            entity.aliases.append(name)
        kept = self.found.add(entity, *span)
        if name != kept.name and name not in kept.aliases:
            kept.aliases.append(name)
        return kept

    def _group(self, name: str, demonym: str | None, noun: Token, span: tuple[int, int]) -> None:
        """ "Houthi rebels", "Iraqi government", "Iraqi officials"."""
        whole = (span[0], noun.end)
        phrase = self.text[whole[0] : whole[1]]
        kind = lexicon.GROUP_NOUNS.get(noun.key, "person")
        if demonym is None:
            self._actor(phrase, kind, whole, f"a name before {noun.text!r}")
            return
        anonymous = kind in ("group", "person") or noun.key in (
            "militia",
            "militias",
            "fighters",
            "militants",
        )
        label = f"Unnamed {phrase}" if anonymous else phrase
        # "U.S. forces", "US forces" and "American troops" are one country's forces.
        grouped = f"forces of {demonym}" if kind == "military-unit" else key(phrase)
        entity = self.found.add_around(
            Entity(
                grouped,
                "actors",
                label,
                kind,
                whole,
                f"{phrase!r}: {demonym}'s {noun.text}",
                anonymous=anonymous,
            ),
            *whole,
        )
        if (anonymous or phrase != entity.name) and phrase not in entity.aliases:
            entity.aliases.append(phrase)
        country = self._country_mentioned(demonym)
        if country is not None and entity.country is None:
            entity.country, entity.country_quote = country.key, whole

    def _possessive_at(self, words: list[Token], at: int) -> bool:
        """Whether words[at:] is "'s" and a capitalised word."""
        return (
            at + 2 < len(words)
            and words[at].text in ("'", "’")
            and words[at + 1].key == "s"
            and capitalised(words[at + 2])
        )

    def _country_mentioned(self, name: str) -> Entity | None:
        for entity in self.found.entities.values():
            if (
                entity.section == "locations"
                and entity.kind == "country"
                and name in (entity.name, *entity.aliases)
            ):
                return entity
            if (
                entity.known is not None
                and entity.section == "locations"
                and entity.known.kind == "country"
                and name in entity.known.names
            ):
                return entity
        return None

    # --- unnamed actors ------------------------------------------------------
