"""Whether `site/` is already the site a build would make: then `factsheets build` keeps it.

A build is a function of what it reads: the pages and files of `docs_dir`, `mkdocs.yml`,
the theme's own files, Pagefind's settings, and the code (every installed package's
version, ours). After each build their digest is recorded in `.factsheets/site/built.json`
with the listing of the site it made (each file's size and modification time). When the
digest is the same and the site is still as listed, building again would write the same
bytes: the build is skipped. Anything else, or a site that plugins or hooks we do not
know could change (`reuse.refusal`'s reasons, read from mkdocs.yml), builds as usual.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ..common.errors import FactsheetsError
from ..common.project import Project, read_config
from . import reuse

RECORD = reuse.CACHE / "built.json"
KNOWN_PLUGINS = reuse.REUSABLE_PLUGINS | {"search", "material/search"}
"""Plugins that read nothing but the pages, the settings and the theme."""


def inputs_digest(project: Project, *, offline: bool) -> str | None:
    """The digest of everything a build reads; None when it cannot be known."""
    try:
        config = read_config(project.config_file)
    except FactsheetsError:
        return None  # the build says what is wrong
    if not _only_known(config):
        return None
    root = project.config_file.parent
    theme = config.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    folders = [project.content] + ([root / str(custom)] if custom else [])
    try:
        files = [reuse.files_digest([folder]) for folder in folders]
        pagefind = [
            (path.name, hashlib.sha256(path.read_bytes()).hexdigest())
            for path in sorted(root.glob("pagefind.*"))
            if path.is_file()
        ]
    except OSError:
        return None
    code = sorted(
        hashlib.sha256(path.read_bytes()).hexdigest() for path in Path(__file__).parent.glob("*.py")
    )
    environment = {
        name: value
        for name, value in os.environ.items()
        if name.startswith("PAGEFIND_") or name == "SOURCE_DATE_EPOCH"
    }
    try:
        return reuse.digest_of(
            [reuse.code_version(), code, config, offline, files, pagefind, environment]
        )
    except reuse.Unstable:
        return None


def is_current(project: Project, site: Path, digest: str | None) -> bool:
    """Whether the site is the one the last build made from these very inputs."""
    if digest is None:
        return False
    try:
        recorded = json.loads((project.root / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(recorded, dict) or recorded.get("inputs") != digest:
        return False
    return recorded.get("site") == _site_listing(site)


def record(project: Project, site: Path, digest: str | None) -> None:
    """Notes what the build that just made `site` read, and what it made."""
    path = project.root / RECORD
    with contextlib.suppress(OSError):
        if digest is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"inputs": digest, "site": _site_listing(site)}, separators=(",", ":"))
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)


def forget(project: Project) -> None:
    """A build is starting: until it is done, the record describes no site."""
    with contextlib.suppress(OSError):
        (project.root / RECORD).unlink(missing_ok=True)


def _only_known(config: dict[str, Any]) -> bool:
    """Whether only plugins and Markdown extensions known to read nothing else run."""
    if config.get("hooks"):
        return False
    names: list[Any] = []
    for entry in config.get("plugins") or []:
        names.extend(entry if isinstance(entry, dict) else [entry])
    extensions: list[Any] = []
    for entry in config.get("markdown_extensions") or []:
        extensions.extend(entry if isinstance(entry, dict) else [entry])
    return all(name in KNOWN_PLUGINS for name in names) and all(
        name in reuse.SAFE_EXTENSIONS for name in extensions
    )


def _site_listing(site: Path) -> list[list[Any]] | None:
    """Each file of the site: its path, size and modification time (None: no site)."""
    if not site.is_dir():
        return None
    listing = []
    for folder, _, names in os.walk(site):
        for name in names:
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                info = os.stat(path)
                listing.append([os.path.relpath(path, site), info.st_size, info.st_mtime_ns])
    return sorted(listing)
