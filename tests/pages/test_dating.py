"""Each fact sheet says when its sources were published and which is the newest; an
undated source says so, on its pages and in `factsheets check`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, copy_project

CLAIMS = ROOT / "tests" / "fixtures" / "claims" / "seeds"
ATTACK = "events/harrow-quay-drone-attack.md"
POST = "harrow-quay-post-2031-05-12-terminal-reopens"


@pytest.fixture
def harbour(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project", seeds=CLAIMS, with_content=False)


def row(page: str, label: str) -> str:
    found = re.search(rf"^\| {label} \| (.*) \|$", page, re.MULTILINE)
    assert found is not None, label
    return found[1]


def test_a_fact_sheet_says_when_it_was_reported_and_last_changed(harbour: Path, cli) -> None:
    assert cli("-C", harbour, "generate").exit_code == 0
    page = (harbour / "content" / ATTACK).read_text(encoding="utf-8")
    assert row(page, "Reported") == "5–12 May 2031"
    assert row(page, "Last changed") == (
        "12 May 2031, [Harrow Quay container terminal reopens eight days after drone attack]"
        f"(../sources/{POST}.md)"
    )


def test_an_undated_source_is_said_on_its_pages_and_by_check(harbour: Path, cli) -> None:
    summary = harbour / "seeds" / POST / "summary.yaml"
    text = summary.read_text(encoding="utf-8")
    summary.write_text(re.sub(r"\n  published: .*", "", text, count=1), encoding="utf-8")
    assert cli("-C", harbour, "generate").exit_code == 0
    page = (harbour / "content" / ATTACK).read_text(encoding="utf-8")
    assert row(page, "Reported") == "5–8 May 2031; 1 undated source"
    assert row(page, "Last changed").endswith("(the newest dated source)")
    source = (harbour / "content" / "sources" / f"{POST}.md").read_text(encoding="utf-8")
    assert row(source, "Published") == "Undated source: no publication date recorded"
    checked = cli("-C", harbour, "check")
    assert checked.exit_code == 0
    line = f"Warning: seeds/{POST}/summary.yaml:"
    assert any(
        out.startswith(line) and "source.published: the source has no publication date" in out
        for out in checked.output.splitlines()
    ), checked.output
