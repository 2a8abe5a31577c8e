"""What the home page and the About page say of the whole site: its key events and main
actors, how its positions were found, where to report an error.

Both pages show counts over the whole account, so they are rendered on every run (see
`output.incremental.pages_to_render`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

from ..knowledge.model import Actor, Event, KnowledgeBase
from .dating import between
from .labels import plural
from .markup import Md, url
from .page import SiteData

KEY_EVENTS = 6
"""How many events the home page lists."""
MAIN_ACTORS = 8
"""How many actors the home page lists."""


def key_events(site: SiteData, count: int = KEY_EVENTS) -> list[Event]:
    """The events most sources report (then with most facts, then the earliest), in
    timeline order."""
    ranked = sorted(
        site.timeline,
        key=lambda event: (
            -len(event.sources),
            -sum(len(fact.citations) for facts in event.all_facts() for fact in facts),
            site.order[event.id],
        ),
    )
    return sorted(ranked[:count], key=lambda event: site.order[event.id])


def main_actors(site: SiteData, count: int = MAIN_ACTORS) -> list[tuple[Actor, int]]:
    """The actors in most events, with how many (then the most reported, then by name);
    none when no actor takes part in an event."""
    events = Counter(
        {
            actor: len({event.id for event, _ in taking_part})
            for actor, taking_part in site.index.participations.items()
            if actor in site.kb.actors
        }
    )
    ranked = sorted(
        events.items(),
        key=lambda item: (
            -item[1],
            -len(site.kb.actors[item[0]].sources),
            site.kb.actors[item[0]].name.casefold(),
        ),
    )
    return [(site.kb.actors[actor], number) for actor, number in ranked[:count]]


_ORIGINS = {
    "sources": ("position a source states", "positions sources state"),
    "editors": ("position set by the editors", "positions set by the editors"),
    "gazetteer": ("position from GeoNames", "positions from GeoNames"),
    "parent": ("approximate position (its parent's)", "approximate positions (their parents')"),
}


@dataclass(frozen=True)
class Published:
    """When the site's sources were published, as the About and home pages say it."""

    span: str | None
    """"3–6 April 2031"; None when no source is dated."""
    undated: int
    """How many sources have no publication date."""


def published(kb: KnowledgeBase) -> Published:
    dates = sorted(source.meta.published for source in kb.sources.values() if source.meta.published)
    span = between(dates[0], dates[-1]) if dates else None
    return Published(span, len(kb.sources) - len(dates))


def positions(kb: KnowledgeBase) -> str:
    """How the site's places were placed: "3 positions from GeoNames, 1 approximate
    position (its parent's); 2 places not on the map"."""
    origins = Counter(position.origin for position in kb.positions.values())
    parts = [
        plural(origins[origin], *words) for origin, words in _ORIGINS.items() if origins[origin]
    ]
    text = ", ".join(parts)
    if kb.unplaced:
        text += f"; {plural(len(kb.unplaced), 'place')} not on the map"
    return text


def report_link(address: str | None) -> Md | None:
    """The link target of the editors' address for reports (checked when mkdocs.yml was
    read: http(s) or mailto:)."""
    if not address:
        return None
    if address.lower().startswith("mailto:"):
        # `url` makes any address but a web one inert; a mail address is made safe here.
        return Md("mailto:" + quote(address[len("mailto:") :], safe="@.+-_=?&%"))
    return url(address)


_UP = re.compile(r"(?<!\\)((?:\\\\)*)\]\(\.\./")


def at_root(body: str) -> str:
    """A page's links, written for a page one folder deep (as every link helper writes
    them), made right for the home page at the root: `](../actors/x.md)` is
    `](actors/x.md)`. A value's escaped "\\](../" stays as it is."""
    return _UP.sub(r"\1](", body)
