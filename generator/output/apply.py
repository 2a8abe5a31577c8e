"""Carry out a plan (`write.Plan`) without losing what an editor saves meanwhile.

Editors may save a page while a run renders (`factsheets serve` regenerates as they
work): a page is put in place only if its file still holds the bytes its new text was
made from (`Decision.seen`), else it is decided again from what was saved. The file
replaced is kept under another name until every page is in place, then looked at once
more, for notes written into it by an editor who had it open (`_Writer`).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from pathlib import Path
from typing import NamedTuple

from ..common.progress import Progress, silent
from ..pages.page import Page
from .files import backup, flush_all, naming, stage, sync_folder
from .markers import compose
from .write import (
    ATTEMPTS,
    UNKNOWN,
    Decision,
    Plan,
    bytes_of,
    decide,
    is_index,
    page_of,
    parsed,
    seen_of,
)

HOLD = 0.05
"""Seconds a replaced file is held at least before it is read once more (`_Writer`)."""


def apply(
    plan: Plan, root: Path, content: Path, *, force: bool = False, progress: Progress = silent
) -> list[Path]:
    """Carry out a plan: atomic writes, then deletions. Returns the backups made by --force.

    A page is put in place only while its file holds the bytes its new text was made
    from (`Plan.seen`). One an editor saved since is decided again (`decide`) from what
    they saved: remade keeping their text (`Plan.remerged`), or, edited between the
    markers now, left alone as a conflict. Every file replaced or deleted is kept
    under another name until all are done, then read once more: notes written into it
    meanwhile, by an editor who had it open, are merged in as well, or else kept in a
    backup (`Plan.interrupted`). Each page is flushed to disk before it is renamed into
    place, and its folder after.
    """
    flush_all(plan.staged.values())
    writer = _Writer(plan, root, content, force)
    pages = plan.writes.keys() | plan.staged.keys() | (plan.forced.keys() if force else set())
    # Fact sheets first, index pages last: an interrupted run never leaves an index
    # pointing at a page that is not there yet.
    order = sorted(pages, key=lambda p: (is_index(p), str(p)))
    try:
        for path in progress(order, "Writing"):
            writer.put(path)
        for path in list(plan.deletes):
            writer.delete(path)
    except BaseException:
        # What an editor wrote into a replaced file still counts; the first error is the
        # one to report.
        with contextlib.suppress(OSError):
            writer.release()
        raise
    writer.release()
    writer.sync()
    return writer.backups


class _Held(NamedTuple):
    """A page's file replaced or deleted, kept under another name until every page is in
    place (`_Writer.release`)."""

    page: Path
    old: Path
    """The replaced file, under its other name (a hard link)."""
    seen: str
    """Digest of its bytes when they were checked."""
    before: tuple[str, str] | None
    """The editors' text (before and after the markers) it held then; None without
    markers."""
    carried: tuple[str, str] | None
    """The editors' text the page's new file was written with; None when the page was
    deleted."""


class _Writer:
    """Puts one plan's pages in place, never over text it has not read (see `apply`)."""

    def __init__(self, plan: Plan, root: Path, content: Path, force: bool) -> None:
        self.plan = plan
        self.root = root
        self.content = content
        self.force = force
        self.backups: list[Path] = []
        """Backups of the pages forced over."""
        self.held: list[_Held] = []
        self.folders: set[Path] = set()
        """Folders whose entries changed, flushed to disk at the end."""
        self.links = True
        """False once the file system refused a hard link: files are then only checked
        just before they are replaced."""
        self.last_held = 0.0
        """When the last file was replaced or deleted (`time.monotonic`)."""
        self.numbers = itertools.count()

    def put(self, path: Path) -> None:
        """Put a page's new text in place, or decide it again if its file changed."""
        plan = self.plan
        staged = plan.staged.get(path)
        forced = staged is None and path not in plan.writes
        text = None if staged is not None else plan.writes.get(path, plan.forced.get(path))
        try:
            self._put(path, staged, text, plan.seen.get(path, UNKNOWN), forced=forced)
        except OSError as error:
            raise naming(error, path, keep=True) from None
        finally:
            if staged is not None:
                with contextlib.suppress(OSError):
                    staged.unlink(missing_ok=True)  # still there when not used

    def _put(
        self, path: Path, staged: Path | None, text: str | None, seen: str, *, forced: bool
    ) -> None:
        page: Page | None = None
        for _ in range(ATTEMPTS):
            data = bytes_of(path)
            if seen_of(data) == seen:
                if forced and data is not None:
                    # Over an editor's page: kept first, as it is now.
                    self.backups.append(backup(path, self.root, data))
                if self._replace(path, data, staged if text is None else None, text):
                    return
                continue  # changed while it was being replaced: look again
            # Saved since it was read: decide again from what it holds now.
            if page is None:
                source = text if text is not None else _text(staged)
                page = page_of(self._relative(path), source)
                if page is None:
                    break  # not a text `compose` wrote: cannot be remade
            decision = decide(self.content, page)
            if path not in self.plan.remerged:
                self.plan.remerged.append(path)
            if decision.action == "keep":
                return  # it holds the new text already, with the editor's
            if decision.action in ("edited", "unmarked") and not self.force:
                self._conflict(path, decision)
                return
            assert decision.text is not None
            text, forced = decision.text, decision.action in ("edited", "unmarked")
            after = bytes_of(path)
            seen = seen_of(after) if after == data else UNKNOWN
        self._leave(path, None)

    def _replace(
        self,
        path: Path,
        data: bytes | None,
        staged: Path | None,
        text: str | None,
        carried: tuple[str, str] | None = None,
    ) -> bool:
        """Put the new text (`staged`, else `text`) in place of the file that held `data`
        (None: no file); False, writing nothing, when the file changed since it was read.

        `carried` is the editors' text the new one has, when not the old one's (as
        `decide` carries it over): see `_Held`."""
        kept, old = self._hold(path, data)
        if not kept:
            return False
        if staged is None:
            assert text is not None
            staged = stage(path, text)
        if data is None and os.path.lexists(path):
            return False  # a new page, whose file someone made meanwhile
        os.replace(staged, path)
        self.folders.add(path.parent)
        if old is not None:
            assert data is not None
            existing = parsed(data)
            before = None if existing is None else (existing.preamble, existing.tail)
            self.held.append(_Held(path, old, seen_of(data), before, carried or before))
            self.last_held = time.monotonic()
        return True

    def _hold(self, path: Path, data: bytes | None) -> tuple[bool, Path | None]:
        """Keep the page's file under another name, so that what an editor writes into
        it after it was read (through a file they have open) can be found: returns
        whether it still holds `data`, and the other name (None if not kept)."""
        if data is None or not self.links:
            return True, None
        # A name of its own: the page's file may be held twice (replaced, then merged).
        old = path.with_name(f".{path.name}.tmp-{os.getpid()}.old-{next(self.numbers)}")
        try:
            old.unlink(missing_ok=True)
            os.link(path, old)
        except FileNotFoundError:
            return False, None  # deleted since it was read
        except OSError:
            self.links = False  # no hard links on this file system
            return True, None
        if bytes_of(old) != data:
            old.unlink()
            return False, None
        return True, old

    def delete(self, path: Path) -> None:
        """Delete a page no summary produces any more, unless an editor wrote on it since."""
        try:
            self._delete(path)
        except OSError as error:
            raise naming(error, path, keep=True) from None

    def _delete(self, path: Path) -> None:
        for _ in range(ATTEMPTS):
            data = bytes_of(path)
            if data is None:
                return  # gone already
            existing = parsed(data)
            if existing is None or not existing.pristine:
                # Written on since it was read: an editor's page now, kept.
                self.plan.deletes.remove(path)
                if existing is not None:
                    self.plan.orphans.append(path)
                return
            kept, old = self._hold(path, data)
            if not kept:
                continue
            path.unlink(missing_ok=True)
            self.folders.add(path.parent)
            if old is not None:
                self.held.append(_Held(path, old, seen_of(data), None, None))
                self.last_held = time.monotonic()
            return
        self.plan.deletes.remove(path)
        self.plan.interrupted[path] = None

    def release(self) -> None:
        """Read every replaced or deleted file once more, then let it go: text an editor
        wrote into one after it was checked is merged into the page (which replaces it
        again: hence the rounds), put back if the page was deleted, or else kept in a
        backup."""
        for round in range(ATTEMPTS):
            held, self.held = self.held, []
            if held:
                # An editor who opened a page just before it was replaced writes into
                # the old file a moment later: give them that moment.
                time.sleep(max(0.0, self.last_held + HOLD - time.monotonic()))
            for item in held:
                try:
                    data = bytes_of(item.old)
                    if data is not None and seen_of(data) != item.seen:
                        self._recover(item, data, merge=round < ATTEMPTS - 1)
                except OSError as error:
                    raise naming(error, item.page, keep=True) from None
                item.old.unlink(missing_ok=True)
            if not self.held:
                return

    def _recover(self, item: _Held, data: bytes, *, merge: bool) -> None:
        """An editor wrote `data` into the page's old file after it was checked."""
        path = item.page
        if merge and path in self.plan.deletes:
            # A deleted page: put back as they left it, theirs now.
            with contextlib.suppress(FileExistsError):
                os.link(item.old, path)
                self.plan.deletes.remove(path)
                self.plan.orphans.append(path)
                return
        elif merge and item.carried is not None and self._merge(item, data):
            if path not in self.plan.remerged:
                self.plan.remerged.append(path)
            return
        self._leave(path, backup(path, self.root, data))

    def _merge(self, item: _Held, data: bytes) -> bool:
        """Merge what an editor wrote into the old file with what they may have written
        into the new one since, both kept; False when they cannot both be kept this way."""
        old = parsed(data)
        if item.before is None or item.carried is None or old is None or not old.intact:
            return False
        before, carried = item.before, item.carried
        for _ in range(ATTEMPTS):
            now = bytes_of(item.page)
            new = parsed(now)
            if now is None or new is None or not new.intact:
                return False
            preamble = _merged(before[0], old.preamble, carried[0], new.preamble)
            tail = _merged(before[1], old.tail, carried[1], new.tail)
            page = page_of(self._relative(item.page), now.decode("utf-8-sig"))
            if preamble is None or tail is None or page is None:
                return False
            text = compose(page, preamble, tail)
            if text.encode() == now:
                return True  # what they wrote is in the page already
            if self._replace(item.page, now, None, text, (preamble, tail)):
                return True
            # Written to again meanwhile: merge with that.
        return False

    def _conflict(self, path: Path, decision: Decision) -> None:
        """Edited between the markers, or stripped of them, while the run went on: left
        alone, as any such page is."""
        self._unlist(path)
        (self.plan.edited if decision.action == "edited" else self.plan.unmarked).append(path)
        assert decision.text is not None
        self.plan.forced[path] = decision.text

    def _leave(self, path: Path, backup: Path | None) -> None:
        """Saved while it was being written, in a way this run cannot merge: for an
        editor to look at (`Plan.interrupted`)."""
        self._unlist(path)
        self.plan.interrupted[path] = backup

    def _unlist(self, path: Path) -> None:
        for listed in (self.plan.created, self.plan.updated, self.plan.remerged):
            if path in listed:
                listed.remove(path)

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.content).as_posix()

    def sync(self) -> None:
        """Flush the folders whose entries changed: the renames are on disk too."""
        for folder in sorted(self.folders):
            sync_folder(folder)


def _merged(before: str, old: str, carried: str, new: str) -> str | None:
    """One editors' text from two files of a page: the old one, which held `before` when
    it was checked and `old` now, and the new one, written with `carried` and holding
    `new` now. What was written into the old file is kept with what was written into
    the new one when only one of them changed, or when each was only added to (notes
    appended); None otherwise."""
    if old == before:
        return new
    if new == carried and carried == before:
        return old
    if old.startswith(before) and new.startswith(carried):
        return carried + old[len(before) :] + new[len(carried) :]
    return None


def _text(staged: Path | None) -> str:
    assert staged is not None
    return staged.read_text(encoding="utf-8")
