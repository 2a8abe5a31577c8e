"""Rendering: escaping, footnotes and their link targets, Md pass-through, template overrides."""

from __future__ import annotations

import html
import re
import unicodedata

import pytest
from conftest import to_html
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from generator.knowledge.dates import resolve
from generator.knowledge.model import Dated, KnowledgeBase
from generator.pages import markup
from generator.pages.budget import fact_sheet
from generator.pages.markup import Footnotes, Md, escape, sentence
from generator.pages.page import Page, PageContext, SiteData
from generator.pages.render import render
from generator.sources.schema import DateClaim

# --- escape ------------------------------------------------------------------


HOSTILE = [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
    ("![img](https://example.org/i.png)", "\\!\\[img\\](https://example.org/i.png)"),
    ("!!!note", "\\!!!note"),  # not an admonition
    ("<https://example.org>", "&lt;https://example.org&gt;"),
    ("<!-- hidden -->", "&lt;!-- hidden --&gt;"),
    ('<img src=x onerror="alert(1)">', '&lt;img src\\=x onerror\\="alert(1)"&gt;'),
    ("&amp; &lt;", "&amp;amp; &amp;lt;"),
    ("# Heading", "\\# Heading"),
    ("## Heading", "\\#\\# Heading"),
    ("1. item", "1\\. item"),
    ("2024) item", "2024\\) item"),
    ("- item", "\\- item"),
    ("+ item", "\\+ item"),
    ("> quote", "&gt; quote"),
    ("| a | b |", "\\| a \\| b \\|"),
    ("**bold** _it_ `code`", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\`"),
    ("~~struck~~ ^sup^ ==mark==", "\\~\\~struck\\~\\~ \\^sup\\^ \\=\\=mark\\=\\="),
    ("[^1]", "\\[\\^1\\]"),
    ("[^fs-1]", "\\[\\^fs-1\\]"),
    ("{: .class }", "\\{: .class \\}"),
    ("back\\slash", "back\\\\slash"),
    ("$x$", "\\$x\\$"),
    ("line\nbreak\n\n# not a heading", "line break \\# not a heading"),
    ("tab\tand\rreturn\x00null\u2028sep", "tab and return null sep"),
    ("    indented code", " indented code"),
]


@pytest.mark.parametrize(("text", "escaped"), HOSTILE, ids=[h[0][:20] for h in HOSTILE])
def test_escape_hostile_strings(text: str, escaped: str) -> None:
    result = escape(text)
    assert isinstance(result, Md)
    assert result == escaped


@pytest.mark.parametrize("text", [h[0] for h in HOSTILE], ids=[h[0][:20] for h in HOSTILE])
def test_escaped_text_renders_as_the_same_text_and_nothing_else(text: str) -> None:
    folded = " ".join(text.replace("\x00", " ").replace("\u2028", " ").split())
    assert to_html(escape(text)) == f"<p>{html.escape(folded, quote=False)}</p>"


PIECES = st.sampled_from(
    [*"abc XY19.,;:!?#*_-+=~^$`|\\/<>&\"'()[]{}%@\t\n", "&amp;", "<b>", "**", "  ", "1.", "- "]
    + ["> ", "[^1]", "[^fs-1]", "![a](b)", "[a](javascript:b)", "<!--", "&#65;", "\u2028", "é"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_any_escaped_text_renders_as_itself(text: str) -> None:
    folded = " ".join(text.replace("\u2028", " ").split())
    assume(folded)
    rendered = to_html(escape(text))
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    assert rendered[3:-4].strip() == html.escape(folded, quote=False)


def test_escape_keeps_plain_text_and_inner_spaces() -> None:
    assert escape("Lakeside Coast Guard") == "Lakeside Coast Guard"
    assert escape("a, b; c") == "a, b; c"
    assert escape("U.S. forces") == "U.S. forces"
    assert escape(3) == "3"


def test_md_passes_through_unchanged() -> None:
    built = Md("[Ana Ruiz](../actors/ana-ruiz.md) **bold**")
    assert escape(built) is built


def test_only_md_is_trusted_not_jinjas_markup() -> None:
    """`|safe` makes a `Markup` of anything: it is text like any other."""
    hostile = Markup("[x](javascript:alert(1)) <b>")
    assert escape(hostile) == "\\[x\\](javascript:alert(1)) &lt;b&gt;"
    assert type(escape(hostile)) is Md


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("abc\u202egnp.exe", "abcgnp.exe"),  # an override would turn the rest around
        ("a\u202ab\u202bc\u202cd\u202de\u2066f\u2067g\u2068h\u2069", "abcdefgh"),
        ("Caf\x80\x9b31m x", "Caf 31m x"),  # C1 controls show as spaces
        ("zero\u200bwidth\u200d\u2060\ufeff", "zero\u200bwidth\u200d\u2060\ufeff"),  # kept
        ("שלום 12", "\u2068שלום 12\u2069"),  # isolated: it cannot move its neighbours
        ("a\u200fb", "\u2068a\u200fb\u2069"),  # an RLM is right-to-left too
        ("مرحبا", "\u2068مرحبا\u2069"),
    ],
)
def test_directional_and_control_characters_cannot_reach_past_a_value(text, shown) -> None:
    assert escape(text) == shown
    assert markup.shown(text) == shown


