"""What the last run produced, recorded in one place so that the next run can tell what changed.

`.factsheets/last-run.json` (never committed) is written whole at the end of a run that
left `content/` clean, and deleted by a run that did not, so that the next one looks at
everything again. It has two lines, so that a run with nothing to do parses only the
first:

1. a fingerprint of every input (seeds, templates, the generator's code), the listing
   of `content/`'s generated folders, and the size and modification time of every page
   the run produced: when none of these changed, there is nothing to do;
2. what incremental runs need (`incremental.py`): the fingerprint of the code, each
   source's summary and text digests, and what every page showed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..pages.page import Shown
from .cache import stat
from .files import atomic_write
from .write import generated_files

RECORD_FILE = ".factsheets/last-run.json"
_REPLACED = (".factsheets/state.json", ".factsheets/shown.json")
"""The two files earlier versions kept instead: removed when the record is written."""


@dataclass(frozen=True)
class History:
    """The second line: what the last run read, and what each of its pages showed."""

    code: str
    """Fingerprint of the generator's code and the site's templates."""
    sources: dict[str, list[str]]
    """Source id -> [digest of its summary, its summary file, digest of its text]."""
    pages: dict[str, Shown]
    """Page path -> what it showed."""


class LastRun:
    """The record of the last run that left `content/` clean."""

    def __init__(self, head: dict[str, Any], data: bytes, tail: int) -> None:
        self.inputs: str = head["inputs"]
        """Fingerprint of everything the run read."""
        self.listing: list[str] = head["listing"]
        """The files in `content/`'s generated folders after the run."""
        self.files: dict[str, list[int]] = head["files"]
        """Size and modification time of each page the run produced, by path."""
        self._data = data
        self._tail = tail
        """Where the second line starts in the record's bytes (`data`)."""

    @cached_property
    def history(self) -> History | None:
        """The second line, parsed only when needed; None when it is damaged."""
        # Parsed once; the record's bytes (megabytes on a large site) are not kept after.
        tail, self._data = self._data[self._tail :], b""
        try:
            data = json.loads(tail)
            code, sources, pages = data["code"], data["sources"], data["pages"]
            if not (
                isinstance(code, str)
                and isinstance(sources, dict)
                and isinstance(pages, dict)
                and all(_digests(value) for value in sources.values())
            ):
                return None
            return History(code, sources, {path: Shown.from_json(s) for path, s in pages.items()})
        except (ValueError, KeyError, TypeError):
            return None

    def unchanged(self, content: Path, inputs: str) -> int | None:
        """The number of pages, when inputs and pages (and data files) are as this run left
        them; else None."""
        if self.inputs != inputs or self.listing != _listing(content):
            return None
        if len(self.as_left(content)) != len(self.files):
            return None
        return sum(1 for path in self.files if path.endswith(".md"))

    def as_left(self, content: Path) -> set[str]:
        """The pages whose files are as this run left them."""
        unchanged = set()
        for page, recorded in self.files.items():
            try:
                if stat(content / page) == recorded:
                    unchanged.add(page)
            except OSError:
                continue
        return unchanged


def read(root: Path) -> LastRun | None:
    """The record of the last clean run, if there is one and it can be read."""
    try:
        data = (root / RECORD_FILE).read_bytes()
        end = data.find(b"\n")
        head = json.loads(data[:end] if end >= 0 else data)
    except (OSError, ValueError):
        return None
    if not isinstance(head, dict) or not isinstance(head.get("files"), dict):
        return None
    try:
        return LastRun(head, data, len(data) if end < 0 else end + 1)
    except KeyError:
        return None


def save(
    root: Path,
    content: Path,
    *,
    inputs: str,
    outputs: Iterable[str],
    history: History,
) -> None:
    """Record a clean run: `outputs` are the paths of every page and data file it produced."""
    files = {}
    for page in outputs:
        # A page an editor deleted since it was written is not recorded: the next run
        # finds it missing, and makes it again.
        with contextlib.suppress(FileNotFoundError):
            files[page] = stat(content / page)
    head = {"inputs": inputs, "listing": _listing(content), "files": files}
    tail = {
        "code": history.code,
        "sources": history.sources,
        "pages": {path: shown.to_json() for path, shown in history.pages.items()},
    }
    # Each line is made as it is written: on a large site each is megabytes.
    lines = (
        text for part in (head, tail) for text in (json.dumps(part, separators=(",", ":")), "\n")
    )
    atomic_write(root / RECORD_FILE, lines)
    for replaced in _REPLACED:
        (root / replaced).unlink(missing_ok=True)


def forget(root: Path) -> None:
    """Delete the record: the next run looks at everything again."""
    for name in (RECORD_FILE, *_REPLACED):
        # NotADirectoryError: `.factsheets` is a file, so no record is there either.
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            (root / name).unlink()


def _digests(value: Any) -> bool:
    """Whether a source's entry is as `save` writes it: three strings."""
    return isinstance(value, list) and len(value) == 3 and all(type(v) is str for v in value)


def _listing(content: Path) -> list[str]:
    return [path.relative_to(content).as_posix() for path in generated_files(content)]
