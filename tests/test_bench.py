"""The benchmark (issue 5): its corpus synthesiser and a smoke run at 100 fact sheets.

Targets are the benchmark's to report, never asserted here: these tests check that
it measures, not what it measures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from bench import __main__ as bench_cli
from bench import synth
from bench.measure import StepFailed, run
from bench.runner import nav_config
from bench.sources import referenced_ids

ROOT = Path(__file__).resolve().parent.parent


def test_synthesis_is_deterministic_and_seeded() -> None:
    first, again = synth.synthesise(60), synth.synthesise(60)
    assert [(d.id, d.text, d.summary) for d in first.drafts] == [
        (d.id, d.text, d.summary) for d in again.drafts
    ]
    other = synth.synthesise(60, seed=1)
    assert [d.text for d in other.drafts] != [d.text for d in first.drafts]


def test_pages_count_fact_sheets_and_entities_are_reused() -> None:
    corpus = synth.synthesise(400)
    counts = corpus.counts
    assert counts["actors"] + counts["locations"] + counts["events"] == 400
    mentions: dict[str, int] = {}
    for draft in corpus.drafts:
        for actor in draft.summary.get("actors", []):
            mentions[actor["id"]] = mentions.get(actor["id"], 0) + 1
    assert set(mentions) == set(corpus.world.actors)  # every actor has a source
    ordered = sorted(mentions.values(), reverse=True)
    assert ordered[0] >= 5 * ordered[len(ordered) // 2]  # skewed: a few actors everywhere


def test_quotes_are_spans_of_their_source() -> None:
    from generator.sources.text import normalize

    for draft in synth.synthesise(80).drafts:
        text = normalize(draft.text)
        for quote in _quotes(draft.summary):
            assert normalize(quote) in text, (draft.id, quote)


def _quotes(node) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k.endswith("quote") and isinstance(v, str)]
        return found + [q for v in node.values() for q in _quotes(v)]
    if isinstance(node, list):
        return [q for item in node for q in _quotes(item)]
    return []


def test_synth_cli_writes_a_project_the_generator_accepts(tmp_path: Path, cli) -> None:
    out = tmp_path / "corpus"
    assert synth.main(["--pages", "40", "--out", str(out)]) == 0
    assert (out / "mkdocs.yml").is_file() and (out / "content" / "index.md").is_file()
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "synthetic corpus of 40 fact sheets" in config
    result = cli("-C", out, "generate")
    assert result.exit_code == 0, result.output
    sheets = [
        p for f in ("actors", "locations", "events") for p in (out / "content" / f).glob("*.md")
    ]
    assert len([p for p in sheets if p.name != "index.md" and "." not in p.stem]) == 40


def test_synth_refuses_to_clear_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit):
        synth.prepare(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_extra_source_refers_to_existing_entities() -> None:
    corpus = synth.synthesise(60)
    draft = synth.extra_source(corpus)
    ids = referenced_ids(draft.summary)
    world = corpus.world
    known = set(world.actors) | set(world.locations) | set(world.events)
    statements = {s["id"] for s in draft.summary.get("statements", [])}
    assert ids - statements <= known
    assert len(ids & known) >= 5


def test_nav_config_lists_every_fact_sheet(tmp_path: Path) -> None:
    for folder in ("actors", "events", "locations"):
        (tmp_path / folder).mkdir()
        for name in ("index.md", "a.md", "b.md"):
            (tmp_path / folder / name).write_text("x")
    config = yaml.safe_load(nav_config((ROOT / "mkdocs.yml").read_text(), tmp_path))
    sections = {k: v for item in config["nav"] for k, v in item.items()}
    assert sections["Actors"] == ["actors/index.md", "actors/a.md", "actors/b.md"]
    assert config["not_in_nav"].strip() == "/sources/*.md"
    assert config["theme"]["name"] == "material"


def test_a_step_that_runs_too_long_is_stopped(tmp_path: Path) -> None:
    with pytest.raises(StepFailed, match="timed out"):
        run([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path, timeout=0.5)
    done = run([sys.executable, "-c", "print('ok')"], tmp_path, timeout=30)
    assert done.returncode == 0 and done.peak_mb > 1 and "ok" in done.output


def test_smoke_run_at_100_fact_sheets(tmp_path: Path, capsys) -> None:
    """The whole benchmark at its smallest size: every measure present, a table, the JSON."""
    report = tmp_path / "results.json"
    argv = ["--sizes", "100", "--out", str(tmp_path / "out"), "--json", str(report)]
    assert bench_cli.main([*argv, "--nav-max", "100", "--runs", "2"]) == 0
    printed = capsys.readouterr().out
    assert "Generation, median run (s)" in printed and "All in nav: build time ratio" in printed
    assert "Targets (issue 5):" in printed
    data = json.loads(report.read_text())
    (result,) = data["results"]
    assert result["fact_sheets"] == 100
    for step in ("generate", "site_build", "noop", "add_source", "nav"):
        assert result[step]["seconds"] > 0 and result[step]["peak_mb"] > 0
    assert result["html"]["count"] >= 100 and result["search_index_bytes"] > 0
    assert result["add_source"]["files_written"] > 0
    # Generation from scratch and the no-op ran twice; the slower of two is the "median".
    for step in ("generate", "noop"):
        runs = result[step]["runs"]
        assert len(runs) == 2 and result[step]["seconds"] == max(runs)
    assert result["generate"]["files_written"] > 100  # each run started from nothing
    # The preview showed three edits (the last putting the text back), and the summary
    # is as it was.
    preview = result["preview"]
    assert len(preview["runs"]) == 3 and preview["first_preview_s"] > 0
    assert "(edit " not in (tmp_path / "out" / "pages-100" / preview["summary"]).read_text()
    assert {c["status"] for c in data["targets"]} <= {"PASS", "FAIL", "not run"}
