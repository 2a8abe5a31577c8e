"""Markdown built from plain text safely: escaping, footnotes, links and source text.

Every value printed by a template is escaped unless a helper marked it as Markdown it
built itself (`Md`): escaping is the default, so a template cannot forget it. Only `Md`
is trusted: any other object (jinja's `Markup` from `|safe` or `|e` included) is text.

What a reader sees of a value is the value itself, with three rules and nothing else:
- control characters (C0, DEL, C1) and line or paragraph separators show as a space,
  and any run of whitespace as one space (a value cannot start a block or hide text);
- the explicit directional formatting characters (embeddings and overrides U+202A–U+202E,
  isolates U+2066–U+2069) are removed, since they would reorder the text around the value;
- a value with right-to-left characters (bidirectional class R, AL or AN) is then wrapped
  in U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE, as `<bdi>` would
  isolate it, so its direction cannot reorder its neighbours (a footnote mark, the next
  value) either.
Other invisible characters (zero-width spaces and joiners, U+2060, U+FEFF, the marks
LRM and RLM) are kept: they are part of the text (a joiner makes one emoji of several),
and cannot reach past it (a value with an RLM is isolated).
`shown` gives that text; `tests/pages/test_safety.py` checks that every value reads
back as it wherever a page prints it.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from ..knowledge.model import Attested, Citation, KnowledgeBase, Source
from ..sources.text import TYPOGRAPHIC, Sentence, is_plain, normalize

Citable = Attested | Citation | Iterable[Any] | None
"""What a footnote mark can cite: a citation, a fact's, or any (nested) list of them."""


class Md(str):
    """Markdown built by a helper from escaped parts: printed as is."""


# Characters with a meaning anywhere in a line; the rest (# + - = : 1.) only at its start.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~^=$#])")
_MD_LEADING = re.compile(r"^( ?)([#+\-:!?]|\d+[.)])")
# Fast path: text needs no escaping without special characters, whitespace other
# than single spaces, control or directional formatting characters, a block marker (or
# digit) at its start, or a space at its end.
_NEEDS_ESCAPING = re.compile(
    r"[\\`*_{}\[\]|~^=$#&<>\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[^\S ]|  "
)
_RISKY_START = " #+-:!?0123456789"
_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
"""Control characters (C0 but tab and line feed, which are whitespace; DEL; C1) and the
line and paragraph separators: each shows as a space."""
_DIRECTIONAL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
"""Embeddings, overrides and isolates: removed, since they reorder the text after them."""
_RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
"""The blocks of right-to-left scripts and the RLM: every character of bidirectional class
R, AL or AN is in them (`tests/pages/test_render.py` checks). A fast first look."""
_RIGHT_TO_LEFT_CLASSES = frozenset({"R", "AL", "AN"})
"""Bidirectional classes of the characters that can reorder their neighbours."""
ISOLATE = ("\u2068", "\u2069")
"""FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: what a right-to-left value is wrapped in."""


def plain(text: str) -> str:
    """Text with control characters as spaces, runs of whitespace as one space, and no
    directional formatting characters (see the module's description)."""
    if is_plain(text):
        return text  # the common case, and nothing to do: no control, no run of spaces
    return _folded(_DIRECTIONAL.sub("", text))


def _folded(text: str) -> str:
    return _WHITESPACE.sub(" ", _CONTROL.sub(" ", text))


def isolated(text: str) -> str:
    """Text wrapped in a directional isolate when it has right-to-left characters (of
    bidirectional class R, AL or AN)."""
    if text.isascii() or not any(
        unicodedata.bidirectional(c) in _RIGHT_TO_LEFT_CLASSES for c in _RIGHT_TO_LEFT.findall(text)
    ):
        return text
    return f"{ISOLATE[0]}{text}{ISOLATE[1]}"


def shown(value: str) -> str:
    """The text a reader sees of a value printed on a page (see the module's description)."""
    return isolated(plain(value))


def escape(value: Any) -> Md:
    """Plain text as Markdown that renders as the same text and nothing else (`shown`).

    HTML-significant characters become entities; every Markdown-significant ASCII
    character is backslash-escaped (pymdownx.escapeall makes any escape valid);
    line breaks fold to spaces so a value cannot start a block (heading, list, table row).
    Only `Md` passes as it is: an object with `__html__` (jinja's `Markup`, which `|safe`
    makes of anything) is no more trusted than any other text.
    """
    if isinstance(value, Md):
        return value
    # (Of a str subclass such as Markup: a plain str, whose methods are str's.)
    return Md(isolated(_escaped(str(value), plain)))


