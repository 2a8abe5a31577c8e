"""The map, the timeline and the network in a real browser: the system's Chromium, driven
by Playwright (no browser is downloaded). Each draws as many marks as its data has, a mark
opens the right page, and no page asks another host for anything."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from conftest import ROOT, copy_project

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


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


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
            for base in serve(site):
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
            for base in serve(demo):
                page = chromium.new_page()
                page.goto(base + "map/")
                page.wait_for_function("() => document.querySelector('.fs-explore').dataset.drawn")
                page.emulate_media(media="print")
                assert page.locator(".fs-explore svg").is_visible()
                page.goto(base + "locations/baghdad/")
                assert page.locator("figure.fs-map svg").is_visible()
        finally:
            chromium.close()
