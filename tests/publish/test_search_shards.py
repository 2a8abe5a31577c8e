"""The search index in shards (generator/publish/shards.py): which shard a page is in and
how many there are; a build runs Pagefind only over the shards whose pages changed, and
its index is the one made from scratch, byte for byte; a Search page older than shards
gets one index and a notice; and a reader's search, in Chromium, finds pages of every
shard, on a site served at a domain's root or below a path.

Shards are made small here (`SHARD_PAGES`), so that a small site has several.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_project, snapshot

from bench.search import serve
from generator.cli import main
from generator.common.errors import FactsheetsError
from generator.common.project import Project
from generator.publish import search, shards
from generator.publish.shards import (
    has_body,
    is_hub,
    read_site,
    shard_count,
    shard_of,
    split,
)

# --- which shard, how many ------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "size", "count"),
    [
        (0, 1000, 1),
        (1, 1000, 1),
        (1000, 1000, 1),  # up to a shard's size: one, as before shards
        (1001, 1000, 2),
        (2000, 1000, 2),
        (2001, 1000, 4),  # powers of two: a change only when the site doubles
        (4000, 1000, 4),
        (4001, 1000, 8),
        (13_837, 1000, 16),  # the 10,000 fact sheets of the benchmark: ~865 a shard
        (16_001, 1000, 32),
        (5, 2, 4),
        (3, 1, 4),
    ],
)
def test_the_shard_count_depends_on_the_page_count_alone(pages: int, size: int, count: int) -> None:
    assert shard_count(pages, size) == count


def test_the_shard_count_is_at_most_the_size_per_shard_and_more_than_half() -> None:
    for pages in range(1, 5000, 7):
        count = shard_count(pages, 100)
        assert pages <= count * 100
        assert count == 1 or pages > count * 50


@pytest.mark.parametrize(
    ("path", "hub"),
    [
        ("index.html", True),  # the home page
        ("actors/index.html", True),  # a folder's own page, which lists its pages
        ("downloads/index.html", True),
        ("actors/x/index.html", False),  # a fact sheet
        ("actors/x.html", False),  # a fact sheet with file URLs (--offline)
        ("actors/index.html/index.html", False),
        ("404.html", False),
        ("x/index.htm", False),
        ("notindex.html", False),
        ("actors/notindex.html", False),
    ],
)
def test_hubs_are_the_home_page_and_each_folders_own_page(path: str, hub: bool) -> None:
    assert is_hub(path) is hub
    assert shard_of(path, 1) == 0  # one shard: every page in it
    if hub:
        assert shard_of(path, 16) == 0
    else:
        assert 1 <= shard_of(path, 16) <= 16


def test_a_page_stays_in_its_shard_whatever_the_other_pages() -> None:
    paths = [f"actors/a{n}/index.html" for n in range(2000)]
    before = split(dict.fromkeys(paths, b""), 16)
    after = split(dict.fromkeys(paths[::3] + ["actors/new/index.html"], b""), 16)
    where = {path: number for number, pages in before.items() for path in pages}
    for number, pages in after.items():
        for path in pages:
            assert path == "actors/new/index.html" or where[path] == number
    # Spread as a fair draw would (125 each on average, give or take 11): within a third.
    sizes = [len(before[number]) for number in range(1, 17)]
    assert all(abs(size - 125) < 42 for size in sizes), sizes
    assert 0 not in before  # no hub among them


def test_shards_without_pages_are_left_out() -> None:
    assert split({}, 4) == {}
    assert list(split({"index.html": b"", "a/b/index.html": b""}, 1)) == [0]
    two = split({"index.html": b"1", "a/b/index.html": b"2"}, 4)
    assert list(two) == [0, shard_of("a/b/index.html", 4)]
    assert two[0] == {"index.html": b"1"}


@pytest.mark.parametrize(
    ("html", "body"),
    [
        (b"<div data-pagefind-body><p>x</p></div>", True),
        (b'<article class="md" data-pagefind-body="">', True),
        (b"<main\n  data-pagefind-body\n>", True),
        (b"<div data-pagefind-body/>", True),
        (b"<p>the words data-pagefind-body in a text</p>", False),
        (b'<p title="x">data-pagefind-body</p>', False),
        (b"<div data-pagefind-body-extra>", False),
        (b"<div xdata-pagefind-body>", False),
        (b"<p>no body</p>", False),
        (b"data-pagefind-body", False),
        (b"<p>a data-pagefind-body</p><div data-pagefind-body>", True),  # the second
    ],
)
def test_a_page_has_a_body_only_as_an_attribute(html: bytes, body: bool) -> None:
    assert has_body(html) is body


# --- builds: a hand-made site, indexed as a build does -----------------------------------

SEARCH_PAGE = ROOT / "content" / "search.md"


def page(title: str, text: str, *, body: bool = True) -> str:
    attribute = " data-pagefind-body" if body else ""
    return (
        f'<!doctype html><html lang="en"><head><title>{title}</title></head><body>'
        f"<header>Site header</header><main{attribute}><h1>{title}</h1><p>{text}</p></main>"
        "</body></html>"
    )


def search_page(*, merges: bool = True) -> str:
    """The Search page as MkDocs writes it: its script inside a page without a body
    (no theme here: the script takes the site's root as `..` from search/)."""
    script = SEARCH_PAGE.read_text(encoding="utf-8")
    script = script[script.index("<div class") :]
    if not merges:  # as written before shards: it never reads the list
        script = script.replace("pagefind/shards.json", "pagefind/other.json")
    return f'<!doctype html><html lang="en"><head><title>Search</title></head><body>{script}</body></html>'


WORDS = ["amber", "basalt", "cobalt", "dolomite", "emerald", "feldspar", "garnet", "hematite"]


def site_pages(count: int) -> dict[str, str]:
    """A home page, a folder page and `count` fact sheets, each with a word of its own."""
    pages = {
        "index.html": page("Home", "welcome"),
        "actors/index.html": page("Actors", "every actor"),
        "404.html": page("Not found", "nothing here", body=False),
        "search/index.html": search_page(),
    }
    for n in range(count):
        word = f"{WORDS[n % len(WORDS)]}{n}"
        pages[f"actors/a{n}/index.html"] = page(f"Actor {n}", f"the {word} actor")
    return pages


class Site:
    """A project folder, and each build's fresh folder beside `site/`, as build.py's."""

    def __init__(self, root: Path, pages: dict[str, str]) -> None:
        self.root = root
        self.pages = dict(pages)
        root.mkdir(parents=True, exist_ok=True)
        self.builds = 0
        self.project = Project(
            root=root,
            seeds=root / "seeds",
            content=root / "content",
            templates=root / "templates",
            site=root / "site",
        )

    def build(self, verbosity: int = 0) -> Path:
        self.builds += 1
        folder = self.root / f".site.build-{self.builds}"
        for path, text in self.pages.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text, encoding="utf-8")
        search.index_for_search(self.project, verbosity, site=folder)
        return folder

    @property
    def cache(self) -> Path:
        return self.root / shards.CACHE

    def kept(self) -> list[Path]:
        """The kept bundles (not the work and input folders, whose names begin with a dot)."""
        return [path for path in self.cache.iterdir() if not path.name.startswith(".")]

    def leftovers(self) -> list[Path]:
        """Work folders, and files in the input folders: none once a build is over."""
        work = list(self.cache.glob(".work-*"))
        return work + [path for path in (self.cache / ".inputs").rglob("*") if path.is_file()]


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The pages of each Pagefind run (each shard indexed), as they are made."""
    made: list[set[str]] = []
    run = search._run_pagefind

    def counted(binary: Path, options: tuple[str, ...], site: Path, *rest: Any) -> str:
        made.append({str(p.relative_to(site)) for p in site.rglob("*.html")})
        return run(binary, options, site, *rest)

    monkeypatch.setattr(search, "_run_pagefind", counted)
    monkeypatch.setattr(shards, "SHARD_PAGES", 4)
    return made


def records(folder: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Pagefind's record of each page, in every bundle the manifest lists, by URL: the
    bundle's folder, and the record (its fragment, gzip-compressed JSON)."""
    index = folder / "pagefind"
    listed = json.loads((index / shards.MANIFEST).read_text(encoding="utf-8"))["merge"]
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for bundle in ["", *listed]:
        for fragment in (index / bundle / "fragment").glob("*.pf_fragment"):
            data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
            record = json.loads(data)
            assert record["url"] not in found, record["url"]
            found[record["url"]] = (bundle, record)
    return found