def test_every_right_to_left_character_is_isolated() -> None:
    right_to_left = [
        chr(c) for c in range(0x110000) if unicodedata.bidirectional(chr(c)) in ("R", "AL", "AN")
    ]
    assert len(right_to_left) > 1000
    assert all(markup.isolated(f"a{c}") == f"\u2068a{c}\u2069" for c in right_to_left)
    assert markup.isolated("café “quoted” — 🙂") == "café “quoted” — 🙂"


# --- A small fictional project ------------------------------------------------

SOURCE = (
    "The new bridge between Port Vell and Sandholm opened on 2 May 2031. "
    "Mayor Ana Ruiz cut the ribbon. Ruiz called it a bridge for everyone.\n"
    "\n"
    "Protesters gathered in Sandholm. Ruiz said the protest was small.\n"
)
SUMMARY = """
    source:
      id: harbour-news
      title: Bridge opens between two towns
      outlet: Harbour News
      published: "2031-05-03"
    actors:
      - id: ana-ruiz
        name: Ana Ruiz
        aliases: [Ruiz]
        kind: person
        description: mayor who opened the bridge
        quote: Mayor Ana Ruiz
    locations:
      - id: port-vell
        name: Port Vell
        kind: city
        quote: between Port Vell and Sandholm
      - id: sandholm
        name: Sandholm
        kind: city
        quote: Protesters gathered in Sandholm
    events:
      - id: bridge-opening
        title: Opening of the bridge
        quote: The new bridge between Port Vell and Sandholm opened
        date:
          precision: day
          value: "2031-05-02"
          quote: opened on 2 May 2031
        locations:
          - location: port-vell
            quote: between Port Vell
          - location: sandholm
            quote: and Sandholm opened
        participants:
          - actor: ana-ruiz
            role: participant
            quote: Mayor Ana Ruiz cut the ribbon
    statements:
      - id: ruiz-protest-small
        speaker: ana-ruiz
        type: claims
        summary: The protest was small.
        about: [sandholm]
        quote: Ruiz said the protest was small.
"""


@pytest.fixture
def kb(fictional) -> KnowledgeBase:
    fictional.add("harbour", SOURCE, SUMMARY)
    return fictional.kb()


def page(pages: list[Page], path: str) -> Page:
    return next(p for p in pages if p.path == path)


