"""Index the built site for search with Pagefind: the index goes to `site/pagefind/`."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import click

from ..common.errors import FactsheetsError
from ..common.project import Project

PAGEFIND_EXCLUDE = (".footnote", ".footnote-ref", ".headerlink")
"""What Pagefind leaves out of each page's indexed article (data-pagefind-body, set by
overrides/main.html): footnote definitions, footnote numbers and heading permalinks."""


def pagefind_command(site: Path, verbosity: int = 0) -> list[str]:
    """The Pagefind indexer over a built site (the binary ships in the pagefind-bin wheel)."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site)]
    for selector in PAGEFIND_EXCLUDE:
        command += ["--exclude-selectors", selector]
    if verbosity < 1:
        command.append("--quiet")
    return command


def index_for_search(project: Project, verbosity: int = 0, *, site: Path | None = None) -> None:
    """Run Pagefind over the built site (`site`, default `site/`); its index goes to its
    pagefind/ folder."""
    site = site or project.site
    if importlib.util.find_spec("pagefind") is None:
        raise FactsheetsError(
            "Pagefind is not installed, so the site has no search index: "
            'run `pip install "pagefind[bin]"` (or `make site`).'
        )
    verbose = verbosity >= 1
    # Run from the project folder: Pagefind reads its own pagefind.yml there, if any.
    result = subprocess.run(
        pagefind_command(site, verbosity),
        cwd=project.root,
        capture_output=not verbose,
        text=True,
    )
    output = "" if verbose else "\n".join((result.stdout + result.stderr).splitlines()[-20:])
    entry = site / "pagefind" / "pagefind-entry.json"
    if result.returncode != 0 or not entry.is_file():
        detail = f":\n{output}" if output else "."
        raise FactsheetsError(
            f"the search index failed (pagefind exited with {result.returncode}){detail}"
        )
    if output.strip() and verbosity >= 0:  # --quiet leaves Pagefind's warnings only
        click.echo(output, err=True)
