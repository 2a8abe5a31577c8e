"""The search index in shards: each a Pagefind bundle of its own pages, kept in
`.factsheets/search/` and made again only when one of its pages changed.

Pagefind has no incremental mode: at 10,000 fact sheets (13,837 pages) it reads, indexes
and writes the whole site in about 20 s, at 1.7 GB, for an edit of one page. So a large
site's pages are split into shards by a hash of their path (`shard_of`; the home and
folder pages, which most edits change, in one of their own), each indexed on its own
(Pagefind over a folder holding only its pages, at their paths in the site, so its
results lead to their real URLs), and the Search page merges them (Pagefind UI's
`mergeIndex`, from the list `pagefind/shards.json` gives).

A shard's bundle is kept under a key of all that makes it (`Settings`, the relative path
and bytes of each of its pages): the next build links it into the site when the key is
the same and runs Pagefind only for the others. Pagefind's output is the same, byte for
byte, for the same input, wherever the folders are, so a site indexed shard by shard from
the cache is the one indexed from scratch (`tests/publish/test_search_shards.py`).
Deleting `.factsheets/search/` is always safe: every shard is indexed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

SHARD_PAGES = 1000
"""The most pages a shard holds, on average (the hash spreads them within a few percent).
Measured at 10,000 fact sheets (13,837 pages, 16 shards of ~865) on 2 busy cores:
Pagefind costs about 2 ms of CPU per page whatever the size, so a shard is indexed again
in about 1.7 s of CPU, and a one-line edit (the hubs and two shards) in about 3 s. Each
bundle merged costs a reader's first search an index chunk and its metadata, ~55 KB for
two words: first result after 0.9 s and 1.4 MB with 17 bundles, against 0.5 s and 0.45
MB with one, 1.3 s and 2.2 MB with 33 (500 pages a shard, which halves the re-indexing).
"""

CACHE = Path(".factsheets") / "search"
"""Where the bundles are kept, beside mkdocs.yml: `<key>/`, one per shard."""

MANIFEST = "shards.json"
"""The list of bundles merged into the first, in the site's `pagefind/` folder."""

READS_MANIFEST = b"pagefind/" + MANIFEST.encode()
"""What a Search page that merges the shards has in its HTML (content/search.md)."""

FORMAT = 1
"""Of the kept bundles and of the site's layout; part of every key."""

_INPUTS = ".inputs"
"""In the store: the folder of each shard's pages as Pagefind reads them (`Store.inputs`)."""

_LISTING = ".listing.json"
"""In each kept bundle: its files (to link them without reading them, and to tell one
written through a link since) and what Pagefind printed when making it."""

_BODY = b"data-pagefind-body"
_SPACE = frozenset(b" \t\n\r\f")
_ENDS_NAME = _SPACE | frozenset(b"=/>")


def has_body(html: bytes) -> bool:
    """Whether a page has an element with `data-pagefind-body`: Pagefind indexes only such
    pages once any page has one. An attribute inside a tag, not the words in text."""
    start = html.find(_BODY)
    while start >= 0:
        end = start + len(_BODY)
        if (
            start > 0
            and html[start - 1] in _SPACE
            and (end == len(html) or html[end] in _ENDS_NAME)
            and html.rfind(b"<", 0, start) > html.rfind(b">", 0, start)
        ):
            return True
        start = html.find(_BODY, end)
    return False


@dataclass(frozen=True)
class SitePages:
    """The pages Pagefind would index in a built site."""

    pages: dict[str, bytes]
    """Relative path (`actors/x/index.html`) of each page, to the sha256 of its bytes."""
    merges: bool
    """Whether a page (the Search page) reads the list of shards: if none does, the site's
    Search page predates them and can only search one bundle."""


def read_site(site: Path) -> SitePages:
    """Every page of `site` Pagefind would index: its `.html` files (not its own folder,
    `pagefind/`), only those with `data-pagefind-body` if any has it, as Pagefind does."""
    with_body: dict[str, bytes] = {}
    others: dict[str, bytes] = {}
    merges = False
    top = str(site)
    prefix = len(top) + 1
    for folder, folders, files in os.walk(top):
        if folder == top and "pagefind" in folders:  # the index, made anew
            folders.remove("pagefind")
        for name in files:
            if not name.endswith(".html"):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as page:
                html = page.read()
            relative = path[prefix:].replace(os.sep, "/")
            (with_body if has_body(html) else others)[relative] = hashlib.sha256(html).digest()
            merges = merges or READS_MANIFEST in html
    return SitePages(with_body or others, merges)