def test_every_page_is_rendered_with_front_matter(kb: KnowledgeBase) -> None:
    pages = render(kb)
    # (Without the home page: `render` leaves it to the site, as a hand-written home page
    # is; tests/pages/test_overview.py.)
    assert [p.path for p in pages] == [
        "about/index.md",
        "actors/ana-ruiz.md",
        "actors/index.md",
        "downloads/index.md",
        "events/bridge-opening.md",
        "events/index.md",
        "locations/index.md",
        "locations/port-vell.md",
        "locations/sandholm.md",
        "map/index.md",
        "network/index.md",
        "sources/harbour-news.md",
        "sources/index.md",
        "statements/index.md",
        "timeline/index.md",
    ]
    article = {
        "@type": "NewsArticle",
        "headline": "Bridge opens between two towns",
        "publisher": {"@type": "Organization", "name": "Harbour News"},
        "datePublished": "2031-05-03",
    }
    # What the page's <head> says of it (pages/meta.py; tests/publish/test_machine_readable.py).
    assert page(pages, "actors/ana-ruiz.md").front_matter == {
        "title": "Ana Ruiz",
        "tags": ["Person"],
        "search": {"boost": 2},
        "description": "Mayor who opened the bridge.",
        "json_ld": {
            "@context": "https://schema.org",
            "@type": "WebPage",
            "mainEntity": {
                "@type": "Person",
                "name": "Ana Ruiz",
                "alternateName": ["Ruiz"],
                "description": "Mayor who opened the bridge.",
            },
            "citation": [article],
        },
    }
    assert page(pages, "sources/harbour-news.md").front_matter == {
        "title": "Bridge opens between two towns",
        "tags": ["Source"],
        "description": "The text of “Bridge opens between two towns”, Harbour News, 3 May 2031, "
        "sentence by sentence, and the facts cited from it.",
        "json_ld": {
            "@context": "https://schema.org",
            "@type": "WebPage",
            "mainEntity": {**article, "inLanguage": "en"},
        },
    }
    assert page(pages, "about/index.md").front_matter == {
        "title": "About",
        "description": "This site tells what 1 source, published 3 May 2031, reports: 1 actor, "
        "2 locations, 1 event and 1 statement, every fact with the words of the source that…",
    }
    assert page(pages, "events/index.md").front_matter == {
        "title": "Events",
        "description": "Every event the sources report, as a timeline. Events with a date come "
        "in date order; events the sources do not date are placed after the events they respond…",
    }


# --- Footnotes ---------------------------------------------------------------


def marks(cited: str) -> list[int]:
    """The footnote numbers of a run of marks."""
    return [int(number) for number in re.findall(r"\[\^fs-(\d+)\]", cited)]


def test_footnotes_are_numbered_in_order_of_first_use_and_deduplicated(kb: KnowledgeBase) -> None:
    event = kb.events["bridge-opening"]
    [date] = event.dates
    port, sand = event.places
    notes = Footnotes(kb)
    assert notes.cite(date) == "[^fs-1]"
    assert marks(notes.cite(port, sand)) == [2, 3]
    assert marks(notes.cite(sand, date)) == [1, 3]
    assert notes.cite(port, port) == "[^fs-2]"
    assert marks(notes.cite(list(event.places))) == [2, 3]
    assert notes.cite(None) == ""
    assert notes.definitions().splitlines() == [
        "[^fs-1]: “opened on 2 May 2031” — "
        "[Bridge opens between two towns, ¶1.1](../sources/harbour-news.md#p1-s1-q46-66)",
        "[^fs-2]: “between Port Vell” — "
        "[Bridge opens between two towns, ¶1.1](../sources/harbour-news.md#p1-s1-q15-32)",
        "[^fs-3]: “and Sandholm opened” — "
        "[Bridge opens between two towns, ¶1.1](../sources/harbour-news.md#p1-s1-q33-52)",
    ]


