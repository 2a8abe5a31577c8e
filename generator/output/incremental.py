"""Render again only the pages a change in `seeds/` can reach.

Rendering every page is most of a run on a large site, and an editor who fixes one
summary while `factsheets serve` runs should see the result in seconds. So each run
records what every page showed (`Shown`), and the next run renders a page again only
when one of these holds:

- the page is new, or its file is not as the last run left it;
- it showed an entity (its own, or one it linked to or printed) whose entry in a
  summary changed, in its old or its new version (every entry counts as changed when
  the source's text or publication date changed);
- it is the page of an entity that a changed entry names (as a participant, say):
  its backlinks changed;
- it cited or named a source whose summary or text changed;
- the events it listed would now come in another order (the timeline is global:
  one event's new date can reorder others).

Every other page would come out byte for byte the same, and keeps its file. Why: a
page shows another entity only through that entity's own record (its names, dates,
type), and lists it only by way of a fact held by one of the two records. A change
that alters what a page shows therefore changes an entry the page already showed, or
names the page's own entity. `tests/output/test_incremental.py` checks this against full
regeneration after every kind of edit.

An index page is rendered again by the same rules, and also when it would list an
entity it did not list, or when a changed entry names an entity it lists (it prints
counts of what points at each). The sources index, whose coverage table counts
everything, and the Data page, which prints the size of each data file, are always
rendered. So is every page when there is no record of the last run, when the
generator's code or templates changed, or when the site has its own templates (which
may print data `PageContext` does not record).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..pages.page import Shown
from ..pages.render import Renderer
from ..sources.load import Loaded
from ..sources.schema import Summary
from .record import LastRun


@dataclass
class Inputs:
    """What a run's pages are made from, besides the knowledge base itself."""

    code: str
    """Fingerprint of the generator's code and templates."""
    sources: dict[str, list[str]]
    """Source id -> [digest of its summary, its summary file, digest of its text], for
    every source published (a draft the site leaves out is not among them)."""
    summaries: dict[str, Summary] = field(default_factory=dict, repr=False)
    """This run's summaries by source id (not recorded)."""

    @classmethod
    def of(cls, loaded: list[Loaded], code: str) -> Inputs:
        sources, summaries = {}, {}
        for item in loaded:
            text = hashlib.sha256(item.text.text.encode("utf-8", "surrogatepass")).hexdigest()
            source_id = item.summary.source.id
            sources[source_id] = [item.digest, item.summary_file, text]
            summaries[source_id] = item.summary
        return cls(code, sources, summaries)


def shown(rendered: dict[str, Shown], paths: list[str], last: LastRun | None) -> dict[str, Shown]:
    """What every page shows: as just rendered, or (not rendered) as `last` recorded."""
    # A page not rendered has a record: pages_to_render renders those without one.
    previous = last.history if last is not None else None
    before = previous.pages if previous is not None else {}
    return {path: rendered[path] if path in rendered else before[path] for path in paths}


def outputs(pages: dict[str, Shown]) -> list[str]:
    """Every page's path, each followed by the paths of the pages it continues on."""
    return [path for page, shown in pages.items() for path in (page, *shown.parts)]


def pages_to_render(
    last: LastRun | None,
    inputs: Inputs,
    renderer: Renderer,
    content: Path,
    summary_of: Callable[[str], Summary | None],
) -> set[str] | None:
    """The paths of the pages to render, or None for all of them.

    `last` is the record of the last run (pages whose files are no longer as it left
    them are rendered again); `summary_of` gives a summary by digest, for the versions
    the last run read.
    """
    previous = last.history if last is not None else None
    if last is None or previous is None or previous.code != inputs.code:
        return None
    old, new = previous.sources, inputs.sources
    changed = {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}
    defined: set[str] = set()  # entities whose own record may have changed
    referenced: set[str] = set()  # and every id the changed entries name
    for source_id in changed:
        before = None
        if source_id in old:
            before = summary_of(old[source_id][0])
            if before is None:  # its old version is gone from the cache: cannot tell
                return None
        same_text = source_id in old and source_id in new and old[source_id][2] == new[source_id][2]
        ids, strings = _changes(before, inputs.summaries.get(source_id), same_text)
        defined |= ids
        referenced |= strings
    as_left = last.as_left(content)
    listed = _listed_by_index(renderer)
    # Rendered every time: the sources index's coverage table counts everything the site
    # holds, the Map, Timeline and Network pages list it all, the Data page prints the
    # size of files made of it all, and the About and home pages count it.
    always = {
        renderer.index_pages["sources"],
        *renderer.explore_pages.values(),
        renderer.downloads_page,
        *renderer.overview_pages,
    }
    selected = set()
    for path in renderer.paths():
        shown = previous.pages.get(path)
        if (
            path in always
            or shown is None
            or (path in listed and _index_changed(listed[path], shown, referenced))
            or path not in as_left
            or not as_left.issuperset(shown.parts)
            or not shown.entities.isdisjoint(defined)
            or path.rpartition("/")[2].removesuffix(".md") in referenced
            or not shown.sources.isdisjoint(changed)
            or any(_reordered(events, renderer.order) for events in shown.orders)
        ):
            selected.add(path)
    return selected


def _listed_by_index(renderer: Renderer) -> dict[str, set[str]]:
    """The ids each index page lists: its category's (the sources index aside)."""
    return {
        path: set(getattr(renderer.kb, category))
        for category, path in renderer.index_pages.items()
        if category != "sources"
    }


def _index_changed(listed: set[str], shown: Shown, referenced: set[str]) -> bool:
    """Whether an index page lists an entity it did not list, or shows something a change
    names: besides each entity's own record, an index prints counts of what points at it
    (events at a place, sources about an actor), which change with the entries naming it."""
    return not listed <= shown.entities or not shown.entities.isdisjoint(referenced)


def _changes(
    before: Summary | None, after: Summary | None, same_text: bool
) -> tuple[set[str], set[str]]:
    """What changed between two versions of a summary: the ids of the entries that differ,
    and every string (each id among them) those entries hold.

    A page shows other entities only through their own records (names, dates...), so
    it needs rendering again when it shows a changed entry; an entity named by one
    (as a participant, say) needs only its own page rendered: its backlinks changed.
    Every entry counts as changed when the text or the publication date did: the date
    orders citations and breaks ties between names, and a new text moves sentences.
    """
    if (
        before is None
        or after is None
        or not same_text
        or before.source.published != after.source.published
    ):
        everything = _strings(before) | _strings(after)
        return everything, everything
    ids: set[str] = set()
    strings: set[str] = set()
    for name in type(after).model_fields:
        old, new = getattr(before, name), getattr(after, name)
        if name == "source" or old == new:
            continue  # what the source record shows is on pages showing the source
        if not isinstance(new, list):
            # `format` shows nowhere; `status` only in the notice of pages showing a
            # draft source (a draft not published is not among the run's summaries).
            continue
        # Position by position: an entry moved within the file counts as changed, since
        # the order of first appearance orders lists on pages.
        for x, y in zip_longest(old, new):
            if x != y:
                ids.update(entry.id for entry in (x, y) if entry is not None)
                strings |= _strings(x) | _strings(y)
    return ids, strings


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
