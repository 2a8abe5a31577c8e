"""Where a site build keeps its pages for the next one: one SQLite database,
`.factsheets/site/pages.sqlite` (`reuse.CACHE`), of conversions and pages by their keys
(`reuse.py` makes the keys)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import sqlite3
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

KEPT_BUILDS = 3
"""Entries no complete build among the last this many used are deleted (`Store.prune`):
a build with other settings (`--offline`, the preview's) keeps its own for a while."""


class Store:
    """The kept conversions and pages of a site, in one SQLite database.

    One file, not one per page: at ten thousand pages, creating, renaming and deleting
    files cost more than the work they saved. New entries are written in batches, each
    one short transaction, so that two builds (a preview and `factsheets build`) can
    share the file. Each entry's last use is recorded apart (`prune`).
    """

    def __init__(self, folder: Path) -> None:
        self.root = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._db = _connect(folder / "pages.sqlite")
        with self._db:
            self._db.execute("UPDATE builds SET number = number + 1")
            (self.build,) = self._db.execute("SELECT number FROM builds").fetchone()
        self.broken = False
        """Set when a write failed: nothing more is written."""
        self._writer: ThreadPoolExecutor | None = None
        self._writes: list[Future[None]] = []
        self._slots = threading.BoundedSemaphore(IN_FLIGHT)
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._pending_size = 0
        self.reused = {"conversions": 0, "pages": 0}

    def load_conversion(self, name: str) -> Any | None:
        row = self._read("SELECT value FROM conversions WHERE name = ?", name)
        if row is None:
            return None
        try:
            value = pickle.loads(row[0])
        except Exception:  # noqa: BLE001 - an entry of another version: a miss
            return None
        self._later(_USED, (name, self.build))
        self.reused["conversions"] += 1
        return value

    def keep_conversion(self, name: str, value: Any) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._later("INSERT OR REPLACE INTO conversions VALUES (?, ?)", (name, data))
        self._later(_USED, (name, self.build))

    def kept_pages(self, keys: Iterable[str]) -> set[str]:
        """Those of these keys the store has a page for (one query for them all)."""
        found = self._read(
            "SELECT json_group_array(key) FROM pages WHERE key IN (SELECT value FROM json_each(?))",
            json.dumps(list(keys)),
        )
        return set(json.loads(found[0])) if found else set()

    def place(self, key: str, destination: str) -> bool:
        """Writes the kept page of this key at `destination` (by the writer threads:
        writing thousands of files waits on the disk, not on Python), False if there is
        none. `close` waits for the writes, and raises the first that failed."""
        row = self._read("SELECT html FROM pages WHERE key = ?", key)
        if row is None:
            return False
        if self._writer is None:
            self._writer = ThreadPoolExecutor(WRITERS, thread_name_prefix="factsheets-write")
        self._slots.acquire()  # a bound on the bytes waiting to be written
        self._writes.append(self._writer.submit(self._write_page, row[0], destination))
        self._later(_USED, (key, self.build))
        self.reused["pages"] += 1
        return True

    def _write_page(self, html: bytes, destination: str) -> None:
        try:
            try:
                file = open(destination, "wb")  # noqa: SIM115
            except FileNotFoundError:
                os.makedirs(os.path.dirname(destination), exist_ok=True)
                file = open(destination, "wb")  # noqa: SIM115
            with file:
                file.write(html)
        finally:
            self._slots.release()

    def written(self) -> None:
        """Waits for every page `place` put in place; raises the first write that failed."""
        writes, self._writes = self._writes, []
        for write in writes:
            write.result()

    def keep_page(self, key: str, output: bytes) -> None:
        self._later("INSERT OR REPLACE INTO pages VALUES (?, ?)", (key, output))
        self._later(_USED, (key, self.build))

    def close(self, *, prune: bool) -> None:
        """Writes what is left to write; with `prune`, deletes the entries that none of
        the last `KEPT_BUILDS` complete builds used."""
        try:
            self.written()
        finally:
            if self._writer is not None:
                self._writer.shutdown(cancel_futures=True)
                self._writer = None
        self._flush()
        if prune and not self.broken:
            with contextlib.suppress(sqlite3.Error), self._db:
                old = (self.build - KEPT_BUILDS,)
                for table, key in (("conversions", "name"), ("pages", "key")):
                    self._db.execute(
                        f"DELETE FROM {table} WHERE {key} IN "  # noqa: S608
                        "(SELECT key FROM used WHERE build <= ?)",
                        old,
                    )
                self._db.execute("DELETE FROM used WHERE build <= ?", old)
        self._db.close()

    def _read(self, query: str, key: str) -> Any:
        """The row the query finds, if any; None where the store cannot be read."""
        if self.broken:
            return None
        try:
            return self._db.execute(query, (key,)).fetchone()
        except sqlite3.Error as error:
            self._broke(error)
            return None

    def _broke(self, error: sqlite3.Error) -> None:
        self.broken = True
        logging.getLogger("mkdocs.plugins.factsheets").info(
            "factsheets: the pages kept in %s cannot be used (%s): this build makes them all.",
            self.root,
            error,
        )

    def _later(self, statement: str, values: tuple[Any, ...]) -> None:
        self._pending.append((statement, values))
        self._pending_size += sum(len(value) for value in values if isinstance(value, bytes)) + 64
        if self._pending_size > BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending, self._pending_size = self._pending, [], 0
        if self.broken:
            return
        try:
            with self._db:
                for statement, values in pending:
                    self._db.execute(statement, values)
        except sqlite3.Error as error:  # a full disk, say: the site is built all the same
            self._broke(error)


WRITERS = 2
"""Threads writing kept pages into the site."""
IN_FLIGHT = 512
"""Kept pages read and waiting to be written, at most (about 10 MB at 20 KB a page)."""

BATCH = 32 << 20
"""Bytes of new entries held before they are written: what a build's memory grows by."""

_USED = "INSERT OR REPLACE INTO used VALUES (?, ?)"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS builds (number INTEGER NOT NULL);
INSERT INTO builds SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM builds);
CREATE TABLE IF NOT EXISTS conversions (name TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, html BLOB);
-- The last build that used each entry, apart: updating a row rewrites all of it.
CREATE TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY, build INTEGER) WITHOUT ROWID;
"""


SCHEMA_VERSION = 2
"""The layout of the store's tables: a store of another layout is made anew."""


def _connect(path: Path) -> sqlite3.Connection:
    """The store's database, made if missing, made again if it is not one of ours or
    not of this layout."""
    for attempt in range(2):
        db = sqlite3.connect(path, timeout=120)
        try:
            db.execute("PRAGMA journal_mode = WAL")  # readers do not wait for a writer
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version != SCHEMA_VERSION:
                with db:
                    for (table,) in db.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table'"
                    ).fetchall():
                        db.execute(f'DROP TABLE "{table}"')
                    db.executescript(_SCHEMA)
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            return db
        except sqlite3.DatabaseError:
            db.close()
            if attempt:
                raise
            for torn in (
                path,
                path.with_name(f"{path.name}-wal"),
                path.with_name(f"{path.name}-shm"),
            ):
                with contextlib.suppress(FileNotFoundError):
                    torn.unlink()
    raise AssertionError("unreachable")