def test_adjacent_footnote_marks_are_visibly_separated(kb: KnowledgeBase) -> None:
    port, sand = kb.events["bridge-opening"].places
    cited = Footnotes(kb).cite(port, sand)
    assert marks(cited) == [1, 2]
    # Without a separator, footnotes 1 and 2 would read as footnote 12.
    rendered = to_html(f"Text{cited}\n\n[^fs-1]: one\n[^fs-2]: two\n")
    first = rendered.index('<sup id="fnref:fs-1">')
    second = rendered.index('<sup id="fnref:fs-2">')
    between = re.sub(r"<[^>]+>", "", rendered[first:second])
    assert between[0] == "1"
    assert between[1:] != ""


def test_footnotes_link_to_the_words_of_each_quote(kb: KnowledgeBase) -> None:
    body = page(render(kb), "actors/ana-ruiz.md").body
    definitions = [line for line in body.splitlines() if line.startswith("[^")]
    assert definitions == [
        # An alias is cited where the source uses it, in the source's own words.
        "[^fs-1]: “Ruiz” — [Bridge opens between two towns, ¶1.2](../sources/harbour-news.md#p1-s2-q10-14)",
        "[^fs-2]: “Mayor Ana Ruiz” — "
        "[Bridge opens between two towns, ¶1.2](../sources/harbour-news.md#p1-s2-q0-14)",
        "[^fs-3]: “opened on 2 May 2031” — "
        "[Bridge opens between two towns, ¶1.1](../sources/harbour-news.md#p1-s1-q46-66)",
        "[^fs-4]: “Mayor Ana Ruiz cut the ribbon” — "
        "[Bridge opens between two towns, ¶1.2](../sources/harbour-news.md#p1-s2-q0-29)",
        "[^fs-5]: “Ruiz said the protest was small.” — "
        "[Bridge opens between two towns, ¶2.2](../sources/harbour-news.md#p2-s2-q0-32)",
    ]
    # Each page numbers its own footnotes from 1, and every reference has a definition.
    for rendered in render(kb):
        used = {int(n) for n in _references(rendered.body)}
        defined = [line for line in rendered.body.splitlines() if line.startswith("[^")]
        assert used == set(range(1, len(defined) + 1)), rendered.path


def _references(body: str) -> list[str]:
    return re.findall(r"\[\^fs-(\d+)\](?!:)", body)


def test_an_editors_footnote_cannot_take_the_place_of_a_citation(kb: KnowledgeBase) -> None:
    """Generated labels are `fs-N`: a note an editor writes below the page with its own
    `[^1]` is a footnote of its own, and readers still see the citations as 1, 2, 3..."""
    body = page(render(kb), "actors/ana-ruiz.md").body
    edited = f"{body}\nAn editor's remark.[^1]\n\n[^1]: The editor's own note.\n"
    rendered = to_html(edited)
    # The marks read 1 to 5 in order, then the editor's, 6.
    shown = re.findall(r'<a class="footnote-ref" href="#fn:([^"]+)">(\d+)</a>', rendered)
    numbers = {label: int(number) for label, number in shown}
    assert numbers == {**{f"fs-{n}": n for n in range(1, 6)}, "1": 6}
    first = re.search(r'<li id="fn:fs-1">\s*<p>(.*?)&#160;', rendered, re.S)
    assert first is not None and first[1].startswith("“Ruiz” — <a href=")
    assert '<li id="fn:1">\n<p>The editor\'s own note.' in rendered


def test_the_source_page_has_an_anchor_for_every_sentence(kb: KnowledgeBase) -> None:
    body = page(render(kb), "sources/harbour-news.md").body
    for anchor, label in [("p1-s1", "¶1.1"), ("p1-s2", "¶1.2"), ("p1-s3", "¶1.3")]:
        # (Before the label, the anchors of the sentence's quotes, if any.)
        assert re.search(
            f'<span class="fs-sentence" id="{anchor}">(<span class="fs-qa[^"]*" id="[^"]+"></span>)*'
            f'<a class="fs-anchor" href="#{anchor}" title="Link to this sentence">{label}</a>',
            body,
        )
    assert '<span class="fs-sentence" id="p2-s2">' in body


