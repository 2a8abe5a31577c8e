"""Machine-readable pages (issue 19, item 2): what a page's <head> says of it.

Each fact sheet carries schema.org JSON-LD (a `WebPage` whose `mainEntity` is the actor,
place or event, typed by the kinds its sources give, and whose `citation` lists the
sources its "Sources" section lists), a meta description that is its lead as the page
prints it, and OpenGraph tags. With `site_url`: canonical links, og:url, and a
sitemap.xml of every page, fact sheets outside the navigation included, however many
workers built the pages; the 404 page loads its stylesheets and scripts when the site is
served below a path. What the JSON-LD leaves out (a perpetrator, a date a report's date
implies, a position from GeoNames) is checked on small fictional projects.

The fixture with five sources that disagree (tests/fixtures/claims) is built twice for the
whole module: as it is, and with `site_url` below a path, by two workers.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import urlopen

import pytest
import yaml
from conftest import ROOT, FictionalProject, build_in_process

from generator.common.errors import Problems
from generator.knowledge.merge import merge
from generator.knowledge.model import Entity, KnowledgeBase, Position
from generator.pages.meta import DESCRIPTION_LENGTH, description
from generator.pages.render import render
from generator.publish.build import mkdocs_env
from generator.sources.checks import validate
from generator.sources.load import load_all

FIXTURE = ROOT / "tests" / "fixtures" / "claims"
SITE_URL = "https://example.org/story/"
CONTEXT = "https://schema.org"
TYPES = {
    "person": "Person",
    "organization": "Organization",
    "armed-group": "Organization",
    "government": "GovernmentOrganization",
    "military-unit": "Organization",
    "state": "Country",
    "coalition": "Organization",
    "group": "Thing",
    "city": "City",
    "country": "Country",
    "region": "Place",
    "sea": "BodyOfWater",
    "territory": "Place",
    "facility": "Place",
}
"""The schema.org type of each kind (written again here, not imported)."""
SUPERTYPES = {
    "GovernmentOrganization": {"Organization", "Thing"},
    "Organization": {"Thing"},
    "Person": {"Thing"},
    "City": {"AdministrativeArea", "Place", "Thing"},
    "Country": {"AdministrativeArea", "Place", "Thing"},
    "BodyOfWater": {"Landform", "Place", "Thing"},
    "Place": {"Thing"},
    "Thing": set(),
}


# --- the builds ------------------------------------------------------------------


@dataclass
class Site:
    root: Path
    site_url: str | None

    @property
    def site(self) -> Path:
        return self.root / "site"

    @cached_property
    def kb(self) -> KnowledgeBase:
        problems = Problems()
        loaded = load_all(self.root / "seeds", self.root, problems)
        merged = merge(loaded, validate(loaded, problems))
        assert not problems.items
        return merged

    @cached_property
    def config(self) -> dict[str, Any]:
        text = (self.root / "mkdocs.yml").read_text(encoding="utf-8")
        loaded: dict[str, Any] = yaml.load(text, Loader=yaml.BaseLoader)
        return loaded

    def pages(self) -> dict[str, Head]:
        """Every built page but the 404 page, by URL (relative to the site's root)."""
        found = {}
        for file in sorted(self.site.rglob("*.html")):
            relative = file.relative_to(self.site).as_posix()
            if relative != "404.html":
                found[relative.removesuffix("index.html")] = read(file)
        return found

    def entity(self, url: str) -> Entity | None:
        """The entity a fact sheet's URL (`actors/x/`) is about."""
        category, _, rest = url.partition("/")
        if category not in FACT_SHEETS or not rest:
            return None
        table: dict[str, Entity] = getattr(self.kb, category)
        return table.get(rest.strip("/"))


def copy_fixture(target: Path, site_url: str | None) -> Path:
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("site", ".factsheets*"))
    if site_url is not None:
        config = target / "mkdocs.yml"
        config.write_text(
            f"site_url: {site_url}\n" + config.read_text(encoding="utf-8"), encoding="utf-8"
        )
    return target


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The fixture as it is: no `site_url`; MkDocs builds it as `factsheets build` does."""
    root = copy_fixture(tmp_path_factory.mktemp("plain") / "project", None)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        env=mkdocs_env(),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return Site(root, None)


@pytest.fixture(scope="module")
def below(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """With `site_url` below a path, pages built by two workers (the plugin's parallel
    path, which the sitemap must not lose a page to)."""
    root = copy_fixture(tmp_path_factory.mktemp("below") / "project", SITE_URL)
    with pytest.MonkeyPatch.context() as patch:
        build_in_process(root, 2, patch)
    return Site(root, SITE_URL)


@pytest.fixture(scope="module", params=["plain", "below"])
def built(request: pytest.FixtureRequest) -> Site:
    site: Site = request.getfixturevalue(request.param)
    return site


# --- reading a page ----------------------------------------------------------------


@dataclass
class Head(HTMLParser):
    """What a test reads of a page: its head's tags, its article's top-level paragraphs
    (without footnote marks) and the sources its "Sources" section lists."""

    metas: dict[str, str] = field(default_factory=dict)
    canonical: list[str] = field(default_factory=list)
    json_ld: list[str] = field(default_factory=list)
    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    listed_sources: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    """Stylesheets, icons and scripts the page loads."""
    links: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)
        self._script: list[str] | None = None
        self._in_title = False
        self._article = False
        self._divs: list[bool] = []  # inside the article: whether each counts
        self._paragraph: list[str] | None = None
        self._sup = 0
        self._section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name: value or "" for name, value in attrs}
        if tag == "meta" and ("name" in names or "property" in names):
            key = names.get("name") or names["property"]
            assert key not in self.metas, f"two <meta> {key}"
            self.metas[key] = names.get("content", "")
        elif tag == "link" and names.get("rel") == "canonical":
            self.canonical.append(names["href"])
        elif tag == "link" and names.get("rel") in ("stylesheet", "icon"):
            self.assets.append(names["href"])
        elif tag == "script" and "src" in names:
            self.assets.append(names["src"])
        elif tag == "script" and names.get("type") == "application/ld+json":
            self._script = []
        elif tag == "title" and not self.title:  # the page's; an SVG's <title> names a mark
            self._in_title = True
        elif tag == "article":
            self._article = True
        elif tag == "div" and self._article:
            # The search's wrapper (overrides/main.html) holds the whole article.
            self._divs.append("data-pagefind-body" not in names)
        elif tag == "p" and self._article and not any(self._divs):
            self._paragraph = []
        elif tag == "sup":
            self._sup += 1
        elif tag == "h2":
            self._section = names.get("id", "")
        elif tag == "a" and "href" in names:
            self.links.append(names["href"])
            if self._section == "sources" and SOURCE_PAGE.fullmatch(names["href"]):
                self.listed_sources.append(names["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.json_ld.append("".join(self._script))
            self._script = None
        elif tag == "title":
            self._in_title = False
        elif tag == "article":
            self._article = False
        elif tag == "div" and self._article:
            self._divs.pop()
        elif tag == "p" and self._paragraph is not None:
            self.paragraphs.append(" ".join("".join(self._paragraph).split()))
            self._paragraph = None
        elif tag == "sup":
            self._sup -= 1

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        if self._in_title:
            self.title += data
        if self._paragraph is not None and not self._sup:
            self._paragraph.append(data)

    @property
    def ld(self) -> dict[str, Any] | None:
        if not self.json_ld:
            return None
        [text] = self.json_ld
        parsed: dict[str, Any] = json.loads(text)
        return parsed


def read(file: Path) -> Head:
    head = Head()
    head.feed(file.read_text(encoding="utf-8"))
    head.close()
    return head


def objects(value: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object in a JSON value, with where it is."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from objects(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from objects(item, f"{path}[{index}]")


def lead_of(text: str, lead: str) -> bool:
    """Whether a description is the lead, or the lead cut short after a word."""
    if text == lead:
        return True
    return (
        len(text) <= DESCRIPTION_LENGTH
        and text.endswith("…")
        and lead.startswith(text[:-1])
        and lead[len(text) - 1] in " ,;:.—–-"
    )


FACT_SHEETS = ("actors", "locations", "events")
SOURCE_PAGE = re.compile(r"(?:\.\./)+sources/[^/#]+/")


# --- JSON-LD ---------------------------------------------------------------------


def test_every_fact_sheet_and_source_page_has_json_ld_of_its_kind(built: Site) -> None:
    kb = built.kb
    seen = set()
    for url, head in built.pages().items():
        entity = built.entity(url)
        ld = head.ld
        if url.count("/") != 2 or (entity is None and not url.startswith("sources/")):
            assert ld is None, f"{url}: JSON-LD on a page that is no fact sheet"
            continue
        assert ld is not None, f"{url}: no JSON-LD"
        assert (ld["@context"], ld["@type"]) == (CONTEXT, "WebPage"), url
        for where, found in objects(ld):
            assert "@type" in found, f"{url} {where}: no @type"
            assert where == "$" or "@context" not in found, f"{url} {where}: a second @context"
        thing = ld["mainEntity"]
        if url.startswith("sources/"):
            assert thing["@type"] == "NewsArticle"
            assert thing["headline"] == kb.sources[url.split("/")[1]].meta.title
            continue
        assert entity is not None
        seen.add(thing["@type"])
        kinds = {TYPES[fact.value] for fact in entity.kinds}
        if entity.category == "events":
            assert thing["@type"] == "Event", url
        elif len(kinds) == 1:
            assert thing["@type"] == kinds.pop(), url
        else:  # the most specific type the kinds the sources give share
            assert all(thing["@type"] in {kind} | SUPERTYPES[kind] for kind in kinds), url
        # A name only for what the sources name: an unnamed actor's title describes it.
        assert thing.get("name") == (entity.name if entity.names else None), url
    assert {"Person", "Organization", "GovernmentOrganization", "Country", "City"} <= seen
    assert {"Place", "Thing", "Event"} <= seen


def test_the_citations_are_the_sources_the_page_lists(built: Site) -> None:
    kb = built.kb
    checked = 0
    for url, head in built.pages().items():
        if built.entity(url) is None:
            continue
        listed = [href.rstrip("/").rpartition("/")[2] for href in head.listed_sources]
        assert listed, f"{url}: lists no source"
        ld = head.ld
        assert ld is not None
        wanted = []
        for source_id in listed:
            meta = kb.sources[source_id].meta
            article: dict[str, Any] = {"@type": "NewsArticle", "headline": meta.title}
            if meta.outlet:
                article["publisher"] = {"@type": "Organization", "name": meta.outlet}
            if meta.published:
                article["datePublished"] = meta.published
            if meta.url:
                article["url"] = meta.url
            wanted.append(article)
        assert ld["citation"] == wanted, url
        checked += len(listed) > 1
    assert checked > 10  # pages with several sources


def test_other_pages_are_linked_by_urls_that_lead_to_them(built: Site) -> None:
    links = 0
    for url, head in built.pages().items():
        ld = head.ld
        if ld is None:
            continue
        for where, found in objects(ld):
            if "url" not in found or urlsplit(found["url"]).scheme:
                continue  # the page itself (with site_url), or an article's address
            target = urlsplit(urljoin(f"https://site/{url}", found["url"])).path.lstrip("/")
            assert (built.site / target / "index.html").is_file(), f"{url} {where}: {target}"
            links += 1
    assert links >= 10


def test_an_event_has_a_start_date_only_when_a_source_gives_the_day(plain: Site) -> None:
    events = {
        url.split("/")[1]: head.ld["mainEntity"]
        for url, head in plain.pages().items()
        if url.startswith("events/") and head.ld
    }
    # One source says "on 4 May", another "on Sunday" in its report of 5 May: the same day.
    assert events["harrow-quay-drone-attack"]["startDate"] == "2031-05-04"
    # "last week", in a report of 12 May: no day.
    assert "startDate" not in events["harrow-quay-terminal-reopening"]


# --- descriptions and OpenGraph --------------------------------------------------


def test_the_meta_description_is_the_lead_the_page_shows(built: Site) -> None:
    site_description = built.config["site_description"]
    trimmed = 0
    for url, head in built.pages().items():
        entity = built.entity(url)
        wanted = head.metas["description"]
        assert head.metas["og:description"] == wanted, url
        trimmed += wanted.endswith("…")
        if entity is not None:
            if not entity.descriptions:
                assert wanted == site_description, url
                continue
            # The infobox is a <div>: the first paragraph is the description.
            assert head.paragraphs, url
            assert lead_of(wanted, head.paragraphs[0]), f"{url}: {wanted!r}"
            ld = head.ld
            assert ld is not None and ld["mainEntity"]["description"] == wanted
        elif url.startswith("sources/") and url.count("/") == 2:
            title = built.kb.sources[url.split("/")[1]].meta.title
            assert wanted.startswith(f"The text of “{title}”"), url
        elif url.count("/") == 1 and url not in ("search/", "tags/"):
            # An index page (or the Map, the Data page...): its opening paragraph.
            assert head.paragraphs, url
            assert lead_of(wanted, head.paragraphs[0]), f"{url}: {wanted!r}"
        else:  # hand-written pages, and those long sections continue on
            assert wanted == site_description, url
    assert trimmed  # some leads are longer than a description


def test_opengraph_says_what_the_page_is(built: Site) -> None:
    site_name = built.config["site_name"]
    for url, head in built.pages().items():
        metas = head.metas
        assert metas["og:site_name"] == site_name
        if url:
            assert metas["og:title"] + " - " + site_name == head.title, url
        else:
            assert metas["og:title"] == site_name
        assert metas["og:type"] == ("article" if head.ld else "website"), url
        assert metas["twitter:card"] == "summary"


def test_a_long_lead_is_cut_after_a_word() -> None:
    words = "The strike hit the depot at night, and the fire burned until the next morning."
    lead = description([words, words, words])
    assert len(lead) <= DESCRIPTION_LENGTH and lead.endswith("…")
    assert lead_of(lead, " ".join([words] * 3))
    assert description(["Short.", "", "Two."]) == "Short. Two."
    assert description(["x" * 400]) == "x" * (DESCRIPTION_LENGTH - 2) + "…"
    # A right-to-left value is isolated (markup.isolated): a cut inside it closes it.
    isolated = description([f"\u2068{'שלום ' * 60}\u2069"])
    assert isolated.endswith("\u2069…") and isolated.count("\u2068") == 1
    assert len(isolated) <= DESCRIPTION_LENGTH


# --- site_url: canonical links, the sitemap, the 404 page --------------------------


def test_canonical_urls_only_with_site_url(built: Site) -> None:
    for url, head in built.pages().items():
        if built.site_url is None:
            assert head.canonical == [] and "og:url" not in head.metas, url
            assert head.ld is None or "url" not in head.ld, url
            continue
        assert head.canonical == [SITE_URL + url], url
        assert head.metas["og:url"] == SITE_URL + url
        if head.ld is not None:
            assert head.ld["url"] == SITE_URL + url


def test_the_sitemap_lists_every_page_with_site_url(built: Site) -> None:
    text = (built.site / "sitemap.xml").read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset ')
    locations = re.findall(r"<loc>([^<]*)</loc>", text)
    assert "<lastmod>" not in text  # the build's date is no page's
    if built.site_url is None:
        assert locations == []  # no page has an absolute URL
        return
    pages = built.pages()
    assert sorted(locations) == sorted(SITE_URL + url for url in pages)
    assert len(locations) == len(set(locations))
    fact_sheets = [url for url in pages if built.entity(url) is not None]
    assert len(fact_sheets) > 30  # outside the navigation, and listed


class _Below(BaseHTTPRequestHandler):
    """The site served below a path, as a web server would: 404.html for any address
    that is no file of the site."""

    site: Path
    prefix: str

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = unquote(urlsplit(self.path).path)
        file = None
        if path.startswith(self.prefix):
            file = self.site / path.removeprefix(self.prefix)
            if file.is_dir():
                file = file / "index.html"
        found = file is not None and file.is_file() and self.site in file.resolve().parents
        body = (file if found and file else self.site / "404.html").read_bytes()
        self.send_response(200 if found else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Serve a site below a path: `served(site, "/story/")` is the server's address."""
    servers: list[ThreadingHTTPServer] = []

    def serve(site: Path, prefix: str) -> str:
        handler = type("Handler", (_Below,), {"site": site.resolve(), "prefix": prefix})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def status(address: str) -> int:
    try:
        with urlopen(address, timeout=10) as response:
            code: int = response.status
            return code
    except OSError as error:
        return int(getattr(error, "code", 0))


