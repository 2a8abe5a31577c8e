"""Markdown built from plain text safely: escaping, footnotes, links and source text.

Every value printed by a template is escaped unless a helper marked it as Markdown it
built itself (`Md`): escaping is the default, so a template cannot forget it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..knowledge.model import Attested, Citation, KnowledgeBase, Source

Citable = Attested | Citation | Iterable[Any] | None
"""What a footnote mark can cite: a citation, a fact's, or any (nested) list of them."""


class Md(str):
    """Markdown built by a helper from escaped parts: printed as is."""


# Characters with a meaning anywhere in a line; the rest (# + - = : 1.) only at its start.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~^=$#])")
_MD_LEADING = re.compile(r"^( ?)([#+\-:]|\d+[.)])")
# Fast path: text needs no escaping without special characters, whitespace other
# than single spaces, a block marker (or digit) at its start, or a space at its end.
_NEEDS_ESCAPING = re.compile(r"[\\`*_{}\[\]|~^=$#&<>\x00-\x1f\x7f\u2028\u2029]|[^\S ]|  ")
_RISKY_START = " #+-:0123456789"
_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


def escape(value: Any) -> Md:
    """Plain text as Markdown that renders as the same text and nothing else.

    HTML-significant characters become entities; every Markdown-significant ASCII
    character is backslash-escaped (pymdownx.escapeall makes any escape valid);
    line breaks fold to spaces so a value cannot start a block (heading, list, table row).
    """
    if isinstance(value, Md) or hasattr(value, "__html__"):
        return value if isinstance(value, Md) else Md(value)
    text = str(value)
    if (
        text[:1] not in _RISKY_START  # (an empty text is "in" any string: it goes on)
        and text[-1] != " "
        and not _NEEDS_ESCAPING.search(text)
    ):
        return Md(text)  # the common case: plain words, nothing to do
    text = _CONTROL.sub(" ", text)
    text = _WHITESPACE.sub(" ", text)  # one space: no line breaks, no indented code
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # "[label]:" opens a link reference definition at the start of a block, whatever the
    # escaping of "]"; a link we emit there ("- [name](...)") must not end up as one.
    text = text.replace("\\]:", "\\]\\:")
    text = _MD_LEADING.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)
    return Md(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


_MARK_SEPARATOR = '<sup class="fs-sep">,</sup>'

MARKS_PER_FACT = 2
"""Footnote marks a fact shows at most; the page says how many more citations it has.

A fact the whole corpus repeats (a group's country, say) would otherwise carry hundreds
of marks and footnotes: three let a reader check it, and the count says the rest."""


@dataclass
class Footnotes:
    """The citations of one page, numbered in order of first use."""

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
        marks = _MARK_SEPARATOR.join(f"[^{n}]" for n in sorted(numbers))
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
                f"[^{number}]: {quoted(citation.quote)} — "
                f"[{escape(title)}, {citation.sentence.label}]({sentence_target(citation)})"
            )
        return Md("\n".join(lines))


def quoted(text: str) -> Md:
    """A quote in quotation marks. Its own marks stay as the source has them (a reader
    checks it against the source's sentence), even where they double ours."""
    return Md(f"“{escape(text)}”")


def sentence_target(citation: Citation) -> str:
    """A link to the sentence a citation quotes, on its source's page (from any
    generated page: all sit one folder deep)."""
    return f"../sources/{citation.source}.md#{citation.sentence.anchor}"


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


def url(value: str) -> Md:
    """A validated http(s) URL as a Markdown link target."""
    quoted = "".join(f"%{ord(c):02X}" if c in " ()<>\"'\\`[]|{}^" else c for c in value)
    # An & may start what Markdown takes for an entity ("&#"): write it as one.
    return Md(quoted.replace("&", "&amp;"))


def source_text(source: Source) -> Md:
    """The source's text as an HTML block: a paragraph per paragraph, each sentence
    wrapped in its anchor.

    HTML rather than Markdown: the text is shown exactly as received, so there is nothing
    for Markdown to do, and converting it was half the cost of building a source's page.
    """
    paragraphs: dict[int, list[str]] = {}
    for sentence in source.text.sentences:
        text = html.escape(_WHITESPACE.sub(" ", _CONTROL.sub(" ", sentence.text)), quote=False)
        paragraphs.setdefault(sentence.paragraph, []).append(
            f'<span class="fs-sentence" id="{sentence.anchor}">'
            f'<a class="fs-anchor" href="#{sentence.anchor}" title="Link to this sentence">'
            f"{sentence.label}</a> {text}</span>"
        )
    body = "\n".join(f"<p>{' '.join(sentences)}</p>" for sentences in paragraphs.values())
    return Md(f'<div class="fs-source">\n{body}\n</div>')