def composed(text: str) -> Md:
    """Words of ours with values in them, each value made `shown` (and so isolated on its
    own): escaped as `escape` does, without isolating the whole again (a right-to-left
    value first would turn our words around) or removing the values' isolates."""
    return Md(_escaped(text, _folded))


def _escaped(text: str, clean: Callable[[str], str]) -> str:
    if (
        text[:1] not in _RISKY_START  # (an empty text is "in" any string: it goes on)
        and text[-1] != " "
        and not _NEEDS_ESCAPING.search(text)
    ):
        return text  # the common case: plain words, nothing to do
    text = clean(text)  # one space: no line breaks, no indented code
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # "[label]:" opens a link reference definition at the start of a block, whatever the
    # escaping of "]"; a link we emit there ("- [name](...)") must not end up as one.
    text = text.replace("\\]:", "\\]\\:")
    text = _MD_LEADING.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def joined(values: Iterable[Any], separator: str = "") -> Md:
    """`|join` in a template: values joined, each isolated on its own (see `composed`)."""
    return composed(str(separator).join(shown(str(value)) for value in values))


def escape_filter(value: Any) -> Md:
    """`|e` (and `|escape`, `|forceescape`) in a template: the value as text, as `escape`
    makes it, with its quotation marks as entities too, so that it stays text even
    inside an HTML attribute a site's template writes (`title="{{ value|e }}"`)."""
    if isinstance(value, Md):
        return value
    return Md(escape(value).replace('"', "&quot;").replace("'", "&#39;"))


def code(value: str) -> Md:
    """A value as inline code, read back as it is (`shown`): a code span takes its
    content literally, so nothing in it is escaped, and backticks in the value get a
    longer fence. (In a table row too: the table splits cells around code spans.)"""
    text = plain(str(value)).strip()
    if not text:
        return Md("")
    if "<" in text or "&" in text:
        # Inside an HTML block read as Markdown (md_in_html: a fact sheet's box), "<&#"
        # in a code span opens a tag for its HTML parser, and every block after it comes
        # out mangled: the element instead, its text escaped as any value is.
        return Md(f"<code>{escape(text)}</code>")
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    # Python-Markdown strips spaces inside the fences: one either side lets the value
    # start or end with a backtick without merging it into the fence.
    padded = f" {text} " if text[0] == "`" or text[-1] == "`" else text
    return Md(isolated(f"{fence}{padded}{fence}"))


_MARK_SEPARATOR = '<sup class="fs-sep">,</sup>'

MARKS_PER_FACT = 2
"""Footnote marks a fact shows at most; the page says how many more citations it has.

A fact the whole corpus repeats (a group's country, say) would otherwise carry hundreds
of marks and footnotes: three let a reader check it, and the count says the rest."""


LABEL = "fs-"
"""What every generated footnote label starts with: `[^fs-1]`, `[^fs-2]`... An editor's own
note below a page's end marker (`[^1]`) can then never take the place of a citation; the
notes check rejects editors' labels that start with it. Readers still see 1, 2, 3:
Python-Markdown numbers footnotes in order, whatever their labels."""


@dataclass
class Footnotes:
    """The citations of one page, numbered in order of first use (labels `fs-1`, `fs-2`...)."""

    kb: KnowledgeBase
    numbers: dict[Citation, int] = field(default_factory=dict)

    def cite(self, *items: Citable) -> Md:
        citations = list(dict.fromkeys(_citations(items)))
        # Citations the page already numbered first: they cost no new footnote.
        citations.sort(key=lambda citation: citation not in self.numbers)
        numbers = {
            self.numbers.setdefault(citation, len(self.numbers) + 1)
            for citation in citations[:MARKS_PER_FACT]
        }
        # A visible comma between marks, or [^4][^13] would read as footnote 413.
        marks = _MARK_SEPARATOR.join(f"[^{LABEL}{n}]" for n in sorted(numbers))
        more = len(citations) - MARKS_PER_FACT
        if more > 0:
            marks += f'<sup class="fs-more" title="{more} more citation{"s" if more > 1 else ""}">+{more}</sup>'
        return Md(marks)

    def size_of(self, citations: list[Citation]) -> int:
        """About how long these citations' footnote definitions are."""
        return sum(
            len(c.quote) + len(self.kb.sources[c.source].meta.title) + _DEFINITION_EXTRA
            for c in citations
        )

    def definitions(self) -> Md:
        lines = []
        for citation, number in self.numbers.items():
            title = self.kb.sources[citation.source].meta.title
            lines.append(
                f"[^{LABEL}{number}]: {quoted(citation.quote)} — "
                f"[{escape(title)}, {citation.sentence.label}]({sentence_target(citation)})"
            )
        return Md("\n".join(lines))


