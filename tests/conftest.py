"""Shared fixtures: a throw-away copy of the demo project, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
"""The repository: its mkdocs.yml, seeds/ and committed content/ are the demo project."""


def copy_project(target: Path, *, seeds: Path | None = None, with_content: bool = True) -> Path:
    """A copy of the demo project (mkdocs.yml, seeds/, hand-written and generated content/)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(seeds or ROOT / "seeds", target / "seeds")
    if with_content:
        shutil.copytree(ROOT / "content", target / "content")
    else:
        (target / "content").mkdir()
        for name in ("index.md", "tags.md"):
            shutil.copy(ROOT / "content" / name, target / "content" / name)
        shutil.copytree(ROOT / "content" / "assets", target / "content" / "assets")
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the demo project, content/ included."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run `factsheets ARGS...` in-process; returns click's Result (exit_code, output)."""
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run
