"""Source texts: normalising for quote matching, splitting into anchored sentences."""

from __future__ import annotations

import bisect
import difflib
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

# Editors type straight quotes and hyphens; articles use typographic ones.
TYPOGRAPHIC = str.maketrans(
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


def is_plain(text: str) -> bool:
    """Whether a text is as `normalize` (and a page's `shown`) would leave it: printable
    ASCII, no run of spaces. The common case, and a fast test."""
    return text.isascii() and text.isprintable() and "  " not in text


def normalize(text: str) -> str:
    """The form quotes are compared in: composed (NFC, so "é" typed as "e" and an accent is
    "é"), typographic quotes and dashes plain, whitespace folded (no-break spaces too:
    U+00A0, U+202F and U+2007 are whitespace)."""
    if is_plain(text):
        return text.strip()  # the common case: no typographic mark, no whitespace to fold
    if not text.isascii():  # ASCII is NFC already, and checking is not free on long texts
        text = unicodedata.normalize("NFC", text)
    return _SPACE.sub(" ", text.translate(TYPOGRAPHIC)).strip()


def code_point(char: str) -> str:
    """A character as messages name it: `U+200B ZERO WIDTH SPACE`."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}"


@cache
def _invisible() -> re.Pattern[str]:
    """Characters that show nothing: every format character (zero-width spaces and
    joiners, the soft hyphen, bidi marks, the byte-order mark), the combining grapheme
    joiner and the variation selectors. Built once, when a quote is not found."""
    found = [
        c
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Cf"
        or c == 0x034F
        or 0xFE00 <= c <= 0xFE0F
        or 0xE0100 <= c <= 0xE01EF
    ]
    # As ranges: a class of single characters is searched many times slower.
    ranges: list[list[int]] = []
    for c in found:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return re.compile(
        "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]"
    )


def _fold(text: str) -> str:
    """Text as it looks, for telling why a quote was not found: invisible characters
    dropped, compatibility forms (ligatures, full-width letters) as their plain letters."""
    if text.isascii():
        return text
    if _invisible().search(text):
        text = _invisible().sub("", text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _fold_mapped(text: str) -> tuple[str, list[int]]:
    """`_fold(text)` character by character and, for each character it gives, the index
    it comes from in `text` (slow: only for the few sentences a quote spans)."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = "" if _invisible().match(char) else unicodedata.normalize("NFKC", char)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def _shown(chars: str) -> str:
    """Characters as a message shows them: by name when any is invisible or not ASCII."""
    if chars.isascii() and chars.isprintable():
        return repr(chars)
    return " + ".join(code_point(c) for c in chars)


@dataclass(frozen=True)
class Difference:
    """Where two texts first differ: what each has there, and how many differences follow."""

    ours: str
    theirs: str
    position: int
    """Where it is in the first text, counting characters from 1."""
    their_position: int
    """Where it is in the second text, counting characters from 1."""
    more: int

    @property
    def and_more(self) -> str:
        """` (and 2 more such differences)`, or nothing."""
        if not self.more:
            return ""
        return f" (and {self.more} more such difference{'s' if self.more > 1 else ''})"


def first_difference(one: str, other: str, *, any_case: bool = False) -> Difference | None:
    """Where the texts first differ, character by character (with `any_case`, capitals
    aside); None when they are the same."""
    # Compared as lists of characters, so that a position is one character even where
    # folding the case makes two ("ß").
    a = [c.casefold() if any_case else c for c in one]
    b = [c.casefold() if any_case else c for c in other]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if not changes:
        return None
    _, i1, i2, j1, j2 = changes[0]
    return Difference(one[i1:i2], other[j1:j2], i1 + 1, j1 + 1, len(changes) - 1)


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


# How a language's abbreviations are told from sentence ends. Words are lower case and
# without their period.
@dataclass(frozen=True, slots=True)
class _Rules:
    abbreviations: frozenset[str] = frozenset()
    """Never end a sentence, whatever their case."""
    titles: frozenset[str] = frozenset()
    """Never end a sentence when capitalised ("Brig. Gen."): in lower case some are
    ordinary words that do ("sent to the brig.")."""
    after_comma: frozenset[str] = frozenset()
    """Never end a sentence when capitalised and after a comma or a hyphen, as a US
    state does ("Waycross, Ga.", "R-Ga."): elsewhere "Mass." or "Ark." is a word."""
    before_number: frozenset[str] = frozenset()
    """Never end a sentence before a digit ("sept. 2001", "vol. 3"): before a word they
    are words that do ("Ils étaient sept.")."""
    suffixes: tuple[str, ...] = ()
    """Never end a sentence as the end of a word, whatever its case ("Hauptstr.")."""
    months: frozenset[str] = frozenset()
    """A day number before these is an ordinal, not a sentence end ("am 4. Februar")."""


def word_set(listed: str) -> frozenset[str]:
    """The words of a space-separated list, as a set: long lists of words stay readable."""
    return frozenset(listed.split())


_ENGLISH = _Rules(
    # The list the splitter has always had, whatever the letters' case: kept whole, so
    # that no anchor of an English source moves except where a name or date was cut.
    abbreviations=word_set(
        "mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep rev st jr sr no vol vs"
        " etc inc corp co ltd dept univ jan feb mar apr jun jul aug sep sept oct nov dec"
        " approx est"
    ),
    titles=word_set(
        "spc pfc cpl pvt brig cmdr cdr amb pres atty supt det insp msgr hon sens reps messrs mt ft"
    ),
    # AP style; "W.Va." ends in "Va", and "N.C." and the like are initials anyway.
    after_comma=word_set(
        "ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss"
        " mo mont neb nev okla ore pa tenn tex vt va wash wis wyo"
    ),
)
_FRENCH = _Rules(
    abbreviations=word_set("av bd boul janv févr fév avr juil oct nov déc etc cf env chap éd hab"),
    before_number=word_set("sept vol art"),
    # "mm." is also millimetres.
    titles=word_set("mm mme mmes mlle mlles dr pr me st ste mgr"),
)
_GERMAN = _Rules(
    abbreviations=word_set(
        "dr prof hr hrn fr st nr bzw usw ca evtl ggf inkl vgl mio mrd str abs bd jh jhd"
        " geb gest ehem sog dipl ing jan feb mär mrz apr jun jul aug sep sept okt nov dez"
    ),
    # Streets are compounds ("Hauptstr. 5"); no German word ends in "str".
    suffixes=("str",),
    months=word_set(
        "januar jänner februar märz april mai juni juli august september oktober november"
        " dezember jan feb mär mrz apr jun jul aug sep sept okt nov dez"
    ),
)
_SPANISH = _Rules(
    # "ee" and "uu" are the halves of "EE.UU." and "EE. UU." (Estados Unidos).
    abbreviations=word_set(
        "sr sra srta sres dr dra ud uds vd vds dña lic ing gral cnel tte sto sta av avda"
        " núm pág aprox ej cía etc ee uu ene feb abr jun jul ago sep sept oct nov dic"
    ),
    # Also the sea, May (Theresa) and a tennis set.
    before_number=word_set("mar may set"),
)
_LANGUAGE_INDEPENDENT = _Rules()
# ISO 639-1 codes and their 639-2 forms (the schema allows either).
_RULES = {
    "en": _ENGLISH,
    "eng": _ENGLISH,
    "fr": _FRENCH,
    "fra": _FRENCH,
    "fre": _FRENCH,
    "de": _GERMAN,
    "deu": _GERMAN,
    "ger": _GERMAN,
    "es": _SPANISH,
    "spa": _SPANISH,
}
_BOUNDARY = re.compile(r"[.!?]+['\"\u2019\u201d)\]]*\s+(?=['\"\u2018\u201c(\[]?[A-Z0-9])")
# Letters of any script: "É. Macron" is an initial, "févr." an abbreviation.
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+")
_LAST_WORD = re.compile(r"([^\W\d_]+)\.\Z")
_WORD = re.compile(r"[^\W\d_]+")


def split_sentences(text: str, language: str = "en") -> list[Sentence]:
    """Split a source into anchored sentences.

    Paragraphs are blocks separated by blank lines; a text without blank lines (as
    many plain-text articles are) has a paragraph per line. Sentences end at . ! or ?
    before a capital A to Z or a digit, except after initials ("U.S.", "J.R.R.", "p.m.")
    in any language, and after the abbreviations of the text's `language` (an ISO 639
    code; English, French, German and Spanish have lists, others none): titles and
    ranks ("Staff Sgt.", "Brig. Gen."), months ("Sept. 11"), "No. 2", and in English a
    US state after its town ("Waycross, Ga."). In German a day number before a month is
    an ordinal ("am 4. Februar").

    A sentence that really ends in such an abbreviation ("They flew to Waycross, Ga. The
    funeral is Monday.") stays joined with the next: a citation then highlights one
    sentence too many, the lesser harm than highlighting half a name.
    """
    rules = _rules_for(language)
    blank_line = r"\r?\n[ \t\r]*\n"
    separator = rf"{blank_line}\s*" if re.search(blank_line, text) else r"\r?\n\s*"
    sentences: list[Sentence] = []
    paragraph = 0
    cursor = 0
    for gap in [*re.finditer(separator, text), None]:
        block_end = gap.start() if gap else len(text)
        spans = _sentence_spans(text, cursor, block_end, rules)
        if spans:
            paragraph += 1
            for number, (start, end) in enumerate(spans, 1):
                sentences.append(Sentence(paragraph, number, start, end, text[start:end]))
        cursor = gap.end() if gap else len(text)
    return sentences


def _rules_for(language: str) -> _Rules:
    # A regional tag ("en-GB", "de_AT") abbreviates as its language does.
    return _RULES.get(language.lower().replace("_", "-").partition("-")[0], _LANGUAGE_INDEPENDENT)


def _sentence_spans(text: str, start: int, end: int, rules: _Rules) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cut = start
    for match in _BOUNDARY.finditer(text, start, end):
        if not _ends_sentence(text[cut : match.start() + 1], text, match.end(), rules):
            continue
        spans.append((cut, match.start() + len(match.group().rstrip())))
        cut = match.end()
    spans.append((cut, end))
    return [(a, b) for a, b in (_strip(text, a, b) for a, b in spans) if b > a]


def _ends_sentence(before: str, text: str, after: int, rules: _Rules) -> bool:
    """Whether the stop that `before` ends with ends a sentence; the next word is at `after`."""
    # Only the last word (and at times the one before or after) tells, so only that is
    # searched: searching the whole sentence was most of the time it took to split.
    head, word = _last_two(before)
    if _INITIALS.fullmatch(word.rpartition("(")[2]):  # "U.S." or "(U.S."
        return False
    letters = _LAST_WORD.search(word)
    if letters:
        found = letters.group(1)
        lowered = found.lower()
        if lowered in rules.abbreviations or lowered.endswith(rules.suffixes):
            return False
        if lowered in rules.before_number and text[after : after + 1].isdecimal():
            return False
        if found[0].isupper():
            if lowered in rules.titles:
                return False
            if lowered in rules.after_comma and (
                head.endswith(",") or word[letters.start() - 1 : letters.start()] == "-"
            ):
                return False
        return True
    if rules.months and len(word) <= 3 and word[-1] == "." and word[:-1].isdecimal():
        month = _WORD.match(text, after)
        return not (month and month.group().lower() in rules.months)
    return True


def _last_two(before: str) -> tuple[str, str]:
    words = before.rsplit(None, 2)
    return (words[-2] if len(words) > 1 else ""), words[-1]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class SourceText:
    """A source's text, ready for quote lookups and sentence citations."""

    def __init__(self, text: str, language: str = "en") -> None:
        self.text = text
        self.language = language
        """ISO 639 code of the text's language, which tells its abbreviations."""
        self.sentences = split_sentences(text, language)
        # Sentences cover every non-blank character, so joining them normalised gives the
        # normalised text, and each sentence's start there comes for free.
        pieces = [normalize(sentence.text) for sentence in self.sentences]
        self._starts = _starts_of(pieces)
        self.normalized = " ".join(pieces)
        self._folded: tuple[str, list[int]] | None = None

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

    def invisible_difference(self, quote: str) -> str | None:
        """Why a quote that is not in the text is not, when it is there as it looks: what
        differs (invisible characters, compatibility forms), with the position in the
        quote, e.g. `U+200B ZERO WIDTH SPACE at position 7`; None otherwise.

        Positions count the quote's characters from 1, as compared (normalised, see
        `normalize`). No-break spaces and composed or decomposed accents never make a
        quote fail: `normalize` makes them equal."""
        wanted = normalize(quote)
        looks = _fold(wanted)
        if not looks.strip():
            return None
        folded, starts = self._folded_text()
        at = folded.find(looks)
        if at < 0:
            return None
        # Map the match back to the normalised text through the sentences it spans: only
        # they are folded character by character.
        first = bisect.bisect_right(starts, at) - 1
        last = bisect.bisect_right(starts, at + len(looks) - 1) - 1
        region_start, region_end = self._starts[first], self._end_of(last)
        region, origin = _fold_mapped(self.normalized[region_start:region_end])
        offset = at - starts[first]
        if region[offset : offset + len(looks)] != looks:
            # Folding the sentences character by character differs from folding them
            # whole only where a compatibility form composes with what follows: rare
            # enough to leave to the closest passage.
            return None
        start = region_start + origin[offset]
        end = region_start + origin[offset + len(looks) - 1] + 1
        found = self.normalized[start:end]
        difference = first_difference(wanted, found)
        if difference is None:
            return None
        ours, theirs, position = difference.ours, difference.theirs, difference.position
        if not theirs:
            said = f"{_shown(ours)} at position {position}"
        elif not ours:
            said = f"{_shown(theirs)} in the text, before position {position} of the quote"
        else:
            said = f"{_shown(ours)} at position {position}, where the text has {_shown(theirs)}"
        return f"it differs from the text only by {said}{difference.and_more}"

    def _end_of(self, index: int) -> int:
        """Where the normalised sentence `index` ends in `normalized`."""
        following = index + 1
        return (
            self._starts[following] - 1 if following < len(self._starts) else len(self.normalized)
        )

    def _folded_text(self) -> tuple[str, list[int]]:
        """The text as `_fold` sees it, and where each sentence starts in it. Made when a
        quote is first not found, and kept: the next one will need it too."""
        if self._folded is None:
            pieces = [
                self.normalized[start : self._end_of(i)] for i, start in enumerate(self._starts)
            ]
            folded = [_fold(piece) for piece in pieces]
            if all(a is b for a, b in zip(folded, pieces, strict=True)):
                self._folded = self.normalized, self._starts  # most texts: nothing to fold
            else:
                self._folded = " ".join(folded), _starts_of(folded)
        return self._folded


def _starts_of(pieces: list[str]) -> list[int]:
    """Where each piece starts in the pieces joined by single spaces."""
    starts: list[int] = []
    offset = 0
    for piece in pieces:
        starts.append(offset)
        offset += len(piece) + 1
    return starts


_FULL_SEARCH_LIMIT = 5_000_000
_PROBE = 64