def quoted(text: str) -> Md:
    """A quote in quotation marks. Its own marks stay as the source has them (a reader
    checks it against the source's sentence), even where they double ours."""
    return Md(f"“{escape(text)}”")


def sentence_target(citation: Citation) -> str:
    """A link to the words a citation quotes, on its source's page (from any generated
    page: all sit one folder deep)."""
    return f"../sources/{citation.source}.md#{quote_anchor(citation.sentence, citation.quote)}"


def quote_anchor(sentence: Sentence, quote: str) -> str:
    """The anchor of a quote's words in its sentence on the source's page: made of where
    they are (`p3-s1-q12-40`), so that it stays the same whatever else the page cites;
    the sentence's own anchor when they cannot be found in the sentence as shown."""
    found = quote_span(sentence.text, quote)
    return f"{sentence.anchor}-q{found[0]}-{found[1]}" if found else sentence.anchor


@lru_cache(maxsize=1 << 16)
def quote_span(sentence: str, quote: str) -> tuple[int, int] | None:
    """Where a quote starting in this sentence is in it as readers see it (`shown`): the
    range of characters, up to the sentence's end for a quote that goes on into the next.

    Quotes are matched as `text.normalize` has them (typographic marks plain, whitespace
    folded, capitals too if need be); None when the sentence is not in composed form (the
    offsets would not be the page's) or the quote is not found.
    """
    text = shown(sentence)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        return None
    wanted = normalize(quote)
    if is_plain(text) or not _FOLDED_DIFFERS.search(text):  # as `normalize` has it
        at = text.find(wanted)
        if at >= 0 and wanted:
            return at, at + len(wanted)
    folded, where = _folded_with_offsets(text)
    if not wanted:
        return None
    at = folded.find(wanted)
    if at < 0:
        match = re.search(re.escape(wanted), folded, re.IGNORECASE)
        at = match.start() if match else -1
    end = at + len(wanted)
    if at < 0:  # a quote running on into the next sentence: this one's end is its start
        at = next(
            (
                p
                for p in range(len(folded))
                if folded[p] != " " and wanted.startswith(folded[p:].rstrip())
            ),
            -1,
        )
        end = len(folded.rstrip())
    if at < 0 or end <= at:
        return None
    return where[at], where[end - 1] + 1


_FOLDED_DIFFERS = re.compile("[" + "".join(map(chr, TYPOGRAPHIC)) + r"]|\s\s|[^\S ]")
"""What `normalize` would change in a text (but for its composed form): typographic marks,
runs of whitespace, whitespace other than a space."""


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """The text as `normalize` folds it (but for its composed form, already checked), and
    where each of its characters is in the text."""
    chars: list[str] = []
    where: list[int] = []
    for index, original in enumerate(text):
        for char in original.translate(TYPOGRAPHIC):  # "…" is "...": three for one
            if char.isspace():
                if chars and chars[-1] == " ":
                    continue
                char = " "
            chars.append(char)
            where.append(index)
    return "".join(chars), where


_DEFINITION_EXTRA = 60
"""A footnote definition's characters besides its quote and source title: the number,
the sentence label and the link."""


def _citations(items: Iterable[Citable]) -> list[Citation]:
    out: list[Citation] = []
    for item in items:
        if isinstance(item, Citation):
            out.append(item)
        elif isinstance(item, Attested):
            out.extend(item.citations)
        elif isinstance(item, list | tuple):
            out.extend(_citations(item))
        elif item is not None and hasattr(item, "__iter__"):
            out.extend(_citations(list(item)))
    return out


def sentence(text: str) -> str:
    """Capitalised, ending with a full stop unless it already ends with punctuation."""
    # The schema trims Unicode whitespace; Python's also counts separators like \x1e,
    # which would otherwise stand (as a space) between the text and its full stop.
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…", '"', "”")) else text + "."


