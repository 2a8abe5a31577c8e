"""Warnings an editor needs before readers see a fact its quotes do not support.

- A description (or a statement's summary) is cited to its quotes, so the names and
  numbers it states must be in one of them: "Carried out the strikes in Iraq and Syria",
  cited to "criticized the US for the strike", is warned about (`unsupported`).
- An id that one summary leaves unnamed and another names is one entity under the name
  (`named_elsewhere`): said so the editor can check the two are the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ..common.errors import Problems, escape_controls
from .load import Loaded
from .parse import FieldPath, field_name
from .text import normalize

_ZERO_TO_TWENTY = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
NUMBER_WORDS = {word: number for number, word in enumerate(_ZERO_TO_TWENTY.split())}
NUMBER_WORDS |= {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "dozen": 12}
"""Numbers written as words, to their value: "three American troops" is 3."""
# A term: initials with dots ("U.S."), a number ("2,500"), or a word.
_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|\d+(?:[.,]\d+)*(?:st|nd|rd|th)?\b|[^\W_]+(?:['’][^\W_]+)?")
# Capitalised words that open clauses or name nothing, in descriptions editors write.
_NOT_NAMES = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "his",
        "her",
        "their",
        "we",
        "our",
        "i",
        "and",
        "or",
        "but",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "as",
        "after",
        "before",
        "during",
        "while",
        "unnamed",
        "unidentified",
        "some",
        "several",
        "many",
    ]
)


@lru_cache(maxsize=65_536)  # names, and quotes cited by several fields, recur
def _fold(text: str) -> str:
    """Text compared without case, accents, dots in abbreviations (U.S. = US) or number
    words (three = 3)."""
    text = normalize(text)
    if not text.isascii():  # most text is: its accents need no stripping
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    words = (_plain(word) for word in _WORD.findall(text.casefold()))
    return " ".join(str(NUMBER_WORDS[word]) if word in NUMBER_WORDS else word for word in words)


def _plain(term: str) -> str:
    """A term without the dots of its initials or the separators of its thousands."""
    return term.replace(".", "").replace(",", "") if not term.isalpha() else term


def claimed_terms(text: str) -> list[str]:
    """The names and numbers a sentence states: capitalised words (but the first) and
    numbers, as written."""
    terms = []
    text = normalize(text)
    before = 0  # where the text between the last word and this one starts
    for index, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        gap, before = text[before : match.start()], match.end()
        opens_sentence = index == 0 or any(mark in gap for mark in ".!?:;")
        if (
            word[0].isdigit()
            or word.casefold() in NUMBER_WORDS
            or word[0].isupper()
            and not opens_sentence
            and word.casefold() not in _NOT_NAMES
        ):
            terms.append(word)
    return list(dict.fromkeys(terms))


def missing_terms(text: str, quotes: Iterable[str], known: Iterable[str] = ()) -> list[str]:
    """The names and numbers of `text` that appear in none of `quotes` (nor in `known`, the
    entity's own names)."""
    pool = " " + " ".join(_fold(q) for q in [*quotes, *known]) + " "
    missing = []
    for term in claimed_terms(text):
        folded = _fold(term)
        if folded and f" {folded} " not in pool and folded.rstrip("s") + " " not in pool:
            missing.append(term)
    return missing


def unsupported(item: Loaded, problems: Problems) -> None:
    """Warn about descriptions and summaries whose names or numbers no quote of theirs states."""
    for path, text, quotes, known in _cited_texts(item):
        missing = missing_terms(text, quotes, known)
        if missing:
            listed = ", ".join(repr(term) for term in missing)
            field = "description_quotes" if path[-1] == "description" else "summary_quotes"
            problems.warn(
                item.summary_file,
                item.line_of(path),
                field_name(path),
                f"{listed} {'is' if len(missing) == 1 else 'are'} in none of the quotes it is "
                f"cited with; add the passages that say so to `{field}`, or reword it",
            )


def _cited_texts(item: Loaded) -> Iterator[tuple[FieldPath, str, list[str], list[str]]]:
    summary = item.summary
    for category in ("actors", "locations", "events"):
        for i, entity in enumerate(getattr(summary, category)):
            if entity.description:
                names: list[str] = [getattr(entity, "name", None) or entity.title]
                yield (
                    (category, i, "description"),
                    entity.description,
                    [entity.quote, *entity.description_quotes],
                    [*names, *entity.aliases],
                )
    for i, statement in enumerate(summary.statements):
        yield (
            ("statements", i, "summary"),
            statement.summary,
            [statement.quote, *statement.summary_quotes],
            [],
        )


def undated(item: Loaded, problems: Problems) -> None:
    """Warn of a source with no publication date: readers cannot tell how old its facts
    are, and its relative dates ("on Sunday") stay unplaced."""
    if item.summary.source.published:
        return
    path = ("source", "id")
    problems.warn(
        item.summary_file,
        item.line_of(path),
        "source.published",
        'the source has no publication date: its pages say "undated source", and its '
        'relative dates ("on Sunday") cannot be placed; add `published:` if the article '
        "gives one",
    )


def named_elsewhere(loaded: list[Loaded], problems: Problems) -> None:
    """Warn where one summary leaves an actor unnamed that another names, under one id."""
    named: dict[str, tuple[str, str]] = {}
    for item in loaded:
        for actor in item.summary.actors:
            if not actor.anonymous:
                named.setdefault(actor.id, (actor.name, item.summary_file))
    for item in loaded:
        for i, actor in enumerate(item.summary.actors):
            if actor.anonymous and actor.id in named:
                name, file = named[actor.id]
                path = ("actors", i, "anonymous")
                problems.warn(
                    item.summary_file,
                    item.line_of(path) or item.line_of(("actors", i, "id")),
                    field_name(path),
                    f"{actor.id!r} is unnamed here but named {name!r} in "
                    f"{escape_controls(file)}: its page "
                    "is titled with the name and says this source does not name it. If this "
                    "source may mean someone else, give it its own id with `possibly`.",
                )
