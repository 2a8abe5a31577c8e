"""Incremental regeneration renders only the pages a change can reach, and its content/ is
byte-identical to a full regeneration from scratch after every kind of edit."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import snapshot

from bench import synth
from generator import pipeline
from generator.common import workers
from generator.common.project import Project
from generator.output import record
from generator.pages import budget, render
from generator.pages.page import Page
from generator.pages.render import Renderer

Edit = Callable[[Path], None]


def edit_summary(index: int, change: Callable[[dict], None]) -> Edit:
    """An edit of the index-th summary (in folder order), made on its YAML data."""

    def apply(seeds: Path) -> None:
        path = sorted(seeds.glob("*/summary.yaml"))[index]
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")

    return apply


def first(items: list[dict], key: str) -> dict:
    return next(item for item in items if key in item)


def rename_actor(data: dict) -> None:
    data["actors"][0]["name"] += " Senior"


def retitle(data: dict) -> None:
    data["source"]["title"] = "A new headline"


def republish(data: dict) -> None:
    data["source"]["published"] = "2021-01-01"  # now the oldest: citations reorder


def redate_event(data: dict) -> None:
    first(data["events"], "date")["date"].update(precision="day", value="2019-06-01")


def drop_relation(data: dict) -> None:
    first(data["actors"], "relations")["relations"].pop()


def redescribe(data: dict) -> None:
    first(data["actors"], "description")["description"] = "A different description."


def recast_participant(data: dict) -> None:
    participant = first(data["events"], "participants")["participants"][0]
    participant["role"] = "target" if participant["role"] != "target" else "perpetrator"


def retitle_event(data: dict) -> None:
    data["events"][-1]["title"] += " (revised)"


def name_a_new_actor(data: dict) -> None:
    # On a sentence the source has: every quote must be found in its text.
    quote = data["actors"][0]["quote"]
    data["actors"].append(
        {"id": "newly-named", "name": "Newly Named", "kind": "person", "quote": quote}
    )


def move_an_event(data: dict) -> None:
    """An event now placed where another of the source's events is: the two places'
    event counts change (on the locations index), though neither place's entry does."""
    placed = [event["locations"][0] for event in data["events"] if event.get("locations")]
    moved = next(place for place in placed if place["location"] != placed[-1]["location"])
    moved["location"] = placed[-1]["location"]


def add_source(corpus: synth.Corpus) -> Edit:
    return lambda seeds: synth.write_draft(seeds, synth.extra_source(corpus))


