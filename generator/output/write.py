"""Decide what each generated page needs, given what its file in `content/` holds.

Each page is compared with its file (`decide`): text outside the markers
(`markers.py`) is the editors' and is kept; a page edited between the markers, or
without them, is left alone unless forced, after a backup. New text is staged beside
its page as it is rendered (`settle`); `apply.py` puts it in place, and `files.py`
writes every file whole.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..common.errors import ContentNeedsAttention, FactsheetsError, InvalidInput
from ..common.project import DATA_DIR, GENERATED_DIRS, HOME_PAGE
from ..pages.page import Page
from .files import flush_all, naming, stage, sync_folder
from .markers import Broken, Existing, compose, parse, read

ABSENT = "absent"
"""`Decision.seen` of a page that had no file: it is created only while it still has none."""
UNKNOWN = "unknown"
"""`Decision.seen` when the file kept changing while it was read: never matches."""
ATTEMPTS = 5
"""How many times a page that keeps changing is read (or decided) again before it is left
as it is."""


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
    refused: FactsheetsError | None = None
    """Why nothing may be written over the page (see `decide`), kept so that one run
    reports every such page (`refusals`) instead of stopping at the first."""


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


class _Unread(enum.Enum):
    """`decide` reads the page's file itself."""

    token = 0


def decide(content: Path, page: Page, data: bytes | None | _Unread = _Unread.token) -> Decision:
    """What the page needs, given what its file holds now (`data`, its bytes or None for
    no file, when the caller has read them already); read-only.

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

    if isinstance(data, _Unread):
        try:
            data = bytes_of(path)
        except OSError as error:
            raise FactsheetsError(f"could not read {shown()}: {error.strerror}") from None
    if data is None:
        return Decision(path, "create", compose(page))
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


def examine(content: Path, page: Page, data: bytes | None | _Unread = _Unread.token) -> Decision:
    """`decide`, with a page nothing may be written over kept as a refusal (`refusals`)
    rather than raised, so that a run names every such page at once."""
    try:
        return decide(content, page, data)
    except (InvalidInput, ContentNeedsAttention) as error:
        return Decision(content / page.path, "keep", None, refused=error)


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
        before = bytes_of(path)
        decision = examine(content, page, before)
        if decision.action == "keep":
            return decision
        after = bytes_of(path)
        if after == before:
            seen = seen_of(after)
            break
    assert decision.text is not None
    if decision.action not in ("create", "update"):
        return dataclasses.replace(decision, seen=seen)
    staged = stage(decision.path, decision.text, flush=False)  # `apply` flushes them all
    return Decision(decision.path, decision.action, None, staged, seen, decision.problem)


def refusals(decisions: Iterable[Decision]) -> FactsheetsError | None:
    """One error for every page nothing may be written over, or None: invalid notes
    (exit 1) first, then pages whose editors' text is not certain (exit 3)."""
    refused = [d.refused for d in decisions if d.refused is not None]
    invalid = [e for e in refused if isinstance(e, InvalidInput)]
    if invalid:
        return InvalidInput([problem for error in invalid for problem in error.problems])
    if len(refused) == 1:
        return refused[0]
    if refused:
        return ContentNeedsAttention("\n\n".join(error.message for error in refused))
    return None


def seen_of(data: bytes | None) -> str:
    """What `Decision.seen` says of a file with these bytes (None: no file)."""
    return ABSENT if data is None else hashlib.sha256(data).hexdigest()


def bytes_of(path: Path) -> bytes | None:
    """A file's bytes; None when there is no file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def parsed(data: bytes | None) -> Existing | None:
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


def is_index(path: Path) -> bool:
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
    for folder in GENERATED_DIRS:
        directory = content / folder
        if directory.is_dir():
            yield directory


def generated_files(content: Path) -> list[Path]:
    """Every page in the generator's folders: generated ones, and any an editor put there."""
    return _named_as_pages(content, folders=False)


def in_the_way(content: Path) -> list[Path]:
    """Folders named as pages (`x.md/`) in the generator's folders: a page of that name
    cannot be written."""
    return _named_as_pages(content, folders=True)


def _named_as_pages(content: Path, *, folders: bool) -> list[Path]:
    """The files (or, with `folders`, the folders) named `*.md` in the generator's folders."""
    found = []
    for folder in _page_folders(content):
        # scandir: a glob and a stat per page took a second on 10,000 pages.
        with os.scandir(folder) as entries:
            names = sorted(
                e.name
                for e in entries
                if e.name.endswith(".md") and (e.is_dir() if folders else e.is_file())
            )
        found += [folder / name for name in names]
    return found


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
    # data/ too: data files are staged there (`data_files`), and a killed run leaves them.
    for directory in [*_page_folders(content), content / DATA_DIR]:
        for leftover in directory.glob(".*.tmp-*"):
            leftover.unlink(missing_ok=True)
    # And the home page's, the one page of content/'s own (the editors' other files there
    # are never staged, so no temporary of theirs is taken).
    for leftover in content.glob(f".{HOME_PAGE}.tmp-*"):
        leftover.unlink(missing_ok=True)


def data_files(content: Path, made: dict[str, str]) -> list[str]:
    """Write each data file (`content/`-relative path to text) whose text changed, whole
    and atomically; the paths written. Data files hold no editor's text: no markers."""
    staged: dict[Path, Path] = {}
    written = []
    try:
        for relative, text in made.items():
            path = content / relative
            if _read(path) == text:
                continue
            # Flushed all at once, as pages are: a site has a data file per fact sheet, and
            # one flush each took seconds on thousands.
            staged[path] = stage(path, text, flush=False)
            written.append(relative)
        flush_all(staged.values())
        for path in list(staged):
            try:
                os.replace(staged[path], path)
            except OSError as error:
                raise naming(error, path) from None
            del staged[path]
    finally:
        for temporary in staged.values():  # what a failure left staged
            with contextlib.suppress(OSError):
                temporary.unlink()
    for folder in sorted({(content / relative).parent for relative in written}):
        sync_folder(folder)
    return written


def stale_data(
    content: Path, made: Iterable[str], deleted: Iterable[Path], recorded: Iterable[str]
) -> list[Path]:
    """The data files beside fact sheets (`actors/<id>.json`) no longer made whose page is
    gone: beside a page this run `deleted`, or `recorded` as made by the last run. Any
    other file in the generator's folders is an editor's, and stays; so does the data file
    of a page kept because an editor wrote on it, which still links to it."""
    beside = {page.with_suffix(".json") for page in deleted}
    for relative in recorded:
        folder, _, name = relative.partition("/")
        if folder in GENERATED_DIRS and name.endswith(".json") and "/" not in name:
            beside.add(content / relative)
    kept = set(made)
    return sorted(
        path
        for path in beside
        if path.relative_to(content).as_posix() not in kept
        and path.is_file()
        and not path.with_suffix(".md").exists()
    )


def delete_data(paths: Iterable[Path]) -> None:
    """Delete data files no longer made (`stale_data`)."""
    folders = set()
    for path in paths:
        path.unlink(missing_ok=True)
        folders.add(path.parent)
    for folder in sorted(folders):
        sync_folder(folder)
