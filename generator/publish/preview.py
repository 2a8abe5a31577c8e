"""The live preview (`factsheets serve`): MkDocs' own server, regenerating when `seeds/` changes."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click

from ..common.project import Project
from ..output.cache import fingerprint
from ..output.files import locked
from ..output.write import generated_files
from .build import mkdocs_env

DIRTY_FROM = 1000
"""From this many fact sheets, `serve` rebuilds only the pages a change rewrites."""


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
) -> None:
    """Serve the preview until it is stopped, calling `regenerate` whenever `seeds/` changes.

    `warm_up` runs once while MkDocs builds the preview (reading every summary, so the
    first edit is as quick as the next); its errors are left for the edit that fixes
    them to report. `regenerate`'s errors are printed, and the preview goes on; when
    another run holds the project's lock (`factsheets generate`, say), the preview says
    so and regenerates once that run is done.
    """
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "serve",
        "-f",
        str(project.config_file),
        "-a",
        dev_addr,
        # A dirty build warns that links may be stale; strict mode would abort on it.
        *(["--dirty", "--no-strict"] if dirty else []),
    ]
    server = subprocess.Popen(command, cwd=project.root, env=mkdocs_env())
    seen = fingerprint(project.seeds)
    waiting = False  # for another run to release the lock, with a change to regenerate
    changed, stop_watching = _watch(project.seeds)
    if warm_up is not None:
        with contextlib.suppress(click.ClickException):  # reported when they are edited
            warm_up()
    try:
        while server.poll() is None:
            # Woken by a change in seeds/, or every half second (a check for the server,
            # and the only one where seeds/ cannot be watched).
            if changed.wait(0.5):
                time.sleep(0.05)  # an editor's save may take several writes
                changed.clear()
            now = fingerprint(project.seeds)
            if now == seen and not waiting:
                continue
            seen = now
            # Asked before each try (and again every half second while it holds the
            # lock), so that the edit is regenerated once the other run is done.
            busy = _busy(project)
            if not busy:
                try:
                    regenerate()
                except click.ClickException as error:
                    busy = _busy(project)  # it took the lock first
                    if not busy:
                        click.echo(f"Error: {error.format_message()}", err=True)
            if busy and not waiting:
                click.echo(
                    "Another factsheets run is writing to this project: the preview "
                    "regenerates when it is done.",
                    err=True,
                )
            waiting = busy
    except KeyboardInterrupt:
        pass
    finally:
        stop_watching()
        server.terminate()
        server.wait()


def _busy(project: Project) -> bool:
    """Whether another run holds the project's lock."""
    try:
        with locked(project.root):
            return False
    except click.ClickException:
        return True


def _watch(folder: Path) -> tuple[threading.Event, Callable[[], None]]:
    """An event set when anything in the folder changes, and how to stop watching.

    With watchdog (which MkDocs' own preview uses), an edit is seen at once rather than
    at the next poll. Where the folder cannot be watched, the event is never set.
    """
    changed = threading.Event()
    try:
        from watchdog import events
        from watchdog.observers import Observer

        class Handler(events.FileSystemEventHandler):
            def on_any_event(self, event: events.FileSystemEvent) -> None:
                changed.set()

        # Writes only: every run reads all of seeds/, and each file opened would
        # otherwise be an event to handle, in this process, while it regenerates.
        writes = [
            events.FileCreatedEvent,
            events.FileModifiedEvent,
            events.FileClosedEvent,
            events.FileDeletedEvent,
            events.FileMovedEvent,
            events.DirCreatedEvent,
            events.DirDeletedEvent,
            events.DirMovedEvent,
        ]
        observer = Observer()
        observer.schedule(Handler(), str(folder), recursive=True, event_filter=writes)
        observer.start()
    except (ImportError, OSError):  # e.g. the system's limit on watched folders
        return changed, lambda: None
    return changed, observer.stop
