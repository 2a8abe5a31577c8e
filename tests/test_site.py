"""The demo site: `mkdocs build --strict` succeeds, search finds every page and alias,
and every footnote lands on an anchored sentence of its source page.

The site is built once for the whole module.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from generator.text import split_sentences

FACT_SHEET_DIRS = ("actors", "locations", "events", "sources")
SEED = ROOT / "seeds" / "cbs-baghdad-drone-strike"
SUMMARY = yaml.safe_load((SEED / "summary.yaml").read_text(encoding="utf-8"))
FOOTNOTE_LINK = re.compile(r'href="((?:\.\./)+)sources/([a-z0-9-]+)/#(p\d+-s\d+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site") / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml")]
    result = subprocess.run(
        [*command, "-d", str(target)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return target


@pytest.fixture(scope="module")
def search(site: Path) -> dict[str, str]:
    """Search text by page URL: every section's title and text, unescaped."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages: dict[str, str] = {}
    for doc in index["docs"]:
        page = doc["location"].split("#")[0]
        pages[page] = pages.get(page, "") + " " + html.unescape(f"{doc['title']} {doc['text']}")
    return pages


def fact_sheets() -> list[str]:
    """URLs of every generated fact sheet and source page in the committed content/."""
    return sorted(
        f"{folder}/{path.stem}/"
        for folder in FACT_SHEET_DIRS
        for path in (ROOT / "content" / folder).glob("*.md")
        if path.name != "index.md"
    )


def test_the_demo_has_pages_of_every_kind() -> None:
    sheets = fact_sheets()
    for folder in FACT_SHEET_DIRS:
        assert any(url.startswith(f"{folder}/") for url in sheets), folder


def test_search_finds_every_fact_sheet(search: dict[str, str]) -> None:
    missing = [url for url in fact_sheets() if url not in search]
    assert not missing, f"not in search/search_index.json: {missing}"
    for folder in FACT_SHEET_DIRS:
        assert f"{folder}/" in search, f"index page {folder}/ is not searchable"


def test_search_finds_every_alias_on_its_page(search: dict[str, str]) -> None:
    checked = 0
    for category in ("actors", "locations", "events"):
        for entity in SUMMARY.get(category, []):
            for alias in entity.get("aliases", []):
                page = f"{category}/{entity['id']}/"
                assert alias in search[page], f"alias {alias!r} not searchable on {page}"
                checked += 1
    assert checked > 10


def test_every_footnote_links_to_an_anchored_sentence_of_its_source(site: Path) -> None:
    anchors: dict[str, set[str]] = {}
    links = 0
    for url in fact_sheets():
        if url.startswith("sources/"):
            continue
        page = (site / url / "index.html").read_text(encoding="utf-8")
        found = FOOTNOTE_LINK.findall(page)
        assert found, f"{url} has no footnote linking to a source sentence"
        for up, source, anchor in found:
            assert up == "../../", f"{url}: footnote link does not reach sources/ ({up})"
            if source not in anchors:
                source_page = (site / "sources" / source / "index.html").read_text("utf-8")
                anchors[source] = set(re.findall(r'id="(p\d+-s\d+)"', source_page))
            assert anchor in anchors[source], f"{url} links to missing {source}#{anchor}"
            links += 1
    assert links > 100


def test_a_fact_sheet_cites_the_exact_sentence(site: Path) -> None:
    page = (site / "events" / "baghdad-drone-strike" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../sources/cbs-baghdad-drone-strike/#p1-s1"' in page
    assert 'href="../../sources/cbs-baghdad-drone-strike/#p2-s1"' in page


def test_the_source_page_anchors_every_sentence_of_the_text(site: Path) -> None:
    page = (site / "sources" / "cbs-baghdad-drone-strike" / "index.html").read_text("utf-8")
    text = (SEED / "source.txt").read_text(encoding="utf-8")
    expected = [sentence.anchor for sentence in split_sentences(text)]
    assert re.findall(r'<span class="fs-sentence" id="(p\d+-s\d+)">', page) == expected
