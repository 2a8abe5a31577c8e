"""Issue 4, item 6: data is text, never markup.

A small project whose summary puts hostile strings (HTML, scripts, Markdown links,
images, autolinks, footnotes, table pipes, front-matter breakers, attribute lists,
entities, backticks, line separators...) into every text field is generated and built
with `mkdocs build --strict`. Each HTML page is parsed and compared with the same
project built from harmless strings: the data must not add or change a single element
or attribute, every link must be one the generator makes, and the visible text must
show each hostile string literally.

Two layers are checked separately, because they fail for different reasons:
- the generated part of every page (from the begin marker to the end of the article);
- the whole site: page <title>, header, tags page, 404 page, search index.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape as escape_html
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from click.testing import CliRunner
from conftest import FictionalProject, copy_project, to_html
from hypothesis import HealthCheck, Phase, assume, given, reject, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from pydantic import TypeAdapter

from generator.cli import main
from generator.knowledge.figures import EARLY_WORDS
from generator.pages import markup
from generator.pages.meta import DESCRIPTION_LENGTH
from generator.pages.page import Page as RenderedPage
from generator.pages.render import render
from generator.sources import schema
from generator.sources.text import normalize, split_sentences

SITE_NAME = yaml.load(
    (Path(__file__).resolve().parent.parent.parent / "mkdocs.yml").read_text(encoding="utf-8"),
    Loader=yaml.BaseLoader,
)["site_name"]
HOST = "example.com"

# --- the fixture project ----------------------------------------------------------

TEXT_FIELDS = [
    "source_title",
    "source_outlet",
    "source_author",
    "source_contributor",
    "actor_name",
    "actor_alias",
    "actor_description",
    "other_actor_name",
    "location_name",
    "location_alias",
    "location_description",
    "event_title",
    "event_alias",
    "event_description",
    "event_date_relative",
    "statement_summary",
    "possibly_reason",
    "figure_counted",
    "figure_among",
    "figure_unit",
    "figure_as_of",
    "second_title",
    "second_outlet",
    "second_actor_name",
    "second_unnamed",
    "second_statement_summary",
]
QUOTE_FIELDS = ["quote_actor", "quote_location", "quote_event", "quote_statement"]
FIELDS = [*TEXT_FIELDS, *QUOTE_FIELDS]
TITLES = {
    "actors/a1/": "actor_name",
    "actors/a2/": "other_actor_name",
    "locations/l1/": "location_name",
    "events/e1/": "event_title",
    "sources/src/": "source_title",
    "sources/src2/": "second_title",
}
"""Pages whose title (front matter, <title>, header) comes from a field."""
CAPITALISED = {"figure_counted"}
"""Fields printed with their first letter in upper case (what a figure of kind `other` counts)."""


def summary(values: dict[str, str], url: str) -> dict:
    """The first source's summary: every entity, the source's URL, and a figure of its own
    measure counted twice (a series)."""
    v = values
    return {
        "source": {
            "id": "src",
            "title": v["source_title"],
            "outlet": v["source_outlet"],
            "authors": [v["source_author"]],
            "contributors": [v["source_contributor"]],
            "url": url,
            "file": "source.txt",
        },
        "actors": [
            {
                "id": "a1",
                "name": v["actor_name"],
                "aliases": [v["actor_alias"]],
                "kind": "person",
                "description": v["actor_description"],
                "quote": v["quote_actor"],
                "relations": [{"type": "allied-with", "target": "a2", "quote": v["quote_actor"]}],
            },
            {
                "id": "a2",
                "name": v["other_actor_name"],
                "kind": "organization",
                "quote": v["quote_location"],
            },
        ],
        "locations": [
            {
                "id": "l1",
                "name": v["location_name"],
                "aliases": [v["location_alias"]],
                # A region: the gazetteer places countries and cities only, so a random
                # name that is a real city's ("Ho") adds no map the harmless page lacks.
                "kind": "region",
                "description": v["location_description"],
                "quote": v["quote_location"],
            }
        ],
        "events": [
            {
                "id": "e1",
                "title": v["event_title"],
                "aliases": [v["event_alias"]],
                "description": v["event_description"],
                "quote": v["quote_event"],
                "date": {
                    "precision": "relative",
                    "relative": v["event_date_relative"],
                    "quote": v["quote_event"],
                },
                "locations": [{"location": "l1", "quote": v["quote_event"]}],
                "participants": [{"actor": "a1", "role": "perpetrator", "quote": v["quote_event"]}],
                "figures": [
                    {
                        "kind": "fatalities",
                        "value": 3,
                        "according_to": "a2",
                        "quote": v["quote_event"],
                    },
                    {
                        **own_measure(v),
                        "value": 12,
                        "as_of": "initially",
                        "quote": v["quote_event"],
                    },
                    {
                        **own_measure(v),
                        "value": 20,
                        "qualifier": "at-least",
                        "as_of": v["figure_as_of"],
                        "according_to": "a1",
                        "quote": v["quote_event"],
                    },
                ],
            }
        ],
        "statements": [
            {
                "id": "s1",
                "speaker": "a1",
                "via": ["a2"],
                "type": "claims",
                "summary": v["statement_summary"],
                "about": ["e1", "l1", "a2"],
                "quote": v["quote_statement"],
            }
        ],
    }


def own_measure(v: dict[str, str]) -> dict:
    """A figure of kind `other`, with every text a measure has."""
    return {
        "kind": "other",
        "counted": v["figure_counted"],
        "among": v["figure_among"],
        "unit": v["figure_unit"],
        "location": "l1",
    }


def second_summary(values: dict[str, str]) -> dict:
    """A second source on the same story, which disagrees with the first: another name and
    kind for a1, a2 unnamed (and probably a1, an editor thinks), a1's role denied, other
    figures, and an assertion of its own. Its text is the first source's."""
    v = values
    return {
        "source": {
            "id": "src2",
            "title": v["second_title"],
            "outlet": v["second_outlet"],
            "file": "source.txt",
        },
        "actors": [
            {
                "id": "a1",
                "name": v["second_actor_name"],
                "kind": "armed-group",
                "quote": v["quote_actor"],
            },
            {
                "id": "a2",
                "name": v["second_unnamed"],
                "kind": "organization",
                "anonymous": True,
                "quote": v["quote_location"],
                "possibly": {"id": "a1", "reason": v["possibly_reason"]},
            },
        ],
        "locations": [
            {"id": "l1", "name": v["location_name"], "kind": "region", "quote": v["quote_location"]}
        ],
        "events": [
            {
                "id": "e1",
                "title": v["event_title"],
                "quote": v["quote_event"],
                "participants": [
                    {
                        "actor": "a1",
                        "role": "perpetrator",
                        "certainty": "denied",
                        "by": "a2",
                        "quote": v["quote_event"],
                    }
                ],
                "figures": [
                    {"kind": "fatalities", "value": 7, "quote": v["quote_event"]},
                    {**own_measure(v), "value": 40, "quote": v["quote_event"]},
                ],
            }
        ],
        "statements": [
            {
                "id": "s2",
                "type": "denies",
                "summary": v["second_statement_summary"],
                "about": ["e1"],
                "quote": v["quote_event"],
            }
        ],
    }