def test_the_404_page_works_below_a_path_with_site_url(below: Site, served: Any) -> None:
    server = served(below.site, "/story/")
    missing = f"{server}/story/actors/no-such-page/"
    assert status(missing) == 404
    head = read(below.site / "404.html")
    assert len(head.assets) >= 5  # the theme's and the site's stylesheets, its scripts
    for address in head.assets + [link for link in head.links if link.startswith("/")]:
        assert address.startswith("/story/"), address
        assert status(urljoin(missing, address)) == 200, address


def test_without_site_url_the_404_page_assumes_the_site_is_at_the_root(
    plain: Site, served: Any
) -> None:
    """MkDocs writes the 404 page's addresses from the server's root then (it cannot know
    where the site is): served at the root it works; below a path, set `site_url`."""
    server = served(plain.site, "/")
    missing = f"{server}/actors/no-such-page/"
    assert status(missing) == 404
    head = read(plain.site / "404.html")
    for address in head.assets:
        assert address.startswith("/") and not address.startswith("//"), address
        assert status(urljoin(missing, address)) == 200, address


# --- what the JSON-LD leaves out --------------------------------------------------

HARBOUR = (
    "The Harbour Council met in Port Vell on Tuesday. Mayor Ana Ruiz opened the new bridge "
    "on 2 May 2031. Gunmen attacked the depot at 41.2N 12.5E. Police said they suspected "
    "Lena Orr. An unnamed official welcomed the crowds.\n"
)
SUMMARY = """
    source:
      id: harbour-news
      title: Harbour council opens bridge
      url: https://example.com/harbour
    actors:
      - id: ana-ruiz
        name: Ana Ruiz
        kind: person
        quote: Mayor Ana Ruiz
        relations:
          - type: member-of
            target: harbour-council
            quote: Mayor Ana Ruiz
      - id: harbour-council
        name: Harbour Council
        kind: government
        quote: The Harbour Council
      - id: gunmen
        name: Gunmen
        kind: armed-group
        quote: Gunmen attacked
      - id: lena-orr
        name: Lena Orr
        kind: person
        quote: Lena Orr
      - id: official
        name: unnamed official
        kind: person
        anonymous: true
        quote: An unnamed official
      - id: crowds
        name: the crowds
        kind: group
        quote: the crowds
    locations:
      - id: port-vell
        name: Port Vell
        kind: city
        quote: met in Port Vell
      - id: depot
        name: the depot
        kind: facility
        quote: the depot
        coordinates: {lat: 41.2, lon: 12.5, quote: at 41.2N 12.5E}
    events:
      - id: bridge-opening
        title: Opening of the new bridge
        quote: opened the new bridge
        date: {precision: day, value: "2031-05-02", quote: on 2 May 2031}
        locations:
          - location: port-vell
            quote: met in Port Vell
        participants:
          - actor: ana-ruiz
            role: participant
            quote: Mayor Ana Ruiz opened
          - actor: crowds
            role: attendee
            quote: welcomed the crowds
      - id: depot-attack
        title: Attack on the depot
        quote: Gunmen attacked the depot
        date: {precision: relative, relative: Tuesday, quote: on Tuesday}
        locations:
          - location: depot
            quote: attacked the depot
        participants:
          - actor: gunmen
            role: perpetrator
            quote: Gunmen attacked
          - actor: lena-orr
            role: participant
            certainty: suspected
            quote: suspected Lena Orr
"""


