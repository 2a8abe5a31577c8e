"""The `factsheets` MkDocs plugin converts pages in worker processes: the site it builds is
byte-identical to MkDocs' own one-page-at-a-time build, and what a worker warns about
(a broken link) still fails a strict build, from `mkdocs` and from `factsheets build`."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, build_in_process, copy_project
from mkdocs.commands.build import get_files
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from generator.common import workers
from generator.publish import plugin as mkdocs_plugin
from generator.publish import reuse

MULTI = ROOT / "tests" / "fixtures" / "multi"


def mkdocs_build(root: Path, count: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`mkdocs build --strict` in-process, with this many workers building pages, and
    nothing kept from an earlier build (`test_reuse.py` tests what is)."""
    shutil.rmtree(root / reuse.CACHE, ignore_errors=True)
    return build_in_process(root, count, monkeypatch)


def tree(site: Path) -> dict[str, bytes]:
    # The sitemap's gzip header holds the build time.
    return {
        str(path.relative_to(site)): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.name != "sitemap.xml.gz"
    }


@pytest.mark.parametrize("seeds", [None, MULTI / "seeds"], ids=["demo", "three-sources"])
def test_the_parallel_build_is_byte_identical_to_mkdocs_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeds: Path | None, cli
) -> None:
    root = copy_project(tmp_path / "project", seeds=seeds, with_content=seeds is None)
    if seeds is not None:
        assert cli("-C", root, "-q", "generate").exit_code == 0
    serial = tree(mkdocs_build(root, 1, monkeypatch))
    shutil.rmtree(root / "site")
    parallel = tree(mkdocs_build(root, 2, monkeypatch))
    assert len(parallel) > 50
    assert parallel.keys() == serial.keys()
    assert [name for name in serial if serial[name] != parallel[name]] == []


def test_a_warning_in_a_worker_still_fails_the_strict_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    root = copy_project(tmp_path / "project")
    page = root / "content" / "actors" / "antony-blinken.md"
    with page.open("a", encoding="utf-8") as notes:
        notes.write("\nSee also [his memoir](../actors/no-such-page.md).\n")
    with caplog.at_level(logging.WARNING, logger="mkdocs"), pytest.raises(Abort):
        mkdocs_build(root, 2, monkeypatch)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "Doc file 'actors/antony-blinken.md' contains a link '../actors/no-such-page.md', "
        "but the target 'actors/no-such-page.md' is not found among documentation files."
    ]


def test_factsheets_build_fails_on_a_broken_hand_written_link_even_when_quiet(
    tmp_path: Path, cli
) -> None:
    root = copy_project(tmp_path / "project")
    with (root / "content" / "index.md").open("a", encoding="utf-8") as notes:
        notes.write("\nSee [the archive](archive.md).\n")
    result = cli("-C", root, "-q", "build")
    assert result.exit_code == 1
    assert (
        "WARNING -  Doc file 'index.md' contains a link 'archive.md', but the target is not "
        "found among documentation files." in result.output
    )
    assert "Error: the site build failed (mkdocs exited with 1)." in result.output
    assert "INFO" not in result.output


def test_page_templates_are_rendered_by_mkdocs_when_another_plugin_may_keep_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin we do not know could carry state from one page's build to the next, which
    a worker forked before MkDocs' page loop would not see."""
    root = copy_project(tmp_path / "project")
    monkeypatch.setattr(mkdocs_plugin, "MIN_PAGES", 0)
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    monkeypatch.chdir(root)
    config = load_config(str(root / "mkdocs.yml"), strict=True)
    files = get_files(config)
    plugin = config.plugins["factsheets"]
    env = config.theme.get_env()
    prebuilt = plugin.on_env(env, config=config, files=files)
    try:
        assert prebuilt is not env  # the known plugins: workers render the pages
    finally:
        plugin.on_shutdown()
    config.plugins["blog"] = mkdocs_plugin.ParallelRender()
    assert plugin.on_env(env, config=config, files=files) is env
