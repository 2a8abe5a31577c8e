"""The live preview (`factsheets serve`): regenerating, building and serving, in this
process.

One thread does the work, in turn: when `seeds/` changes it regenerates `content/`;
when `content/` changes (a regeneration, or an editor's save) it has MkDocs build the
site again, into a temporary folder that `server.PreviewServer` serves from another
thread. Only pages whose Markdown changed are rebuilt on large sites (`dirty`); a
change to `mkdocs.yml`, the theme's `custom_dir` or a path its `watch:` names builds the
whole site, into a new folder served once it is complete, so a failed build leaves the
last good one in place.

The system tells of changes (watchdog's native observer: inotify on Linux), so an idle
preview does nothing at all. Where it cannot, `seeds/` alone is looked at every
`POLL` seconds, never the thousands of files of `content/`.

Ctrl-C, SIGTERM and SIGHUP stop it the same way: the port freed, the temporary folder
deleted, no process of ours left behind, and an exit status of 0 (a preview stopped as
asked has succeeded).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import click

from ..common.errors import FactsheetsError, escape_lines
from ..common.project import Project
from ..output.cache import fingerprint
from ..output.files import locked
from ..output.write import generated_files
from .livebuild import PreviewSite
from .server import PreviewServer
from .watching import Changes, Stopped, Watcher

DIRTY_FROM = 1000
"""From this many fact sheets, `serve` rebuilds only the pages a change rewrites."""
QUIET = 0.05
"""Seconds without a new event before a burst of them (an editor's save) is acted on."""
POLL = 1.0
"""Seconds between two looks at `seeds/` where it cannot be watched."""
RETRY = 0.5
"""Seconds between two looks at another run's lock, with an edit waiting for it."""


def dirty_by_default(project: Project) -> bool:
    """Whether MkDocs should rebuild only the pages a change rewrites (large sites)."""
    return len(generated_files(project.content)) >= DIRTY_FROM


def serve(
    project: Project,
    dev_addr: str,
    *,
    dirty: bool,
    regenerate: Callable[[], object],
    warm_up: Callable[[], object] | None = None,
    verbosity: int = 0,
) -> None:
    """Serve the preview until it is stopped (Ctrl-C, SIGTERM or SIGHUP), calling
    `regenerate` whenever `seeds/` changes.

    `warm_up` runs once the first build is served (reading every summary, so the first
    edit is as quick as the next); its errors are left for the edit that fixes them to
    report. `regenerate`'s errors are printed, and the preview goes on; when another run
    holds the project's lock (`factsheets generate`, say), the preview says so and
    regenerates once that run is done.
    """
    preview = Preview(project, dev_addr, dirty=dirty, regenerate=regenerate, verbosity=verbosity)
    # Ctrl-C or a signal ends `run`, which cleans up: a stop asked for, not an error.
    with _stopped_by_signals(), contextlib.suppress(KeyboardInterrupt):
        preview.run(warm_up)


class Preview:
    """One preview: `run` serves it until `stop` (from another thread) or an interrupt."""

    def __init__(
        self,
        project: Project,
        dev_addr: str,
        *,
        dirty: bool,
        regenerate: Callable[[], object],
        verbosity: int = 0,
    ) -> None:
        self.project = project
        self.dev_addr = dev_addr
        self.dirty = dirty
        self.regenerate = regenerate
        self.verbosity = verbosity
        self.changes = Changes()
        self.url: str | None = None
        """Where the preview is served, once it is."""
        self.listening = threading.Event()
        """Set once the server answers (the first build may not be done)."""

    def stop(self) -> None:
        """Ends `run`, from another thread, as Ctrl-C would."""
        self.changes.stop()

    def run(self, warm_up: Callable[[], object] | None = None) -> None:
        """Builds and serves the preview until stopped; cleans up however it ends."""
        children = _children()  # any process started after this one is ours to end
        temporary = Path(tempfile.mkdtemp(prefix="factsheets-preview-"))
        cleanup = contextlib.ExitStack()
        try:
            cleanup.callback(shutil.rmtree, temporary, ignore_errors=True)
            cleanup.callback(_end_children, children)
            site = PreviewSite(self.project, temporary, self.dev_addr, dirty=self.dirty)
            cleanup.enter_context(site.logging(self.verbosity))
            site.start()
            cleanup.callback(site.shutdown)
            server = _bind(site)
            cleanup.callback(server.close)
            site.listening(server.url, server.server_address[1])
            server.start()
            self.url = server.url
            self.listening.set()
            self._say(f"Serving the preview on {server.url} once it is built (Ctrl-C to stop).")
            watcher = Watcher.start(self.changes, self.project.seeds, site.watched())
            if watcher is not None:
                cleanup.callback(watcher.stop)
            seen = fingerprint(self.project.seeds)
            self._build(site, server, full=True)
            if warm_up is not None:
                with contextlib.suppress(click.ClickException):  # reported when edited
                    warm_up()
            self._loop(site, server, seen, watcher)
        except Stopped:
            pass
        finally:
            # Once stopping, another Ctrl-C or signal must not cut the cleanup short.
            with _deaf_to_signals():
                cleanup.close()

    def _loop(
        self, site: PreviewSite, server: PreviewServer, seen: str, watcher: Watcher | None
    ) -> None:
        waiting = False  # for another run to release the lock, with a change to regenerate
        while True:
            # Blocks until a change (or the next look at the lock, or at seeds/ where it
            # is not watched): an idle preview does nothing.
            self.changes.wait(RETRY if waiting else (None if watcher else POLL))
            regenerated = False
            if self.changes.take_seeds() or waiting or watcher is None:
                self.changes.settle(QUIET)  # an editor's save may take several writes
                now = fingerprint(self.project.seeds)
                if now != seen or waiting:
                    seen = now
                    waiting = self._regenerate(waiting)
                    regenerated = not waiting
            wanted = self.changes.build_wanted()
            if wanted is None and regenerated and watcher is None:
                wanted = False  # what it wrote cannot be seen: build anyway
            if wanted is None:
                continue
            if not regenerated:  # a regeneration's writes are all done; an editor's may not be
                self.changes.settle(QUIET)
            self._build(site, server, full=wanted)
            if watcher is not None:  # mkdocs.yml may name other folders now
                try:
                    watcher.update(site.watched())
                except OSError as error:
                    click.echo(
                        f"Warning: the preview cannot watch a folder: {escape_lines(str(error))}",
                        err=True,
                    )

    def _regenerate(self, waiting: bool) -> bool:
        """Regenerates `content/`; True when another run holds the lock, to try again."""
        # Asked before each try (and again every `RETRY` seconds while it holds the
        # lock), so that the edit is regenerated once the other run is done.
        busy = _busy(self.project)
        if not busy:
            try:
                self.regenerate()
            except click.ClickException as error:
                busy = _busy(self.project)  # it took the lock first
                if not busy:
                    click.echo(f"Error: {error.format_message()}", err=True)
        if busy and not waiting:
            click.echo(
                "Another factsheets run is writing to this project: the preview "
                "regenerates when it is done.",
                err=True,
            )
        return busy

    def _build(self, site: PreviewSite, server: PreviewServer, *, full: bool) -> None:
        first = server.folder is None
        started = time.perf_counter()
        full = self.changes.build_starts() or full
        try:
            folder = site.build(full=full)
        except FactsheetsError as error:
            kept = (
                "it is built again when content/, mkdocs.yml or the theme changes"
                if first
                else "it shows the last good build"
            )
            click.echo(f"Error: {escape_lines(error.message)}; {kept}.", err=True)
            return
        old = server.folder
        server.publish(folder)
        seconds = time.perf_counter() - started
        if old is not None and old != folder:
            # Deleting ten thousand pages can take seconds: not before the next change.
            # Whatever is left at the end goes with the temporary folder.
            threading.Thread(
                target=shutil.rmtree, args=(old,), kwargs={"ignore_errors": True}, daemon=True
            ).start()
        self._say(
            f"Built the preview in {seconds:.1f} s: open {server.url}"
            if first
            else f"Rebuilt the preview in {seconds:.1f} s."
        )

    def _say(self, message: str) -> None:
        if self.verbosity >= 0:
            click.echo(message)


def _bind(site: PreviewSite) -> PreviewServer:
    host, port = site.address
    try:
        return PreviewServer(host, port, site.mount)
    except OSError as error:
        raise FactsheetsError(
            f"could not serve the preview on {host}:{port}: {error.strerror or error}"
        ) from None


def _busy(project: Project) -> bool:
    """Whether another run holds the project's lock."""
    try:
        with locked(project.root):
            return False
    except click.ClickException:
        return True


_STOPPING = (signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else []))


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the preview as Ctrl-C does (only the main thread can
    catch signals: elsewhere, as in tests, nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pid = os.getpid()

    def stop(number: int, frame: FrameType | None) -> None:
        if os.getpid() != pid:
            # A forked worker inherits this handler: it dies of the signal as it would
            # have without it, quietly, as its pool expects.
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
            return
        raise KeyboardInterrupt

    previous = {number: signal.signal(number, stop) for number in _STOPPING}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def _deaf_to_signals() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP ignored for the block (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    numbers = (signal.SIGINT, *_STOPPING)
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _children() -> set[int]:
    """The processes this one started that are still running (Linux: from /proc; an
    empty set elsewhere)."""
    mine = str(os.getpid())
    found = set()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # gone since it was listed
        state, parent = stat.rpartition(")")[2].split()[:2]
        if parent == mine and state != "Z":
            found.add(int(entry.name))
    return found


def _end_children(before: set[int]) -> None:
    """Ends the processes started since `before` was taken that are still running:
    MkDocs' plugins (ours forks workers) may have left some behind on an interrupt."""
    left = _children() - before
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 2
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left &= _children()
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
