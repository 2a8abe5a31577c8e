"""Render again only the pages a change in `seeds/` can reach.

Rendering every page is most of a run on a large site, and an editor who fixes one
summary while `factsheets serve` runs should see the result in seconds. So each run
records what every page showed (`Shown`), and the next run renders a page again only
when one of these holds:

- the page is new, or its file is not as the last run left it;
- it showed an entity (its own, or one it linked to or printed) that a changed
  summary mentions, in its old or its new version;
- it cited or named a source whose summary or text changed;
- the events it listed would now come in another order (the timeline is global:
  one event's new date can reorder others).

Every other page would come out byte for byte the same, and keeps its file. A page
can only show an entity's data by way of a fact that links the two, and such a fact
comes from a summary that mentions both: a change that adds, removes or alters what
a page shows therefore mentions an entity the page already showed, or the page's own
entity. `tests/test_incremental.py` checks this against full regeneration.

Index pages are always rendered. So is everything when there is no record of the last
run, when the generator's code or templates changed, or when the site has its own
templates (which may print data the helpers do not see).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from . import cache
from .write import atomic_write

if TYPE_CHECKING:
    from .load import Loaded
    from .project import Project
    from .render import Renderer

SHOWN_FILE = ".factsheets/shown.json"


@dataclass
class Shown:
    """What one page showed, recorded while it was rendered."""

    entities: set[str] = field(default_factory=set)
    """Ids of the entities whose data the page printed or linked to, its own included."""
    sources: set[str] = field(default_factory=set)
    """Ids of the sources it cited or named."""
    orders: list[list[str]] = field(default_factory=list)
    """Every list of events it printed, as event ids in the order printed."""

    def to_json(self) -> list:
        return [sorted(self.entities), sorted(self.sources), self.orders]

    @classmethod
    def from_json(cls, data: list) -> Shown:
        entities, sources, orders = data
        return cls(set(entities), set(sources), orders)


@dataclass
class Inputs:
    """What a run's pages are made from, besides the knowledge base itself."""

    code: str
    """Fingerprint of the generator's code and templates."""
    sources: dict[str, list[str]]
    """Source id -> [digest of its summary, text and folder; cache key of its summary]."""
    summaries: dict[str, BaseModel] = field(default_factory=dict, repr=False)
    """This run's summaries by source id (not saved)."""

    @classmethod
    def of(cls, loaded: list[Loaded], templates: Path) -> Inputs:
        sources, summaries = {}, {}
        for item in loaded:
            digest = hashlib.sha256()
            for part in (item.cache_key, item.summary_file, item.text.text):
                digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
            source_id = item.summary.source.id
            sources[source_id] = [digest.hexdigest(), item.cache_key]
            summaries[source_id] = item.summary
        return cls(cache.fingerprint(templates, cache.PACKAGE), sources, summaries)


@dataclass
class Record:
    """What the last run knew: its inputs, and what each page showed."""

    inputs: Inputs
    pages: dict[str, Shown]
    """Page path -> what it showed."""


def read(root: Path) -> Record | None:
    try:
        data = json.loads((root / SHOWN_FILE).read_text(encoding="utf-8"))
        pages = {path: Shown.from_json(shown) for path, shown in data["pages"].items()}
        return Record(Inputs(data["code"], data["sources"]), pages)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(root: Path, inputs: Inputs, renderer: Renderer, previous: Record | None) -> None:
    """Record what every page shows: as just rendered, or (not rendered) as last time."""
    pages = {}
    for path in renderer.paths():
        shown = renderer.shown.get(path) or (previous.pages.get(path) if previous else None)
        if shown is None:  # cannot happen after a clean run; be safe next time
            return forget(root)
        pages[path] = shown.to_json()
    data = {"code": inputs.code, "sources": inputs.sources, "pages": pages}
    atomic_write(root / SHOWN_FILE, json.dumps(data, separators=(",", ":")))


def forget(root: Path) -> None:
    (root / SHOWN_FILE).unlink(missing_ok=True)


def pages_to_render(
    previous: Record | None, inputs: Inputs, renderer: Renderer, project: Project
) -> set[str] | None:
    """The paths of the pages to render, or None for all of them."""
    if previous is None or previous.inputs.code != inputs.code:
        return None
    old, new = previous.inputs.sources, inputs.sources
    changed = {i for i in old.keys() | new.keys() if old.get(i, [None])[0] != new.get(i, [None])[0]}
    mentioned: set[str] = set()
    for source_id in changed:
        if source_id in inputs.summaries:
            mentioned |= _strings(inputs.summaries[source_id])
        if source_id in old:
            summary = cache.read_summary(project.root, old[source_id][1])
            if summary is None:  # its old version is gone from the cache: cannot tell
                return None
            mentioned |= _strings(summary)
    as_left = cache.unchanged_outputs(project.root, project.content)
    always = set(renderer.index_pages)
    selected = set()
    for path in renderer.paths():
        shown = previous.pages.get(path)
        if (
            path in always
            or shown is None
            or path not in as_left
            or not shown.entities.isdisjoint(mentioned)
            or not shown.sources.isdisjoint(changed)
            or any(_reordered(events, renderer.order) for events in shown.orders)
        ):
            selected.add(path)
    return selected


def _reordered(events: list[str], order: dict[str, int]) -> bool:
    if any(event not in order for event in events):
        return True
    return sorted(events, key=order.__getitem__) != events


def _strings(value: Any) -> set[str]:
    """Every string in a summary: its ids among them (the rest do no harm)."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, BaseModel):
            stack.extend(getattr(item, name) for name in type(item).model_fields)
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return found
