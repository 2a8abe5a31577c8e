"""What changed, for the preview (`preview.py`): the system's notices of writes in
`seeds/`, `content/`, `mkdocs.yml` and the theme, gathered for the preview's loop.

watchdog's native observer (inotify on Linux) is told of each write as it happens, so
watching costs nothing while nothing changes; its polling observer, which would stat
every file of `content/` twice a second, is never used.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LATE = 0.02
"""Seconds a file's modification time may lag the clock (the kernel's coarse clock)."""


class Stopped(Exception):
    """The preview was asked to stop (`Changes.stop`)."""


@dataclass(frozen=True)
class Watched:
    """What the site is built from: `pages` (`docs_dir`), and the files and folders a
    change to which means building the whole site again (mkdocs.yml, the theme's
    `custom_dir`, mkdocs.yml's `watch:`)."""

    pages: Path
    whole: tuple[Path, ...]


class Changes:
    """What changed since the loop last looked: set by the watchers' threads, taken by
    the preview's loop, which sleeps in `wait` until there is something."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._seeds = False
        self._pages: dict[str, float] = {}
        """Files of `content/` written since the last build started (path: when told)."""
        self._whole = False
        self._latest = 0.0
        """When the latest change was told (monotonic)."""
        self._build_started = 0.0
        """When the last build started (the system's clock, as file times are)."""
        self._stopping = False

    def note(self, kind: str, path: str) -> None:
        """A change told by a watcher: `kind` is "seeds", "pages" or "whole"."""
        with self._changed:
            if kind == "seeds":
                self._seeds = True
            elif kind == "pages":
                self._pages[path] = time.monotonic()
            else:
                self._whole = True
            self._latest = time.monotonic()
            self._changed.notify_all()

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()

    def wait(self, timeout: float | None) -> None:
        """Returns once something changed (or after `timeout` seconds); raises `Stopped`."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._stopping or self._seeds or bool(self._pages) or self._whole,
                timeout,
            )
            if self._stopping:
                raise Stopped

    def settle(self, quiet: float) -> None:
        """Returns once nothing has changed for `quiet` seconds: a burst of writes (an
        editor's save is several) is acted on once."""
        with self._changed:
            while not self._stopping:
                left = self._latest + quiet - time.monotonic()
                if left <= 0:
                    return
                self._changed.wait(left)
            raise Stopped

    def take_seeds(self) -> bool:
        """Whether `seeds/` changed since the last call."""
        with self._changed:
            seeds, self._seeds = self._seeds, False
            return seeds

    def build_wanted(self) -> bool | None:
        """None if no build is needed, else whether the whole site must be built.

        A write told after the last build started was often made before it (the notice
        arrives a moment after the write): that build read it, and it is forgotten."""
        with self._changed:
            started = self._build_started - LATE
            self._pages = {
                path: told for path, told in self._pages.items() if not _before(path, started)
            }
            return self._whole if self._whole or self._pages else None

    def build_starts(self) -> bool:
        """A build starts, reading every change so far; returns whether one of them
        asks for the whole site."""
        with self._changed:
            whole, self._whole = self._whole, False
            self._pages.clear()
            self._build_started = time.time()
            return whole


def _before(path: str, moment: float) -> bool:
    """Whether the file was last written before `moment` (False if it is gone)."""
    try:
        return os.stat(path).st_mtime < moment
    except OSError:
        return False


class Watcher:
    """watchdog's native observer, telling `changes` of writes in `seeds/` and what
    `watched` names; `None` from `start` where the system has no way to tell."""

    def __init__(self, observer: Any, changes: Changes, seeds: Path) -> None:
        self._observer = observer
        self._changes = changes
        self._seeds = seeds
        self.watched: Watched | None = None

    @classmethod
    def start(cls, changes: Changes, seeds: Path, watched: Watched) -> Watcher | None:
        try:
            from watchdog.observers import Observer
            from watchdog.observers.polling import PollingObserver
        except ImportError:
            return None
        observer = Observer()
        if isinstance(observer, PollingObserver):
            return None  # watchdog's fallback where the system cannot tell: no
        watcher = cls(observer, changes, seeds)
        try:
            watcher.update(watched)
            observer.start()
        except OSError:  # e.g. the system's limit on watched folders
            with contextlib.suppress(OSError):
                observer.unschedule_all()
            return None
        return watcher

    def update(self, watched: Watched) -> None:
        """Watches what `watched` names (mkdocs.yml may have changed it)."""
        if watched == self.watched:
            return
        self._observer.unschedule_all()
        self.watched = watched
        self._schedule(self._seeds, "seeds")
        self._schedule(watched.pages, "pages")
        for path in watched.whole:
            self._schedule(path, "whole")

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(5)

    def _schedule(self, path: Path, kind: str) -> None:
        from watchdog import events

        # Writes only: a build reads every page, a regeneration every summary, and each
        # file opened would otherwise be an event to handle, in this process.
        writes = [
            events.FileCreatedEvent,
            events.FileModifiedEvent,
            events.FileClosedEvent,
            events.FileDeletedEvent,
            events.FileMovedEvent,
            events.DirCreatedEvent,
            events.DirDeletedEvent,
            events.DirMovedEvent,
            events.EventsLostEvent,  # the system's queue overflowed: anything may have changed
        ]
        if path.is_dir():
            handler = _Handler(self._changes, kind, path, None)
            self._observer.schedule(handler, str(path), recursive=True, event_filter=writes)
        elif path.parent.is_dir():
            # The folder, not the file: an editor saves by renaming a new file over it.
            handler = _Handler(self._changes, kind, path.parent, path)
            self._observer.schedule(handler, str(path.parent), event_filter=writes)


class _Handler:
    """Tells `changes` of a write under `root` (to `only`, if given). Files MkDocs
    leaves out (names starting with a dot, as the temporary files our writes rename
    into place) and editors' backups (`~`) are no change to the site."""

    def __init__(self, changes: Changes, kind: str, root: Path, only: Path | None) -> None:
        self._changes = changes
        self._kind = kind
        self._root = str(root)
        self._only = None if only is None else str(only)

    def dispatch(self, event: Any) -> None:
        if event.event_type == "events_lost":
            self._changes.note(self._kind, "")  # a page that is not there: built
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            path = os.fsdecode(path)
            if path and self._counts(path):
                self._changes.note(self._kind, path)

    def _counts(self, path: str) -> bool:
        if self._only is not None:
            return path == self._only
        if self._kind == "seeds":
            return True  # `regenerate` compares seeds/ with what it last read
        relative = os.path.relpath(path, self._root)
        return not any(part.startswith(".") for part in Path(relative).parts) and not (
            path.endswith("~")
        )