@pytest.fixture
def harbour(fictional: FictionalProject) -> dict[str, dict[str, Any]]:
    """The JSON-LD's `mainEntity` of each fact sheet of a small fictional project, by path."""
    fictional.add("harbour-news", HARBOUR, SUMMARY)
    return {
        page.path: page.front_matter["json_ld"]["mainEntity"]
        for page in render(fictional.kb())
        if "json_ld" in page.front_matter
    }


def test_an_event_says_where_when_and_who_attended_as_the_sources_state(harbour) -> None:
    opening = harbour["events/bridge-opening.md"]
    assert opening["startDate"] == "2031-05-02"
    assert opening["location"] == [
        {"@type": "City", "name": "Port Vell", "url": "../../locations/port-vell/"}
    ]
    # The crowds are no person or organisation: schema.org's attendee is one.
    assert opening["attendee"] == [
        {"@type": "Person", "name": "Ana Ruiz", "url": "../../actors/ana-ruiz/"}
    ]
    attack = harbour["events/depot-attack.md"]
    # No day given; a perpetrator is no attendee (nor an organizer); a suspect is not stated.
    assert set(attack) == {"@type", "name", "location"}


def test_an_actor_is_typed_by_its_kind_and_named_only_when_named(harbour) -> None:
    assert harbour["actors/ana-ruiz.md"]["memberOf"] == [
        {
            "@type": "GovernmentOrganization",
            "name": "Harbour Council",
            "url": "../harbour-council/",
        }
    ]
    assert harbour["actors/gunmen.md"]["@type"] == "Organization"
    assert harbour["actors/crowds.md"]["@type"] == "Thing"
    official = harbour["actors/official.md"]
    assert official == {"@type": "Person"}  # no name, no description given


def test_only_coordinates_a_source_states_are_given(fictional: FictionalProject) -> None:
    fictional.add("harbour-news", HARBOUR, SUMMARY)
    kb = fictional.kb()
    kb.positions["port-vell"] = Position(41.9, 12.1, "editors", "Position set by the editors")
    pages = {page.path: page.front_matter for page in render(kb)}
    assert pages["locations/depot.md"]["json_ld"]["mainEntity"]["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": 41.2,
        "longitude": 12.5,
    }
    # The editors' position (or GeoNames') places a name on a map: reference data.
    assert "geo" not in pages["locations/port-vell.md"]["json_ld"]["mainEntity"]