def shard_count(pages: int, size: int | None = None) -> int:
    """How many shards to hash this many pages into: 1 up to `size` (`SHARD_PAGES`), then
    the smallest power of two that leaves no more than `size` to a shard on average. It
    depends on the count alone, and changes only when the site doubles or halves (each
    change re-indexes every shard, as every page moves)."""
    size = SHARD_PAGES if size is None else size
    count = 1
    while pages > count * size:
        count *= 2
    return count


def is_hub(path: str) -> bool:
    """The home page and each folder's own page (`actors/index.html`): they list the pages
    of their folder, so that most edits change one of them (a one-line edit of an actor's
    description changes the Actors and Data pages, besides the actor's and its source's)."""
    return path == "index.html" or (path.count("/") == 1 and path.endswith("/index.html"))


def shard_of(path: str, count: int) -> int:
    """The shard of a page, by its relative path alone (adding or removing a page moves
    no other): of `count` shards numbered from 1 by a hash of the path, but for the hubs
    (`is_hub`), which are shard 0, on their own, a dozen pages indexed again in a moment
    rather than with a shard of a thousand. One shard (0) when `count` is 1."""
    if count == 1 or is_hub(path):
        return 0
    return 1 + int.from_bytes(hashlib.sha256(path.encode()).digest()[:8], "big") % count


def split(pages: Mapping[str, bytes], count: int) -> dict[int, dict[str, bytes]]:
    """The pages of each shard that has any, by shard number."""
    shards: dict[int, dict[str, bytes]] = {}
    for path in sorted(pages):
        shards.setdefault(shard_of(path, count), {})[path] = pages[path]
    return dict(sorted(shards.items()))


@dataclass(frozen=True)
class Settings:
    """All that makes a bundle besides its pages."""

    version: str
    """Which Pagefind: its binary's name (`pagefind` or `pagefind_extended`) and digest."""
    options: tuple[str, ...]
    """Its command-line options, but for the folders."""
    config: tuple[tuple[str, bytes], ...]
    """Its own configuration files in the folder it runs in, name and bytes."""
    environment: tuple[tuple[str, str], ...]
    """Its environment variables (`PAGEFIND_*`): they set options too."""

    CONFIG_FILES = ("pagefind.json", "pagefind.yml", "pagefind.yaml", "pagefind.toml")

    @classmethod
    def of(cls, version: str, options: Iterable[str], folder: Path) -> Settings:
        config = []
        for name in cls.CONFIG_FILES:
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                config.append((name, (folder / name).read_bytes()))
        environment = sorted((k, v) for k, v in os.environ.items() if k.startswith("PAGEFIND_"))
        return cls(version, tuple(options), tuple(config), tuple(environment))

    def digest(self) -> bytes:
        text = json.dumps(
            {
                "format": FORMAT,
                "version": self.version,
                "options": self.options,
                "config": {name: hashlib.sha256(data).hexdigest() for name, data in self.config},
                "environment": dict(self.environment),
            },
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).digest()


def shard_key(settings: bytes, pages: Mapping[str, bytes]) -> str:
    """The key of a shard's bundle: the settings' digest, and each page's path and digest."""
    key = hashlib.sha256(settings)
    for path in sorted(pages):
        key.update(path.encode() + b"\0" + pages[path])
    return key.hexdigest()


# --- the kept bundles -------------------------------------------------------------------


@dataclass(frozen=True)
class Bundle:
    """A kept bundle: its folder, files and Pagefind's messages when it was made."""

    folder: Path
    files: tuple[tuple[str, int, int], ...]
    """Each file's path in the bundle, size and modification time (ns)."""
    output: str


