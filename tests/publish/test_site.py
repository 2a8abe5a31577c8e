"""The demo site: `factsheets build` (mkdocs build --strict, then Pagefind) succeeds, the
search index holds every page's article with its aliases and without its footnotes, a
reader's search finds fact sheets by alias and by a word of their text, and every
footnote lands on an anchored sentence of its source page.

The site is built once for the whole module, from a copy of the demo project.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, SourceText, copy_project, leads_to_its_quote

from bench import search as browser
from generator.cli import main
from generator.publish.search import PAGEFIND_EXCLUDE
from generator.sources.text import split_sentences

FACT_SHEET_DIRS = ("actors", "locations", "events", "sources")
SEED = ROOT / "seeds" / "cbs-baghdad-drone-strike"
SUMMARY = yaml.safe_load((SEED / "summary.yaml").read_text(encoding="utf-8"))
FOOTNOTE_LINK = re.compile(r'href="((?:\.\./)+)sources/([a-z0-9-]+)/#(p\d+-s\d+(?:-q\d+-\d+)?)"')
"""A link to a source's sentence: to the words a quote takes from it (`p1-s1-q45-74`: the
sentence's anchor, then where the words are in the sentence as shown), or to the sentence."""
FOOTNOTE = re.compile(
    r'<li id="fn:fs-\d+">\s*<p>“(?P<quote>.*?)” — <a href="\.\./\.\./sources/(?P<source>[a-z0-9-]+)/'
    r'#(?P<anchor>(?P<sentence>p(?P<p>\d+)-s(?P<s>\d+))(?:-q(?P<start>\d+)-(?P<end>\d+))?)">'
    r"[^<]*, ¶(?P=p)\.(?P=s)</a>"
)
"""A footnote of a built page: its quote, and the link to it, labelled with its sentence."""
CHROMIUM = shutil.which("chromium") or browser.CHROMIUM


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("demo") / "project")
    result = CliRunner().invoke(main, ["-C", str(root), "-q", "build"])
    assert result.exit_code == 0, f"factsheets build failed:\n{result.output}"
    return root / "site"


def fact_sheets() -> list[str]:
    """URLs of every generated fact sheet and source page in the committed content/."""
    return sorted(
        f"{folder}/{path.stem}/"
        for folder in FACT_SHEET_DIRS
        for path in (ROOT / "content" / folder).glob("*.md")
        if path.name != "index.md"
    )


def aliases() -> list[tuple[str, str]]:
    """(fact sheet URL, alias) for every alias in the demo's summary."""
    return [
        (f"{category}/{entity['id']}/", alias)
        for category in ("actors", "locations", "events")
        for entity in SUMMARY.get(category, [])
        for alias in entity.get("aliases", [])
    ]


class _Body(HTMLParser):
    """The text inside `data-pagefind-body`, without what Pagefind is told to exclude
    (class selectors only: `.footnote`, ...)."""

    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[bool, bool]] = []  # (inside the body, inside an exclusion)
        self.bodies = 0
        self.text: list[str] = []
        self.excluded = {s.removeprefix(".") for s in PAGEFIND_EXCLUDE}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        inside, skip = self.stack[-1] if self.stack else (False, False)
        names = dict(attrs)
        if "data-pagefind-body" in names:
            self.bodies += 1
            inside = True
        skip = skip or bool(self.excluded & set((names.get("class") or "").split()))
        if tag not in self.VOID:
            self.stack.append((inside, skip))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == (True, False):
            self.text.append(data)


def body(page: Path) -> _Body:
    parser = _Body()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


def pagefind_pages(site: Path) -> dict[str, dict]:
    """Pagefind's record of each indexed page, by URL from the site's root (`/actors/x/`):
    its fragments, gzip-compressed JSON."""
    pages = {}
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        record = json.loads(data.removeprefix(b"pagefind_dcd"))
        pages[record["url"]] = record
    return pages


def test_the_demo_has_pages_of_every_kind() -> None:
    sheets = fact_sheets()
    for folder in FACT_SHEET_DIRS:
        assert any(url.startswith(f"{folder}/") for url in sheets), folder


def test_pagefind_indexes_every_page_body_and_nothing_else(site: Path) -> None:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    with_body = {
        f"/{page.relative_to(site).parent.as_posix()}/".replace("/./", "/")
        for page in site.rglob("*.html")
        if "data-pagefind-body" in page.read_text(encoding="utf-8")
    }
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(with_body)
    assert set(pagefind_pages(site)) == with_body
    for url in fact_sheets():
        assert f"/{url}" in with_body, f"{url} has no data-pagefind-body"
        assert body(site / url / "index.html").bodies == 1, url
    for folder in FACT_SHEET_DIRS:
        assert f"/{folder}/" in with_body, f"index page {folder}/ is not searchable"
    assert "/" in with_body  # the home page
    # The Search page and the 404 page are not results; the header is in no body.
    assert "/search/" not in with_body
    assert "data-pagefind-body" not in (site / "404.html").read_text(encoding="utf-8")


