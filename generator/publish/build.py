"""Build the static site: `mkdocs build --strict` over `content/`, then its search index."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from ..common.errors import FactsheetsError
from ..common.project import Project
from .search import index_for_search


def build_site(project: Project, *, verbosity: int = 0) -> None:
    """The site in `site/`: pages by MkDocs, search index by Pagefind; raises on failure."""
    status = run_mkdocs_build(project, show_info=verbosity >= 1)
    if status != 0:
        raise FactsheetsError(f"the site build failed (mkdocs exited with {status}).")
    index_for_search(project, verbosity)


def run_mkdocs_build(project: Project, *, show_info: bool = False) -> int:
    """`mkdocs build --strict`, showing its warnings and errors (its progress too if asked).

    Not `mkdocs --quiet`: that drops warnings before strict mode counts them, and a
    broken link written by hand would then pass unnoticed.
    """
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project.config_file)]
    with subprocess.Popen(
        command,
        cwd=project.root,
        env=mkdocs_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as process:
        assert process.stdout is not None
        info = False  # continuation lines belong to the message above them
        for line in process.stdout:
            if not line[:1].isspace():
                info = line.startswith(("INFO", "DEBUG"))
            if show_info or not info:
                click.echo(line, nl=False, err=True)
    return process.returncode


def mkdocs_env() -> dict[str, str]:
    """The environment MkDocs runs in."""
    # MkDocs 1.6 prints a banner about 2.0 unless told not to.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
