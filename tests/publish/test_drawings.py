"""The map, the timeline and the network in a real browser: the system's Chromium, driven
by Playwright (no browser is downloaded). Each draws as many marks as its data has, a mark
opens the right page, and no page asks another host for anything."""

from __future__ import annotations

import base64
import json
import re
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from conftest import ROOT, copy_project

from bench.search import serve
from generator.cli import main

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")


def build(root: Path) -> Path:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["-C", str(root), "build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_project(tmp_path_factory.mktemp("demo") / "project"))


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five-source fixture, whose fictional places the editors placed (places.yaml)."""
    seeds = ROOT / "tests" / "fixtures" / "claims" / "seeds"
    return build(copy_project(tmp_path_factory.mktemp("claims") / "project", seeds=seeds))


class Browser:
    """One page of a headless Chromium, and every URL it asked for."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base = page, base
        self.requested: list[str] = []
        page.on("request", lambda request: self.requested.append(request.url))

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path)
        box = self.page.locator(".fs-explore")
        if box.count():
            self.page.wait_for_function(
                "() => { const b = document.querySelector('.fs-explore');"
                " return b.dataset.drawn !== undefined || b.dataset.error !== undefined; }"
            )
        return box

    def elsewhere(self) -> list[str]:
        return [url for url in self.requested if not url.startswith((self.base, "data:"))]


@pytest.fixture(params=["demo", "fixture_site"])
def browser(request: pytest.FixtureRequest) -> Iterator[tuple[Browser, Path]]:
    site: Path = request.getfixturevalue(request.param)
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            with serve(site) as base:
                page = chromium.new_page(viewport={"width": 1280, "height": 900})
                yield Browser(page, base), site
        finally:
            chromium.close()


def data(site: Path, name: str) -> Any:
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


def test_the_map_draws_every_placed_place_once(browser: tuple[Browser, Path]) -> None:
    tab, site = browser
    box = tab.open("map/")
    assert box.get_attribute("data-error") is None
    places = data(site, "map.json")["places"]
    marks = tab.page.locator(".fs-explore a.fs-mark").count()
    counts = tab.page.locator(".fs-explore .fs-cluster text").evaluate_all(
        "texts => texts.map(t => t.textContent)"
    )
    clustered = sum(int(count) for count in counts)
    assert places and marks + clustered == len(places)
    assert tab.elsewhere() == []


def test_a_map_mark_opens_its_fact_sheet(browser: tuple[Browser, Path]) -> None:
    tab, site = browser
    tab.open("map/")
    mark = tab.page.locator(".fs-explore a.fs-mark").first
    target = mark.get_attribute("href")
    mark.click()
    tab.page.wait_for_load_state()
    assert tab.page.url == urljoin(tab.base + "map/", target)
    assert "/locations/" in tab.page.url
    assert tab.page.locator("h1").count() == 1


def test_the_timeline_draws_every_event_and_opens_it(browser: tuple[Browser, Path]) -> None:
    tab, site = browser
    box = tab.open("timeline/")
    events = data(site, "timeline.json")["events"]
    assert int(box.get_attribute("data-drawn")) == len(events)
    first = tab.page.locator(".fs-explore .fs-marks a").first
    name = first.get_attribute("aria-label") or ""
    first.click()
    tab.page.wait_for_load_state()
    assert "/events/" in tab.page.url
    title = tab.page.locator("h1").inner_text().removesuffix("¶").strip()
    assert title and name.startswith(title)
    assert tab.elsewhere() == []


def test_the_network_draws_every_actor_and_opens_one(browser: tuple[Browser, Path]) -> None:
    tab, site = browser
    box = tab.open("network/")
    nodes = data(site, "network.json")["nodes"]
    assert int(box.get_attribute("data-drawn")) == len(nodes)
    node = tab.page.locator(".fs-explore a.fs-node").first
    href = node.get_attribute("href") or ""
    node.click()
    tab.page.wait_for_load_state()
    assert tab.page.url == urljoin(tab.base + "network/", href)
    assert "/actors/" in tab.page.url
    assert tab.elsewhere() == []


def test_fact_sheets_draw_their_map_strip_and_web_with_no_script(
    browser: tuple[Browser, Path],
) -> None:
    tab, site = browser
    placed = data(site, "map.json")["places"]
    with_events = next(p for p in placed if p["events"])
    tab.open(with_events["url"])
    assert tab.page.locator("figure.fs-map svg circle.fs-mark").count() == 1
    strip = tab.page.locator("figure.fs-strip svg a")
    dated = [e for e in with_events["events"] if e["when"] != "undated"]
    assert strip.count() == len(dated)
    event = with_events["events"][0]
    tab.open(event["url"])
    assert tab.page.locator("figure.fs-map svg a circle.fs-mark").count() >= 1
    tab.page.locator("figure.fs-map svg a").first.click()
    tab.page.wait_for_load_state()
    assert "/locations/" in tab.page.url
    ties = data(site, "network.json")["edges"]
    actor = ties[0]["source"]
    tab.open(f"actors/{actor}/")
    assert tab.page.locator("figure.fs-web svg a circle.fs-node").count() >= 1
    assert tab.elsewhere() == []