def indexed(folder: Path) -> dict[str, str]:
    """The URL of each page indexed, and its bundle's folder in pagefind/."""
    return {url: bundle for url, (bundle, _) in records(folder).items()}


def test_each_shard_is_a_bundle_and_the_search_page_lists_them(
    tmp_path: Path, runs: list[set[str]]
) -> None:
    site = Site(tmp_path / "project", site_pages(12))
    built = site.build()
    # 14 pages with a body: 4 shards of hashed pages (at most 4 each on average), and
    # the hubs (the home page, actors/) in shard 0, whose bundle is pagefind/ itself.
    found = indexed(built)
    assert set(found) == {"/", "/actors/"} | {f"/actors/a{n}/" for n in range(12)}
    assert found["/"] == found["/actors/"] == ""
    for n in range(12):
        assert found[f"/actors/a{n}/"] == f"{shard_of(f'actors/a{n}/index.html', 4)}/"
    listed = json.loads((built / "pagefind" / shards.MANIFEST).read_text(encoding="utf-8"))
    assert listed == {"merge": sorted({found[url] for url in found} - {""})}
    assert len(runs) == 1 + len(listed["merge"])
    # The merged bundles hold only their index: the page runs the first one's scripts.
    assert (built / "pagefind" / "pagefind-ui.js").is_file()
    assert (built / "pagefind" / "wasm.en.pagefind").is_file()
    for bundle in listed["merge"]:
        names = {p.name for p in (built / "pagefind" / bundle).iterdir()}
        assert "pagefind-entry.json" in names and "fragment" in names and "index" in names
        assert not {n for n in names if n.endswith((".js", ".css")) or n.startswith("wasm.")}
    assert len(site.kept()) == len(runs)  # one kept bundle a shard
    assert site.leftovers() == []


