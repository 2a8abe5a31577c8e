"""Where a fact-sheet project keeps its files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.exceptions import ConfigurationError
from mkdocs.utils import yaml as mkdocs_yaml

from .errors import FactsheetsError

CATEGORY_DIRS = ("actors", "locations", "events", "statements", "sources")
"""Folders of `content/` that hold the fact sheets and their index pages."""
EXPLORE_DIRS = ("map", "timeline", "network")
"""Folders of `content/` that hold the pages drawing the whole site (each its index.md)."""
DOWNLOADS_DIR = "downloads"
"""The folder of `content/` that holds the Data page (its index.md), listing the downloads."""
ABOUT_DIR = "about"
"""The folder of `content/` that holds the About page (its index.md): how the site is made."""
HOME_PAGE = "index.md"
"""The home page: generated (its "at a glance" section) only when it has markers or no file
(`Project.home_is_ours`); a site's own hand-written home page is left alone."""
GENERATED_DIRS = CATEGORY_DIRS + EXPLORE_DIRS + (DOWNLOADS_DIR, ABOUT_DIR)
"""Folders of `content/` that hold generated pages."""
DATA_DIR = "data"
"""The folder of `content/` that holds the data files: what the drawings load, and the
downloads (each fact sheet's own JSON is beside it, `actors/<id>.json`)."""


def page_url(path: str) -> str:
    """The URL, relative to the site's root, that MkDocs (with `use_directory_urls`, its
    default) gives a page of `content/`: `events/x.md` is at `events/x/`."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def page_continued(path: str) -> str:
    """The page that a page continues a long section of, or the path itself: `actors/ana.md`
    for `actors/ana.involvement-2.md` (ids are slugs: only those pages have a dot in their
    name before `.md`)."""
    folder, slash, name = path.rpartition("/")
    return f"{folder}{slash}{name.split('.')[0]}.md"


def display_path(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the project's folder when it is inside."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class About:
    """What the About page says that only the site's editors know, from
    `extra.factsheets.about` in mkdocs.yml."""

    report_error: str | None = None
    """Where readers report an error: an http(s) or mailto: address."""
    licence: str | None = None
    """The licence of the site's own text and data, as its name ("CC BY 4.0")."""
    licence_url: str | None = None
    """The licence's text, an http(s) address."""
    methodology: Path | None = None
    """A Markdown file (relative to mkdocs.yml) whose text replaces the page's own account
    of how the site is made; the generator only reads it."""

    def fingerprint(self) -> str:
        """What a change to which renders the About page again."""
        text = ""
        if self.methodology is not None and self.methodology.is_file():
            text = self.methodology.read_text(encoding="utf-8", errors="replace")
        return repr((self.report_error, self.licence, self.licence_url, self.methodology, text))

    def methodology_text(self) -> str | None:
        """The editors' account of how the site is made, if they wrote one."""
        if self.methodology is None:
            return None
        try:
            return self.methodology.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise FactsheetsError(
                f"{self.methodology}: extra.factsheets.about.methodology in mkdocs.yml: "
                f"cannot be read ({getattr(error, 'strerror', None) or error})"
            ) from None


