"""A new site: the files `factsheets new` writes, shipped inside the package.

`overrides/` is the theme's layer (the header's search box, what search indexes, the head's
machine-readable tags, the style sheets and the drawings' script): the demo in the
repository reads it from here (`theme.custom_dir`), and a new site gets a copy. `files/`
holds the rest: `mkdocs.yml` (the demo's, with the site's own name), the Search and Tags
pages, an example source with its summary, a README for the desk, `.gitignore`, and the
deployment workflows for GitHub Pages and GitLab Pages. `tests/test_skeleton.py` checks
that the demo's copies are these files.
"""

from __future__ import annotations

import json
import shutil
from importlib import metadata
from pathlib import Path

from ..common.errors import FactsheetsError
from ..common.project import HOME_PAGE
from ..output.markers import compose
from ..pages.page import Page

HERE = Path(__file__).parent
OVERRIDES = HERE / "overrides"
FILES = HERE / "files"

PLACED = {
    # file in files/: where a new site has it
    "mkdocs.yml": "mkdocs.yml",
    "README.md": "README.md",
    "gitignore": ".gitignore",
    "github-pages.yml": ".github/workflows/pages.yml",
    "gitlab-ci.yml": ".gitlab-ci.yml",
    "content/search.md": "content/search.md",
    "content/tags.md": "content/tags.md",
    "requirements.lock": "requirements.lock",
}
"""The files copied into a new site, by where they are in the package (dot files are kept
without their dot there, so that every packaging tool ships them)."""

DESCRIPTION = (
    "Fact sheets on actors, locations, events and statements, each fact linked to the "
    "source sentence that supports it."
)


def config_text(site_name: str, description: str, template: str | None = None) -> str:
    """The site's `mkdocs.yml`: the skeleton's, with its name and description (as JSON
    strings, which YAML reads as they are, whatever they hold)."""
    text = template if template is not None else (FILES / "mkdocs.yml").read_text("utf-8")
    return text.replace("@SITE_NAME@", _quoted(site_name)).replace(
        "@SITE_DESCRIPTION@", _quoted(description)
    )


def _quoted(value: str) -> str:
    return json.dumps(" ".join(value.split()), ensure_ascii=False)


def requirement() -> str:
    """How the site's CI installs this version of factsheets: from where it was installed
    when that is a public repository, else by name and version."""
    version = metadata.version("factsheets")
    try:
        direct = metadata.distribution("factsheets").read_text("direct_url.json")
        origin = json.loads(direct) if direct else {}
    except (metadata.PackageNotFoundError, ValueError):
        origin = {}
    vcs = origin.get("vcs_info", {})
    url = origin.get("url", "")
    if vcs.get("vcs") == "git" and url.startswith(("https://", "http://")):
        return f"factsheets @ git+{url}@{vcs.get('commit_id', 'main')}"
    return f"factsheets=={version}"


def create(folder: Path, title: str, description: str = DESCRIPTION) -> list[Path]:
    """Writes a new site into `folder` (which must be empty or not exist); the files
    written, relative to it. Its content/ is made by the first `factsheets generate`."""
    if not title.strip():
        raise FactsheetsError('the site needs a title: --title "..."')
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FactsheetsError(f"{folder} is not empty: a new site goes into a new folder")
    written: dict[str, str] = {}
    for source, target in PLACED.items():
        text = (FILES / source).read_text(encoding="utf-8")
        if source == "mkdocs.yml":
            text = config_text(title, description, text)
        elif source == "README.md":
            text = text.replace("@TITLE@", " ".join(title.split()))
        written[target] = text
    written["requirements.txt"] = (
        "# The version of factsheets this site was made with, which its CI installs\n"
        "# (.github/workflows/pages.yml, .gitlab-ci.yml) without its dependencies: those are\n"
        "# requirements.lock, each at the version tested with it, its files' hashes checked.\n"
        "# If your package index does not have it, name where you install it from instead,\n"
        "# e.g. factsheets @ git+https://github.com/<owner>/factsheets@<tag>\n"
        f"{requirement()}\n"
    )
    # The home page: the desk's title and introduction above its "At a glance" section,
    # which the first run fills in.
    preamble = f"\n# {' '.join(title.split())}\n\n{' '.join(description.split())}\n\n"
    written[f"content/{HOME_PAGE}"] = compose(Page(HOME_PAGE, {}, ""), preamble=preamble)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in written.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        shutil.copytree(OVERRIDES, folder / "overrides")
        shutil.copytree(FILES / "seeds", folder / "seeds")
    except OSError as error:
        raise FactsheetsError(f"could not write the new site into {folder}: {error}") from None
    copied = [
        path.relative_to(folder)
        for base in (folder / "overrides", folder / "seeds")
        for path in base.rglob("*")
        if path.is_file()
    ]
    return sorted([Path(name) for name in written] + copied)