def test_a_build_indexes_again_only_the_shards_whose_pages_changed(
    tmp_path: Path, runs: list[set[str]]
) -> None:
    site = Site(tmp_path / "project", site_pages(12))
    site.build()
    first = len(runs)

    # Nothing changed: every bundle is the kept one.
    runs.clear()
    again = site.build()
    assert runs == []

    # One page changed: its shard only, and the index is the one made from scratch.
    site.pages["actors/a5/index.html"] = page("Actor 5", "the renamed zircon actor")
    runs.clear()
    edited = site.build()
    assert len(runs) == 1 and "actors/a5/index.html" in runs[0]
    assert runs[0] == {
        path
        for path in site.pages
        if path.startswith("actors/a") and shard_of(path, 4) == shard_of("actors/a5/index.html", 4)
    }
    assert snapshot(edited / "pagefind") != snapshot(again / "pagefind")
    scratch = Site(tmp_path / "scratch", site.pages)
    assert snapshot(scratch.build() / "pagefind") == snapshot(edited / "pagefind")
    assert len(runs) == 1 + first  # (the scratch build's)

    # The kept bundles are those of the last build: the changed shard's old one is gone.
    assert len(site.kept()) == first
    assert site.leftovers() == []

    # A page added, and one removed: the hubs' shard (a hub changed) and theirs.
    site.pages["actors/index.html"] = page("Actors", "every actor, and a new one")
    site.pages["actors/new/index.html"] = page("New actor", "the newest actor")
    del site.pages["actors/a7/index.html"]
    runs.clear()
    changed = site.build()
    expected = {0, shard_of("actors/new/index.html", 4), shard_of("actors/a7/index.html", 4)}
    assert len(runs) == len(expected)
    found = indexed(changed)
    assert "/actors/new/" in found and "/actors/a7/" not in found
    scratch = Site(tmp_path / "scratch-2", site.pages)
    assert snapshot(scratch.build() / "pagefind") == snapshot(changed / "pagefind")


def test_deleting_the_kept_bundles_is_safe(tmp_path: Path, runs: list[set[str]]) -> None:
    site = Site(tmp_path / "project", site_pages(12))
    before = snapshot(site.build() / "pagefind")
    shutil.rmtree(tmp_path / "project" / ".factsheets")
    runs.clear()
    assert snapshot(site.build() / "pagefind") == before
    assert len(runs) == len(site.kept())


