"""Golden output: generating the demo from seeds/ reproduces the committed content/ exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, copy_project, untouched

from generator.common.project import GENERATED_DIRS, HOME_PAGE


def generated(paths) -> list[str]:
    """The generated pages: those of the generated folders, and the home page (whose
    "at a glance" section is generated)."""
    return [
        p
        for p in paths
        if p == HOME_PAGE or (p.split("/")[0] in GENERATED_DIRS and p.endswith(".md"))
    ]


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_generating_from_seeds_reproduces_the_committed_content(cli, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_content=False)
    result = cli("-C", project, "generate")
    assert result.exit_code == 0, result.output

    expected = files(ROOT / "content")
    actual = files(project / "content")
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    differing = sorted(p for p in expected.keys() & actual.keys() if expected[p] != actual[p])
    assert not (missing or extra or differing), (
        "content/ differs from what `factsheets generate` makes from seeds/ "
        "(run `make generate` and review the diff):\n"
        f"  not generated: {missing}\n  not committed: {extra}\n  differing: {differing}"
    )
    # (The home page is copied with the hand-written pages: its generated section is
    # the same.)
    assert result.output == (
        f"Generated content/: {len(generated(expected)) - 1} created, 0 updated, 0 deleted, "
        "1 unchanged.\n"
    )


def test_generating_twice_is_a_no_op(cli, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", with_content=False)
    assert cli("-C", project, "generate").exit_code == 0
    before = untouched(project / "content")
    pages = len(generated(before))

    result = cli("-C", project, "generate")
    assert (result.exit_code, result.output) == (
        0,
        f"Generated content/: 0 created, 0 updated, 0 deleted, {pages} unchanged.\n",
    )
    assert untouched(project / "content") == before

    # Without the record of the last run, every page is compared, and still none is written.
    shutil.rmtree(project / ".factsheets")
    result = cli("-C", project, "generate")
    assert (result.exit_code, result.output) == (
        0,
        f"Generated content/: 0 created, 0 updated, 0 deleted, {pages} unchanged.\n",
    )
    assert untouched(project / "content") == before