def test_the_drawings_print(demo: Path) -> None:
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            with serve(demo) as base:
                page = chromium.new_page()
                page.goto(base + "map/")
                page.wait_for_function("() => document.querySelector('.fs-explore').dataset.drawn")
                page.emulate_media(media="print")
                assert page.locator(".fs-explore svg").is_visible()
                page.goto(base + "locations/baghdad/")
                assert page.locator("figure.fs-map svg").is_visible()
        finally:
            chromium.close()


# Map tiles, off by default, on in a copy of the demo: from a made-up host whose requests
# the browser never sends (page.route answers them). The attribution holds characters
# overrides/main.html must escape in its <meta>.
TILE_HOST = "https://tiles.example"
TILE_URL = re.compile(r"https://tiles\.example/(\d+)/(\d+)/(\d+)\.png")
ATTRIBUTION = '© OpenStreetMap contributors <"&">'
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture(scope="module")
def tiled_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("tiles") / "project")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nextra:" not in text  # else the option below would need merging into it
    option = f"""
        extra:
          factsheets:
            map_tiles:
              url: "{TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
              attribution: '{ATTRIBUTION}'
    """
    config.write_text(text + textwrap.dedent(option), encoding="utf-8")
    return build(root)


def test_the_map_has_no_tiles_unless_the_site_turns_them_on(demo: Path) -> None:
    assert "fs-map-tiles" not in (demo / "map" / "index.html").read_text(encoding="utf-8")


def test_the_map_draws_tiles_when_the_site_turns_them_on(tiled_demo: Path) -> None:
    fetched: list[tuple[int, int, int]] = []

    def answer(route: Any) -> None:
        found = TILE_URL.fullmatch(route.request.url)
        assert found, route.request.url
        fetched.append((int(found[1]), int(found[2]), int(found[3])))
        route.fulfill(status=200, content_type="image/png", body=PIXEL)

    tiles = ".fs-explore .fs-tiles image"
    hrefs = "images => images.map(i => i.getAttribute('href'))"
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            with serve(tiled_demo) as base:
                tab = Browser(chromium.new_page(viewport={"width": 1280, "height": 900}), base)
                tab.page.route(TILE_HOST + "/**", answer)
                box = tab.open("map/")
                assert box.get_attribute("data-error") is None
                meta = tab.page.locator('meta[name="fs-map-tiles-attribution"]')
                assert meta.get_attribute("content") == ATTRIBUTION
                tab.page.wait_for_function(f"() => document.querySelector({tiles!r})")

                # Tiles of one zoom level, in the world, under every place's mark.
                drawn = tab.page.locator(tiles).evaluate_all(hrefs)
                assert drawn and all(TILE_URL.fullmatch(href) for href in drawn)
                assert fetched and len({z for z, _, _ in fetched}) == 1
                assert all(0 <= x < 2**z and 0 <= y < 2**z for z, x, y in fetched)
                places = data(tiled_demo, "map.json")["places"]
                marks = tab.page.locator(".fs-explore a.fs-mark").count()
                counts = tab.page.locator(".fs-explore .fs-cluster text").evaluate_all(
                    "texts => texts.map(t => t.textContent)"
                )
                assert marks + sum(int(count) for count in counts) == len(places)
                after = box.locator(".fs-explore-after").inner_text()
                assert "Map tiles: " + ATTRIBUTION in after
                assert "loaded from tiles.example" in after
                # The tile host is the only other host asked for anything.
                assert tab.elsewhere() and all(u.startswith(TILE_HOST) for u in tab.elsewhere())

                # Zooming in loads the tiles of a deeper level.
                level = fetched[0][0]
                tab.page.get_by_role("button", name="Zoom in", exact=True).click()
                tab.page.get_by_role("button", name="Zoom in", exact=True).click()
                tab.page.wait_for_function(
                    f"() => [...document.querySelectorAll({tiles!r})]"
                    f".some(i => Number(new URL(i.getAttribute('href')).pathname.split('/')[1]) > {level})"
                )
                assert any(z > level for z, _, _ in fetched)
        finally:
            chromium.close()
