"""The preview's MkDocs builds (`factsheets serve`), in this process, as `mkdocs serve`
makes them: mkdocs.yml read again for each build, pages marked as drafts built too,
plugins told of a "serve" command at start and of its end at shutdown.

One difference: `mkdocs serve` makes the preview's address the site's URL, so that
every page's canonical URL (and the sitemap) points to the preview. Ours keeps
mkdocs.yml's `site_url`, and serves the site below its path: the pages are those
`factsheets build` publishes, byte for byte (but for pages marked as drafts, which only
the preview builds), so the plugin's store (`reuse.py`) has them already, whichever
port the preview is on, and a preview after a build (or an earlier preview) starts in
a fraction of the time. Nor is there MkDocs' server to give plugins' `on_serve` hook:
it is not run (a plugin that watches more files through it goes without).

A full build goes into a new folder, served only once complete: a build that fails
leaves the previous one served. A dirty build (`dirty`, large sites) rebuilds in the
served folder only the pages whose Markdown is newer than their HTML. The preview is
not strict: a warning (a broken link, say) is printed, and the page still shows.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from ..common.errors import FactsheetsError
from ..common.project import Project
from .server import mount_path
from .watching import Watched

_DIRTY_WARNING = "A 'dirty' build is being performed"
"""How MkDocs starts the warning it logs at every dirty build: the preview's own choice,
not worth a line each time."""


class PreviewSite:
    """The preview's site, built by MkDocs in folders under `temporary`."""

    def __init__(self, project: Project, temporary: Path, dev_addr: str, *, dirty: bool) -> None:
        self.project = project
        self.temporary = temporary
        self.dirty = dirty
        self.dev_addr = dev_addr
        self.serve_url: str | None = None
        """The preview's address (MkDocs then builds pages marked as drafts too)."""
        self.folder: Path | None = None
        """The last good build."""
        self.address: tuple[str, int] = ("127.0.0.1", 8000)
        """Where to serve, as mkdocs.yml and `-a` say (read by `start`)."""
        self.mount = "/"
        """The path the site is served below: its `site_url`'s."""
        self._startup: Any = None
        """The first build's configuration, whose plugins were told of the start."""
        self._config: Any = None
        """The last build's configuration."""
        self._builds = 0

    def start(self) -> None:
        """Reads mkdocs.yml and tells MkDocs' plugins that a preview starts."""
        config = self._load(self.temporary)
        host, port = config.dev_addr
        self.address = (str(host), int(port))
        self.mount = mount_path(config.site_url)
        # MkDocs keeps a plugin with startup and shutdown hooks from one reading of
        # mkdocs.yml to the next, so these two calls frame every build.
        config.plugins.on_startup(command="serve", dirty=self.dirty)
        self._startup = self._config = config

    def listening(self, url: str, port: int) -> None:
        """The server's address (its port, when asked for any with port 0)."""
        self.serve_url = url
        self.dev_addr = f"{self.address[0]}:{port}"

    def watched(self) -> Watched:
        """What the last build was made from."""
        config = self._config
        whole = [config.config_file_path, config.theme.custom_dir, *config.watch]
        return Watched(
            pages=Path(config.docs_dir),
            whole=tuple(Path(path) for path in whole if path),
        )

    def build(self, *, full: bool) -> Path:
        """Builds the site (whole if `full`, on the first build, or when not `dirty`) and
        returns the folder it is in. Raises `FactsheetsError`, MkDocs' messages printed,
        leaving the last good build where it was."""
        full = full or self.folder is None or not self.dirty
        if full:
            self._builds += 1
            folder = self.temporary / f"build-{self._builds}"
        else:
            assert self.folder is not None
            folder = self.folder
        try:
            # Read again each time, as `mkdocs serve` does: a plugin's `on_config` may
            # change the configuration it is given, which must not pile up.
            config = self._load(folder)
            mkdocs_build(config, serve_url=self.serve_url, dirty=not full)
        except (Exception, Abort) as error:
            # Whatever a theme or plugin raises: the preview goes on with the last build.
            if full:
                shutil.rmtree(folder, ignore_errors=True)
            raise FactsheetsError(_failure(error)) from None
        self._config = config
        self.folder = folder
        return folder

    def shutdown(self) -> None:
        """Tells MkDocs' plugins the preview ends (ours stops its workers)."""
        if self._startup is not None:
            self._startup.plugins.on_shutdown()

    @contextlib.contextmanager
    def logging(self, verbosity: int) -> Iterator[None]:
        """MkDocs' messages on the terminal while the block runs: its warnings and errors
        (only errors with -q; its progress too with -v)."""
        logger = logging.getLogger("mkdocs")
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler.addFilter(lambda record: not str(record.msg).startswith(_DIRTY_WARNING))
        level = logging.ERROR if verbosity < 0 else logging.INFO if verbosity else logging.WARNING
        saved = logger.level, logger.propagate
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False  # said once, here, not again by whoever logs the root
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(saved[0])
            logger.propagate = saved[1]

    def _load(self, site_dir: Path) -> Any:
        try:
            return load_config(
                config_file=str(self.project.config_file),
                site_dir=str(site_dir),
                dev_addr=self.dev_addr,
                strict=False,
            )
        except (Exception, Abort) as error:
            raise FactsheetsError(_failure(error)) from None


def _failure(error: BaseException) -> str:
    """What to say of a failed build: MkDocs has logged the details of its own errors."""
    if isinstance(error, Abort):
        return f"could not build the preview ({error.format_message()})"
    # A template's error (Jinja's) says where it is.
    name, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    where = f"{name}, line {line}: " if name and line else ""
    return f"could not build the preview ({where}{type(error).__name__}: {error})"
