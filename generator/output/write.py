"""Write generated pages into `content/` without ever losing an editor's work.

Each page is compared with its file (`decide`): text outside the markers
(`markers.py`) is the editors' and is kept; a page edited between the markers, or
without them, is left alone unless forced, after a backup. New text is staged beside
its page, flushed to disk, and renamed over it (`apply`), so every page is always
whole, old or new.

Editors may save a page while a run renders (`factsheets serve` regenerates as they
work): a page is put in place only if its file still holds the bytes its new text was
made from (`Decision.seen`), else it is decided again from what was saved. The file
replaced is kept under another name until every page is in place, then looked at once
more, for notes written into it by an editor who had it open (`_Writer`). One run at a
time holds the project's lock.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import itertools
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from filelock import FileLock, Timeout

from ..common.errors import FactsheetsError
from ..common.progress import Progress, silent
from ..common.project import CATEGORY_DIRS
from ..pages.page import Page
from .markers import Broken, Existing, compose, parse, read

BACKUPS = ".factsheets/backups"
LOCK = ".factsheets.lock"
ABSENT = "absent"
"""`Decision.seen` of a page that had no file: it is created only while it still has none."""
UNKNOWN = "unknown"
"""`Decision.seen` when the file kept changing while it was read: never matches."""
ATTEMPTS = 5
"""How many times a page that keeps changing is decided again before it is left as it is."""
HOLD = 0.05
"""Seconds a replaced file is held at least before it is read once more (`_Writer`)."""


@dataclass(frozen=True)
class Decision:
    """What one generated page needs, found by comparing it with its file."""

    path: Path
    action: Literal["create", "update", "keep", "edited", "unmarked"]
    """create/update: write it; keep: it is up to date; edited (between the markers) or
    unmarked (no markers): leave it alone unless forced."""
    text: str | None
    """The page's full new text; None when it is up to date or staged."""
    staged: Path | None = None
    """A temporary file beside the page holding its new text, for `apply` to rename over
    it (see `settle`)."""
    seen: str | None = None
    """The digest of the file's bytes that the new text was made from (`seen`): `apply`
    puts the text in place only while the file still holds them. None: not known (made
    by `decide` alone), the page is decided again first."""
    problem: str | None = None
    """For an edited page whose markers are out of place (but whose editors' text is
    certain): how, e.g. "has the generated block 2 times"."""


@dataclass
class Plan:
    """What a generation does to `content/`: every page's decision, and the deletions."""

    writes: dict[Path, str] = field(default_factory=dict)
    """Pages to create or update, with their new text (unless staged)."""
    staged: dict[Path, Path] = field(default_factory=dict)
    """Pages to create or update whose new text waits in a temporary file, by page."""
    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: int = 0
    deletes: list[Path] = field(default_factory=list)
    """Generated pages no summary produces any more, that nobody edited."""
    orphans: list[Path] = field(default_factory=list)
    """Pages no summary produces any more, kept because an editor wrote on them."""
    edited: list[Path] = field(default_factory=list)
    problems: dict[Path, str] = field(default_factory=dict)
    """How the markers of edited pages are out of place, where they are."""
    """Pages edited between the markers: left alone unless forced."""
    unmarked: list[Path] = field(default_factory=list)
    """Files at a generated page's path without markers: left alone unless forced."""
    forced: dict[Path, str] = field(default_factory=dict)
    """Text for edited or unmarked pages, written only with --force (after a backup)."""
    seen: dict[Path, str] = field(default_factory=dict)
    """The digest of the bytes each page's new text was made from (`Decision.seen`), for
    the pages to write or force."""
    remerged: list[Path] = field(default_factory=list)
    """Pages an editor saved while the run went on: their new text was made again from
    what was saved, keeping it."""
    interrupted: dict[Path, Path | None] = field(default_factory=dict)
    """Pages saved while they were being written that need an editor's look, with the
    backup holding the text saved then; None: the page kept changing and was left as it
    was."""

    @property
    def conflicts(self) -> list[Path]:
        return sorted(self.edited + self.unmarked)

    @property
    def stale(self) -> bool:
        return bool(self.created or self.updated or self.deletes or self.conflicts)

    @property
    def pages(self) -> int:
        """Every page the site has, whatever was done with it."""
        left = sum(backup is None for backup in self.interrupted.values())
        return self.unchanged + len(self.created) + len(self.updated) + len(self.conflicts) + left

    def add(self, decision: Decision) -> None:
        path, text = decision.path, decision.text
        if decision.action == "keep":
            self.unchanged += 1
            return
        if decision.seen is not None:
            self.seen[path] = decision.seen
        if decision.action in ("create", "update"):
            (self.created if decision.action == "create" else self.updated).append(path)
            if decision.staged is not None:
                self.staged[path] = decision.staged
            elif text is not None:
                self.writes[path] = text
            return
        (self.edited if decision.action == "edited" else self.unmarked).append(path)
        if decision.problem:
            self.problems[path] = decision.problem
        assert text is not None
        self.forced[path] = text