def test_every_alias_is_in_its_fact_sheet_body_and_its_index_record(site: Path) -> None:
    indexed = pagefind_pages(site)
    checked = 0
    for url, alias in aliases():
        text = " ".join(" ".join(body(site / url / "index.html").text).split())
        assert alias in text, f"alias {alias!r} is not in the indexed body of {url}"
        assert alias in indexed[f"/{url}"]["content"], f"alias {alias!r} not indexed for {url}"
        checked += 1
    assert checked > 10


def test_footnotes_and_permalinks_are_left_out_of_the_index(site: Path) -> None:
    url = "events/baghdad-drone-strike/"
    page = (site / url / "index.html").read_text(encoding="utf-8")
    assert '<div class="footnote">' in page
    record = pagefind_pages(site)[f"/{url}"]
    assert record["meta"]["title"] == "US drone strike in Baghdad"
    # Footnotes ("“quote” — Source, ¶1.1 ↩") and the headings' permalinks (¶) are not
    # indexed: a word matches the page for what the page says, not for its notes.
    assert "¶" not in record["content"] and "↩" not in record["content"]
    assert "Civilian casualties" in record["content"]


def test_the_header_search_box_and_the_search_page(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    sheet = (site / "actors" / "us-central-command" / "index.html").read_text(encoding="utf-8")
    assert '<form class="fs-search" action="search/" method="get"' in home
    assert '<form class="fs-search" action="../../search/" method="get"' in sheet
    assert 'name="q"' in sheet and "search_index.json" not in sheet
    page = (site / "search" / "index.html").read_text(encoding="utf-8")
    # Loaded from the site's root, which the page reads from the theme: the same in a
    # build with file URLs (tests/publish/test_offline.py), where the page is search.html.
    for bundle in ('pagefind + "pagefind-ui.css"', 'pagefind + "pagefind-ui.js"'):
        assert bundle in page
    for name in ("pagefind-ui.css", "pagefind-ui.js"):
        assert (site / "pagefind" / name).is_file(), name
    assert not (site / "search" / "search_index.json").exists()  # Material's search is gone


def test_a_failed_search_index_fails_the_build_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")  # an indexer that fails
    result = CliRunner().invoke(main, ["-C", str(root), "-q", "build"])
    assert result.exit_code == 1, result.output
    assert "Error: the search index failed (pagefind exited with 1)." in result.output


# --- A reader's search, in headless Chromium --------------------------------------------

needs_chromium = pytest.mark.skipif(
    not browser.available(CHROMIUM), reason="needs Chromium (/usr/bin/chromium)"
)

RESULT_LINKS = """JSON.stringify({
  href: location.href,
  ready: document.readyState,
  // Results are drawn as placeholders, then filled in as their text arrives.
  loading: document.querySelectorAll(".pagefind-ui__result .pagefind-ui__loading").length,
  links: [...document.querySelectorAll(".pagefind-ui__result-link")]
    .map((a) => new URL(a.getAttribute("href"), location.href).pathname),
  note: document.getElementById("search-unavailable")?.hidden === false
    ? document.getElementById("search-unavailable").textContent : null,
})"""


def _evaluate(tab: browser.DevTools, expression: str) -> dict:
    try:
        reply = tab.call("Runtime.evaluate", expression=expression)
    except RuntimeError as error:
        if "navigated" in str(error):  # asked while the page was being replaced: ask again
            return {}
        raise
    return json.loads(reply.get("result", {}).get("value") or "{}")


def _query(state: dict) -> str | None:
    """The query in the Search page's address (the page keeps it in step with the search)."""
    parts = urllib.parse.urlsplit(state.get("href", ""))
    if not parts.path.endswith("/search/"):
        return None
    return urllib.parse.parse_qs(parts.query).get("q", [None])[0]


def _shown(state: dict) -> bool:
    """Results are on the page, every one of them filled in."""
    return bool(state.get("links")) and state.get("loading") == 0


def _wait(tab: browser.DevTools, done, timeout: float = 10.0) -> dict:
    """Read the page's results until `done(state)`; bounded."""
    deadline = time.monotonic() + timeout
    while True:
        state = _evaluate(tab, RESULT_LINKS)
        if done(state):
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {timeout:.0f} s: {state}")
        time.sleep(0.05)


@needs_chromium
def test_a_reader_finds_fact_sheets_by_alias_and_by_a_word_of_their_text(site: Path) -> None:
    with browser.serve(site) as base, browser.chromium(CHROMIUM, timeout=20) as tab:
        tab.call("Page.enable")
        for query, expected in (
            ("Central Command", "/actors/us-central-command/"),  # an alias
            ("Iranian proxies", "/actors/iran-backed-groups/"),  # an alias not in the name
            ("casualties", "/events/baghdad-drone-strike/"),  # a word of the text
        ):
            tab.call("Page.navigate", url=f"{base}search/?q={urllib.parse.quote(query)}")
            state = _wait(tab, lambda s, q=query: _query(s) == q and _shown(s))
            assert expected in state["links"], (query, state)
            assert not any(link.startswith("/search/") for link in state["links"])

        # The header's search box, on a fact sheet, takes the query to the Search page.
        tab.call("Page.navigate", url=f"{base}locations/baghdad/")
        _wait(tab, lambda s: s.get("href", "").endswith("/baghdad/") and s["ready"] == "complete")
        tab.call(
            "Runtime.evaluate",
            expression="""(() => {
              const form = document.querySelector("form.fs-search");
              form.querySelector("input[name=q]").value = "American troops";
              form.submit();
            })()""",
        )
        state = _wait(tab, lambda s: _query(s) == "American troops" and _shown(s))
        assert "/actors/us-forces/" in state["links"], state


@needs_chromium
def test_without_an_index_the_search_page_says_what_to_do(site: Path, tmp_path: Path) -> None:
    """As in `factsheets serve`, whose preview has no Pagefind index."""
    bare = tmp_path / "site"
    shutil.copytree(site, bare, ignore=shutil.ignore_patterns("pagefind"))
    with browser.serve(bare) as base, browser.chromium(CHROMIUM, timeout=20) as tab:
        tab.call("Page.enable")
        tab.call("Page.navigate", url=f"{base}search/?q=Baghdad")
        state = _wait(tab, lambda s: s.get("note"))
        assert "Search needs the built site" in state["note"] and "make site" in state["note"]


# --- Footnotes ------------------------------------------------------------------------


def test_every_footnote_links_to_an_anchored_sentence_of_its_source(site: Path) -> None:
    """Every footnote leads to the words it quotes, in the sentence its label names, on its
    source's page; and every link to a source's sentence leads to an anchor of that page."""
    texts: dict[str, SourceText] = {}

    def text_of(source: str) -> SourceText:
        if source not in texts:
            page = (site / "sources" / source / "index.html").read_text("utf-8")
            texts[source] = SourceText(page)
        return texts[source]

    links = 0
    for url in fact_sheets():
        if url.startswith("sources/"):
            continue
        page = (site / url / "index.html").read_text(encoding="utf-8")
        found = FOOTNOTE_LINK.findall(page)
        assert found, f"{url} has no footnote linking to a source sentence"
        for up, source, anchor in found:
            assert up == "../../", f"{url}: footnote link does not reach sources/ ({up})"
            assert anchor in text_of(source).within, f"{url} links to missing {source}#{anchor}"
        notes = list(FOOTNOTE.finditer(page))
        assert len(notes) == page.count('<li id="fn:fs-'), f"{url}: a footnote has another shape"
        for note in notes:
            quote = html.unescape(note["quote"])
            assert leads_to_its_quote(text_of(note["source"]), note, quote), (
                f"{url}: {note['source']}#{note['anchor']} is not where {quote!r} is"
            )
            links += 1
    assert links > 100


def test_a_fact_sheet_cites_the_exact_sentence(site: Path) -> None:
    """Footnotes lead to where the words are in the sentence as the source has it."""
    page = (site / "events" / "baghdad-drone-strike" / "index.html").read_text(encoding="utf-8")
    text = (SEED / "source.txt").read_text(encoding="utf-8")
    sentences = {sentence.anchor: sentence.text for sentence in split_sentences(text)}
    for anchor, quote in (
        ("p1-s1", "the overnight US drone strike"),
        ("p2-s1", "the strike was carried out in response to attacks on U.S. service members"),
    ):
        start = sentences[anchor].index(quote)
        target = f"{anchor}-q{start}-{start + len(quote)}"
        assert f'“{quote}” — <a href="../../sources/cbs-baghdad-drone-strike/#{target}"' in page


def test_the_source_page_anchors_every_sentence_of_the_text(site: Path) -> None:
    page = (site / "sources" / "cbs-baghdad-drone-strike" / "index.html").read_text("utf-8")
    text = (SEED / "source.txt").read_text(encoding="utf-8")
    expected = [sentence.anchor for sentence in split_sentences(text)]
    assert re.findall(r'<span class="fs-sentence" id="(p\d+-s\d+)">', page) == expected