def test_the_actor_page_reuses_a_footnote_for_a_repeated_quote(kb: KnowledgeBase) -> None:
    lines = page(render(kb), "actors/ana-ruiz.md").body.splitlines()
    # The description and the introducing passage share one quote, one footnote.
    assert "| Also called | Ruiz[^fs-1] |" in lines
    assert "Mayor who opened the bridge.[^fs-2]" in lines
    assert "> “Mayor Ana Ruiz”[^fs-2]" in lines
    assert (
        "| 2 May 2031[^fs-3] | [Opening of the bridge](../events/bridge-opening.md) "
        "| participant[^fs-4] |"
    ) in lines


def test_the_source_page_keeps_the_sources_paragraphs_apart(kb: KnowledgeBase) -> None:
    html_page = to_html(page(render(kb), "sources/harbour-news.md").body)
    source = html_page[html_page.index('<div class="fs-source">') :]
    paragraphs = re.findall(r"<p>(.*?)</p>", source[: source.index("</div>")], re.DOTALL)
    assert [re.findall(r'id="(p\d+-s\d+)"', p) for p in paragraphs] == [
        ["p1-s1", "p1-s2", "p1-s3"],
        ["p2-s1", "p2-s2"],
    ]


def test_the_source_page_lists_the_fact_sheets_citing_it_one_block_per_category(
    kb: KnowledgeBase,
) -> None:
    html_page = to_html(page(render(kb), "sources/harbour-news.md").body)
    cited = html_page[html_page.index("Fact sheets citing this source") :]
    blocks = [b for _, b in re.findall(r"<(p|li)>(.*?)</\1>", cited, re.DOTALL)]
    assert [re.sub(r"<[^>]+>", "", block) for block in blocks] == [
        "Actors (1): Ana Ruiz",
        "Locations (2): Port Vell, Sandholm",
        "Events (1): Opening of the bridge",
        "Statements (1), made by: Ana Ruiz",
    ]


def a_page(kb: KnowledgeBase) -> PageContext:
    """A page being rendered, for calling what templates call."""
    return PageContext(SiteData(kb), "actors/ana-ruiz.md", "Ana Ruiz", fact_sheet(), {})


def test_links_between_pages(kb: KnowledgeBase) -> None:
    renderer = a_page(kb)
    assert renderer.link("ana-ruiz") == "[Ana Ruiz](../actors/ana-ruiz.md)"
    assert renderer.link("sandholm", "the town") == "[the town](../locations/sandholm.md)"
    assert renderer.link("bridge-opening") == "[Opening of the bridge](../events/bridge-opening.md)"
    # A statement has no page: its link goes to the sentence that reports it.
    assert renderer.link("ruiz-protest-small") == (
        "[The protest was small.](../sources/harbour-news.md#p2-s2-q0-32)"
    )
    assert renderer.link("no-such-id") == "no-such-id"


def test_lists_in_index_tables_are_separated_by_comma_and_space(kb: KnowledgeBase) -> None:
    body = page(render(kb), "events/index.md").body
    assert "[Port Vell](../locations/port-vell.md), [Sandholm](../locations/sandholm.md) |" in body


