"""Files written so that none is ever half-written or lost: atomic writes, backups, the lock.

A file is written to a temporary file beside it, flushed to disk, and renamed over it,
so it is always whole, old or new. Backups never overwrite one another. One run at a
time holds the project's lock (filelock: the same on every system).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from ..common.errors import FactsheetsError

BACKUPS = ".factsheets/backups"
LOCK = ".factsheets.lock"


def atomic_write(path: Path, text: str | Iterable[str]) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename it over
    the target (and flush the folder).

    The text may come in parts, each written as it comes (and freed after). An OSError
    names `path`, never the temporary file."""
    temporary = stage(path, text)
    with _removed_on_failure(temporary, path):
        os.replace(temporary, path)
    sync_folder(path.parent)


def stage(path: Path, text: str | Iterable[str], *, flush: bool = True) -> Path:
    """Write the text (or its parts) to a temporary file beside `path`, flushed to disk,
    for a rename to put in place. An OSError names `path`, never the temporary file.

    Without `flush`, the caller flushes it before the rename (`flush_all`): thousands of
    pages staged by one run are flushed at once, far faster than one at a time."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with _removed_on_failure(temporary, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)
            # On disk before the rename: after a crash the page is old or new, not empty.
            if flush:
                handle.flush()
                os.fsync(handle.fileno())
    return temporary


@contextlib.contextmanager
def _removed_on_failure(temporary: Path, path: Path) -> Iterator[None]:
    """On any failure in the block, removes the temporary file; an OSError names `path`,
    the file the user knows, never the temporary one."""
    try:
        yield
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise naming(error, path) from None
        raise


FLUSHED_ONE_BY_ONE = 200
"""Up to this many staged files, `flush_all` flushes each rather than the whole system."""


def flush_all(files: Iterable[Path]) -> None:
    """Put files written without flushing on disk, before they are renamed into place.

    A few are flushed one by one. For many, where the system has it, one `sync` flushes
    them all (a run stages thousands of pages: one fsync each cost seconds); not for a
    few, as it flushes everything the system has yet to write, such as the last site
    build's hundreds of megabytes."""
    files = list(files)
    if len(files) > FLUSHED_ONE_BY_ONE and hasattr(os, "sync"):
        os.sync()
        return
    for path in files:
        try:
            with open(path, "rb+") as handle:
                os.fsync(handle.fileno())
        except OSError as error:
            raise naming(error, path) from None


def sync_folder(folder: Path) -> None:
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
            raise naming(error, folder) from None
    finally:
        os.close(handle)


def naming(error: OSError, path: Path, *, keep: bool = False) -> OSError:
    """The same error, naming the file users know (`path`: a page, not its temporary
    file) and always giving a reason. With `keep`, a file the error names already (a
    backup, say) stays named, unless it is a temporary file."""
    reason = error.strerror or str(error) or type(error).__name__
    name = error.filename
    if keep and isinstance(name, (str, bytes, os.PathLike)) and ".tmp-" not in os.fsdecode(name):
        path = Path(os.fsdecode(name))
    return OSError(error.errno, reason, os.fspath(path))


def backup(path: Path, root: Path, data: bytes | None = None) -> Path:
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
            if create_new(target, data):
                break
    except OSError as error:
        raise naming(error, first) from None
    with contextlib.suppress(OSError):
        shutil.copystat(path, target)  # the page's times, for whoever looks for it
    return target


def create_new(path: Path, data: bytes) -> bool:
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
        raise naming(error, root / LOCK) from None
    try:
        yield
    finally:
        lock.release()