@dataclass(frozen=True)
class Project:
    """The folders of one project, found from its `mkdocs.yml`."""

    root: Path
    """The folder holding `mkdocs.yml`."""
    seeds: Path
    """`seeds/`: one folder per source, with its text and summary."""
    content: Path
    """MkDocs' `docs_dir` (`content/`): generated fact sheets and hand-written pages."""
    templates: Path
    """`templates/`: the site's own templates, overriding the generator's."""
    site: Path
    """MkDocs' `site_dir`: the built site."""
    publish_drafts: bool = False
    """Whether draft summaries (`status: draft`) are published, each page drawn from one
    under an "Unreviewed" notice: `extra: {factsheets: {publish_drafts: true}}` in
    mkdocs.yml. Otherwise drafts are checked but left out of the site."""
    about: About = About()
    """What the About page says that only the editors know (mkdocs.yml)."""

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def home_is_ours(self) -> bool:
        """Whether the generator writes the home page's "at a glance" section: when
        `content/index.md` has the markers of a generated page, or is not there yet."""
        home = self.content / HOME_PAGE
        try:
            text = home.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return True
        except OSError:
            return False  # (a folder, say: generating it says so)
        return "\n<!-- factsheets:begin" in text

    def refuse_links_outside(self) -> None:
        """Refuse a project whose folders the generator writes into (`content/`, its
        generated folders, `.factsheets/`) lead outside it, through a link or `docs_dir`:
        nothing is ever written outside the project. Raises FactsheetsError naming the
        first such folder, as `seeds/` files leading outside are refused."""
        root = self.root.resolve()
        folders = [
            self.content,
            *(self.content / name for name in (*GENERATED_DIRS, DATA_DIR)),
            self.root / ".factsheets",  # the caches, the record and the backups
        ]
        for folder in folders:
            if not (folder.exists() or folder.is_symlink()):
                continue
            shown = display_path(folder, self.root)
            try:
                resolved = folder.resolve()
            except (OSError, RuntimeError):  # RuntimeError: a loop of links
                raise FactsheetsError(f"{shown}: is a link that leads nowhere; refused") from None
            if resolved.is_relative_to(root):
                continue
            if not Path(os.path.normpath(folder)).is_relative_to(self.root):
                raise FactsheetsError(
                    f"{shown} (docs_dir in mkdocs.yml) is outside the project; refused"
                )
            raise FactsheetsError(f"{shown}: is a link to {resolved}, outside the project; refused")

    @classmethod
    def at(cls, root: Path) -> Project:
        root = root.resolve()
        config_file = root / "mkdocs.yml"
        if not config_file.is_file():
            raise FactsheetsError(f"{config_file} not found: run this inside a fact-sheet project.")
        config = read_config(config_file)
        folders = {}
        for key, default in (("docs_dir", "docs"), ("site_dir", "site")):
            value = config.get(key, default)
            if not isinstance(value, str) or not value.strip():
                # `!ENV [NAME]` with NAME unset reads as null: no folder to write into.
                raise FactsheetsError(
                    f"{config_file}: {key} must name a folder, not {value!r}"
                    + (" (an !ENV variable that is not set?)" if value is None else "")
                )
            folders[key] = root / value
        return cls(
            root=root,
            seeds=root / "seeds",
            content=folders["docs_dir"],
            templates=root / "templates",
            site=folders["site_dir"],
            publish_drafts=_publish_drafts(config, config_file),
            about=_about(config, config_file),
        )


def _publish_drafts(config: object, config_file: Path) -> bool:
    """`extra.factsheets.publish_drafts` in mkdocs.yml: false unless it says true."""
    extra = config.get("extra") if isinstance(config, dict) else None
    ours = extra.get("factsheets") if isinstance(extra, dict) else None
    value = ours.get("publish_drafts") if isinstance(ours, dict) else None
    if value is None:  # absent, empty, or a tag this loader does not read (`!ENV`)
        return False
    if not isinstance(value, bool):
        raise FactsheetsError(
            f"{config_file}: extra.factsheets.publish_drafts must be true or false, not {value!r}"
        )
    return value


def _about(config: object, config_file: Path) -> About:
    """`extra.factsheets.about` in mkdocs.yml, every value checked (all errors at once)."""
    extra = config.get("extra") if isinstance(config, dict) else None
    ours = extra.get("factsheets") if isinstance(extra, dict) else None
    about = ours.get("about") if isinstance(ours, dict) else None
    if about is None:
        return About()
    where = f"{config_file}: extra.factsheets.about"
    if not isinstance(about, dict):
        raise FactsheetsError(f"{where} must be a mapping (report_error, licence, ...)")
    known = {"report_error", "licence", "licence_url", "methodology"}
    errors = [f"{where}.{key}: unknown setting" for key in about if key not in known]
    values: dict[str, str | None] = {}
    for key in sorted(known):
        value = about.get(key)
        if value is not None and not (isinstance(value, str) and value.strip()):
            errors.append(f"{where}.{key} must be text, not {value!r}")
            value = None
        values[key] = value.strip() if isinstance(value, str) else None
    for key, schemes in (
        ("report_error", ("https://", "http://", "mailto:")),
        ("licence_url", ("https://", "http://")),
    ):
        value = values[key]
        if value is not None and (
            not value.lower().startswith(schemes) or any(c.isspace() for c in value)
        ):
            errors.append(
                f"{where}.{key} must be an address starting with {' or '.join(schemes)}, not {value!r}"
            )
            values[key] = None
    if values["licence_url"] and not values["licence"]:
        errors.append(f"{where}.licence_url needs licence, the licence's name")
    methodology = values["methodology"]
    if errors:
        raise FactsheetsError("\n".join(errors))
    return About(
        report_error=values["report_error"],
        licence=values["licence"],
        licence_url=values["licence_url"],
        methodology=config_file.parent / methodology if methodology else None,
    )


def read_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it: its `!ENV` tags, `INHERIT` from a parent file, and
    the `!!python/name` tags of Material's extensions (MkDocs' own loader); an error, in
    MkDocs' words, names the file."""
    try:
        with open(config_file, "rb") as handle:
            config = mkdocs_yaml.yaml_load(handle)
    except (ConfigurationError, yaml.YAMLError, ImportError, OSError) as error:
        message = str(error).removeprefix(
            "MkDocs encountered an error parsing the configuration file: "
        )
        raise FactsheetsError(f"{config_file}: {message}") from None
    if not isinstance(config, dict):
        raise FactsheetsError(f"{config_file}: not a mapping of settings")
    return config
