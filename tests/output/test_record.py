"""The record of the last run and the caches: one record, written whole, whose first line is
all a run with nothing to do parses; caches that only ever spare work, never change a page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import copy_project, snapshot

from generator import pipeline
from generator.common.project import HOME_PAGE, Project
from generator.data import catalogue, explore
from generator.data.account import FACT_SHEETS
from generator.output import cache, record
from generator.output.cache import Caches, Memo
from generator.sources.text import SourceText


@pytest.fixture
def demo(tmp_path: Path) -> Project:
    """The demo project, generated once (its record written)."""
    project = Project.at(copy_project(tmp_path / "project"))
    pipeline.generate(project)
    return project


def rewrite_first_summary(project: Project) -> Path:
    """The demo's summary with a new description: every page that shows it changes."""
    summary = next(project.seeds.glob("*/summary.yaml"))
    text = summary.read_text(encoding="utf-8")
    summary.write_text(text.replace("description: ", "description: Newly described, ", 1), "utf-8")
    return summary


def test_a_run_records_what_it_produced_in_one_file_of_two_lines(demo: Project) -> None:
    head, tail = (demo.root / record.RECORD_FILE).read_text(encoding="utf-8").splitlines()
    last = record.read(demo.root)

    assert last is not None and last.history is not None
    assert set(json.loads(head)) == {"inputs", "listing", "files"}
    assert set(json.loads(tail)) == {"code", "sources", "pages"}
    pages = sorted(path for path in last.files if path.endswith(".md"))
    # The demo's pages are all generated (the home page, out of the generated folders'
    # listing, for its "at a glance" section).
    assert pages == sorted([*last.listing, HOME_PAGE])
    # The data files: in data/, and each fact sheet's JSON beside it.
    data = [f"data/{name}" for name in (*explore.FILES, *catalogue.FILES)]
    beside = [
        p.removesuffix(".md") + ".json"
        for p in pages
        if p.split("/")[0] in FACT_SHEETS and not p.endswith("/index.md")
    ]
    assert sorted(set(last.files) - set(pages)) == sorted(data + beside)
    assert set(last.history.pages) <= set(last.files)
    assert last.unchanged(demo.content, last.inputs) == len(pages)


def test_a_run_with_nothing_to_do_parses_only_the_first_line(demo: Project) -> None:
    path = demo.root / record.RECORD_FILE
    head = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(f"{head}\nnot JSON\n", encoding="utf-8")
    before = snapshot(demo.content)

    outcome = pipeline.generate(demo)

    # The generated pages: the generated folders' (not the hand-written tags.md, search.md)
    # and the home page, whose "at a glance" section is generated.
    pages = [path for path in before if ("/" in path and path.endswith(".md")) or path == HOME_PAGE]
    assert (outcome.rendered, outcome.plan.unchanged) == (0, len(pages))
    assert snapshot(demo.content) == before


def damage_sources(tail: dict) -> None:
    tail["sources"] = 5


def damage_a_source(tail: dict) -> None:
    source = next(iter(tail["sources"]))
    tail["sources"][source] = [1, 2, 3]


def damage_a_page(tail: dict) -> None:
    page = next(iter(tail["pages"]))
    tail["pages"][page][0] = [["not", "an", "id"]]


def damage_an_order(tail: dict) -> None:
    page = next(path for path, shown in tail["pages"].items() if shown[2])
    tail["pages"][page][2] = [[None]]


@pytest.mark.parametrize(
    "damage",
    [dict.clear, damage_sources, damage_a_source, damage_a_page, damage_an_order],
    ids=["empty", "sources", "a source", "a page", "an order"],
)
def test_a_damaged_second_line_renders_every_page_and_changes_nothing_else(
    demo: Project, tmp_path: Path, damage
) -> None:
    path = demo.root / record.RECORD_FILE
    head, tail = path.read_text(encoding="utf-8").splitlines()
    history = json.loads(tail)
    damage(history)
    path.write_text(f"{head}\n{json.dumps(history)}\n", encoding="utf-8")
    rewrite_first_summary(demo)

    outcome = pipeline.generate(demo)

    fresh = Project.at(copy_project(tmp_path / "fresh", seeds=demo.seeds, with_content=False))
    pipeline.generate(fresh)
    assert outcome.rendered == outcome.plan.pages
    assert snapshot(demo.content) == snapshot(fresh.content)


@pytest.mark.parametrize("damage", [b"", b"{", b"[]", b'{"files": []}', b'{"files": {}}', b"\xff"])
def test_a_damaged_record_means_a_full_run(demo: Project, damage: bytes) -> None:
    (demo.root / record.RECORD_FILE).write_bytes(damage)

    outcome = pipeline.generate(demo)

    assert outcome.rendered == outcome.plan.pages > 50
    assert outcome.plan.created == outcome.plan.updated == []


def test_pages_left_needing_attention_leave_no_record(demo: Project) -> None:
    page = demo.content / "actors" / "united-states.md"
    page.write_text(page.read_text(encoding="utf-8").replace("United", "Untied"), "utf-8")
    rewrite_first_summary(demo)

    outcome = pipeline.generate(demo)

    assert outcome.plan.edited == [page]
    assert record.read(demo.root) is None


def test_the_files_of_earlier_versions_go_when_the_record_is_written(demo: Project) -> None:
    for name in (".factsheets/state.json", ".factsheets/shown.json"):
        (demo.root / name).write_text("{}", encoding="utf-8")
    rewrite_first_summary(demo)

    pipeline.generate(demo)

    assert sorted(p.name for p in (demo.root / ".factsheets").iterdir()) == [
        "cache",
        "last-run.json",
    ]


# --- Caches ------------------------------------------------------------------------


def test_a_memo_keeps_what_the_last_run_used_and_drops_the_rest() -> None:
    computed: list[str] = []
    memo: Memo[str, str] = Memo(lambda text: computed.append(text) or text.upper())

    assert [memo("a"), memo("b"), memo("a")] == ["A", "B", "A"]
    memo.new_run()
    assert memo("a") == "A"  # kept from the run before
    memo.new_run()
    memo.new_run()
    assert memo("b") == "B"  # not used for two runs: computed again
    assert computed == ["a", "b", "b"]


def test_one_process_splits_an_unchanged_text_into_sentences_once(
    demo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    split: list[str] = []

    def counted(text_and_language: tuple[str, str]) -> SourceText:
        split.append(text_and_language[0])
        return SourceText(*text_and_language)

    monkeypatch.setattr(cache, "split_text", counted)
    caches = Caches(demo.root)
    rewrite_first_summary(demo)
    pipeline.generate(demo, caches=caches)
    summary = rewrite_first_summary(demo)
    summary.write_text(summary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    pipeline.generate(demo, caches=caches)

    assert len(split) == len(list(demo.seeds.glob("*/source.txt"))) == 1


def test_summaries_validated_once_are_read_back_from_the_cache(demo: Project) -> None:
    caches = Caches(demo.root)
    digests = [path.stem for path in (demo.root / cache.CACHE_DIR).iterdir()]

    assert len(digests) == 1
    assert caches.summary(digests[0]) is not None
    assert caches.summary("0" * 64) is None
    shutil.rmtree(demo.root / cache.CACHE_DIR)
    assert caches.summary(digests[0]) is not None  # in memory now
    assert Caches(demo.root).summary(digests[0]) is None
