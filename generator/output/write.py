"""Write generated pages into `content/` without ever losing an editor's work.

Each page is compared with its file (`decide`): text outside the markers
(`markers.py`) is the editors' and is kept; a page edited between the markers, or
without them, is left alone unless forced, after a backup. New text is staged beside
its page and renamed over it (`apply`), so every page is always whole, old or new.
One run at a time holds the project's lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..common.errors import FactsheetsError
from ..common.progress import Progress, silent
from ..common.project import CATEGORY_DIRS
from ..pages.page import Page
from .markers import compose, parse

BACKUPS = ".factsheets/backups"
LOCK = ".factsheets.lock"


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
    """Pages edited between the markers: left alone unless forced."""
    unmarked: list[Path] = field(default_factory=list)
    """Files at a generated page's path without markers: left alone unless forced."""
    forced: dict[Path, str] = field(default_factory=dict)
    """Text for edited or unmarked pages, written only with --force (after a backup)."""

    @property
    def conflicts(self) -> list[Path]:
        return sorted(self.edited + self.unmarked)

    @property
    def stale(self) -> bool:
        return bool(self.created or self.updated or self.deletes or self.conflicts)

    @property
    def pages(self) -> int:
        """Every page the site has, whatever was done with it."""
        return self.unchanged + len(self.created) + len(self.updated) + len(self.conflicts)

    def add(self, decision: Decision) -> None:
        path, text = decision.path, decision.text
        if decision.action == "keep":
            self.unchanged += 1
            return
        if decision.action in ("create", "update"):
            (self.created if decision.action == "create" else self.updated).append(path)
            if decision.staged is not None:
                self.staged[path] = decision.staged
            elif text is not None:
                self.writes[path] = text
            return
        (self.edited if decision.action == "edited" else self.unmarked).append(path)
        assert text is not None
        self.forced[path] = text


def decide(content: Path, page: Page) -> Decision:
    """What the page needs, given what its file holds now; read-only."""
    path = content / page.path
    current = _read(path)
    if current is None:
        return Decision(path, "create", compose(page))
    existing = parse(current)
    if existing is None:
        return Decision(path, "unmarked", compose(page))
    text = compose(page, existing.preamble, existing.tail)
    if not existing.intact:
        return Decision(path, "edited", text)
    return Decision(path, "update", text) if text != current else Decision(path, "keep", None)


def settle(content: Path, page: Page) -> Decision:
    """Decide what the page needs and stage its new text, if any, beside it.

    Rendering calls this for each page as it is made, in parallel workers, so that
    writing overlaps rendering. Nothing in `content/` changes until `apply` renames the
    staged files over their pages: a run that fails before then leaves every page as it
    was (the next run removes what it staged).
    """
    decision = decide(content, page)
    if decision.action not in ("create", "update"):
        return decision
    assert decision.text is not None
    return Decision(decision.path, decision.action, None, stage(decision.path, decision.text))


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


def apply(
    plan: Plan, root: Path, content: Path, *, force: bool = False, progress: Progress = silent
) -> list[Path]:
    """Carry out a plan: atomic writes, then deletions. Returns the backups made by --force."""
    backups: list[Path] = []
    writes = dict(plan.writes)
    if force:
        for path, text in plan.forced.items():
            backups.append(_backup(path, root))
            writes[path] = text
    # Fact sheets first, index pages last: an interrupted run never leaves an index
    # pointing at a page that is not there yet.
    order = sorted(writes.keys() | plan.staged.keys(), key=lambda p: (_is_index(p), str(p)))
    for path in progress(order, "Writing"):
        if path in plan.staged:
            os.replace(plan.staged[path], path)
        else:
            atomic_write(path, writes[path])
    for path in plan.deletes:
        path.unlink(missing_ok=True)
    return backups


def atomic_write(path: Path, text: str | Iterable[str]) -> None:
    """Write to a temporary file beside the target, then rename it over the target.

    The text may come in parts, each written as it comes (and freed after)."""
    temporary = stage(path, text)
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def stage(path: Path, text: str | Iterable[str]) -> Path:
    """Write the text (or its parts) to a temporary file beside `path`, for a rename to put
    in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    return temporary


@contextlib.contextmanager
def staging(content: Path) -> Iterator[None]:
    """Around staging pages (`settle`) and putting them in place (`apply`): starts
    without what an interrupted run left, and removes what the block staged if it fails."""
    _clean_temporaries(content)
    try:
        yield
    except BaseException:
        _clean_temporaries(content)
        raise


def _clean_temporaries(content: Path) -> None:
    for directory in _page_folders(content):
        for leftover in directory.glob(".*.tmp-*"):
            leftover.unlink(missing_ok=True)


def _backup(path: Path, root: Path) -> Path:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:12]
    target = root / BACKUPS / f"{path.relative_to(root)}.{digest}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)
    return target


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the project's lock, so two runs never write `content/` at the same time."""
    with open(root / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FactsheetsError(
                f"another factsheets run is writing to this project (it holds {LOCK}); "
                "wait for it to finish and try again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
