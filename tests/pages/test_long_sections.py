"""Fact sheets stay small: a page over budget shows the first rows of its long sections
and links to pages that list every row; a fact shows a few footnote marks and a count."""

from __future__ import annotations

import re

import pytest

from bench import synth
from generator.common.project import Project, page_continued
from generator.knowledge.model import KnowledgeBase
from generator.pages import budget, markup
from generator.pages.page import Page
from generator.pages.render import Renderer
from generator.pipeline import knowledge_base

SMALL_INDEX = budget.Budget(10_000, 100, (50, 20, 10))
"""An index budget this corpus of 300 fact sheets overflows, as 10,000 overflow the real one."""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = synth.write_project(synth.synthesise(300, seed=3), tmp_path_factory.mktemp("long"))
    return knowledge_base(Project.at(root))[0]


@pytest.fixture(scope="module")
def pages(kb: KnowledgeBase) -> dict[str, Page]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(budget, "INDEX", SMALL_INDEX)
        return {page.path: page for page in Renderer(kb).pages()}


def test_long_indexes_show_their_first_rows_and_continue_numbered(pages) -> None:
    shown = re.search(r"\*The first (\d+) of ", pages["events/index.md"].body)
    assert shown is not None and int(shown[1]) in SMALL_INDEX.rows_shown
    timeline = [path for path in pages if path.startswith("events/index.timeline")]
    assert len(timeline) > 1
    for path in timeline:
        body = pages[path].body
        first = re.search(r" · ([\d,]+)–[\d,]+ of", body)[1]
        assert f"\n| {first} | " in body  # the timeline's numbers go on from page to page
        assert len(body) <= SMALL_INDEX.characters + 1000  # heading, pagers
    # An index's sections are cut like a fact sheet's: by kind, largest first.
    assert any(path.startswith("actors/index.kind-") for path in pages)


def test_the_statements_index_continues_speaker_by_speaker(pages, kb) -> None:
    statement_ids = re.compile(r'<span id="st-([^"]+)"></span>')
    first = statement_ids.findall(pages["statements/index.md"].body)
    assert 0 < len(first) < len(kb.statements)
    parts = [path for path in pages if path.startswith("statements/index.speakers")]
    assert len(parts) > 1
    listed = [i for path in parts for i in statement_ids.findall(pages[path].body)]
    assert sorted(listed) == sorted(kb.statements)  # each once, the first page's included
    said_by: dict[str, set[str]] = {}
    for statement in kb.statements.values():
        said_by.setdefault(statement.speaker, set()).add(statement.id)
    for path in parts:
        # A speaker's statements are never split between pages.
        body = pages[path].body
        speakers = re.findall(r"^## .* \{ #speaker-(\S+) \}$", body, re.MULTILINE)
        assert speakers
        assert set(statement_ids.findall(body)) == set().union(*(said_by[s] for s in speakers))


def test_pages_over_budget_are_cut_and_continue_on_pages_listing_every_row(pages) -> None:
    parts = [path for path in pages if page_continued(path) != path]
    assert len(parts) > 10
    for path in parts:
        parent, _, rest = path.removesuffix(".md").partition(".")
        key = rest.rsplit("-", 1)[0] if rest[-1].isdigit() else rest
        assert page_continued(path) == f"{parent}.md" in pages
        first = f"{parent.rpartition('/')[2]}.{key}.md"
        assert f"]({first})" in pages[f"{parent}.md"].body, (path, first)
        # The pager links back to the fact sheet and says which rows this page lists.
        assert f"]({parent.rpartition('/')[2]}.md) · " in pages[path].body
        assert re.search(r" · \d+–\d+ of \d+", pages[path].body)


def number(text: str) -> int:
    """A count as pages print it: "1,783"."""
    return int(text.replace(",", ""))


