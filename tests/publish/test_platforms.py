"""The demo under ProperDocs, the maintained fork of MkDocs 1.6 (README, "Platforms: MkDocs,
ProperDocs, Zensical"): our plugin loads from its `mkdocs.plugins` entry point, its
workers convert and render the pages, and the site is MkDocs' own, byte for byte, but
for the generator tag that names ProperDocs.

ProperDocs runs in a subprocess, as its `properdocs` command does: it makes every
`mkdocs.*` import in the process its own `properdocs.*` module, which would mix two
MkDocs in this one. Zensical runs no MkDocs plugin; the README says what it gives and
what it lacks, measured by hand.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import build_in_process, copy_project

from generator.publish.build import mkdocs_env

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("properdocs") is None,
    reason="ProperDocs is not installed (pip install -e '.[test]' installs it)",
)

PROPERDOCS = """
import sys

import properdocs.replacement  # first, as `properdocs` does: mkdocs.* is properdocs.*

from generator.common import workers
from generator.publish import plugin

plugin.MIN_PAGES = 0  # a small site: fork anyway
workers.usable_cores = lambda: 2
forked = workers.fork_pool


def fork_pool(count, stage, consequence):
    print(f"factsheets-test: {count} workers {stage}", file=sys.stderr, flush=True)
    return forked(count, stage, consequence)


workers.fork_pool = fork_pool

from properdocs.__main__ import cli

cli(sys.argv[1:], prog_name="properdocs")
"""
"""`properdocs ARGS...` with two workers building pages even for a small site (as
`conftest.build_in_process` does for MkDocs), saying when it forks them."""

GENERATOR = re.compile(rb'<meta name="generator" content="mkdocs-([^"]*), mkdocs-material">')


def properdocs_build(root: Path, site: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`properdocs build --strict` of the project at `root` into `site`."""
    command = [sys.executable, "-c", PROPERDOCS, "build", "--strict", "-f", "mkdocs.yml"]
    return subprocess.run(
        [*command, "--site-dir", str(site), *options],
        cwd=root,
        env=mkdocs_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def pages(site: Path) -> dict[str, bytes]:
    """Every file of a built site, with the generator tag's version left out and the
    sitemap's gzip unpacked (its header holds the build time)."""
    found: dict[str, bytes] = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name.endswith(".gz"):
                data = gzip.decompress(data)
            found[path.relative_to(site).as_posix()] = GENERATOR.sub(b"GENERATOR", data)
    return found


@pytest.mark.parametrize(
    "directory_urls", [True, False], ids=["directory-urls", "file-urls-offline"]
)
def test_properdocs_builds_the_demo_as_mkdocs_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, directory_urls: bool
) -> None:
    root = copy_project(tmp_path / "project")
    built = properdocs_build(
        root, tmp_path / "properdocs", *([] if directory_urls else ["--no-directory-urls"])
    )
    assert built.returncode == 0, built.stderr
    # Our plugin ran, its workers too: the site is not MkDocs' serial build by chance.
    assert "factsheets-test: 2 workers converting pages to HTML" in built.stderr
    assert "factsheets-test: 2 workers rendering page templates" in built.stderr
    home = (tmp_path / "properdocs" / "index.html").read_bytes()
    assert GENERATOR.findall(home)[0].startswith(b"ProperDocs ")  # not MkDocs' own run
    with_properdocs = pages(tmp_path / "properdocs")
    with_mkdocs = pages(
        build_in_process(
            root, 2, monkeypatch, **({} if directory_urls else {"use_directory_urls": False})
        )
    )
    assert len(with_mkdocs) > 100
    assert with_properdocs.keys() == with_mkdocs.keys()
    assert [name for name in with_mkdocs if with_mkdocs[name] != with_properdocs[name]] == []


def test_a_warning_in_a_worker_fails_the_strict_properdocs_build(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    with (root / "content" / "actors" / "antony-blinken.md").open("a", encoding="utf-8") as notes:
        notes.write("\nSee also [his memoir](../actors/no-such-page.md).\n")
    built = properdocs_build(root, tmp_path / "properdocs")
    assert "factsheets-test: 2 workers converting pages to HTML" in built.stderr
    warning = (
        "WARNING -  Doc file 'actors/antony-blinken.md' contains a link "
        "'../actors/no-such-page.md', but the target 'actors/no-such-page.md' is not found "
        "among documentation files."
    )
    assert built.stderr.count(warning) == 1
    assert "Aborted with 1 warnings in strict mode!" in built.stdout  # click prints it there
    assert built.returncode == 1