def test_what_a_killed_build_left_is_cleared_and_never_indexed(
    tmp_path: Path, runs: list[set[str]]
) -> None:
    site = Site(tmp_path / "project", site_pages(12))
    before = snapshot(site.build() / "pagefind")
    shutil.rmtree(site.kept()[0])  # a shard to index again
    (site.cache / ".work-dead" / "fragment").mkdir(parents=True)
    for number in range(5):  # a page left in every shard's input folder
        stale = site.cache / ".inputs" / str(number) / "stale" / "index.html"
        stale.parent.mkdir(parents=True, exist_ok=True)
        stale.write_text(page("Stale", "a page of no build"), encoding="utf-8")
    runs.clear()
    assert snapshot(site.build() / "pagefind") == before
    assert len(runs) == 1 and "stale/index.html" not in runs[0]
    # The work folder is deleted; an input folder is emptied before its shard's next run
    # (the others' when theirs comes), and deleted with its shard.
    assert not list(site.cache.glob(".work-*"))
    assert len(site.leftovers()) == len(site.kept()) - 1


def test_a_kept_bundle_changed_through_the_site_is_made_again(
    tmp_path: Path, runs: list[set[str]]
) -> None:
    """The site's files are hard links to the kept ones: a tool that rewrites one in place
    (Pagefind itself, run over the site by hand) changes the kept file too."""
    site = Site(tmp_path / "project", site_pages(12))
    built = site.build()
    before = snapshot(built / "pagefind")
    entry = built / "pagefind" / "pagefind-entry.json"  # the hubs' bundle
    with open(entry, "r+b") as file:  # in place, through the link
        file.write(b"{}")
    runs.clear()
    rebuilt = site.build()
    assert len(runs) == 1 and "index.html" in runs[0]
    assert snapshot(rebuilt / "pagefind") == before