def write_seeds(
    seeds: Path,
    values: dict[str, str],
    url: str,
    folders: tuple[str, str],
    file: str = "source.txt",
) -> None:
    """Both sources' summaries and texts, in `folders` (which sort in that order); the
    first source's text in `file`."""
    first = summary(values, url)
    first["source"]["file"] = file
    for folder, data in zip(folders, (first, second_summary(values)), strict=True):
        dumped = yaml.safe_dump(data, allow_unicode=False, sort_keys=False, width=10_000)
        if yaml.safe_load(dumped) != data:  # PyYAML cannot write every string back
            assert currently_in_test_context(), "the fixed example does not survive YAML"
            reject()
        (seeds / folder).mkdir(parents=True)
        (seeds / folder / "summary.yaml").write_text(dumped, encoding="utf-8")
        text = source_text(values)
        (seeds / folder / data["source"]["file"]).write_text(text, encoding="utf-8", newline="")


def source_text(values: dict[str, str]) -> str:
    # Aliases are in the text too, so they are cited where the text uses them.
    aliases = [name for name in TEXT_FIELDS if name.endswith("_alias")]
    quotes = "\n".join(values[name] for name in [*QUOTE_FIELDS, *aliases])
    return f"An introduction that cites nothing.\n{quotes}\nThe end of the article.\n"


@dataclass
class Built:
    root: Path
    site: Path
    values: dict[str, str]
    url: str


def build(parent: Path, values: dict[str, str], url: str) -> Built:
    """Write the project, `factsheets generate`, then `mkdocs build --strict`."""
    root = copy_project(parent / uuid.uuid4().hex, with_content=False)
    shutil.rmtree(root / "seeds")
    write_seeds(root / "seeds", values, url, ("src", "src2"))

    result = CliRunner().invoke(main, ["-C", str(root), "-q", "generate"])
    assert result.exit_code == 0, f"generate failed:\n{result.output}\n{result.exception!r}"
    mkdocs = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert mkdocs.returncode == 0, f"mkdocs build --strict failed:\n{mkdocs.stderr[-3000:]}"
    return Built(root, root / "site", values, url)


# --- reading the HTML -------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_DIRECTIONAL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Text as a reader sees it: control characters as spaces, runs of whitespace folded,
    no directional formatting characters (the isolates pages wrap values in included)."""
    return " ".join(_CONTROL.sub(" ", _DIRECTIONAL.sub("", text)).split())


def as_sentence(text: str) -> str:
    """How a description is printed: capitalised, with a full stop unless it has one."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…", '"', "”")) else text + "."


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr", "param", "keygen"}


@dataclass
class Element:
    tag: str
    attrs: tuple[tuple[str, str | None], ...]
    region: bool
    """Inside the generated part (begin marker to the end of the article)."""


@dataclass
class Page(HTMLParser):
    """One HTML page: its skeleton (elements and attribute names), text, links, scripts."""

    path: str
    skeleton: list[tuple] = field(default_factory=list)
    region_skeleton: list[tuple] = field(default_factory=list)
    elements: list[Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    region_text: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    tags_in_title: list[str] = field(default_factory=list)
    scripts: list[tuple] = field(default_factory=list)
    sentences: list[Element] = field(default_factory=list)
    """Elements inside the source text (<div class="fs-source">), which vary with the text."""

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)
        self._region = False
        self._article = 0
        self._in_title = False
        self._svg = 0  # inside a drawing, <title> names a mark, not the page
        self._script: list | None = None
        self._source_depth = 0
        self._facts_depth = 0
        """Inside a source's table of facts (from <h2 id="fs-facts"> to the next <h3>): its
        elements and text are checked, not their number, which follows the sentences."""

    def _token(self, token: tuple) -> None:
        if self._facts_depth:
            return  # a row per sentence and fact sheet: as many as the text has
        self.skeleton.append(token)
        if self._region:
            self.region_skeleton.append(token)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, tuple(attrs), self._region)
        if self._in_title:
            self.tags_in_title.append(tag)
        if self._source_depth:
            self.sentences.append(element)
            if tag == "div":
                self._source_depth += 1
            return
        self.elements.append(element)
        if tag == "h2" and ("id", "fs-facts") in attrs:
            self._facts_depth = 1
        elif tag == "h3":
            self._facts_depth = 0
        self._token(("<" + tag, tuple(sorted(name for name, _ in attrs))))
        if tag == "div" and ("class", "fs-source") in attrs:
            self._source_depth = 1
        if tag == "article":
            self._article += 1
        if tag == "svg":
            self._svg += 1
        if tag == "title" and not self._svg:
            self._in_title = True
        if tag in ("script", "style"):
            self._script = [tag, tuple(attrs), ""]

    def handle_endtag(self, tag):
        if self._source_depth:
            if tag == "div":
                self._source_depth -= 1
            if self._source_depth:
                return
        if tag in VOID:
            return
        self._token(("</" + tag,))
        if tag == "svg":
            self._svg -= 1
        if tag == "title":
            self._in_title = False
        if tag in ("script", "style") and self._script:
            self.scripts.append(tuple(self._script))
            self._script = None
        if tag == "article":
            self._article -= 1
            if self._article == 0:
                self._region = False

    def handle_data(self, data):
        if self._script is not None:
            self._script[2] += data
            return
        self.text.append(data)
        if self._region:
            self.region_text.append(data)
        if self._in_title:
            self.title.append(data)

    def handle_comment(self, data):
        self._token(("<!--",))
        if data.strip().startswith("factsheets:begin"):
            self._region = True

    def handle_decl(self, decl):
        self._token(("<!" + decl.split()[0].lower(),))

    def handle_pi(self, data):
        self._token(("<?",))

    def unknown_decl(self, data):
        self._token(("<![",))


