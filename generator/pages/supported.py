"""What one source supports: every fact that cites it, by the sentence it quotes.

A source's page lists each of them (`PageContext.supported`), and each sentence of its
text says how many facts cite it, linking to them. A fact here is one value of one entity
(a name, a kind, a date, a role...) with one of its citations from this source: the rows
are what a reader checks the sentence against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from ..knowledge.model import Attested, Citation, Entity, Event, Statement
from ..sources.text import Sentence
from . import labels
from .claims import Claims
from .markup import Md, composed, escape


class PageContext(Protocol):
    """What listing a source's facts uses of its page (`page.PageContext`)."""

    claims: Claims

    def link(self, entity_id: str, text: str | None = None) -> Md: ...
    def cited_from(self, source_id: str, category: str) -> list[Entity]: ...


@dataclass
class Cited:
    """A sentence of the source and the facts that cite it, by fact sheet."""

    sentence: Sentence
    facts: dict[Md, list[Md]] = field(default_factory=dict)
    """What the sentence supports on each fact sheet (a link; for a statement, who made
    it): "Date: overnight", "[Iran], perpetrator (suspected)"."""
    quotes: list[str] = field(default_factory=list)
    """The distinct quotes citing it, in the order first cited."""

    @property
    def anchor(self) -> str:
        """Where on the page its facts are listed (the sentence links there)."""
        return f"facts-{self.sentence.anchor}"

    @property
    def count(self) -> int:
        return sum(len(facts) for facts in self.facts.values())

    @property
    def rows(self) -> list[tuple[Md, Md]]:
        """(fact sheet, its facts) for a table's rows: a line per fact."""
        return [(who, Md("<br>".join(facts))) for who, facts in self.facts.items()]


Value = Callable[["PageContext", Attested, str], Md]
"""A fact's value as the row shows it, given the page, the fact and the source's id."""


def _text(page: PageContext, fact: Attested, source_id: str) -> Md:
    return escape(fact.value)


def _kind(page: PageContext, fact: Attested, source_id: str) -> Md:
    return escape(labels.kind_label(fact.value))


def _entity(page: PageContext, fact: Attested, source_id: str) -> Md:
    return page.link(fact.value)


def _nothing(page: PageContext, fact: Attested, source_id: str) -> Md:
    return Md("")


def _possibly(page: PageContext, fact: Attested, source_id: str) -> Md:
    other, reason = fact.value
    return Md(f"{page.link(other)}, an editor's inference: {escape(reason)}")


def _point(page: PageContext, fact: Attested, source_id: str) -> Md:
    lat, lon = fact.value
    return escape(f"{lat}, {lon}")


def _link(page: PageContext, fact: Attested, source_id: str) -> Md:
    link = fact.value
    label = labels.relation_words(link.type, link.status)
    return Md(f"{escape(label)} {page.link(link.target)}{page.claims.how(link)}")


def _role(page: PageContext, fact: Attested, source_id: str) -> Md:
    link = fact.value
    role = labels.role_label(link.type)
    return Md(f"{page.link(link.target)}, {escape(role)}{page.claims.how(link)}")


def _type(page: PageContext, fact: Attested, source_id: str) -> Md:
    return escape(" — ".join(part for part in fact.value if part))


def _date(page: PageContext, fact: Attested, source_id: str) -> Md:
    return composed(page.claims.date(fact.value, source_id))


def _via(page: PageContext, fact: Attested, source_id: str) -> Md:
    return Md(", then ".join(page.link(actor) for actor in fact.value))


_FIELDS: dict[str, tuple[str, Value]] = {
    # attribute of the entity: (what the row calls it, its value)
    "names": ("Name", _text),
    "unnamed": ("Described without a name as", _text),
    "kinds": ("Kind", _kind),
    "aliases": ("Also called", _text),
    "descriptions": ("Description", _text),
    "mentions": ("Mentioned", _nothing),
    "possibly": ("Possibly the same as", _possibly),
    "countries": ("Country", _entity),
    "parents": ("Part of", _entity),
    "coordinates": ("Coordinates", _point),
    "types": ("Type", _type),
    "dates": ("Date", _date),
    "places": ("Place", _entity),
    "participants": ("Role", _role),
    "relations": ("Relation", _link),
}
"""The facts of entities, in the order rows give them; every `Facts` attribute of the
model is here (`tests/pages/test_supported.py` checks), so no fact is left out."""

_STATEMENT_FIELDS: dict[str, tuple[str, Value]] = {
    "names": ("Said", _text),
    "mentions": ("Quoted", _nothing),
    "about": ("About", _entity),
    "via": ("Reported via", _via),
    **{name: field for name, field in _FIELDS.items() if name not in ("names", "mentions")},
}
"""A statement's facts: what was said, its words, whom it is about, whom it came through
(and any other fact an entity has)."""


def facts_of(page: PageContext, source_id: str) -> list[Cited]:
    """Every fact citing the source, by sentence in the text's order."""
    by_sentence: dict[Sentence, Cited] = {}
    for category in ("actors", "locations", "events", "statements"):
        for entity in page.cited_from(source_id, category):
            for citations, who, fact in _facts(page, entity, source_id):
                # A fact the sentence supports twice (two quotes from it) is one fact.
                sentences = dict.fromkeys(c.sentence for c in citations)
                for sentence in sentences:
                    cited = by_sentence.get(sentence)
                    if cited is None:
                        cited = by_sentence[sentence] = Cited(sentence)
                    cited.facts.setdefault(who, []).append(fact)
                for citation in citations:
                    quotes = by_sentence[citation.sentence].quotes
                    if citation.quote not in quotes:
                        quotes.append(citation.quote)
    return sorted(by_sentence.values(), key=lambda cited: cited.sentence.start)


def _facts(
    page: PageContext, entity: Entity, source_id: str
) -> Iterator[tuple[list[Citation], Md, Md]]:
    """(its citations from the source, fact sheet, fact) for each fact of the entity the
    source supports."""
    if isinstance(entity, Statement):
        who, fields = _speaker(page, entity), _STATEMENT_FIELDS
    else:
        who, fields = page.link(entity.id), _FIELDS
    for name, (label, value) in fields.items():
        for fact in getattr(entity, name, ()):
            mine = [c for c in fact.citations if c.source == source_id]
            if mine:
                shown = value(page, fact, source_id)
                yield mine, who, Md(f"{escape(label)}: {shown}" if shown else escape(label))
    if isinstance(entity, Event):
        for measure, facts in entity.figures.items():
            what = page.claims.measure(measure)
            for fact in facts:
                mine = [c for c in fact.citations if c.source == source_id]
                if mine:
                    yield mine, who, Md(f"{what}: {page.claims.count(fact.value, measure.unit)}")


def _speaker(page: PageContext, statement: Statement) -> Md:
    """Who made a statement, linking to it in the statements' list."""
    if statement.speaker:
        return Md(f"Statement by {page.link(statement.speaker)}")
    return Md("Statement of the report itself")
