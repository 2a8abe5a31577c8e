"""Source texts: normalising for quote matching, splitting into anchored sentences."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

# Editors type straight quotes and hyphens; articles use typographic ones.
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2026": "...",
    }
)
# Runs of whitespace other than one plain space: folding only these to a space gives
# what folding every run would, and most sentences have none.
_SPACE = re.compile(r"\s{2,}|[^\S ]")


def normalize(text: str) -> str:
    """The form quotes are compared in: typographic quotes and dashes plain, whitespace folded."""
    return _SPACE.sub(" ", text.translate(_TYPOGRAPHIC)).strip()


@dataclass(frozen=True)
class Sentence:
    """One sentence of a source, with the anchor its page gives it."""

    paragraph: int
    """1-based paragraph number."""
    number: int
    """1-based sentence number within the paragraph."""
    start: int
    """Offset of the first character in the original text."""
    end: int
    """Offset just past the last character in the original text."""
    text: str
    """The sentence as it stands in the source."""

    @property
    def anchor(self) -> str:
        return f"p{self.paragraph}-s{self.number}"

    @property
    def label(self) -> str:
        return f"¶{self.paragraph}.{self.number}"


# A period after these does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "sgt",
        "adm",
        "gov",
        "sen",
        "rep",
        "rev",
        "st",
        "jr",
        "sr",
        "no",
        "vol",
        "vs",
        "etc",
        "inc",
        "corp",
        "co",
        "ltd",
        "dept",
        "univ",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "est",
    ]
)
_BOUNDARY = re.compile(r"[.!?]+['\"\u2019\u201d)\]]*\s+(?=['\"\u2018\u201c(\[]?[A-Z0-9])")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+")
_LAST_WORD = re.compile(r"([A-Za-z]+)\.\Z")


def _ends_with_abbreviation(before: str) -> bool:
    # Only its last word tells, so only that is searched: searching the whole sentence
    # was most of the time it took to split a source.
    word = before.rsplit(None, 1)[-1]
    if _INITIALS.fullmatch(word.rpartition("(")[2]):  # "U.S." or "(U.S."
        return True
    letters = _LAST_WORD.search(word)
    return bool(letters and letters.group(1).lower() in _ABBREVIATIONS)


def split_sentences(text: str) -> list[Sentence]:
    """Split a source into anchored sentences.

    Paragraphs are blocks separated by blank lines; a text without blank lines (as
    many plain-text articles are) has a paragraph per line. Sentences end at . ! or ?
    before a capital letter, except after initials ("U.S.") and common abbreviations.
    """
    blank_line = r"\r?\n[ \t\r]*\n"
    separator = rf"{blank_line}\s*" if re.search(blank_line, text) else r"\r?\n\s*"
    sentences: list[Sentence] = []
    paragraph = 0
    cursor = 0
    for gap in [*re.finditer(separator, text), None]:
        block_end = gap.start() if gap else len(text)
        spans = _sentence_spans(text, cursor, block_end)
        if spans:
            paragraph += 1
            for number, (start, end) in enumerate(spans, 1):
                sentences.append(Sentence(paragraph, number, start, end, text[start:end]))
        cursor = gap.end() if gap else len(text)
    return sentences


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cut = start
    for match in _BOUNDARY.finditer(text, start, end):
        if _ends_with_abbreviation(text[cut : match.start() + 1]):
            continue
        spans.append((cut, match.start() + len(match.group().rstrip())))
        cut = match.end()
    spans.append((cut, end))
    return [(a, b) for a, b in (_strip(text, a, b) for a, b in spans) if b > a]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class SourceText:
    """A source's text, ready for quote lookups and sentence citations."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = split_sentences(text)
        # Sentences cover every non-blank character, so joining them normalised gives the
        # normalised text, and each sentence's start there comes for free.
        pieces = [normalize(sentence.text) for sentence in self.sentences]
        self._starts: list[int] = []
        offset = 0
        for piece in pieces:
            self._starts.append(offset)
            offset += len(piece) + 1
        self.normalized = " ".join(pieces)

    def find(self, quote: str, *, any_case: bool = False) -> Sentence | None:
        """The sentence where the quote starts, or None when the quote is not in the text.

        With `any_case`, capitals do not matter (a name may open a sentence).
        """
        at = self._offset(quote, any_case)
        if at < 0:
            return None
        index = bisect.bisect_right(self._starts, at) - 1
        return self.sentences[max(index, 0)]

    def words(self, name: str) -> str:
        """A name as the text writes it (capitals and all), for citing it; "" if absent."""
        at = self._offset(name, any_case=True)
        return self.normalized[at : at + len(normalize(name))] if at >= 0 else ""

    def _offset(self, quote: str, any_case: bool) -> int:
        wanted = normalize(quote)
        if not any_case:
            return self.normalized.find(wanted)
        match = re.search(re.escape(wanted), self.normalized, re.IGNORECASE)
        return match.start() if match else -1

    def closest(self, quote: str) -> tuple[str, float]:
        """The passage most like the quote, and its similarity in percent, for error messages."""
        wanted = normalize(quote)
        if len(wanted) * len(self.normalized) <= _FULL_SEARCH_LIMIT:
            match = fuzz.partial_ratio_alignment(wanted, self.normalized)
            if match is None:
                return "", 0.0
            start, end, score = match.dest_start, match.dest_end, match.score
        else:
            # Aligning a long quote with a long text costs their product; locate its first
            # words instead (fast for short patterns), then score the passage there.
            probe = wanted[:_PROBE]
            match = fuzz.partial_ratio_alignment(probe, self.normalized)
            if match is None:
                return "", 0.0
            start = max(match.dest_start - match.src_start, 0)
            end = min(start + len(wanted), len(self.normalized))
            score = fuzz.ratio(wanted, self.normalized[start:end])
        # Widen to whole words so the editor sees a passage they can copy.
        start = self.normalized.rfind(" ", 0, start) + 1
        space = self.normalized.find(" ", end)
        end = len(self.normalized) if space < 0 else space
        return self.normalized[start:end], score


_FULL_SEARCH_LIMIT = 5_000_000
_PROBE = 64
