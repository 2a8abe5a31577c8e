"""A fictional vocabulary: names and filler sentences made of invented words.

Everything the benchmark writes is invented here from syllables, so no real
person, place or article text ends up in a corpus. The only English is a small
set of function words and common nouns that carry the sentence structure.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

_ONSETS = [
    "b",
    "bl",
    "br",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "k",
    "kr",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "r",
    "s",
    "sk",
    "st",
    "t",
    "tr",
    "v",
    "z",
    "th",
    "sh",
]
_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ei", "ou"]
_CODAS = ("", "", "", "n", "r", "l", "s", "m", "k", "th", "nd", "rk")
_ENDINGS = ("", "", "a", "o", "is", "an", "ar", "esh", "ia")

_ADJECTIVES = [
    "tense",
    "calm",
    "uncertain",
    "fragile",
    "volatile",
    "quiet",
    "unsettled",
    "difficult",
    "steady",
    "grim",
]
_NOUNS = ["market", "harbour", "checkpoint", "bridge", "road", "crossing", "depot", "airfield"]
_TIMES = (
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "on Thursday",
    "on Friday",
    "over the weekend",
    "late on Sunday",
    "earlier this week",
    "last month",
)


class Namer:
    """Invents words and names, never the same name twice within one corpus."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def word(self, syllables: int | None = None) -> str:
        """A pronounceable invented word, capitalised, such as `Kessaran`."""
        rng = self.rng
        count = syllables or rng.choice((2, 2, 2, 3))
        parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(count)]
        parts[-1] += rng.choice(_CODAS)
        return ("".join(parts) + rng.choice(_ENDINGS)).capitalize()

    def unique(self, make: Callable[[], str]) -> str:
        """Call `make()` until it gives a name not used before in this corpus."""
        for _ in range(1000):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of invented names; widen the syllable tables")

    def person(self) -> str:
        return self.unique(lambda: f"{self.word()} {self.word()}")

    def place(self) -> str:
        return self.unique(self.word)

    def initials(self, name: str) -> str:
        """An acronym of the capitalised words of a name, e.g. `KTC`."""
        return "".join(w[0] for w in name.split() if w[:1].isupper())


def slug(text: str) -> str:
    """An id in the summary's slug format (`^[a-z0-9][a-z0-9-]*$`)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-") or "x"


def filler(rng: random.Random, namer: Namer) -> str:
    """A sentence of background that no summary cites, as articles have many."""
    word = namer.word()
    adjective = rng.choice(_ADJECTIVES)
    noun = rng.choice(_NOUNS)
    time = rng.choice(_TIMES)
    return rng.choice(
        (
            f"Residents of {word} said the situation around the {noun} remained {adjective} {time}.",
            f"The {noun} near {word} was closed {time}, according to local traders.",
            f"Analysts in {word} described the mood as {adjective} but expected no change soon.",
            f"Several families left {word} {time} as the {noun} became {adjective}.",
            f"It was not immediately clear what the {noun} in {word} would mean for the region.",
        )
    )


def quotation(rng: random.Random, namer: Namer) -> str:
    """Words a speaker is quoted as saying (invented names, English glue)."""
    word = namer.word()
    return rng.choice(
        (
            f"We will not accept what happened in {word}",
            f"The people of {word} deserve answers",
            f"Our position on {word} has not changed",
            f"Those responsible for {word} will be held to account",
            f"There is no place for violence in {word}",
        )
    )
