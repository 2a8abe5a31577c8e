"""Build the static site: `mkdocs build --strict` over `content/`, then its search index.

The site is built whole in a folder beside `site/` (`.site.build-*`), indexed there, and
only then swapped in: a build that fails, or is killed, leaves the previous site as it
was, and a reader never sees a site without its search index.

`offline` builds the copy read from the disk (file:// addresses): MkDocs' directory URLs
(`actors/x/`, which a web server answers with `actors/x/index.html`) would show a folder
listing there, so pages get file URLs (`actors/x.html`) instead, and the plugin
(`plugin.py`) rewrites the links that raw HTML wrote for directory URLs.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from filelock import FileLock, Timeout

from ..common.errors import FactsheetsError
from ..common.project import Project, display_path
from . import uptodate
from .search import index_for_search


def build_site(project: Project, *, verbosity: int = 0, offline: bool = False) -> bool:
    """The site in `site/`: pages by MkDocs, search index by Pagefind; raises on failure,
    leaving `site/` as it was. `offline`: with file URLs, readable from the disk. False
    when the site was already the one this build would make (`uptodate.py`)."""
    site = project.site.resolve() if project.site.is_symlink() else project.site
    _clear_leftovers(site)
    inputs = uptodate.inputs_digest(project, offline=offline)
    if uptodate.is_current(project, site, inputs):
        return False
    uptodate.forget(project)
    kept = (
        f" {display_path(project.site, project.root)}/ is left as it was." if site.is_dir() else ""
    )
    with _building(site, project.root / TRASH) as building:
        status = run_mkdocs_build(project, show_info=verbosity >= 1, site=building, offline=offline)
        if status != 0:
            raise FactsheetsError(f"the site build failed (mkdocs exited with {status}).{kept}")
        try:
            index_for_search(project, verbosity, site=building)
        except FactsheetsError as error:
            # After Pagefind's own output, if it shows any, on a line of its own.
            raise FactsheetsError(
                f"{error.message}\n{kept.lstrip()}"
                if "\n" in error.message
                else f"{error.message}{kept}"
            ) from None
        try:
            _swap(building, site)
        except OSError as error:
            raise FactsheetsError(
                f"could not put the new site in place of {site}: {error.strerror}.{kept}"
            ) from None
    uptodate.record(project, site, inputs)
    return True


def run_mkdocs_build(
    project: Project, *, show_info: bool = False, site: Path | None = None, offline: bool = False
) -> int:
    """`mkdocs build --strict` (into `site` if given; with file URLs if `offline`),
    showing its warnings and errors (its progress too if asked).

    Not `mkdocs --quiet`: that drops warnings before strict mode counts them, and a
    broken link written by hand would then pass unnoticed.
    """
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project.config_file)]
    if site is not None:
        command += ["--site-dir", str(site)]
    if offline:
        # Whatever mkdocs.yml says: a copy for the disk needs file URLs.
        command.append("--no-directory-urls")
    with subprocess.Popen(
        command,
        cwd=project.root,
        env=mkdocs_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as process:
        assert process.stdout is not None
        info = False  # continuation lines belong to the message above them
        for line in process.stdout:
            if not line[:1].isspace():
                info = line.startswith(("INFO", "DEBUG"))
            if show_info or not info:
                click.echo(line, nl=False, err=True)
    return process.returncode


_BUILDING = ".{}.build-"
"""Folders of builds, beside the site: `.site.build-<random>`."""
_OLD = ".{}.old-"
"""The previous site, for a moment, where the system cannot swap two folders at once."""


TRASH = Path(".factsheets") / "trash"
"""Where a build puts the previous site, to be deleted after the command is done."""


@contextlib.contextmanager
def _building(site: Path, trash: Path) -> Iterator[Path]:
    """A new, empty folder beside `site` to build in, locked while this build uses it
    and deleted afterwards (with the previous site, once swapped in its place: see
    `_discard`)."""
    building = site.parent / f"{_BUILDING.format(site.name)}{secrets.token_hex(4)}"
    try:
        building.mkdir(parents=True)
    except OSError as error:
        raise FactsheetsError(
            f"could not make a folder to build the site in, {building}: {error.strerror}."
        ) from None
    with contextlib.suppress(OSError):  # readable as the old site was (a web server, say)
        building.chmod(stat.S_IMODE(site.stat().st_mode))
    # A lock beside the folder tells the next build that this one is still going
    # (filelock: the same on every system).
    lock = FileLock(_lock_of(building))
    try:
        with lock:
            yield building
    finally:
        _discard(building, trash)
        with contextlib.suppress(OSError):
            os.unlink(lock.lock_file)


def _discard(folder: Path, trash: Path) -> None:
    """Deletes a folder: a site's tens of thousands of files take seconds, so they are
    moved into `trash` and deleted by a process of their own, which goes on after this
    command has ended, with whatever an earlier one left there. Where the folder cannot be moved there (another file system), it is deleted here."""
    aside = trash / folder.name
    try:
        trash.mkdir(parents=True, exist_ok=True)
        folder.rename(aside)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    # Everything in the trash: what an earlier deletion left too (killed, say).
    code = (
        "import pathlib, shutil, sys\n"
        "for folder in pathlib.Path(sys.argv[1]).iterdir():\n"
        "    shutil.rmtree(folder, ignore_errors=True)\n"
    )
    try:
        subprocess.Popen(
            [sys.executable, "-c", code, str(trash)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not stopped with this command (Ctrl-C, say)
        )
    except OSError:
        shutil.rmtree(aside, ignore_errors=True)


def _swap(building: Path, site: Path) -> None:
    """Puts the built site in place of `site`; the previous one is left in `building`."""
    if not site.exists():
        building.rename(site)
    elif not _exchange(building, site):
        # Two renames: a build killed between them leaves the previous site in `old`,
        # which the next build puts back (`_clear_leftovers`).
        old = site.parent / f"{_OLD.format(site.name)}{building.name.rpartition('-')[2]}"
        site.rename(old)
        building.rename(site)
        with contextlib.suppress(OSError):  # else the next build deletes it
            old.rename(building)


def _exchange(first: Path, second: Path) -> bool:
    """Swaps two folders in one step (Linux's `renameat2` with RENAME_EXCHANGE): there
    is no moment without a site. False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or an old C library
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    at_cwd, rename_exchange = -100, 2  # AT_FDCWD and RENAME_EXCHANGE, from <fcntl.h>
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # e.g. the file system
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _clear_leftovers(site: Path) -> None:
    """Deletes what killed builds left beside `site`, putting back a previous site that
    a build killed in the middle of its swap left aside."""
    if not site.parent.is_dir():
        return
    for folder in sorted(site.parent.glob(f"{_OLD.format(site.name)}*")) + sorted(
        site.parent.glob(f"{_BUILDING.format(site.name)}*")
    ):
        if not folder.is_dir():  # a lock file (see `_lock_of`)
            if folder.suffix == ".lock" and not folder.with_suffix("").exists():
                with contextlib.suppress(OSError):  # its build was killed: nothing holds it
                    folder.unlink()
            continue
        lock = FileLock(_lock_of(folder), timeout=0)
        try:
            lock.acquire()
        except (Timeout, OSError):
            continue  # another build is using it
        try:
            if folder.name.startswith(_OLD.format(site.name)) and not site.exists():
                with contextlib.suppress(OSError):  # then it is left for the next build
                    folder.rename(site)
            else:
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            lock.release()
            with contextlib.suppress(OSError):
                os.unlink(lock.lock_file)


def leftovers(site: Path) -> list[Path]:
    """What builds left beside `site`: their folders and lock files (for `factsheets
    clean`; a build removes those of killed builds itself, see `_clear_leftovers`)."""
    if not site.parent.is_dir():
        return []
    names = (_OLD.format(site.name), _BUILDING.format(site.name))
    return sorted(path for name in names for path in site.parent.glob(f"{name}*"))


def _lock_of(folder: Path) -> str:
    """The lock file of a build's folder, beside it."""
    return f"{folder}.lock"


def mkdocs_env() -> dict[str, str]:
    """The environment MkDocs runs in."""
    # MkDocs 1.6 prints a banner about 2.0 unless told not to, and so do plugins that
    # recommend its fork, ProperDocs (mkdocs-redirects).
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