def parse_page(path: str, html: str) -> Page:
    page = Page(path)
    page.feed(html)
    page.close()
    return page


def read_site(site: Path) -> dict[str, Page]:
    pages = {}
    for file in sorted(site.rglob("*.html")):
        path = file.relative_to(site).as_posix()
        path = path.removesuffix("index.html")
        pages[path] = parse_page(path, file.read_text(encoding="utf-8"))
    return pages


@dataclass(repr=False)
class Baseline:
    """The site built from harmless strings, to compare hostile builds with."""

    built: Built
    pages: dict[str, Page]
    attribute_values: dict[tuple[str, str], set[str]]
    external: set[str]
    fields_on: dict[str, set[str]]
    """For each page, the fields whose (unique, harmless) value its generated part shows."""
    search: list[dict] | None
    """MkDocs' search index, when the site uses the search plugin."""

    def __repr__(self) -> str:
        return f"Baseline({self.built.root})"

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis prints examples
        printer.text(repr(self))


HARMLESS = {name: f"Harmless {name.replace('_', ' ')} zq{i}z" for i, name in enumerate(FIELDS)}


def search_index(site: Path) -> list[dict] | None:
    index = site / "search/search_index.json"
    return json.loads(index.read_text(encoding="utf-8"))["docs"] if index.is_file() else None


def make_baseline(parent: Path) -> Baseline:
    built = build(parent, HARMLESS, f"https://{HOST}/harmless")
    pages = read_site(built.site)
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    external = set()
    for page in pages.values():
        for element in page.elements:
            for name, value in element.attrs:
                values[element.tag, name].add(value or "")
                if name in ("href", "src") and value and urlsplit(value).scheme:
                    external.add(value)
    external.discard(f"https://{HOST}/harmless")
    fields_on = {
        path: {
            name
            for name in FIELDS
            if f"zq{FIELDS.index(name)}z" in "".join(page.region_text)
            and not (name in QUOTE_FIELDS and path.startswith("sources/src"))
        }
        for path, page in pages.items()
    }
    return Baseline(built, pages, values, external, fields_on, search_index(built.site))


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Baseline:
    return make_baseline(tmp_path_factory.mktemp("baseline"))


# --- the checks ---------------------------------------------------------------------

SAFE_ID = re.compile(r"[A-Za-z0-9_:.\-]*", re.ASCII)
LINK_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "srcset", "data", "xlink:href"}


def check_link(built: Built, page: Page, tag: str, name: str, value: str, base: Baseline) -> None:
    where = f"{page.path or 'index'}: <{tag} {name}={value!r}>"
    if value in base.attribute_values[tag, name] and not value.startswith("#"):
        return  # a link the site has with harmless data too (theme, hand-written pages)
    if value.startswith("#"):
        assert SAFE_ID.fullmatch(value[1:]), f"{where}: fragment made from data"
        return
    parts = urlsplit(value)
    if parts.scheme or value.startswith("//"):
        if value in base.external:
            return
        assert (tag, name) == ("a", "href"), f"{where}: external resource"
        assert parts.scheme == "https" and parts.netloc == HOST, f"{where}: not the source url"
        assert page.path == "sources/src/", f"{where}: the source url outside the source page"
        assert unquote(value) == unquote(built.url), f"{where}: not the source url"
        return
    # Relative: must lead to a file of the site.
    target = urljoin(f"https://site/{page.path}", value)
    target_path = urlsplit(target).path.removeprefix("/")
    file = built.site / target_path
    assert file.is_file() or (file / "index.html").is_file(), f"{where}: leads nowhere"
    assert SAFE_ID.fullmatch(urlsplit(target).fragment), f"{where}: fragment made from data"


def check_attributes(built: Built, page: Page, base: Baseline, region_only: bool) -> None:
    for element in page.elements:
        if region_only and not element.region:
            continue
        for name, value in element.attrs:
            value = value or ""
            if name in LINK_ATTRIBUTES:
                check_link(built, page, element.tag, name, value, base)
            elif name in ("id", "for"):
                assert SAFE_ID.fullmatch(value), f"{page.path}: <{element.tag} {name}={value!r}>"
            elif name == "content" and head_key(element) is not None:
                continue  # a description or a title, from the data: check_head reads it
            else:
                assert value in base.attribute_values[element.tag, name], (
                    f"{page.path}: <{element.tag} {name}={value!r}> comes from the data"
                )


def check_source_text(built: Built, page: Page) -> None:
    """The source text: only the sentence markup, and each sentence shown literally."""
    for element in page.sentences:
        attrs = dict(element.attrs)
        if element.tag == "p":
            assert attrs == {}
        elif element.tag == "span" and attrs.get("class") == "fs-sentence":
            assert re.fullmatch(r"p\d+-s\d+", attrs.get("id") or ""), element
            assert set(attrs) == {"class", "id"}, element
        elif element.tag == "span" and "id" in attrs:  # a quote's anchor
            assert re.fullmatch(r"fs-qa(?: fs-qa\d+)?", attrs.get("class") or ""), element
            assert re.fullmatch(r"p\d+-s\d+-q\d+-\d+", attrs["id"]), element
            assert set(attrs) == {"class", "id"}, element
        elif element.tag == "span":  # quoted words
            assert re.fullmatch(r"fs-q\d+(?: fs-q\d+)*", attrs.get("class") or ""), element
            assert set(attrs) == {"class"}, element
        elif element.tag == "a" and attrs.get("class") == "fs-cited":
            assert re.fullmatch(r"#facts-p\d+-s\d+", attrs.get("href") or ""), element
            assert set(attrs) == {"class", "href"}, element
        elif element.tag == "a":
            assert attrs.get("class") == "fs-anchor", element
            assert re.fullmatch(r"#p\d+-s\d+", attrs.get("href") or ""), element
            assert attrs.get("title") == "Link to this sentence", element
            assert set(attrs) == {"class", "href", "title"}, element
        else:
            raise AssertionError(f"<{element.tag}> in the source text: {element}")
    shown = visible("".join(page.region_text))
    for sentence in split_sentences(source_text(built.values)):
        assert visible(sentence.text) in shown, f"sentence not shown: {sentence.text!r}"


