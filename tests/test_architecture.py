"""The architecture holds (ARCHITECTURE.md): each stage imports only the stages that run
before it, and no modules import each other in a circle. The contracts are import-linter's,
in pyproject.toml; a copy of the package with one import against them is refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's verdict, with this project's contracts, on the package in `root`."""
    return subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
    )


def test_the_generator_keeps_its_architecture() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "verdict"),
    [
        pytest.param(
            "sources/text.py",
            "from ..pages import labels",
            "- generator.sources.text -> generator.pages.labels",
            id="a stage importing a later stage",
        ),
        pytest.param(
            "pages/page.py",
            "if TYPE_CHECKING:\n    from ..output.write import Plan",
            "- generator.pages.page -> generator.output.write",
            id="an import for type checking only",
        ),
        pytest.param(
            "common/errors.py",
            "from ..pipeline import generate",
            "- generator.common.errors -> generator.pipeline",
            id="common code importing the pipeline",
        ),
        pytest.param(
            "knowledge/model.py",
            "from . import merge",
            "No cycles are allowed in generator.knowledge.",
            id="two modules of one stage importing each other",
        ),
    ],
)
def test_an_import_against_the_architecture_is_refused(
    tmp_path: Path, module: str, line: str, verdict: str
) -> None:
    shutil.copytree(
        ROOT / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    source = tmp_path / "generator" / module
    text = source.read_text(encoding="utf-8")
    if "TYPE_CHECKING" in line and "TYPE_CHECKING" not in text:
        text += "\nfrom typing import TYPE_CHECKING\n"
    source.write_text(f"{text}\n{line}\n", encoding="utf-8")

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert verdict in result.stdout