def decide(content: Path, page: Page) -> Decision:
    """What the page needs, given what its file holds now; read-only.

    Raises, so that nothing is written over the page even with --force, when it is not
    certain which of its text is the editors' (`markers.Broken`: ContentNeedsAttention),
    and when the editors' text uses a footnote label of the generated citations'
    (InvalidInput): either would lose or garble what they wrote.
    """
    path = content / page.path

    def shown() -> str:
        # As every message shows a page: relative to the project (mkdocs.yml's folder).
        root = next((p for p in content.parents if (p / "mkdocs.yml").is_file()), content.parent)
        return str(path.relative_to(root))

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Decision(path, "create", compose(page))
    except OSError as error:
        raise FactsheetsError(f"could not read {shown()}: {error.strerror}") from None
    existing = read(data)
    if existing is None:
        return Decision(path, "unmarked", compose(page))
    if isinstance(existing, Broken) or existing.reserved:
        raise existing.error(shown())
    text = compose(page, existing.preamble, existing.tail)
    if not existing.intact:
        return Decision(path, "edited", text, problem=existing.problem)
    # A byte order mark alone does not make a page out of date (`read` ignores it).
    if text.encode() == data.removeprefix(b"\xef\xbb\xbf"):
        return Decision(path, "keep", None)
    return Decision(path, "update", text)


def settle(content: Path, page: Page) -> Decision:
    """Decide what the page needs and stage its new text, if any, beside it.

    Rendering calls this for each page as it is made, in parallel workers, so that
    writing overlaps rendering. Nothing in `content/` changes until `apply` renames the
    staged files over their pages: a run that fails before then leaves every page as it
    was (the next run removes what it staged).
    """
    path = content / page.path
    seen = UNKNOWN
    for _ in range(ATTEMPTS):
        # The file read before and after `decide`: the same bytes, or it is read again.
        before = _bytes(path)
        decision = decide(content, page)
        if decision.action == "keep":
            return decision
        after = _bytes(path)
        if after == before:
            seen = _seen(after)
            break
    assert decision.text is not None
    if decision.action not in ("create", "update"):
        return dataclasses.replace(decision, seen=seen)
    staged = stage(decision.path, decision.text)
    return Decision(decision.path, decision.action, None, staged, seen, decision.problem)


def _seen(data: bytes | None) -> str:
    """What `Decision.seen` says of a file with these bytes (None: no file)."""
    return ABSENT if data is None else hashlib.sha256(data).hexdigest()