class Store:
    """The bundles in `.factsheets/search/`, each written whole in a work folder and then
    renamed to its key: a killed build leaves no torn bundle, at worst a work folder
    (`.work-*`) that the next build's `prune` deletes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.used: set[str] = set()

    def bundle(self, key: str) -> Bundle | None:
        """The kept bundle of this key, if it is whole and as it was written: a file
        changed through a link from a site (written in place) is a miss, and deleted."""
        folder = self.root / key
        try:
            listing = json.loads((folder / _LISTING).read_text(encoding="utf-8"))
            files = tuple((str(f[0]), int(f[1]), int(f[2])) for f in listing["files"])
            for name, size, mtime in files:
                status = os.stat(f"{folder}/{name}")
                if (status.st_size, status.st_mtime_ns) != (size, mtime):
                    raise ValueError(f"{name} changed")
            output = str(listing["output"])
        except FileNotFoundError:
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            return None
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            shutil.rmtree(folder, ignore_errors=True)
            return None
        self.used.add(key)
        return Bundle(folder, files, output)

    def work(self) -> Path:
        """A new name for Pagefind to write a bundle to, in the store (then renamed)."""
        return self.root / f".work-{secrets.token_hex(4)}"

    def inputs(self, number: int) -> Path:
        """The folder Pagefind indexes a shard from, empty of files: the shard's pages are
        linked into it for the run, then unlinked (`unlink_pages`), and its folders are
        kept for the shard's next run. Making and deleting a folder for each page cost
        more than Pagefind itself where the disk is mounted with `discard` (about 2 ms
        to delete one, freeing its block), and a page's folder is the same each time."""
        folder = self.root / _INPUTS / str(number)
        for parent, _, names in os.walk(folder):  # what a killed build left
            for name in names:
                os.unlink(os.path.join(parent, name))
        return folder

    def keep(self, key: str, made: Path, output: str) -> Bundle:
        """Keeps the bundle Pagefind wrote in `made` under `key` (moving it)."""
        files = []
        prefix = len(str(made)) + 1
        for folder, _, names in os.walk(made):
            for name in names:
                path = os.path.join(folder, name)
                status = os.stat(path)
                relative = path[prefix:].replace(os.sep, "/")
                files.append((relative, status.st_size, status.st_mtime_ns))
        files.sort()
        listing = {"files": files, "output": output}
        (made / _LISTING).write_text(json.dumps(listing), encoding="utf-8")
        try:
            os.rename(made, self.root / key)
        except OSError:
            if (kept := self.bundle(key)) is None:  # not a bundle another build kept first
                raise
            shutil.rmtree(made, ignore_errors=True)
            return kept
        self.used.add(key)
        return Bundle(self.root / key, tuple(files), output)

    def prune(self, shards: Iterable[int]) -> int:
        """Deletes every bundle this build did not use, work folders left, and the input
        folders of shards the site no longer has; how many."""
        deleted = 0
        kept = {str(number) for number in shards}
        for folder, used in ((self.root, self.used | {_INPUTS}), (self.root / _INPUTS, kept)):
            with contextlib.suppress(FileNotFoundError):
                for entry in os.scandir(folder):
                    if entry.name not in used and entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                        deleted += 1
        return deleted


# --- into the site ----------------------------------------------------------------------


def link_pages(site: Path, pages: Iterable[str], folder: Path) -> None:
    """The pages of `site` at the same paths in `folder`: hard links, else copies."""
    made: set[str] = set()
    for page in pages:
        parent = page.rpartition("/")[0]
        if parent not in made:
            os.makedirs(folder / parent, exist_ok=True)
            made.add(parent)
        _link(f"{site}/{page}", f"{folder}/{page}")


def unlink_pages(folder: Path, pages: Iterable[str]) -> None:
    """Deletes the pages `link_pages` put in `folder`, leaving its folders."""
    for page in pages:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{folder}/{page}")


def _runtime(name: str) -> bool:
    """Files of a bundle's top folder that only the primary bundle's are used of: its
    scripts, style sheets and WebAssembly (a merged bundle is searched with them)."""
    return "/" not in name and (name.endswith((".js", ".css")) or name.startswith("wasm."))


def place(bundle: Bundle, folder: Path, *, primary: bool) -> None:
    """A kept bundle's files in `folder`: hard links (nothing writes a bundle's files once
    Pagefind has: a change through a link is found, `Store.bundle`), else copies."""
    made: set[str] = set()
    for name, _, _ in bundle.files:
        if not primary and _runtime(name):
            continue
        parent = name.rpartition("/")[0]
        if parent not in made:
            os.makedirs(folder / parent, exist_ok=True)
            made.add(parent)
        # Strings, not paths: this is every file of the index, on every build.
        _link(f"{bundle.folder}/{name}", f"{folder}/{name}")


def _link(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, destination)


def bundle_folder(number: int, primary: bool) -> str:
    """Where a shard's bundle goes in the site's pagefind/ folder: the first there (its UI
    is the page's), each other in a folder named by its number."""
    return "" if primary else f"{number}/"


def manifest(merged: Iterable[str]) -> str:
    """`pagefind/shards.json`: the bundles the Search page merges into the first."""
    return json.dumps({"merge": list(merged)}, indent=1) + "\n"