def check_unique_ids(page: Page) -> None:
    """An id made from data (a heading's) must not take one the page already uses.

    The theme reads its settings with querySelector("#__config"), and footnotes point at
    sentences by id: a duplicate id hijacks them.
    """
    ids = Counter(
        value
        for element in [*page.elements, *page.sentences]
        for name, value in element.attrs
        if name == "id"
    )
    for element in page.elements:
        if element.region:
            for name, value in element.attrs:
                if name == "id":
                    assert ids[value] == 1, f"{page.path}: id {value!r} is used {ids[value]} times"


def shown_literally(name: str, value: str, shown: str) -> bool:
    """Descriptions are printed as sentences on fact sheets, as given in indexes."""
    if name.endswith("_description") and visible(as_sentence(value)) in shown:
        return True
    if name in CAPITALISED and capitalised(visible(value).strip()) in shown:
        return True
    return visible(value) in shown


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def check_generated_parts(built: Built, base: Baseline) -> None:
    """The generated part of every page: same elements as with harmless data, text literal."""
    pages = read_site(built.site)
    assert set(pages) == set(base.pages)
    for path, page in pages.items():
        expected = base.pages[path]
        if not expected.region_skeleton:
            continue  # not a generated page
        assert page.region_skeleton == expected.region_skeleton, (
            f"{path}: markup differs {difference(page.region_skeleton, expected.region_skeleton)}"
        )
        check_attributes(built, page, base, region_only=True)
        check_unique_ids(page)
        shown = visible("".join(page.region_text))
        for name in sorted(base.fields_on[path]):
            if path.startswith("sources/src") and name.endswith("_alias"):
                continue  # there it is source text, split into sentences: check_source_text
            value = built.values[name]
            assert shown_literally(name, value, shown), (
                f"{path}: {name} not shown literally: {visible(value)!r}"
            )
        if path.startswith("sources/src"):
            check_source_text(built, page)
        if path == "sources/src/":
            assert visible(built.url) in shown


def difference(got: list[tuple], want: list[tuple]) -> str:
    """Where two skeletons first differ, with a little context."""
    index = next(
        (i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b),
        min(len(got), len(want)),
    )
    return f"at element {index}: got {got[index : index + 3]}, expected {want[index : index + 3]}"


# The head: a page's description and title, in <meta> tags for search engines and
# OpenGraph, and its schema.org JSON-LD (generator/pages/meta.py), are the only places
# outside the article where a value of the data may be an attribute's value or a
# script's text. There each must read exactly as the value (as a reader sees it), where
# the same page built from harmless strings has the harmless value.

HEAD_CONTENT = re.compile(r"description|og:.*|twitter:.*")
"""<meta name=...> or <meta property=...> whose `content` may come from the data."""
JSON_LD = ("type", "application/ld+json")


def head_key(element: Element) -> str | None:
    """The name or property of a <meta> whose content may come from the data."""
    attrs = dict(element.attrs)
    key = attrs.get("name") or attrs.get("property")
    if element.tag != "meta" or key is None or not HEAD_CONTENT.fullmatch(key):
        return None
    return key


def not_json_ld(scripts: list[tuple]) -> list[tuple]:
    return [script for script in scripts if JSON_LD not in script[1]]


def hostile_form(harmless: str, built: Built) -> str:
    """A head value of the harmless site with each harmless value replaced by the one it
    stands for: a description as the fact sheet prints it (as a sentence), any other as
    it is; what a reader sees of it (`visible`)."""
    if harmless == f"https://{HOST}/harmless":
        return built.url
    for name in FIELDS:
        value = stored(name, built.values[name])
        if name.endswith("_description"):
            harmless = harmless.replace(as_sentence(HARMLESS[name]), as_sentence(value))
        harmless = harmless.replace(HARMLESS[name], value)
    return visible(harmless)


def reads_as(got: str, harmless: str, built: Built, where: str, trimmed: bool) -> None:
    """`got` reads as the hostile form of `harmless`; a description may be cut short,
    after a word, with an ellipsis."""
    wanted, seen = hostile_form(harmless, built), visible(got)
    if trimmed and seen != wanted:
        assert len(got) <= DESCRIPTION_LENGTH, f"{where}: {len(got)} characters"
        assert seen.endswith("…") and wanted.startswith(seen[:-1].rstrip()), (
            f"{where}: {seen!r} is not the start of {wanted!r}"
        )
        return
    assert seen == wanted, f"{where}: reads {seen!r} where it must read {wanted!r}"


def check_head(built: Built, page: Page, expected: Page) -> None:
    def contents(page: Page) -> dict[str, str]:
        found = {}
        for element in page.elements:
            key = head_key(element)
            if key is not None:
                assert key not in found, f"{page.path}: two <meta> {key}"
                found[key] = dict(element.attrs).get("content") or ""
        return found

    got, want = contents(page), contents(expected)
    assert got.keys() == want.keys(), f"{page.path}: <meta> tags differ"
    for key, value in got.items():
        trimmed = key.endswith("description")
        reads_as(value, want[key], built, f"{page.path} <meta {key}>", trimmed)
    scripts = [script[2] for script in page.scripts if JSON_LD in script[1]]
    harmless = [script[2] for script in expected.scripts if JSON_LD in script[1]]
    assert len(scripts) == len(harmless), f"{page.path}: JSON-LD scripts differ"
    for text, harmless_text in zip(scripts, harmless, strict=True):
        # Jinja's |tojson writes <, >, & and ' as \u escapes: nothing closes the script.
        assert not re.search(r"[<>&']", text), f"{page.path}: JSON-LD with markup characters"
        check_json(json.loads(text), json.loads(harmless_text), built, f"{page.path} JSON-LD")