def remove_newest_folder(seeds: Path) -> None:
    newest = max((p for p in seeds.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime_ns)
    shutil.rmtree(newest)


def content_of(root: Path) -> dict[str, bytes]:
    """Every generated page (the home page is the synthesiser's, written by hand)."""
    content = root / "content"
    return {
        str(path.relative_to(content)): path.read_bytes() for path in sorted(content.glob("*/*.md"))
    }


@pytest.fixture(scope="module")
def corpus() -> synth.Corpus:
    return synth.synthesise(100, seed=7)


@pytest.mark.parametrize("page_budget", [None, 1500], ids=["default", "most-pages-cut"])
def test_after_every_kind_of_edit_incremental_equals_full(
    tmp_path: Path, corpus: synth.Corpus, page_budget: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if page_budget is not None:  # long sections cut short, and continued on pages of their own
        monkeypatch.setattr(budget, "PAGE_BUDGET", page_budget)
        monkeypatch.setattr(budget, "INDEX", budget.Budget(page_budget * 2, 20, (10, 5)))
    root = synth.write_project(corpus, tmp_path / "incremental")
    project = Project.at(root)
    first_run = pipeline.generate(project)
    total = first_run.rendered
    assert total > 100

    edits: list[tuple[str, Edit]] = [
        ("rename an actor", edit_summary(3, rename_actor)),
        ("retitle a source", edit_summary(5, retitle)),
        ("change a publication date", edit_summary(8, republish)),
        ("move an event in time", edit_summary(2, redate_event)),
        ("drop a relation", edit_summary(11, drop_relation)),
        ("change a participant's role", edit_summary(4, recast_participant)),
        ("retitle an event", edit_summary(9, retitle_event)),
        ("change a description", edit_summary(6, redescribe)),
        ("name a new actor", edit_summary(7, name_a_new_actor)),
        ("move an event", edit_summary(10, move_an_event)),
        ("add a source", add_source(corpus)),
        ("remove that source", remove_newest_folder),
    ]
    for name, edit in edits:
        edit(root / "seeds")
        outcome = pipeline.generate(project)
        assert 0 < outcome.rendered < pages_in(outcome), name

        fresh = synth.write_project(corpus, tmp_path / f"full-{len(name)}-{name[:6]}")
        shutil.rmtree(fresh / "seeds")
        shutil.copytree(root / "seeds", fresh / "seeds")
        assert pipeline.generate(Project.at(fresh)).rendered >= outcome.rendered
        incremental, full = content_of(root), content_of(fresh)
        assert incremental.keys() == full.keys(), name
        assert [p for p in full if incremental[p] != full[p]] == [], name


def test_a_page_changed_by_hand_is_rendered_again(tmp_path: Path, corpus: synth.Corpus) -> None:
    root = synth.write_project(corpus, tmp_path / "project")
    project = Project.at(root)
    pipeline.generate(project)
    page = sorted((root / "content" / "actors").glob("*.md"))[1]
    page.write_text(page.read_text(encoding="utf-8") + "A note below the marker.\n", "utf-8")
    edit_summary(0, retitle)(root / "seeds")

    outcome = pipeline.generate(project)

    assert page in outcome.plan.updated or outcome.plan.unchanged
    assert outcome.rendered < 200
    assert page.read_text(encoding="utf-8").endswith("A note below the marker.\n")


def test_changed_templates_or_a_forced_run_render_everything(
    tmp_path: Path, corpus: synth.Corpus
) -> None:
    root = synth.write_project(corpus, tmp_path / "project")
    project = Project.at(root)
    pipeline.generate(project)
    edit_summary(0, retitle)(root / "seeds")
    assert every_page_rendered(pipeline.generate(project, force=True))

    edit_summary(1, retitle)(root / "seeds")
    (root / "templates").mkdir()
    shutil.copy(Path(render.__file__).parent / "templates" / "actor.md.j2", root / "templates")
    assert every_page_rendered(pipeline.generate(project))


def pages_in(outcome: pipeline.Outcome) -> int:
    return outcome.plan.pages


def every_page_rendered(outcome: pipeline.Outcome) -> bool:
    return outcome.rendered == pages_in(outcome) > 100


def test_a_page_whose_events_would_come_in_another_order_is_rendered_again(
    tmp_path: Path, corpus: synth.Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timeline is global: a new date can reorder events on pages that never show it.
    Simulated by recording, for one page, an order the timeline no longer gives."""
    root = synth.write_project(corpus, tmp_path / "project")
    project = Project.at(root)
    pipeline.generate(project)
    head, tail = (root / record.RECORD_FILE).read_text(encoding="utf-8").splitlines()
    shown = json.loads(tail)
    path, (entities, sources, orders, parts) = next(
        (path, record)
        for path, record in shown["pages"].items()
        if any(len(o) > 1 for o in record[2])
    )
    for events in orders:
        events.reverse()
    (root / record.RECORD_FILE).write_text(f"{head}\n{json.dumps(shown)}\n", encoding="utf-8")
    unrelated = next(
        index
        for index, summary in enumerate(sorted((root / "seeds").glob("*/summary.yaml")))
        if yaml.safe_load(summary.read_text(encoding="utf-8"))["source"]["id"] not in sources
    )
    edit_summary(unrelated, redescribe)(root / "seeds")

    rendered: list[str] = []
    each = pipeline.Renderer.each

    def spy(self, then, progress=None, only=None):
        pages = each(self, then, only=only)
        decisions = [decision for page in pages for decision in page.results]
        rendered.extend(d.path.relative_to(project.content).as_posix() for d in decisions)
        return pages

    monkeypatch.setattr(pipeline.Renderer, "each", spy)
    pipeline.generate(project)
    assert path in rendered
    assert len(rendered) < len(shown["pages"])


def test_pages_rendered_in_workers_are_those_rendered_in_one_process(
    tmp_path: Path, corpus: synth.Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Down to what each page showed, which the next incremental run relies on."""
    project = Project.at(synth.write_project(corpus, tmp_path / "project"))
    kb, _ = pipeline.knowledge_base(project)
    alone = Renderer(kb, project.templates).each(itself)
    monkeypatch.setattr(render, "PARALLEL_FROM", 0)
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    shared = Renderer(kb, project.templates).each(itself)
    assert [page.results for page in shared] == [page.results for page in alone]
    assert sum(len(page.results) for page in alone) > 100
    assert [page.shown for page in shared] == [page.shown for page in alone]


def itself(page: Page) -> Page:
    return page


def test_a_run_with_workers_writes_what_a_run_in_one_process_writes(
    tmp_path: Path, corpus: synth.Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers stage the pages they render; the run puts them in place."""
    alone = Project.at(synth.write_project(corpus, tmp_path / "alone"))
    pipeline.generate(alone)
    shared = Project.at(synth.write_project(corpus, tmp_path / "shared"))
    monkeypatch.setattr(render, "PARALLEL_FROM", 0)
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    outcome = pipeline.generate(shared)
    assert len(outcome.plan.created) > 100
    assert snapshot(shared.content) == snapshot(alone.content)
    assert not [path for path in shared.content.rglob("*") if ".tmp-" in path.name]