def _bytes(path: Path) -> bytes | None:
    """A file's bytes; None when there is no file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _parsed(data: bytes | None) -> Existing | None:
    """A page's parts, from its bytes read as `_read` reads them; None without markers."""
    if data is None:
        return None
    try:
        return parse(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None


def page_of(path: str, text: str) -> Page | None:
    """The page a text `compose` wrote was made of (so that it can be decided again
    against its file), or None when the text is not one `compose` writes."""
    existing = parse(text)
    if existing is None:
        return None
    front: dict[str, object] = {}
    for line in existing.front.splitlines():
        key, colon, value = line.partition(": ")
        try:
            front[key] = json.loads(value)  # `compose` writes each value as JSON
        except ValueError:
            return None
        if not colon:
            return None
    page = Page(path, front, existing.body)
    return page if compose(page, existing.preamble, existing.tail) == text else None


def _is_index(path: Path) -> bool:
    return path.name == "index.md"


def plan_of(content: Path, decisions: Iterable[Decision], kept: Iterable[str] = ()) -> Plan:
    """The plan made of these decisions, plus the deletions they imply.

    `kept` are the paths of pages not rendered because they would not change: their
    files stay as they are.
    """
    result = Plan()
    wanted = {content / path for path in kept}
    result.unchanged = len(wanted)
    for decision in decisions:
        wanted.add(decision.path)
        result.add(decision)
    for path in generated_files(content):
        if path in wanted:
            continue
        existing = parse(_read(path) or "")
        if existing is None:
            continue  # hand-written
        (result.deletes if existing.pristine else result.orphans).append(path)
    return result


def _read(path: Path) -> str | None:
    try:
        # utf-8-sig: a page an editor saved with a byte order mark is still ours.
        # newline="": the editor's text is kept byte for byte, \r\n included.
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return ""  # not ours: it will count as unmarked and be left alone


def _page_folders(content: Path) -> Iterator[Path]:
    """The folders of `content/` the generator writes into, those that exist."""
    for folder in CATEGORY_DIRS:
        directory = content / folder
        if directory.is_dir():
            yield directory


def generated_files(content: Path) -> list[Path]:
    """Every page in the generator's folders: generated ones, and any an editor put there."""
    found = []
    for folder in _page_folders(content):
        # scandir: a glob and a stat per page took a second on 10,000 pages.
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(".md") and e.is_file())
        found += [folder / name for name in names]
    return found


def in_the_way(content: Path) -> list[Path]:
    """Folders named as pages (`x.md/`) in the generator's folders: a page of that name
    cannot be written."""
    found = []
    for folder in _page_folders(content):
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(".md") and e.is_dir())
        found += [folder / name for name in names]
    return found


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
    writer = _Writer(plan, root, content, force)
    pages = plan.writes.keys() | plan.staged.keys() | (plan.forced.keys() if force else set())
    # Fact sheets first, index pages last: an interrupted run never leaves an index
    # pointing at a page that is not there yet.
    order = sorted(pages, key=lambda p: (_is_index(p), str(p)))
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
            raise _naming(error, path, keep=True) from None
        finally:
            if staged is not None:
                with contextlib.suppress(OSError):
                    staged.unlink(missing_ok=True)  # still there when not used

    def _put(
        self, path: Path, staged: Path | None, text: str | None, seen: str, *, forced: bool
    ) -> None:
        page: Page | None = None
        for _ in range(ATTEMPTS):
            data = _bytes(path)
            if _seen(data) == seen:
                if forced and data is not None:
                    # Over an editor's page: kept first, as it is now.
                    self.backups.append(_backup(path, self.root, data))
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
            after = _bytes(path)
            seen = _seen(after) if after == data else UNKNOWN
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
            existing = _parsed(data)
            before = None if existing is None else (existing.preamble, existing.tail)
            self.held.append(_Held(path, old, _seen(data), before, carried or before))
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
        if _bytes(old) != data:
            old.unlink()
            return False, None
        return True, old

    def delete(self, path: Path) -> None:
        """Delete a page no summary produces any more, unless an editor wrote on it since."""
        try:
            self._delete(path)
        except OSError as error:
            raise _naming(error, path, keep=True) from None

    def _delete(self, path: Path) -> None:
        for _ in range(ATTEMPTS):
            data = _bytes(path)
            if data is None:
                return  # gone already
            existing = _parsed(data)
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
                self.held.append(_Held(path, old, _seen(data), None, None))
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
                    data = _bytes(item.old)
                    if data is not None and _seen(data) != item.seen:
                        self._recover(item, data, merge=round < ATTEMPTS - 1)
                except OSError as error:
                    raise _naming(error, item.page, keep=True) from None
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
        self._leave(path, _backup(path, self.root, data))

    def _merge(self, item: _Held, data: bytes) -> bool:
        """Merge what an editor wrote into the old file with what they may have written
        into the new one since, both kept; False when they cannot both be kept this way."""
        old = _parsed(data)
        if item.before is None or item.carried is None or old is None or not old.intact:
            return False
        before, carried = item.before, item.carried
        for _ in range(ATTEMPTS):
            now = _bytes(item.page)
            new = _parsed(now)
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
            _sync_folder(folder)


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


