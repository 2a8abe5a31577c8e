"""Make repeated runs cheap: skip work whose inputs have not changed.

Two caches live in the project's `.factsheets/` folder (never committed):

- validated summaries, keyed by a hash of the YAML bytes and of the schema, so an
  unchanged summary is read back with pydantic's fast JSON parser instead of
  being parsed and validated again;
- the state of the last successful run: a fingerprint of every input (seeds,
  templates, the generator's own code) and the size and modification time of
  every page it produced. When neither changed, there is nothing to do.

Both are only shortcuts: deleting `.factsheets/` gives the same result, slower.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Hashable, Iterable
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar

from .model import Summary
from .write import atomic_write, generated_files

CACHE_DIR = ".factsheets/cache"
STATE_FILE = ".factsheets/state.json"
PACKAGE = Path(__file__).resolve().parent
"""The generator's own code and templates."""


@cache
def _schema_digest() -> bytes:
    schema = json.dumps(Summary.model_json_schema(), sort_keys=True).encode()
    return hashlib.sha256(schema).digest()


V = TypeVar("V")


class LastRun(Generic[V]):
    """An in-process memo that keeps what this run and the one before it used.

    `factsheets serve` regenerates in one long-lived process: work on inputs that did
    not change (a text split into sentences, a summary's quotes found) is not done
    again, and what no run uses any more is dropped.
    """

    def __init__(self) -> None:
        self._now: dict[Hashable, V] = {}
        self._before: dict[Hashable, V] = {}

    def new_run(self) -> None:
        self._before, self._now = self._now, {}

    def get(self, key: Hashable) -> V | None:
        value = self._now.get(key)
        if value is None:
            value = self._before.get(key)
            if value is not None:
                self._now[key] = value
        return value

    def put(self, key: Hashable, value: V) -> None:
        self._now[key] = value


def summary_key(raw: bytes) -> str:
    return hashlib.sha256(_schema_digest() + raw).hexdigest()


def read_summary(root: Path, key: str) -> Summary | None:
    path = root / CACHE_DIR / f"{key}.json"
    try:
        return Summary.model_validate_json(path.read_bytes())
    except (OSError, ValueError):
        return None  # missing or damaged: parse the YAML instead


def write_summaries(root: Path, summaries: Iterable[tuple[str, Summary]]) -> None:
    folder = root / CACHE_DIR
    for key, summary in summaries:
        path = folder / f"{key}.json"
        if not path.exists():
            atomic_write(path, summary.model_dump_json())


def _stat(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


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
                digest.update(f"{path}\0{_stat(path)}\n".encode())
    return digest.hexdigest()


def _generated_listing(content: Path) -> list[str]:
    return [path.relative_to(content).as_posix() for path in generated_files(content)]


def unchanged_since_last_run(state: dict | None, content: Path, inputs: str) -> int | None:
    """The number of pages, when inputs and outputs are as the last run left them; else None."""
    if (
        state is None
        or state.get("inputs") != inputs
        or state.get("listing") != _generated_listing(content)
    ):
        return None
    outputs = state["outputs"]
    return len(outputs) if len(_as_left(state, content)) == len(outputs) else None


def unchanged_outputs(state: dict | None, content: Path) -> set[str]:
    """The pages whose files are as the last successful run left them."""
    return set() if state is None else _as_left(state, content)


def last_run(root: Path) -> dict | None:
    """The state the last successful run recorded, if any (read once per run)."""
    try:
        state = json.loads((root / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(state, dict) and isinstance(state.get("outputs"), dict):
        return state
    return None


def _as_left(state: dict, content: Path) -> set[str]:
    unchanged = set()
    for page, recorded in state["outputs"].items():
        try:
            if _stat(content / page) == recorded:
                unchanged.add(page)
        except (OSError, TypeError):
            continue
    return unchanged


def record_run(root: Path, content: Path, inputs: str, pages: Iterable[str]) -> None:
    state = {
        "inputs": inputs,
        "listing": _generated_listing(content),
        "outputs": {page: _stat(content / page) for page in pages},
    }
    atomic_write(root / STATE_FILE, json.dumps(state))


def forget_run(root: Path) -> None:
    (root / STATE_FILE).unlink(missing_ok=True)