def check_json(got: object, want: object, built: Built, where: str) -> None:
    """The same JSON as the harmless site's, each harmless value replaced (`reads_as`)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), f"{where}: keys differ"
        for key in want:
            check_json(got[key], want[key], built, f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: lengths differ"
        for index, (one, other) in enumerate(zip(got, want, strict=True)):
            check_json(one, other, built, f"{where}[{index}]")
    elif isinstance(want, str):
        assert isinstance(got, str), where
        if not where.endswith("description"):
            # Names, headlines: plain text, as a reader sees it, and nothing else.
            assert got == visible(got), f"{where}: {got!r} is not plain text"
        reads_as(got, want, built, where, trimmed=where.endswith("description"))
    else:
        assert got == want, where


def check_whole_site(built: Built, base: Baseline) -> None:
    """Every page, theme included: title, header, tags page, 404; and the search index."""
    pages = read_site(built.site)
    for path, page in pages.items():
        expected = base.pages[path]
        assert page.skeleton == expected.skeleton, (
            f"{path or 'index'}: markup differs {difference(page.skeleton, expected.skeleton)}"
        )
        assert not_json_ld(page.scripts) == not_json_ld(expected.scripts), f"{path}: scripts differ"
        check_head(built, page, expected)
        assert not page.tags_in_title, f"{path}: elements in <title>: {page.tags_in_title}"
        check_attributes(built, page, base, region_only=False)
        if path in TITLES:
            title = visible("".join(page.title))
            wanted = visible(built.values[TITLES[path]]) + " - " + SITE_NAME
            assert title == wanted, f"{path}: <title> is not the literal name"
    search = search_index(built.site)
    if base.search is None:
        assert search is None
        return
    assert search is not None and len(search) == len(base.search)
    for doc, harmless in zip(search, base.search, strict=True):
        for key in ("title", "text"):
            got = parse_page(doc["location"], doc[key])
            want = parse_page(harmless["location"], harmless[key])
            assert got.skeleton == want.skeleton, f"search index {doc['location']} {key}"


# --- hostile strings ----------------------------------------------------------------

FRAGMENTS = [
    "<script>alert(1)</script>",
    "</title><script>alert(2)</script>",
    '<img src=x onerror="alert(3)">',
    "<a href='javascript:alert(4)'>x</a>",
    "<svg onload=alert(5)>",
    "<iframe src=//evil.example>",
    "<style>*{display:none}</style>",
    "<b>bold</b>",
    "<div markdown>*md*</div>",
    "<!-- comment -->",
    "-->",
    "<",
    ">",
    "&",
    "&lt;b&gt;",
    "&amp;",
    "&#60;script&#62;",
    "&nbsp;",
    "[link](javascript:alert(6))",
    "[link](http://evil.example)",
    "[ref][1]",
    "\n[1]: http://evil.example\n",
    "![image](http://evil.example/i.png)",
    "<http://evil.example>",
    "<mail@evil.example>",
    "https://evil.example/bare",
    "[^1]",
    "\n[^1]: footnote\n",
    "| a | b |",
    "\n|---|---|\n",
    "|",
    "---",
    "\n---\n",
    "\n\n",
    "title: injected",
    '{: onclick="alert(7)" }',
    "{: #id .class }",
    "{ .class }",
    "`code`",
    "```",
    "~~~",
    "    indented",
    "*em*",
    "**strong**",
    "_under_",
    "~~del~~",
    "==mark==",
    "^sup^",
    "$x$",
    ":smile:",
    ":fontawesome-brands-github:",
    "# heading",
    "## heading",
    "- item",
    "+ item",
    "* item",
    "1. item",
    "2) item",
    "> quote",
    "!!! note",
    "??? note",
    "*[HTML]: Hyper",
    ": definition",
    "\\",
    "\\<b>",
    "\\\n",
    "  \n",
    "\u2028",
    "\u2029",
    "\x85",
    "\x00",
    "\x07",
    "\x0b\x0c",
    "\x1b[31m",
    "\x7f",
    "\x80",
    "\x9f",
    "\r\n",
    "\r",
    "\t",
    "\ufeff",
    "\u200b",
    "\u202e",
    "\ufffe",
    # Bidirectional controls: embeddings and overrides, isolates, marks.
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\u200e",
    "\u200f",
    "\u061c",
    "\u202e)1(\u202c",
    "abc\u2067xyz",
    # Zero-width characters.
    "\u200b\u200c\u200d\u2060\ufeff",
    "👨\u200d👩\u200d👧",
    # Right-to-left text, which reorders the neutrals and numbers around it.
    "שלום",
    "مرحبا ١٢٣",
    "(ע) 1",
    # C0 and C1 controls.
    *map(chr, range(0x00, 0x20)),
    *map(chr, range(0x7F, 0xA0)),
    "{{ config }}",
    "{% raw %}",
    "'",
    '"',
    "“”‘’",
    "…",
    "—",
    "🙂",
    "日本語",
    "﷽",
]

_fragment = st.one_of(st.sampled_from(FRAGMENTS), st.text(min_size=1, max_size=6))
hostile = st.lists(_fragment, min_size=1, max_size=5).map("".join)
"""A hostile string: hostile fragments and random text, in any order."""


def _text(value: str) -> str | None:
    """The value if the schema accepts it as text (some visible character)."""
    visible = any(unicodedata.category(c)[0] not in "CZ" for c in value)
    return value if visible else None


YAML_UNSAFE = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")
"""Characters YAML only accepts escaped, which break a page's front matter (a known bug,
covered by the whole-site tests): kept out of titles in the generated-part tests."""


def _values(draw, *, titles_yaml_safe: bool) -> dict[str, str]:
    values = {}
    for name in TEXT_FIELDS:
        strings = hostile
        if titles_yaml_safe and name in TITLES.values():
            strings = strings.map(lambda v: YAML_UNSAFE.sub("", v))
        values[name] = draw(strings.map(_text).filter(lambda v: v is not None))
        if name.endswith("_alias"):
            # Tagged too: its citation quotes the text where it first occurs, in any case.
            values[name] = f"alias{len(values)} {values[name]}"
    for index, name in enumerate(QUOTE_FIELDS, 1):
        # Each quote ends with its own tag, so that no two quotes are the same claim.
        values[name] = draw(hostile) + f" quote{index}"
    return values


URL_FRAGMENTS = [
    "a",
    "x?y=1&z=2",
    "#frag",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    '"',
    "'",
    "`",
    "\\",
    "{",
    "}",
    "|",
    "^",
    "%20",
    "%3Cscript%3E",
    "javascript:alert(1)",
    '"onmouseover="alert(1)',
    "'><script>alert(1)</script>",
    "](javascript:alert(1))",
    "_x_",
    "*x*",
]
urls = st.lists(
    st.one_of(
        st.sampled_from(URL_FRAGMENTS),
        st.text(st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), max_size=4),
    ),
    max_size=6,
).map(lambda parts: f"https://{HOST}/" + "".join(parts))


@st.composite
def projects(draw, avoid_known_bugs: bool = False) -> tuple[dict[str, str], str]:
    """Values for every field, and a source URL.

    With `avoid_known_bugs`, titles hold no character that breaks front matter and the
    URL no `|` or `'` (see the xfail tests below), so that the other checks keep running.
    """
    url = draw(urls)
    assume(not re.search(r"\s", url))
    if avoid_known_bugs:
        url = url.replace("|", "").replace("'", "")
    values = _values(draw, titles_yaml_safe=avoid_known_bugs)
    # Values that are one value (two names of a1 that are the same name, a count's time the
    # figures place first) would make another site, not the same site with other words.
    assume(len({_same(name, value) for name, value in values.items()}) == len(values))
    assume(values["figure_as_of"].casefold().strip() not in EARLY_WORDS)
    return values, url


def _same(name: str, value: str) -> str:
    """What two values that are one value have in common."""
    try:
        value = stored(name, value)
    except ValueError:
        return value  # (rejected when written, if PyYAML changed it)
    return normalize(visible(value)).casefold()


PROPERTY = settings(
    max_examples=20,
    deadline=None,
    phases=[
        Phase.explicit,
        Phase.reuse,
        Phase.generate,
    ],  # no shrinking: each example builds a site
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    report_multiple_bugs=False,
)


# --- the tests ----------------------------------------------------------------------


def test_the_baseline_shows_every_field(baseline):
    """The comparison is only as good as the baseline: every field shows somewhere."""
    shown = set().union(*baseline.fields_on.values())
    assert shown == set(FIELDS)
    assert {"actor_name", "actor_alias", "actor_description"} <= baseline.fields_on["actors/a1/"]
    assert "source_author" in baseline.fields_on["sources/src/"]
    check_generated_parts(baseline.built, baseline)


CATALOGUE = {name: "".join(FRAGMENTS[i::5]) for i, name in enumerate(TEXT_FIELDS)}
CATALOGUE |= {name: YAML_UNSAFE.sub("", CATALOGUE[name]) for name in TITLES.values()}
CATALOGUE |= {name: "".join(FRAGMENTS[i::4]) + f" q{i + 1}" for i, name in enumerate(QUOTE_FIELDS)}
CATALOGUE_URL = f"https://{HOST}/" + "".join(URL_FRAGMENTS).replace("|", "").replace("'", "")


def test_every_hostile_fragment_renders_as_text_in_generated_pages(tmp_path, baseline):
    """All the fragments at once, deterministically: an easy first test to debug."""
    check_generated_parts(build(tmp_path, CATALOGUE, CATALOGUE_URL), baseline)


@PROPERTY
@given(project=projects(avoid_known_bugs=True))
def test_hostile_strings_render_as_text_in_generated_pages(tmp_path, baseline, project):
    values, url = project
    check_generated_parts(build(tmp_path, values, url), baseline)


@PROPERTY
@given(project=projects())
def test_hostile_strings_never_become_markup_anywhere_on_the_site(tmp_path, baseline, project):
    values, url = project
    check_whole_site(build(tmp_path, values, url), baseline)


@pytest.mark.parametrize(
    "name",
    [
        "</title><script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "Caf\x80 <b>bold</b>",
        "Tab\x7f <i>x</i>",
    ],
    ids=["closes-title", "img-onerror", "c1-control", "del"],
)
def test_an_entity_name_cannot_inject_markup_into_the_page_chrome(tmp_path, baseline, name):
    values = dict(HARMLESS, actor_name=name, event_title=name, source_title=name)
    check_whole_site(build(tmp_path, values, f"https://{HOST}/harmless"), baseline)


def test_event_aliases_are_shown(baseline):
    assert "event_alias" in baseline.fields_on["events/e1/"]


@pytest.mark.parametrize("path", ["search?q=a|b", "a|b|c"])
def test_a_url_with_a_pipe_keeps_its_link_and_table(tmp_path, baseline, path):
    check_generated_parts(build(tmp_path, HARMLESS, f"https://{HOST}/{path}"), baseline)


@pytest.mark.parametrize("path", ["a'b'", "'><script>alert(1)</script>'", "search?q='drone'"])
def test_a_url_with_apostrophes_keeps_its_link(tmp_path, baseline, path):
    check_generated_parts(build(tmp_path, HARMLESS, f"https://{HOST}/{path}"), baseline)


@pytest.mark.parametrize(
    ("field", "value"),
    [("actor_name", "__config"), ("source_title", "P2 S1"), ("event_title", "__drawer")],
)
def test_a_name_cannot_take_an_id_the_page_already_uses(tmp_path, baseline, field, value):
    values = dict(HARMLESS, **{field: value})
    check_generated_parts(build(tmp_path, values, f"https://{HOST}/harmless"), baseline)


def test_the_whole_site_is_clean_with_harmless_strings(baseline):
    """The whole-site check itself passes on the baseline (so its failures mean something)."""
    check_whole_site(baseline.built, baseline)


# --- every value reads back as itself, wherever a page prints it ---------------------
#
# In process, without MkDocs: both sources are generated and every page converted with
# the site's Markdown extensions (conftest.to_html). Each page's text must be the text of
# the same page made from harmless values, with every harmless value replaced by what a
# reader sees of the hostile one (`reads`): the generator's escaping never shows through
# (a backslash, an entity), nothing is lost, nothing is added.

READ_BACK = {name: f"harmless {name.replace('_', ' ')} zq{i}z" for i, name in enumerate(FIELDS)}
"""In lower case, so that a description printed as a sentence ("Harmless ... zq5z.") and
a capitalised measure are told from values printed as given."""
READ_BACK_URL = f"https://{HOST}/harmless-zq{len(FIELDS)}z"
READ_BACK_FOLDERS = ("1-harmless-zq90z", "2-harmless-zq91z")
READ_BACK_FILE = "harmless-zq92z.txt"
_LABEL = re.compile(r"¶\d+\.\d+")
_SOURCE_TEXT = re.compile(r'<div class="fs-source">.*?</div>', re.S)
_FACTS_TABLE = re.compile(r'<h2 id="fs-facts">.*?(?=<h3)', re.S)
"""A source's facts, a row per sentence and fact sheet: grouped as the text's sentences
are, so compared fact by fact (`_fact_lines`)."""


def _without_text(html: str) -> str:
    return _FACTS_TABLE.sub("", _SOURCE_TEXT.sub("", html))


def _fact_lines(html: str) -> list[str]:
    """Each fact of a source's table of facts, with its fact sheet, as HTML."""
    lines = []
    for div in _FACTS_TABLE.findall(html):
        for row in re.findall(r"<tr>(.*?)</tr>", div, re.S)[1:]:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            lines += [f"{cells[1]} | {fact}" for fact in re.split(r"<br ?/?>", cells[2])]
    return lines


