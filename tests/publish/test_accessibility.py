"""The demo site has no accessibility violation that axe-core finds (its WCAG 2.0, 2.1 and
2.2 A and AA rules): on the home page, a fact sheet of each kind, the index pages, the Map,
Timeline and Network pages and the Search page, at a desktop's width and a phone's.

axe-core is the copy that axe-playwright-python ships (the `test` extra): nothing is
fetched when the tests run. The browser is the system's Chromium (no browser is
downloaded)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_project

from bench.search import serve
from generator.cli import main

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
playwright = pytest.importorskip("playwright.sync_api")
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")

RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    # A best practice rather than a WCAG rule, checked too: no table header is empty (the
    # fact sheets' infobox names its second column for screen readers).
    "rules": {"empty-table-header": {"enabled": True}},
    "resultTypes": ["violations"],
}

PAGES = [
    "",
    "actors/united-states/",
    "locations/baghdad/",
    "events/baghdad-drone-strike/",
    "sources/cbs-baghdad-drone-strike/",
    "events/",
    "actors/",
    "search/",
    "search/?q=drone",
    "map/",
    "timeline/",
    "network/",
    "about/",
    "downloads/",
    # A footnote's target: the sentence and the quoted words lit up.
    "sources/cbs-baghdad-drone-strike/#p1-s3-q19-41",
]

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    root = copy_project(tmp_path_factory.mktemp("accessibility") / "project")
    result = CliRunner().invoke(main, ["-C", str(root), "build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module", params=list(WIDTHS))
def tab(request: pytest.FixtureRequest, demo: Path) -> Iterator[tuple[Any, str]]:
    width = WIDTHS[request.param]
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            with serve(demo) as base:
                yield chromium.new_page(viewport={"width": width, "height": 900}), base
        finally:
            chromium.close()


def settle(page: Any, path: str) -> None:
    """Wait for what a script draws: the Map, Timeline and Network, Pagefind's results."""
    if page.locator(".fs-explore").count():
        page.wait_for_function(
            "() => { const b = document.querySelector('.fs-explore');"
            " return b.dataset.drawn !== undefined || b.dataset.error !== undefined; }"
        )
    if "?q=" in path:
        page.wait_for_selector(".pagefind-ui__result", timeout=10_000)
    elif path.startswith("search/"):
        page.wait_for_selector("#factsheets-search input")
    # A page opened at an anchor scrolls, and the theme fades the page's title into the
    # header: colours measured mid-fade are neither the old nor the new ones. (The fade
    # starts on the scroll's event, a moment after the load.)
    if "#" in path:
        page.wait_for_timeout(300)
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        targets = ", ".join(" ".join(node["target"]) for node in nodes[:3])
        more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
        lines.append(f"{violation['id']} [{violation['impact']}] on {len(nodes)}: {targets}{more}")
        lines.append(f"    {violation['help']}")
        summary = (nodes[0].get("failureSummary") or "").replace("\n", " ")
        if summary:
            lines.append(f"    {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path or "home")
def test_no_axe_violation(tab: tuple[Any, str], path: str) -> None:
    page, base = tab
    page.goto(base + path)
    page.wait_for_load_state("load")
    settle(page, path)
    results = axe_playwright.Axe().run(page, options=RULES)
    violations = results.response["violations"]
    assert not violations, f"axe-core on /{path}:\n{describe(violations)}"