def test_a_search_page_older_than_shards_gets_one_index_and_a_notice(
    tmp_path: Path, runs: list[set[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    pages = site_pages(12)
    pages["search/index.html"] = search_page(merges=False)
    site = Site(tmp_path / "project", pages)
    built = site.build()
    assert len(runs) == 1 and len(runs[0]) == 14
    assert json.loads((built / "pagefind" / shards.MANIFEST).read_text()) == {"merge": []}
    assert set(indexed(built).values()) == {""}
    notice = capsys.readouterr().err.splitlines()
    assert len(notice) == 1, notice
    assert notice[0].startswith("Notice: the Search page does not read pagefind/shards.json")
    assert "all 14 pages are indexed again on every build" in notice[0]
    assert "`factsheets new`" in notice[0]

    # Kept, as a site's one bundle: nothing changed, nothing indexed (the notice again).
    runs.clear()
    site.build()
    assert runs == [] and capsys.readouterr().err.count("Notice:") == 1

    # A site small enough for one shard is as before shards: no notice.
    small = Site(tmp_path / "small", site_pages(1))
    small.pages["search/index.html"] = search_page(merges=False)
    small.build()
    assert capsys.readouterr().err == ""


def test_pages_without_a_body_are_all_indexed_when_none_has_one(
    tmp_path: Path, runs: list[set[str]]
) -> None:
    """As Pagefind does: a site whose theme marks no page's article indexes every page."""
    pages = {f"p{n}/index.html": page(f"Page {n}", f"word{n}", body=False) for n in range(5)}
    pages["search/index.html"] = search_page()
    site = Site(tmp_path / "project", pages)
    found = indexed(site.build())
    assert set(found) == {f"/p{n}/" for n in range(5)} | {"/search/"}


def test_a_failed_shard_fails_the_index_and_leaves_no_work_folder(
    tmp_path: Path, runs: list[set[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(*args: Any) -> str:
        raise search.PagefindFailed(3, "Error: something went wrong")

    monkeypatch.setattr(search, "_run_pagefind", fails)
    site = Site(tmp_path / "project", site_pages(12))
    with pytest.raises(FactsheetsError) as error:
        site.build()
    assert error.value.message == (
        "the search index failed (pagefind exited with 3):\nError: something went wrong"
    )
    assert site.kept() == [] and site.leftovers() == []


def test_the_verbose_build_says_what_it_indexed(
    tmp_path: Path, runs: list[set[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    site = Site(tmp_path / "project", site_pages(12))
    site.build()
    capsys.readouterr()
    site.pages["actors/a5/index.html"] = page("Actor 5", "the renamed zircon actor")
    site.build(verbosity=1)
    lines = capsys.readouterr().err.splitlines()
    assert re.fullmatch(r"Search index: shard \d \(\d pages\) indexed in [0-9.]+ s\.", lines[0])
    assert re.fullmatch(
        r"Search index: 14 pages in \d shards, 1 indexed, \d kept from an earlier build, "
        r"in [0-9.]+ s\.",
        lines[-1],
    ), lines


def test_the_key_holds_pagefinds_version_options_configuration_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAGEFIND_SITE", raising=False)
    plain = shards.Settings.of("pagefind 1.5.2", ["--exclude-selectors", ".x"], tmp_path)
    digests = {plain.digest()}
    for changed in (
        shards.Settings.of("pagefind 1.5.3", ["--exclude-selectors", ".x"], tmp_path),
        shards.Settings.of("pagefind 1.5.2", ["--exclude-selectors", ".y"], tmp_path),
    ):
        digests.add(changed.digest())
    (tmp_path / "pagefind.yml").write_text("force_language: fr\n", encoding="utf-8")
    digests.add(
        shards.Settings.of("pagefind 1.5.2", ["--exclude-selectors", ".x"], tmp_path).digest()
    )
    monkeypatch.setenv("PAGEFIND_SITE", "elsewhere")
    digests.add(
        shards.Settings.of("pagefind 1.5.2", ["--exclude-selectors", ".x"], tmp_path).digest()
    )
    assert len(digests) == 5
    pages = {"a/b/index.html": hashlib.sha256(b"x").digest()}
    assert shards.shard_key(plain.digest(), pages) != shards.shard_key(
        plain.digest(), {"a/c/index.html": pages["a/b/index.html"]}
    )


# --- a reader's search over the shards, in Chromium ---------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo site, built by `factsheets build` in shards of about 8 pages."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shards, "SHARD_PAGES", 8)
        root = copy_project(tmp_path_factory.mktemp("shards") / "project")
        result = CliRunner().invoke(main, ["-C", str(root), "-q", "build"])
        assert result.exit_code == 0, result.output
    yield root / "site"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def results(browser: Any, url: str) -> list[str]:
    """The paths of the results the Search page shows at `url`, once filled in."""
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(url)
        tab.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
        tab.wait_for_function(
            "() => !document.querySelector('.pagefind-ui__result .pagefind-ui__loading')"
        )
        return tab.locator(".pagefind-ui__result-link").evaluate_all(
            "links => links.map(a => new URL(a.getAttribute('href'), location.href).pathname)"
        )
    finally:
        context.close()


@needs_chromium
def test_a_search_finds_pages_of_every_shard(demo: Path, chromium: Any) -> None:
    index = demo / "pagefind"
    merged = json.loads((index / shards.MANIFEST).read_text(encoding="utf-8"))["merge"]
    assert len(merged) >= 4, merged  # the demo's ~60 pages in 8 hashed shards, and the hubs
    sheet = "actors/us-central-command/index.html"
    bundle = f"{shard_of(sheet, shard_count(len(read_site(demo).pages), 8))}/"
    assert bundle in merged  # a merged bundle's page, not one of the first bundle's
    # And a source's page from another merged bundle, found by its title.
    source, title = next(
        (url, record["meta"]["title"])
        for url, (where, record) in sorted(records(demo).items())
        if url.startswith("/sources/") and where not in ("", bundle)
    )

    # At the domain's root, and below a path (the site's folder, served from its parent).
    for base, prefix in ((demo, "/"), (demo.parent, f"/{demo.name}/")):
        with serve(base) as address:
            root = urllib.parse.urljoin(address, prefix)
            found = results(chromium, f"{root}search/?q={urllib.parse.quote('Central Command')}")
            assert f"{prefix}actors/us-central-command/" in found, found
            found = results(chromium, f"{root}search/?q={urllib.parse.quote(title)}")
            assert prefix + source.removeprefix("/") in found, (title, found)
            assert all(link.startswith(prefix) for link in found), found