def reads(text: str) -> str:
    """What a reader sees of a value, as `generator/pages/markup.py` states it (written
    again here, not imported): control characters as spaces and runs of whitespace as one,
    no embeddings, overrides or isolates of its own, and the value wrapped in an isolate
    (U+2068 … U+2069) when it has right-to-left characters."""
    text = re.sub(r"\s+", " ", _CONTROL.sub(" ", _DIRECTIONAL.sub("", text)))
    if any(unicodedata.bidirectional(c) in ("R", "AL", "AN") for c in text):
        return f"\u2068{text}\u2069"
    return text


_STORED = {"text": TypeAdapter(schema.Text), "quote": TypeAdapter(schema.Quote)}


def stored(name: str, value: str) -> str:
    """A field's value as the summary format reads it (without surrounding whitespace)."""
    return _STORED["quote" if name in QUOTE_FIELDS else "text"].validate_python(value)


def _printed_forms(name: str, value: str) -> list[tuple[str, str]]:
    """(harmless text, what a reader must see instead) for each way a field is printed."""
    harmless = READ_BACK[name]
    value = stored(name, value)
    forms = []
    if name.endswith("_alias"):
        # An alias is cited in the source's words where the text uses it: as the text
        # reads once compared (`normalize`: typographic quotes and dashes plain...).
        forms.append((f"“{harmless}”", f"“{reads(normalize(value))}”"))
    if name.endswith("_description"):
        forms.append((as_sentence(harmless), reads(as_sentence(value))))
    if name in CAPITALISED:
        forms.append((capitalised(harmless), reads(capitalised(value))))
    return [*forms, (harmless, reads(value))]


