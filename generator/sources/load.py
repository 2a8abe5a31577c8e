"""Read every source and summary under `seeds/`, reporting each problem with file, line and field.

This stage knows nothing of caches: whoever runs it may pass `known`, a lookup of
summaries validated before, and `text_of`, which splits a text into sentences (both
kept between runs by `output/cache.py`).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from ..common import workers
from ..common.errors import Problems, escape_controls
from ..common.progress import Progress, silent
from ..common.project import display_path
from .parse import FieldPath, line_of, node_of, parse_summary, quick_parse, validated
from .schema import SLUG_PATTERN, Summary, schema_digest
from .text import SourceText

SUMMARY_FILE = "summary.yaml"
DISTINCT_FILE = "distinct.yaml"
MAX_BYTES = 64 * 1024 * 1024
"""Larger files are refused with a clear error rather than risking a long stall."""

Known = Callable[[str], Summary | None]
"""A summary validated before, by its digest (`Loaded.digest`), or None."""


def _none_known(digest: str) -> Summary | None:
    return None


@dataclass
class Loaded:
    """One source: its validated summary, its text, and where each field sits in the YAML."""

    folder: Path
    """The source's folder under `seeds/`."""
    summary_file: str
    """The summary's path as shown in messages (relative to the project)."""
    source_file: str
    """The source text's path as shown in messages."""
    summary: Summary
    """The validated summary."""
    text: SourceText
    """The source text, split into sentences."""
    raw: str
    """The summary's YAML text."""
    digest: str
    """Digest of the YAML and the schema: the same digest is the same validated summary."""

    @cached_property
    def node(self) -> yaml.Node:
        """The YAML node tree, to find the line of any field (parsed again only when needed)."""
        node = node_of(self.raw)
        assert node is not None  # the summary was validated, so it is not empty
        return node

    def line_of(self, path: FieldPath) -> int | None:
        return line_of(self.node, path)


def digest(raw: str) -> str:
    """The digest of a summary's YAML text (see `Loaded.digest`)."""
    return hashlib.sha256(schema_digest() + raw.encode("utf-8")).hexdigest()


def load_all(
    seeds: Path,
    root: Path,
    problems: Problems,
    progress: Progress = silent,
    *,
    known: Known = _none_known,
    text_of: Callable[[tuple[str, str]], SourceText] | None = None,
) -> list[Loaded]:
    """Load every `seeds/*/summary.yaml` with its source text, in a stable order."""
    if not seeds.is_dir():
        problems.add(
            display_path(seeds, root), None, None, "no seeds/ folder: nothing to generate from"
        )
        return []
    folders = sorted(p for p in seeds.iterdir() if p.is_dir() and not p.name.startswith("."))
    # Problems are kept per folder so they are reported in folder order.
    read_problems = {folder: Problems() for folder in folders}
    raws = {f: read_text(f / SUMMARY_FILE, root, read_problems[f]) for f in folders}
    digests = {folder: digest(raw) for folder, raw in raws.items() if raw}
    cached = {folder: known(key) for folder, key in digests.items()}
    fresh = [folder for folder, summary in cached.items() if summary is None]
    loaded = []
    # Parsed in order, in worker processes, while this one validates what they parsed.
    with contextlib.closing(_parse_many([raws[f] or "" for f in fresh])) as parsed:
        for folder in progress(folders, "Reading"):
            problems.items.extend(read_problems[folder].items)
            raw = raws[folder]
            if raw is not None:
                summary = cached[folder]
                if summary is None:
                    shown = display_path(folder / SUMMARY_FILE, root)
                    summary = validated(next(parsed)) or parse_summary(raw, shown, problems)
                item = _finish(
                    folder, raw, digests[folder], summary, root, problems, text_of or split_text
                )
                if item is not None:
                    loaded.append(item)
    if not loaded and not problems:
        problems.add(
            display_path(seeds, root), None, None, f"no {SUMMARY_FILE} found in any folder"
        )
    return loaded


def load_one(folder: Path, root: Path, problems: Problems) -> Loaded | None:
    """Load a single source folder, as `load_all` does for each."""
    raw = read_text(folder / SUMMARY_FILE, root, problems)
    if raw is None:
        return None
    summary = parse_summary(raw, display_path(folder / SUMMARY_FILE, root), problems)
    return _finish(folder, raw, digest(raw), summary, root, problems, split_text)


def split_text(text_and_language: tuple[str, str]) -> SourceText:
    """A source's text split into sentences by the rules of its language."""
    text, language = text_and_language
    return SourceText(text, language)


def _finish(
    folder: Path,
    raw: str,
    key: str,
    summary: Summary | None,
    root: Path,
    problems: Problems,
    text_of: Callable[[tuple[str, str]], SourceText],
) -> Loaded | None:
    """The source, once its summary is valid and its text can be read."""
    if summary is None:
        return None
    source_path = folder / summary.source.file
    text = read_text(source_path, root, problems)
    if text is None:
        return None
    shown = display_path(folder / SUMMARY_FILE, root)
    return Loaded(
        folder,
        shown,
        display_path(source_path, root),
        summary,
        text_of((text, summary.source.language)),
        raw,
        key,
    )


# Parsing YAML is the slowest part of a first run; on several cores, share it out.
_PARALLEL_FROM = 64


def _parse_many(raws: list[str]) -> Generator[object | None, None, None]:
    """Each text's YAML data in turn, or None where it has a problem (reported later,
    with lines)."""
    count = workers.count(len(raws), _PARALLEL_FROM)
    if count < 2:
        yield from map(quick_parse, raws)
        return
    # One core fewer than there are: this process is busy validating as results come.
    with workers.fork_pool(max(1, min(count, 4) - 1), "reading summaries") as pool:
        yield from pool.map(quick_parse, raws, chunksize=8)


def read_text(path: Path, root: Path, problems: Problems) -> str | None:
    """Read a UTF-8 file that stays inside the project; report why not otherwise."""
    shown = display_path(path, root)
    if not path.exists() and not path.is_symlink():
        problems.add(shown, None, None, "file not found")
        return None
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        where = escape_controls(str(resolved))
        problems.add(shown, None, None, f"is a link to {where}, outside the project; refused")
        return None
    if not resolved.is_file():
        problems.add(shown, None, None, "is not a regular file")
        return None
    size = resolved.stat().st_size
    if size > MAX_BYTES:
        problems.add(
            shown,
            None,
            None,
            f"is {size:,} bytes ({size / 2**20:.1f} MB); the limit is {MAX_BYTES // 2**20} MB",
        )
        return None
    data = resolved.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.add(
            shown,
            line,
            None,
            f"is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        problems.add(shown, None, None, "is empty")
        return None
    return text


def read_distinct(seeds: Path, root: Path, problems: Problems) -> set[frozenset[str]]:
    """The pairs editors have declared different; problems for a malformed file."""
    path = seeds / DISTINCT_FILE
    if not path.is_file():
        return set()
    shown = display_path(path, root)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problems.add(shown, None, None, f"cannot be read: {error}")
        return set()
    pairs: set[frozenset[str]] = set()
    if not isinstance(data, list):
        problems.add(shown, None, None, "must be a list of [id, id] pairs")
        return pairs
    for index, pair in enumerate(data):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(i, str) and re.match(SLUG_PATTERN, i) for i in pair)
        ):
            problems.add(shown, None, f"[{index}]", f"must be a pair of ids, got {pair!r}")
            continue
        pairs.add(frozenset(pair))
    return pairs