_URL_QUOTED = frozenset(" ()<>\"'\\`[]|{}^")


def url(value: str) -> Md:
    """A validated http(s) URL as a Markdown link target.

    Inert outside a link target too, whatever a site's template passes it: no whitespace,
    control or format character stays (percent-encoded, as a browser would send them),
    `*` and `_` are escaped (Markdown removes the backslash from a link's address), and
    anything but an http(s) URL has its colons encoded, so it cannot name a scheme
    (`javascript:`): a relative address, to a page that does not exist.
    """
    web = re.match(r"https?://", value, flags=re.IGNORECASE) is not None
    out = []
    for c in value:
        if c in _URL_QUOTED or (c == ":" and not web) or _unprintable(c):
            out.append(quote(c, safe=""))
        elif c in "*_":
            out.append("\\" + c)
        else:
            out.append(c)
    # An & may start what Markdown takes for an entity ("&#"): write it as one.
    return Md("".join(out).replace("&", "&amp;"))


def _unprintable(c: str) -> bool:
    """Whitespace, control, format, separator, surrogate or unassigned."""
    if c.isascii():
        return c <= " " or c == "\x7f"
    return unicodedata.category(c)[0] in "CZ"


def source_text(
    source: Source, quotes: dict[str, list[str]], cited: dict[str, tuple[int, str]]
) -> Md:
    """The source's text as an HTML block: a paragraph per paragraph, each sentence
    wrapped in its anchor, with the words each quote takes from it marked, and after it a
    link to the facts that cite it.

    `quotes` and `cited` are by sentence anchor: the quotes citing it, and how many facts
    do and where they are listed. A citation's footnote leads to its quote's anchor (see
    `quote_anchor`), an empty element before the words: the style sheet lights up the
    sentence and, by the number of the quote among the sentence's (up to
    `QUOTES_MARKED`), its words. No script: it works printed, and from the disk.

    HTML rather than Markdown: the text is shown exactly as received (but for the rules of
    `shown`), so there is nothing for Markdown to do, and converting it was half the cost
    of building a source's page.
    """
    paragraphs: dict[int, list[str]] = {}
    for sentence in source.text.sentences:
        anchor = sentence.anchor
        marks, words = _quoted_words(sentence, quotes.get(anchor, ()))
        html_sentence = (
            f'<span class="fs-sentence" id="{anchor}">{marks}'
            f'<a class="fs-anchor" href="#{anchor}" title="Link to this sentence">'
            f"{sentence.label}</a> {words}</span>"
        )
        if anchor in cited:
            count, listed = cited[anchor]
            html_sentence += (
                f' <a class="fs-cited" href="#{listed}">cited by {count} '
                f"fact{'s' if count != 1 else ''}</a>"
            )
        paragraphs.setdefault(sentence.paragraph, []).append(html_sentence)
    body = "\n".join(f"<p>{' '.join(sentences)}</p>" for sentences in paragraphs.values())
    return Md(f'<div class="fs-source">\n{body}\n</div>')


QUOTES_MARKED = 24
"""How many of a sentence's quotes have their words marked (the style sheet has a rule
for each number); a sentence quoted more often lights up whole for the others."""


def _quoted_words(sentence: Sentence, quotes: Iterable[str]) -> tuple[str, str]:
    """The anchors of the sentence's quotes, and its text with each quote's words in
    elements classed by the quote's number."""
    text = shown(sentence.text)
    spans = sorted({span for quote in quotes if (span := quote_span(sentence.text, quote))})
    if not spans:
        return "", html.escape(text, quote=False)
    marks = []
    for number, (start, end) in enumerate(spans, 1):
        numbered = f" fs-qa{number}" if number <= QUOTES_MARKED else ""
        marks.append(f'<span class="fs-qa{numbered}" id="{sentence.anchor}-q{start}-{end}"></span>')
    cuts = sorted({0, len(text), *(i for span in spans for i in span)})
    words = []
    for start, end in itertools.pairwise(cuts):
        piece = html.escape(text[start:end], quote=False)
        inside = [
            f"fs-q{number}"
            for number, (first, last) in enumerate(spans, 1)
            if first <= start and end <= last and number <= QUOTES_MARKED
        ]
        words.append(f'<span class="{" ".join(inside)}">{piece}</span>' if inside else piece)
    return "".join(marks), "".join(words)
