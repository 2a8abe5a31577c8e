"""Make repeated runs cheap: work whose inputs have not changed is not done again.

The stages know nothing of caches: the pipeline hands them these in place of the
functions they would call (`sources.load.load_all(known=..., text_of=...)`,
`sources.checks.validate(look_up=...)`).

- On disk, in the project's `.factsheets/cache/` (never committed): validated
  summaries by digest (`Loaded.digest`: the YAML and the schema), read back with
  pydantic's fast JSON parser instead of being parsed and validated again.
- In memory, in a process that runs the pipeline several times (`factsheets serve`):
  those summaries, source texts split into sentences, and each summary's quotes found
  in its text.

What the last run produced is `record.py`'s. Every cache is only a shortcut: deleting
`.factsheets/` gives the same result, slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Generic, TypeVar

from ..sources.checks import QuotesFound, look_up_quotes
from ..sources.load import Loaded, split_text
from ..sources.schema import Summary
from ..sources.text import SourceText
from .files import atomic_write

CACHE_DIR = ".factsheets/cache"
PACKAGE = Path(__file__).resolve().parent.parent
"""The generator's own code and templates."""

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A function whose results are kept from one run to the next, in one process.

    It keeps what this run and the one before it used: work on inputs that did not
    change (a text split into sentences) is not done again, and what no run uses any
    more is dropped.
    """

    def __init__(self, compute: Callable[[K], V], key: Callable[[K], Hashable] | None = None):
        self._compute = compute
        self._key = key
        self._now: dict[Hashable, V] = {}
        self._before: dict[Hashable, V] = {}

    def new_run(self) -> None:
        self._before, self._now = self._now, {}

    def __call__(self, argument: K) -> V:
        key = argument if self._key is None else self._key(argument)
        if key in self._now:
            return self._now[key]
        value = self._before[key] if key in self._before else self._compute(argument)
        self._now[key] = value
        return value

    def put(self, argument: K, value: V) -> None:
        """Keep a value found another way, as if computed."""
        self._now[argument if self._key is None else self._key(argument)] = value


class Caches:
    """Everything one project keeps between runs: see the module's description."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.text: Memo[tuple[str, str], SourceText] = Memo(split_text)
        """A source text split into sentences, by its language (for `load_all`'s `text_of`)."""
        self.quotes: Memo[Loaded, QuotesFound] = Memo(
            look_up_quotes, key=lambda item: (item.digest, item.text.text)
        )
        """A summary's quotes found in its text (for `validate`'s `look_up`)."""
        self.summary: Memo[str, Summary | None] = Memo(self._read_summary)
        """A summary validated before, by digest (for `load_all`'s `known`): in memory,
        else on disk; None when neither has it."""
        self.on_disk: set[str] = set()
        """The cached summaries this run wrote or found on disk, by file name (`prune`)."""

    def new_run(self) -> None:
        """Start a run: what the run before it did not use is dropped at its end."""
        self.text.new_run()
        self.quotes.new_run()
        self.summary.new_run()

    def _read_summary(self, digest: str) -> Summary | None:
        try:
            path = self.root / CACHE_DIR / f"{digest}.json"
            return Summary.model_validate_json(path.read_bytes())
        except (OSError, ValueError):
            return None  # missing or damaged: the YAML is parsed instead

    def keep(self, loaded: Iterable[Loaded], *, on_disk: bool) -> None:
        """Keep the run's validated summaries in memory, and with `on_disk` for the next
        process too."""
        folder = self.root / CACHE_DIR
        for item in loaded:
            self.summary.put(item.digest, item.summary)
            if on_disk:
                path = folder / f"{item.digest}.json"
                self.on_disk.add(path.name)
                if not path.exists():
                    atomic_write(path, item.summary.model_dump_json())

    def prune(self) -> int:
        """Deletes the summaries cached on disk but those this run kept (`keep`), once the
        run no longer needs the last run's (which tell what changed); how many."""
        kept, self.on_disk = self.on_disk, set()
        return prune(self.root / CACHE_DIR, kept) if kept else 0


def prune(folder: Path, kept: set[str]) -> int:
    """Deletes the summaries cached in `folder` but those named in `kept` (this run's: the
    next run compares with them, and needs no older one); how many were deleted.

    Every edit of a summary caches its new version: without this the folder would grow
    with every edit. Another process may find one it wanted gone: it parses the YAML.
    """
    deleted = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if entry.name.endswith(".json") and entry.name not in kept:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                deleted += 1
    return deleted


def stat(path: Path) -> list[int]:
    """A file's size and modification time: what tells that it changed."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def file_digest(path: Path) -> str:
    """The digest of a file's bytes; "" when there is no such file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return ""


def fingerprint(*folders: Path) -> str:
    """A digest of the path, size and modification time of every file in the folders."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for name in sorted(filenames):
                path = Path(dirpath, name)
                try:
                    info = stat(path)
                except FileNotFoundError:
                    continue  # gone since it was listed (an editor's save, renamed over it)
                digest.update(f"{path}\0{info}\n".encode())
    return digest.hexdigest()