def _page_text(html: str) -> str:
    page = parse_page("", html)
    return " ".join("".join(page.text).split())


def render_read_back(
    root: Path, values: dict[str, str], url: str, folders: tuple[str, str], file: str
) -> dict[str, tuple[RenderedPage, str]]:
    """Every page of the project (its Markdown, and its HTML) by path."""
    project = FictionalProject(root)
    write_seeds(project.root / "seeds", values, url, folders, file)
    return {page.path: (page, to_html(page.body)) for page in render(project.kb())}


def _harmless_pages(root: Path) -> dict[str, tuple[RenderedPage, str]]:
    return render_read_back(root, READ_BACK, READ_BACK_URL, READ_BACK_FOLDERS, READ_BACK_FILE)


@pytest.fixture(scope="module")
def harmless_pages(tmp_path_factory) -> dict[str, tuple[RenderedPage, str]]:
    return _harmless_pages(tmp_path_factory.mktemp("read-back"))


def test_the_read_back_baseline_prints_every_field(harmless_pages) -> None:
    """Every field, the URL and the text file's path are on some page; every page prints
    some field (so the comparison below compares something)."""
    text = " ".join(_page_text(html) for _, html in harmless_pages.values())
    tokens = set(re.findall(r"zq(\d+)z", text))
    assert tokens == {str(i) for i in [*range(len(FIELDS) + 1), 90, 91, 92]}


def expected_text(harmless_html: str, values: dict[str, str], url: str, paths: list[str]) -> str:
    """A harmless page's text with each harmless value replaced by what a reader must see."""
    text = _page_text(_without_text(harmless_html))
    for name, value in values.items():
        for harmless, wanted in _printed_forms(name, value):
            text = text.replace(harmless, wanted)
    text = text.replace(READ_BACK_URL, reads(url))
    harmless_paths = [f"seeds/{READ_BACK_FOLDERS[0]}/{READ_BACK_FILE}"]
    harmless_paths.append(f"seeds/{READ_BACK_FOLDERS[1]}/source.txt")
    for harmless, path in zip(harmless_paths, paths, strict=True):
        text = text.replace(harmless, reads(path).strip(" "))
    for name, value in values.items():
        token = READ_BACK[name].rpartition(" ")[2]
        assert value == READ_BACK[name] or token not in text, f"{name} printed in another form"
    return " ".join(text.split())


def check_read_back(
    harmless: dict[str, tuple[RenderedPage, str]],
    pages: dict[str, tuple[RenderedPage, str]],
    values: dict[str, str],
    url: str,
    folders: tuple[str, str],
    file: str,
) -> None:
    assert set(pages) == set(harmless)
    paths = [f"seeds/{folders[0]}/{file}", f"seeds/{folders[1]}/source.txt"]
    for path, (_, html) in pages.items():
        want = _LABEL.sub("¶", expected_text(harmless[path][1], values, url, paths))
        got = _LABEL.sub("¶", _page_text(_without_text(html)))
        if got != want:
            at = next(
                (i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), len(got)
            )
            raise AssertionError(
                f"{path}: reads\n  {got[max(0, at - 80) : at + 80]!r}\nwhere it must read\n"
                f"  {want[max(0, at - 80) : at + 80]!r}"
            )
        if path.startswith("sources/src"):
            # Its facts: every one as the harmless page has it, values read back.
            harmless_facts = _fact_lines(harmless[path][1])
            assert harmless_facts, path
            assert {_page_text(line) for line in _fact_lines(html)} == {
                expected_text(line, values, url, paths) for line in harmless_facts
            }, path
            # The source's text, sentence by sentence, as the same rules show it.
            [div] = _SOURCE_TEXT.findall(html)
            sentences = split_sentences(source_text(values))
            shown = " ".join(f"{s.label} {reads(s.text)}" for s in sentences)
            # (Without the links after sentences to the facts citing them.)
            div = re.sub(r'<a class="fs-cited" href="#[^"]*">[^<]*</a>', "", div)
            assert _page_text(div) == " ".join(shown.split()), path
        if path == "sources/src.md":
            hrefs = [
                value
                for element in parse_page(path, html).elements
                for name, value in element.attrs
                if name == "href" and value and value.startswith("http")
            ]
            assert [unquote(href) for href in hrefs] == [unquote(url)]


