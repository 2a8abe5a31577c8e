"""`factsheets build --offline`: a site readable from the disk (file:// addresses).

Pages get file URLs (`actors/x.html`, not `actors/x/`), and the plugin rewrites the links
raw HTML wrote for directory URLs (the drawings'), so every relative link of every page
leads to a file; a drawing's link opens the right page from the disk; the Search page
and the Map say plainly that they need the site served, and work when it is; no page
asks another host for anything. Each build's last lines say how to open it.

One build per mode for the whole module, from copies of the demo project; pages are
opened in the system's Chromium (no browser is downloaded).
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from conftest import build_in_process, copy_project
from mkdocs.structure.files import File, Files

from bench.search import serve
from generator.cli import main
from generator.publish.links import file_urls, to_file_urls

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
playwright = pytest.importorskip("playwright.sync_api")
LINK = re.compile(r"""\s(?:xlink:)?(?:href|src)=(?:"([^"]*)"|'([^']*)')""")


@dataclass
class Built:
    site: Path
    output: str
    """What `factsheets build` printed."""


def build(root: Path, *options: str) -> Built:
    result = CliRunner().invoke(main, ["-C", str(root), "build", *options], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return Built(root / "site", result.output)


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(copy_project(tmp_path_factory.mktemp("offline") / "project"), "--offline")


@pytest.fixture(scope="module")
def normal(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(copy_project(tmp_path_factory.mktemp("normal") / "project"))


def last_lines(output: str) -> list[str]:
    """The build's final message, its time replaced by N."""
    return [re.sub(r"in \d+\.\d s", "in N s", line) for line in output.splitlines()[-2:]]


# --- what the build says ----------------------------------------------------------------


def test_the_offline_build_says_to_open_it_from_the_disk(offline: Built) -> None:
    site = offline.site
    assert last_lines(offline.output) == [
        f"Built the site in N s, readable from the disk: open {site / 'index.html'} in a browser.",
        "Search and the Map, Timeline and Network drawings need it served: "
        f"python -m http.server -d {site}, then open http://127.0.0.1:8000/",
    ]


def test_the_normal_build_says_to_serve_it(normal: Built) -> None:
    assert last_lines(normal.output) == [
        f"Built the site in N s. Serve it to read it: python -m http.server -d {normal.site}, "
        "then open http://127.0.0.1:8000/ (`factsheets serve` is a live preview, without search).",
        "Opened from the disk its links show folders: `factsheets build --offline` builds a "
        "copy readable from the disk.",
    ]


# --- the files --------------------------------------------------------------------------


def links(page: Path) -> Iterator[str]:
    for found in LINK.finditer(page.read_text(encoding="utf-8")):
        yield html.unescape(found[1] if found[1] is not None else found[2])


def test_every_relative_link_of_the_offline_site_leads_to_a_file(offline: Built) -> None:
    site = offline.site
    checked, broken = 0, []
    for page in sorted(site.rglob("*.html")):
        for link in links(page):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site, or an anchor of this page
            if link.startswith("/"):  # the 404 page's, for a server at the site's root
                assert page.name == "404.html", (page, link)
                target = site / unquote(parts.path).lstrip("/")
            else:
                target = page.parent / unquote(parts.path)
            checked += 1
            if not target.resolve().is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
    assert checked > 1000 and broken == []
    assert (site / "actors" / "iran.html").is_file() and not (site / "actors" / "iran").exists()
    assert (site / "pagefind" / "pagefind-entry.json").is_file()  # search, once served


def test_the_normal_build_keeps_directory_urls(normal: Built) -> None:
    sheet = normal.site / "actors" / "iran" / "index.html"
    assert 'href="../../actors/iran-revolutionary-guard/"' in sheet.read_text(encoding="utf-8")
    assert "data-fs-file-urls" not in sheet.read_text(encoding="utf-8")


def test_pages_built_by_workers_get_the_same_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo is too small for the plugin's workers: they are made to build it here."""
    root = copy_project(tmp_path / "project")
    sites = {}
    for count in (1, 2):
        build_in_process(root, count, monkeypatch, use_directory_urls=False)
        sites[count] = {
            path.relative_to(root / "site").as_posix(): path.read_bytes()
            for path in sorted((root / "site").rglob("*.html"))
        }
    serial, parallel = sites[1], sites[2]
    assert parallel.keys() == serial.keys() and "actors/iran.html" in serial
    assert [name for name in serial if serial[name] != parallel[name]] == []
    assert b'<a href="iran-revolutionary-guard.html"><title>' in serial["actors/iran.html"]  # drawn


def docs(*paths: str) -> Files:
    return Files([File(path, "/docs", "/site", use_directory_urls=False) for path in paths])


def test_links_written_for_directory_urls_lead_to_the_pages_files() -> None:
    files = docs("index.md", "search.md", "actors/index.md", "actors/x.md", "actors/y.md")
    urls = file_urls(files)
    sheet = files.get_file_from_path("actors/y.md")
    assert sheet is not None
    rewritten = {
        '<a href="../../actors/x/">': '<a href="x.html">',
        '<a href="../../actors/x/#web">': '<a href="x.html#web">',
        "<a href='../x/?q=1'>": "<a href='x.html?q=1'>",
        '<a xlink:href="./">': '<a xlink:href="y.html">',
        '<a href="../../">': '<a href="../index.html">',
        '<a href="../../actors/">': '<a href="index.html">',
        '<a href="../../search/">': '<a href="../search.html">',
    }
    kept = [
        '<a href="../../actors/z/">',  # no such page
        '<a href="../../data/">',  # a folder, not a page
        '<a href="../../data/map.json">',  # a file: the path is as written
        '<a href="x.html">',  # MkDocs' own links never end in /
        '<a href="#web">',
        '<a href="/actors/x/">',
        '<a href="https://example.org/actors/x/">',
        '<a href="../../../../actors/x/">',  # above the site
        '<p data-root="../../actors/x/">',
    ]
    for before, after in rewritten.items():
        assert to_file_urls(before, sheet, urls) == after
    for same in kept:
        assert to_file_urls(same, sheet, urls) == same
    home = files.get_file_from_path("index.md")
    assert home is not None
    assert to_file_urls('<a href="actors/x/">', home, urls) == '<a href="actors/x.html">'


# --- in a browser -----------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")


class Tab:
    """One page of a headless Chromium, and every URL it asked for."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requested: list[str] = []
        page.on("request", lambda request: self.requested.append(request.url))

    def open(self, url: str) -> Any:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        if self.page.locator(".fs-explore").count():
            self.page.wait_for_function(
                "() => { const b = document.querySelector('.fs-explore');"
                " return b.dataset.drawn !== undefined || b.dataset.error !== undefined; }"
            )
        return self.page

    def elsewhere(self, base: str) -> list[str]:
        return [url for url in self.requested if not url.startswith((base, "data:"))]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def tab(chromium: Any) -> Iterator[Tab]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield Tab(context.new_page())
    finally:
        context.close()


@needs_chromium
def test_from_the_disk_a_drawing_opens_its_page_and_search_says_it_needs_a_server(
    offline: Built, tab: Tab
) -> None:
    base = offline.site.as_uri() + "/"
    page = tab.open(base + "actors/iran.html")
    marks = page.locator("figure.fs-web svg a:not([href^='#'])")
    hrefs = marks.evaluate_all("marks => marks.map(a => a.getAttribute('href'))")
    assert hrefs and all(re.fullmatch(r"[a-z0-9-]+\.html", href) for href in hrefs), hrefs
    marks.first.click()
    page.wait_for_load_state("load")
    assert page.url == base + "actors/" + hrefs[0]
    assert page.locator("h1").count() == 1

    # The header's search box leads to the Search page, which says what search needs.
    page.locator("input.fs-search__input").fill("drone")
    page.locator("input.fs-search__input").press("Enter")
    page.wait_for_load_state("load")
    assert page.url == base + "search.html?q=drone"
    note = page.locator("#search-unavailable")
    note.wait_for(state="visible")
    assert note.locator("code").inner_text() == "python -m http.server -d site"
    assert note.inner_text() == (
        "Search needs the site served over HTTP: it does not work on pages opened from the "
        "disk. In the project folder, run python -m http.server -d site and open "
        "http://127.0.0.1:8000/search.html."
    )
    assert page.locator("#search-elsewhere").is_visible()
    page.locator("#search-elsewhere a", has_text="actors").click()
    page.wait_for_load_state("load")
    assert page.url == base + "actors/index.html"

    # The Map's drawing: the page's fallback stays, with how to serve the site.
    page = tab.open(base + "map/index.html")
    box = page.locator(".fs-explore")
    assert box.get_attribute("data-error")
    fallback = box.locator(".fs-explore-fallback")
    assert fallback.is_visible()
    text = fallback.inner_text()
    assert "needs the site served over HTTP; the table below lists the same places." in text
    assert text.endswith(
        "A page opened from the disk cannot load the map's data: in the project folder, run "
        "python -m http.server -d site and open http://127.0.0.1:8000/map/index.html."
    )
    assert box.locator("code").inner_text() == "python -m http.server -d site"
    assert page.locator("table").count() >= 1

    assert tab.requested and tab.elsewhere(base) == []


@needs_chromium
def test_served_the_offline_site_draws_searches_and_links_its_files(
    offline: Built, tab: Tab
) -> None:
    with serve(offline.site) as base:
        page = tab.open(base + "network/index.html")
        node = page.locator(".fs-explore a.fs-node").first
        href = node.get_attribute("href") or ""
        assert re.fullmatch(r"\.\./actors/[a-z0-9-]+\.html", href), href
        node.click()
        page.wait_for_load_state("load")
        assert page.url == base + href.removeprefix("../")
        assert page.locator("h1").count() == 1

        page = tab.open(base + "search.html?q=drone")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=10_000)
        result = page.locator(".pagefind-ui__result-link").first
        assert (result.get_attribute("href") or "").endswith(".html")
        result.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(".html") and page.locator("h1").count() == 1
        assert tab.elsewhere(base) == []


@needs_chromium
def test_served_the_normal_site_asks_no_other_host(normal: Built, tab: Tab) -> None:
    with serve(normal.site) as base:
        for path in ("", "actors/iran/", "map/", "search/?q=drone"):
            tab.open(base + path)
        tab.page.wait_for_selector(".pagefind-ui__result", timeout=10_000)
        assert tab.elsewhere(base) == []