def test_every_rows_page_together_lists_every_row(pages) -> None:
    cuts = set()
    for path, page in pages.items():
        for shown, total, link in re.findall(
            r"\*The first (\d*) ?of ([\d,]+)\.\* \[See all [\d,]+ →\]\(([^)]+)\)", page.body
        ):
            shown = shown or "1"  # "The first of 42."
            cuts.add(int(shown))
            folder = path.rpartition("/")[0]
            first = f"{folder}/{link}"
            counts = []
            name = first
            while name:
                ranges = re.search(r" · ([\d,]+)–([\d,]+) of ([\d,]+)", pages[name].body)
                assert ranges is not None and number(ranges[3]) == number(total)
                counts.append(number(ranges[2]) - number(ranges[1]) + 1)
                following = re.search(r"\[Next →\]\(([^)]+)\)", pages[name].body)
                name = f"{folder}/{following[1]}" if following else ""
            assert sum(counts) == number(total) > int(shown)
    assert {5, 10} <= cuts  # the corpus has pages that need the deepest cuts


def test_the_largest_sections_are_cut_first(pages) -> None:
    """A page over budget because of one long list keeps its shorter lists whole: some
    page shows a section of more rows than it leaves in a section it cuts."""

    def rows(section: str) -> int:
        lines = section.splitlines()
        table = [line for line in lines if line.startswith("| ")]
        items = [line for line in lines if line.startswith(("- ", "> "))]
        return max(len(table) - 1, 0) + len(items)  # a table's first line is its header

    found = False
    for path, page in pages.items():
        if page_continued(path) != path or "*The first" not in page.body:
            continue
        sections = page.body.split("\n## ")[1:]
        cut = [s for s in sections if "*The first" in s]
        whole = [rows(s) for s in sections if s not in cut]
        shown_in_cut = [int(m or 1) for s in cut for m in re.findall(r"\*The first (\d*) ?of", s)]
        found |= bool(whole) and max(whole) > min(shown_in_cut)
    assert found


def test_continuation_pages_hold_as_many_rows_as_fit_in_the_budget(pages) -> None:
    rows_on_page = []
    for path, page in pages.items():
        if page_continued(path) == path:
            continue
        first, last = (number(n) for n in re.search(r" · ([\d,]+)–([\d,]+) of", page.body).groups())
        rows_on_page.append(last - first + 1)
        # Heading and pager aside, rows and their footnotes fit (a single row always does).
        rows = [line for line in page.body.splitlines() if not line.startswith(("# ", "["))]
        footnotes = [line for line in page.body.splitlines() if line.startswith("[^")]
        index = page_continued(path).endswith("/index.md")
        limit = SMALL_INDEX.characters if index else budget.PAGE_BUDGET
        if last > first:
            assert len("\n".join(rows + footnotes)) <= limit, path
    # Short rows (a list of sources) share pages; long ones (statements) take more of them.
    assert max(rows_on_page) > 10 and min(rows_on_page) < 10


def test_every_footnote_mark_has_its_definition_and_every_definition_a_mark(pages) -> None:
    for path, page in pages.items():
        marks = set(re.findall(r"\[\^fs-(\d+)\](?!:)", page.body))
        defined = set(re.findall(r"^\[\^fs-(\d+)\]:", page.body, re.M))
        assert marks == defined, path


def test_a_fact_shows_a_few_marks_and_counts_the_other_citations(pages) -> None:
    counted = 0
    for page in pages.values():
        for marks, more in re.findall(
            r"((?:\[\^fs-\d+\](?:<sup class=\"fs-sep\">,</sup>)?)+)"
            r"<sup class=\"fs-more\" title=\"(\d+) more citations\">\+\2</sup>",
            page.body,
        ):
            assert marks.count("[^") == markup.MARKS_PER_FACT
            assert int(more) > 0
            counted += 1
    assert counted > 10


def test_a_small_page_is_whole(pages) -> None:
    small = [p for p in pages.values() if len(p.body) < budget.PAGE_BUDGET / 2]
    assert small and not any("[See all" in p.body for p in small)
