"""When a page's facts were reported: the publication dates of the sources behind it, and
the newest of them, as "last changed". From the data only, never the build's time, so the
same sources make the same page."""

from __future__ import annotations

import datetime as dt

from ..knowledge.dates import Span, describe
from . import labels
from .markup import Md, escape
from .page import PageContext


class Dating:
    """What one rendering of one page says of its sources' dates."""

    def __init__(self, page: PageContext) -> None:
        self.page = page
        self._read: dict[str, tuple[list[tuple[str, str]], int]] = {}

    def _sources(self, entity_id: str) -> tuple[list[tuple[str, str]], int]:
        """(publication date, source id) of the dated sources behind an entity, oldest
        first; and how many are undated. Read once: both rows of the infobox ask."""
        if entity_id not in self._read:
            self._read[entity_id] = self._dates(entity_id)
        return self._read[entity_id]

    def _dates(self, entity_id: str) -> tuple[list[tuple[str, str]], int]:
        kb = self.page.kb
        dated, undated = [], 0
        for source_id in self.page.site.index.sources_of(entity_id):
            self.page.shown.sources.add(source_id)
            published = kb.sources[source_id].meta.published
            if published:
                dated.append((published, source_id))
            else:
                undated += 1
        return sorted(dated), undated

    def reported(self, entity_id: str) -> Md:
        """ "7–9 February 2024", "7 February 2024; 1 undated source", "undated source"."""
        dated, undated = self._sources(entity_id)
        parts = []
        if dated:
            parts.append(between(dated[0][0], dated[-1][0]))
        if undated:
            words = "undated source" if undated == 1 else "undated sources"
            parts.append(words if not dated else f"{undated} {words}")
        return escape("; ".join(parts) or "—")

    def last_changed(self, entity_id: str) -> Md:
        """The newest source behind the page: its date and a link to it."""
        dated, undated = self._sources(entity_id)
        if not dated:
            return escape("not known: " + ("undated source" if undated == 1 else "undated sources"))
        published, source_id = dated[-1]
        newest = " (the newest dated source)" if undated else ""
        title = self.page.kb.sources[source_id].meta.title
        link = f"[{escape(title)}](../sources/{source_id}.md)"
        return Md(f"{escape(labels.partial_date(published))}, {link}{escape(newest)}")


def between(first: str, last: str) -> str:
    """Two publication dates as one span in words ("7–9 February 2024"); partial dates
    (a month, a year) as they are."""
    if first == last:
        return labels.partial_date(first)
    if len(first) == len(last) == 10:
        start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        return describe(Span(start, end, "day"))
    return f"{labels.partial_date(first)} – {labels.partial_date(last)}"