# --- Dates as readers say them ------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (None, "date not reported"),
        ({"precision": "day", "value": "2031-05-02"}, "2 May 2031"),
        ({"precision": "month", "value": "2031-05"}, "May 2031"),
        ({"precision": "year", "value": "2031"}, "2031"),
        ({"precision": "week", "value": "2031-05-02"}, "week of 2 May 2031"),
        ({"precision": "approximate", "value": "2031-05"}, "around May 2031"),
        pytest.param(
            {"precision": "approximate", "relative": "about a week ago"},
            "about a week ago (week of 21 April 2031, inferred from the report's date)",
        ),
        ({"precision": "unknown"}, "date unknown"),
        ({"precision": "unknown", "relative": "some time ago"}, "some time ago"),
        (
            {"precision": "day", "value": "2031-05-02", "basis": "reported"},
            "reported 2 May 2031",
        ),
        (
            {"precision": "relative", "relative": "overnight", "source": None},
            "overnight, relative to the report (date not recorded)",
        ),
        pytest.param(
            {"precision": "relative", "relative": "overnight"},
            "overnight (2–3 May 2031, inferred from the report's date)",
        ),
        # The report is of Saturday 3 May 2031.
        pytest.param(
            {"precision": "relative", "relative": "on Sunday"},
            "on Sunday (27 April 2031, inferred from the report's date)",
        ),
        pytest.param(
            {"precision": "relative", "relative": "for months"},
            "for months, relative to the report of 3 May 2031",
        ),
    ],
)
def test_dates_never_more_precise_than_the_source(
    kb: KnowledgeBase, claim: dict | None, text: str
) -> None:
    renderer = a_page(kb).claims
    if claim is None:
        assert renderer.date(None) == text
        return
    claim = dict(claim)
    source = claim.pop("source", "harbour-news")
    date = DateClaim(quote="a quote", **claim)
    published = kb.sources[source].meta.published if source else None
    span = resolve(date.value, date.precision.value, date.relative, published)
    assert renderer.date(Dated(date, span), source) == text


# --- Templates ---------------------------------------------------------------


def test_values_in_templates_are_escaped_and_helpers_are_not(fictional) -> None:
    hostile = "<script>alert(1)</script> [x](javascript:alert(1))"
    fictional.add("harbour", SOURCE, SUMMARY.replace("name: Ana Ruiz", f"name: '{hostile}'"))
    body = page(render(fictional.kb()), "actors/ana-ruiz.md").body
    assert body.splitlines()[0] == (
        "# &lt;script&gt;alert(1)&lt;/script&gt; \\[x\\](javascript:alert(1)) { #fs-title }"
    )
    assert "<script>" not in body
    assert "[x](" not in body


def test_a_site_template_overrides_the_generators(fictional) -> None:
    fictional.add("harbour", SOURCE, SUMMARY)
    templates = fictional.root / "templates"
    templates.mkdir()
    (templates / "actor.md.j2").write_text(
        "# Custom: {{ entity.name }}\n"
        "\n"
        "{{ link(entity.id) }} and {{ '**not bold**' }}{{ cite(entity.mentions.first) }}\n"
        "\n"
        "{{ footnotes() }}\n",
        encoding="utf-8",
    )
    kb = fictional.kb()
    pages = render(kb, templates)
    assert page(pages, "actors/ana-ruiz.md").body == (
        "# Custom: Ana Ruiz\n"
        "\n"
        "[Ana Ruiz](../actors/ana-ruiz.md) and \\*\\*not bold\\*\\*[^fs-1]\n"
        "\n"
        "[^fs-1]: “Mayor Ana Ruiz” — "
        "[Bridge opens between two towns, ¶1.2](../sources/harbour-news.md#p1-s2-q0-14)\n"
    )
    # Templates the site does not override come from the generator.
    assert page(pages, "locations/port-vell.md") == page(render(kb), "locations/port-vell.md")


def test_a_missing_templates_folder_uses_the_generators_templates(kb: KnowledgeBase, tmp_path):
    assert render(kb, tmp_path / "no-such-folder") == render(kb)


def test_a_name_with_bracket_colon_cannot_become_a_link_reference_definition() -> None:
    # "- [x\]:y](...)" once parsed as the definition of a reference named "x\", an empty item.
    html = to_html(f"- [{escape('x]:smile:')}](../sources/src.md)\n\n[^fs-1]: a quote\n")
    assert '<a href="../sources/src.md">x]:smile:</a>' in html


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("carried out the strike", "Carried out the strike."),
        ("Is it over?", "Is it over?"),
        ("said “no”", "Said “no”"),
        # Whitespace the schema does not trim (\x85, \x1e) must not end up before the stop.
        ("\teq\x85\x1e", "Eq."),
    ],
)
def test_a_description_is_printed_as_a_sentence(text: str, printed: str) -> None:
    assert sentence(text) == printed
