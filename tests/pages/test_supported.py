"""Issue 19, item 4: a source's page lists every fact it supports, each sentence says how
many facts cite it, and following a citation lights up the words it quotes."""

from __future__ import annotations

import re

import pytest
from conftest import THEME, FictionalProject, SourceText, to_html

from generator.knowledge.model import Actor, Event, Facts, Location, Statement
from generator.pages import markup, supported
from generator.pages.markup import quote_span
from generator.pages.render import Renderer

SOURCE = (
    "Officials from Iraq strongly criticized the overnight US drone strike in Baghdad. "
    "A spokesperson called it a \u201cblatant assassination\u201d\u2026 and left. "
    "The militia vowed revenge.\n"
)
SUMMARY = """
    source:
      id: wire
      title: Strike in Baghdad
      outlet: Wire
      published: "2031-05-03"
    actors:
      - id: officials
        name: Unnamed Iraqi officials
        anonymous: true
        kind: group
        quote: Officials from Iraq strongly criticized
      - id: militia
        name: The militia
        kind: armed-group
        quote: The militia vowed revenge
    locations:
      - id: baghdad
        name: Baghdad
        kind: city
        quote: drone strike in Baghdad
    events:
      - id: strike
        title: US drone strike in Baghdad
        type: Explosions/Remote violence
        quote: the overnight US drone strike
        date: {precision: relative, relative: overnight, quote: the overnight US drone strike}
        locations: [{location: baghdad, quote: drone strike in Baghdad}]
        participants:
          - {actor: militia, role: target, certainty: suspected, quote: "The militia vowed revenge"}
    statements:
      - id: criticism
        speaker: officials
        type: condemns
        summary: Iraqi officials criticized the strike.
        quote: "criticized the overnight US drone strike in Baghdad. A spokesperson"
        about: [strike]
"""


@pytest.fixture
def project(fictional: FictionalProject) -> FictionalProject:
    fictional.add("wire", SOURCE, SUMMARY)
    return fictional


def source_page(project: FictionalProject) -> str:
    renderer = Renderer(project.kb())
    [page, *_], _ = renderer.render("sources/wire.md")
    return page.body


def test_every_footnote_leads_to_an_anchor_that_marks_exactly_the_quoted_words(
    project: FictionalProject,
) -> None:
    kb = project.kb()
    source = SourceText(to_html(source_page(project)))
    citations = [
        citation
        for table in (kb.actors, kb.locations, kb.events, kb.statements)
        for entity in table.values()
        for citation in entity.all_citations()
    ]
    assert citations
    for citation in citations:
        anchor = markup.quote_anchor(citation.sentence, citation.quote)
        assert source.within[anchor] == citation.sentence.anchor, anchor
        words = source.marked[citation.sentence.anchor, source.numbers[anchor]]
        # The quote as written in the summary, against the text as the page shows it
        # (typographic marks plain; capitals may differ): the words, or for a quote
        # running on into the next sentence, their start, up to this sentence's end.
        wanted, got = markup.normalize(citation.quote).lower(), markup.normalize(words).lower()
        if wanted in markup.normalize(citation.sentence.text).lower():
            assert got == wanted, anchor
        else:
            assert got and wanted.startswith(got), anchor


@pytest.mark.parametrize(
    ("sentence", "quote", "span"),
    [
        ("Officials from Iraq met.", "from Iraq", (10, 19)),
        # Capitals, as a name opening a sentence may differ.
        ("Officials from Iraq met.", "officials from", (0, 14)),
        # Typographic marks in the text, plain ones in the quote; "…" is three dots.
        ("He said \u201cno\u201d\u2026 then left.", 'said "no"...', (3, 13)),
        # Whitespace folded, as the page shows the text (its offsets are the page's).
        ("One  two\tthree.", "two three", (4, 13)),
        # A quote running on into the next sentence: up to this one's end.
        ("The strike was blatant.", "was blatant. A spokesperson", (11, 23)),
        ("Nothing of it here.", "elsewhere", None),
    ],
)
def test_where_a_quote_is_in_its_sentence(
    sentence: str, quote: str, span: tuple[int, int] | None
) -> None:
    assert quote_span(sentence, quote) == span


def test_overlapping_quotes_each_keep_their_words(project: FictionalProject) -> None:
    """ "drone strike in Baghdad" and "the overnight US drone strike" cross: each quote's
    words are marked by its own number, wherever the other's begin or end."""
    words = set(SourceText(to_html(source_page(project))).marked.values())
    assert {"drone strike in Baghdad", "the overnight US drone strike"} <= words


def test_the_source_page_lists_every_fact_by_sentence_and_each_sentence_counts_them(
    project: FictionalProject,
) -> None:
    html = to_html(source_page(project))
    cited = dict(
        re.findall(r'<a class="fs-cited" href="#(facts-p1-s\d)">cited by (\d+) fact', html)
    )
    # (The statement's quote runs on into the second sentence: it cites the first.)
    assert set(cited) == {"facts-p1-s1", "facts-p1-s3"}
    table = html[html.index('id="fs-facts"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    facts: dict[str, int] = {}
    sentence = ""
    for row in rows:
        first, who, listed = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        found = re.search(r'id="(facts-p1-s\d)"', first)
        sentence = found[1] if found else sentence
        facts[sentence] = facts.get(sentence, 0) + len(re.split(r"<br ?/?>", listed))
    assert {key: str(value) for key, value in facts.items()} == cited
    text = re.sub(r"<[^>]+>", "", table)
    for fact in (
        "Described without a name as: Unnamed Iraqi officials",
        "Kind: Armed group",
        "Type: Explosions/Remote violence",
        "Date: overnight (2–3 May 2031, inferred from the report's date)",
        "Place: Baghdad",
        "Role: The militia, target (suspected)",
        "Said: Iraqi officials criticized the strike.",
        "About: US drone strike in Baghdad",
        "Statement by Unnamed Iraqi officials",
    ):
        assert fact in text, fact


@pytest.mark.parametrize("model", [Actor, Location, Event, Statement])
def test_no_kind_of_fact_is_left_out_of_a_sources_list(model: type) -> None:
    """Every attribute of the model that holds facts has a row label (or, for figures, its
    own rows), so a new kind of fact cannot silently go missing from sources' pages."""
    entity = model(id="x", category="x", kind=None)
    fields = {name for name, value in vars(entity).items() if isinstance(value, Facts)}
    listed = supported._STATEMENT_FIELDS if model is Statement else supported._FIELDS
    assert fields <= set(listed), fields - set(listed)


def test_the_style_sheet_marks_as_many_quotes_as_the_pages_number() -> None:
    css = (THEME / "assets" / "factsheets.css").read_text(encoding="utf-8")
    for number in range(1, markup.QUOTES_MARKED + 1):
        assert f".fs-qa{number}:target ~ .fs-q{number}" in css
    assert f".fs-qa{markup.QUOTES_MARKED + 1}:target" not in css