def atomic_write(path: Path, text: str | Iterable[str]) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename it over
    the target (and flush the folder).

    The text may come in parts, each written as it comes (and freed after). An OSError
    names `path`, never the temporary file."""
    temporary = stage(path, text)
    try:
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise _naming(error, path) from None
        raise
    _sync_folder(path.parent)


def stage(path: Path, text: str | Iterable[str]) -> Path:
    """Write the text (or its parts) to a temporary file beside `path`, flushed to disk,
    for a rename to put in place. An OSError names `path`, never the temporary file."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)
            # On disk before the rename: after a crash the page is old or new, not empty.
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise _naming(error, path) from None
        raise
    return temporary


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk, where the system can: Windows cannot
    open a folder, and some file systems refuse to flush one."""
    if os.name == "nt":
        return
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES):
            raise _naming(error, folder) from None
    finally:
        os.close(handle)


def _naming(error: OSError, path: Path, *, keep: bool = False) -> OSError:
    """The same error, naming the file users know (`path`: a page, not its temporary
    file) and always giving a reason. With `keep`, a file the error names already (a
    backup, say) stays named, unless it is a temporary file."""
    reason = error.strerror or str(error) or type(error).__name__
    name = error.filename
    if keep and isinstance(name, (str, bytes, os.PathLike)) and ".tmp-" not in os.fsdecode(name):
        path = Path(os.fsdecode(name))
    return OSError(error.errno, reason, os.fspath(path))


@contextlib.contextmanager
def staging(content: Path) -> Iterator[None]:
    """Around staging pages (`settle`) and putting them in place (`apply`): starts
    without what an interrupted run left, and removes what the block staged if it fails."""
    _clean_temporaries(content)
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):  # the error that stopped the run is the one to show
            _clean_temporaries(content)
        raise


def _clean_temporaries(content: Path) -> None:
    for directory in _page_folders(content):
        for leftover in directory.glob(".*.tmp-*"):
            leftover.unlink(missing_ok=True)


def _backup(path: Path, root: Path, data: bytes | None = None) -> Path:
    """Copy a page into `.factsheets/backups/`, under a name no backup has yet: the
    page's path and a digest of its bytes, and `-2`, `-3`... if that is taken. `data`,
    when given, is the page's text to keep (as it was read)."""
    if data is None:
        data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:12]
    first = root / BACKUPS / f"{path.relative_to(root)}.{digest}"
    try:
        first.parent.mkdir(parents=True, exist_ok=True)
        for number in itertools.count(1):
            target = first if number == 1 else first.with_name(f"{first.name}-{number}")
            if _create_new(target, data):
                break
    except OSError as error:
        raise _naming(error, first) from None
    with contextlib.suppress(OSError):
        shutil.copystat(path, target)  # the page's times, for whoever looks for it
    return target


def _create_new(path: Path, data: bytes) -> bool:
    """Write a new file, flushed to disk; False, touching nothing, if the name is taken."""
    try:
        # O_EXCL: a file already there is never written over, even one made this instant.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        descriptor = os.open(path, flags, 0o666)
    except FileExistsError:
        return False
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)  # half a backup is none
        raise
    return True


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the project's lock, so two runs never write `content/` at the same time.

    The lock (`filelock`) is the system's own on every OS, so a run that dies, even
    killed, releases it."""
    lock = FileLock(root / LOCK, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise FactsheetsError(
            f"another factsheets run is writing to this project (it holds {LOCK}); "
            "wait for it to finish and try again"
        ) from None
    except OSError as error:
        raise _naming(error, root / LOCK) from None
    try:
        yield
    finally:
        lock.release()