_FOLDER = st.text(st.sampled_from([*"ab_*`|\\<&>-.#[]()!~ ", "ש", "é", "\u202e"]), max_size=8)
_FILE = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,12}\Z")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(project=projects(), folders=st.tuples(_FOLDER, _FOLDER), file=_FILE)
def test_every_value_reads_back_as_itself_wherever_a_page_prints_it(
    tmp_path_factory, harmless_pages, project, folders, file
) -> None:
    values, url = project
    folders = (f"1{folders[0]}", f"2{folders[1]}")
    pages = render_read_back(tmp_path_factory.mktemp("read-back"), values, url, folders, file)
    check_read_back(harmless_pages, pages, values, url, folders, file)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor_name", "my_article.txt *not em* [x](javascript:alert(1)) &amp; <b>"),
        ("source_title", "Caf\x80\x9b[31m \x1b tab\tend"),
        ("event_title", "abc\u202egnp.exe \u2067x\u2069 \u202bembedded\u202c"),
        ("location_name", "שלום 123 (ע)"),
        ("statement_summary", "zero\u200bwidth\u200c\u200d\u2060\ufeff 👨\u200d👩\u200d👧"),
        ("figure_counted", "mIXED Case counted"),
    ],
    ids=["markdown", "controls", "bidi-controls", "right-to-left", "zero-width", "capitals"],
)
def test_a_value_reads_back_as_itself(tmp_path, harmless_pages, field, value) -> None:
    values = dict(READ_BACK, **{field: value})
    folders, file = ("1 a_b `c` |d|", "2-x"), "my_article.txt"
    pages = render_read_back(tmp_path, values, READ_BACK_URL, folders, file)
    check_read_back(harmless_pages, pages, values, READ_BACK_URL, folders, file)


def test_a_file_name_shows_as_it_is() -> None:
    """`file: my_article.txt` once read `my\\_article.txt`: escaped inside a code span."""
    html = to_html(
        f"| Source | |\n|:--|:--|\n| Text | {markup.code('seeds/my_src/my_article.txt')} |"
    )
    assert "<code>seeds/my_src/my_article.txt</code>" in html


@pytest.mark.parametrize(
    "text",
    ["a`b", "`a", "b`", "``", "a|b", "a\\|b", "\\", "a\\`b", " a ", "<b>&amp;", "*x* _y_", "[^1]"],
)
def test_inline_code_reads_back_as_itself_in_a_table(text) -> None:
    html = to_html(f"| a | b |\n|:--|:--|\n| Text | {markup.code(text)} |\n| x | y |\n")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert cells == ["Text", f"<code>{escape_html(text.strip(), quote=False)}</code>", "x", "y"]


# --- a site's own template: data stays text -------------------------------------------

HOSTILE_VALUE = "[x](javascript:alert(1)) <img src=x onerror=alert(2)> *em* \"q\" 'a'"


def test_a_site_template_cannot_make_data_live_with_e_or_safe(tmp_path) -> None:
    """`{{ value|e }}` and `{{ value|safe }}` (jinja's `Markup`) print the value as text."""
    project = FictionalProject(tmp_path / "project")
    write_seeds(
        project.root / "seeds", dict(READ_BACK, actor_name=HOSTILE_VALUE), READ_BACK_URL, ("1", "2")
    )
    templates = project.root / "templates"
    templates.mkdir()
    (templates / "actor.md.j2").write_text(
        "# {{ entity.name|e }}\n\n"
        "E: {{ entity.name|e }}\n\n"
        "Escape: {{ entity.name|escape }}\n\n"
        "Safe: {{ entity.name|safe }}\n\n"
        "Forced: {{ entity.name|forceescape }}\n\n"
        "Json: {{ entity.name|tojson }}\n\n"
        '<span title="{{ entity.name|e }}">attribute</span>\n\n'
        "Link: {{ link(entity.id) }}{{ cite(entity.mentions.first) }}\n\n"
        "{{ footnotes() }}\n",
        encoding="utf-8",
    )
    page = next(p for p in render(project.kb(), templates) if p.path == "actors/a1.md")
    html = to_html(page.body)
    parsed = parse_page("", html)
    assert [e.tag for e in parsed.elements] == [
        *["h1", "p", "p", "p", "p", "p", "p", "span", "p", "a", "sup", "a"],
        *["div", "hr", "ol", "li", "p", "a", "a"],
    ]
    hrefs = [value for e in parsed.elements for name, value in e.attrs if name == "href"]
    assert not [href for href in hrefs if "javascript" in (href or "")]
    text = _page_text(html)
    for label in ("E:", "Escape:", "Safe:", "Forced:"):
        assert f"{label} {HOSTILE_VALUE}" in text
    assert f"{HOSTILE_VALUE}" in text.split(" E: ")[0]  # the heading
    [span] = [e for e in parsed.elements if e.tag == "span"]
    # In an attribute, which Markdown leaves alone, the value stays one attribute's text
    # (its Markdown escapes show there: `|e` is for Markdown, not for HTML the template writes).
    [(name, title)] = span.attrs
    assert (name, title.replace("\\", "")) == ("title", HOSTILE_VALUE)


def test_a_markup_value_is_escaped_as_text() -> None:
    from markupsafe import Markup

    hostile = Markup("[x](javascript:alert(1)) **b**")
    assert markup.escape(hostile) == "\\[x\\](javascript:alert(1)) \\*\\*b\\*\\*"
    assert type(markup.escape(hostile)) is markup.Md
    assert markup.escape(markup.Md("**b**")) == "**b**"


def test_the_url_filter_makes_no_markup_and_no_scheme_of_other_text() -> None:
    assert markup.url("https://example.com/a_b*c") == "https://example.com/a\\_b\\*c"
    assert markup.url("javascript:alert(1)") == "javascript%3Aalert%281%29"
    assert (
        markup.url("https://example.com/\u202e\x85 x") == "https://example.com/%E2%80%AE%C2%85%20x"
    )
    html = to_html(
        f"{markup.url('https://e.com/*a*_b_')} [l]({markup.url('https://e.com/*a*_b_')})"
    )
    assert html == '<p>https://e.com/*a*_b_ <a href="https://e.com/*a*_b_">l</a></p>'


# --- URLs: only http(s) --------------------------------------------------------------

SUMMARY = "seeds/cbs-baghdad-drone-strike/summary.yaml"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        " javascript:alert(1)",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/x",
        "ftp://example.com/article",
        "https://",
        "https:// example.com",
        "http://exa mple.com/",
    ],
)
def test_only_http_and_https_urls_are_accepted(project, cli, url):
    summary_file = project / SUMMARY
    text = summary_file.read_text(encoding="utf-8")
    summary_file.write_text(
        text.replace("  language: en\n", f"  url: {json.dumps(url)}\n  language: en\n"),
        encoding="utf-8",
    )
    before = {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()}

    result = cli("-C", project, "generate")

    assert result.exit_code == 1
    assert result.output == (
        f"Error: {SUMMARY}:16: source.url: {url!r} must be an http:// or https:// URL\n"
        "1 problem found; nothing was written.\n"
    )
    assert {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()} == before
