"""Claims as pages show them: dates, figures and roles, with every disagreement where it is.

The rules (the home page's methodology states them for readers):
- a date is shown as precisely as its source gives it; relative words are placed against
  the report's date and say so; dates disagree only when they cannot both hold;
- figures are intervals (`knowledge/figures.py`): they disagree only when no number fits
  every source's latest count; a source's earlier counts are its series, shown in order;
- a role or relation shows how each source presents it (suspected by, denied by...),
  and sources that present one differently are flagged; a suspicion never reads as fact.
Every box lists the values it speaks of, with their sources: none refers elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Protocol

from ..knowledge import figures
from ..knowledge.dates import Span, describe
from ..knowledge.figures import Count, Measure
from ..knowledge.model import Attested, Dated, Event, KnowledgeBase, Link
from ..sources.vocabulary import Precision
from . import labels
from .markup import Citable, Md, composed, escape
from .markup import shown as value_text


class _Shown(Protocol):
    entities: set[str]


class PageContext(Protocol):
    """What the claim helpers use of their page (`page.PageContext`)."""

    kb: KnowledgeBase
    shown: _Shown

    def cite(self, *items: Citable) -> Md: ...
    def link(self, entity_id: str, text: str | None = None) -> Md: ...
    def source_ref(self, source_id: str) -> Md: ...
    def source_refs(self, source_ids: list[str]) -> Md: ...


TOLL = ("fatalities", "injured", "missing")
"""Figures the event's box gives first, when they count everyone (no place or group)."""


class Claims:
    """The claim helpers of one page rendering (see `PageContext`)."""

    def __init__(self, page: PageContext) -> None:
        self.page = page

    # --- Dates ----------------------------------------------------------------------

    def date(self, dated: Dated | None, source_id: str | None = None) -> str:
        """A date as readers say it, never more precise than the source: plain text, the
        source's words in it already `shown` (print it with `markup.composed`)."""
        if dated is None:
            return "date not reported"
        claim, span = dated.claim, dated.span
        words = value_text(claim.relative) if claim.relative else None
        if claim.value:
            text = labels.partial_date(claim.value)
            if claim.precision is Precision.week:
                text = f"week of {text}"
            elif claim.precision is Precision.approximate:
                text = f"around {text}"
        elif span is not None:
            text = f"{words} ({describe(span)}, inferred from the report's date)"
        elif claim.precision is Precision.relative:
            published = self.page.kb.sources[source_id].meta.published if source_id else None
            anchor = (
                f"the report of {labels.partial_date(published)}"
                if published
                else "the report (date not recorded)"
            )
            text = f"{words or 'relative time'}, relative to {anchor}"
        else:
            text = words or ("date unknown" if claim.precision is Precision.unknown else "")
        return f"reported {text}" if claim.basis.value == "reported" else text

    def when(self, event: Event) -> Md:
        """Every date sources give, dates that are the same days told once."""
        self.page.shown.entities.add(event.id)
        parts = [f"{composed(text)}{self.page.cite(group)}" for text, group in self._days(event)]
        return Md("; ".join(parts) or "—")

    def dates_text(self, event: Event) -> Md:
        """The event's dates as `when` gives them, without footnotes (for lists)."""
        return composed("; ".join(text for text, _ in self._days(event)) or "—")

    def _days(self, event: Event) -> list[tuple[str, list[Attested]]]:
        """(words, the dates they stand for) for each span of days sources give: told as
        a source that states it does, rather than one whose date was inferred."""
        told = []
        for group in _same_days(event.dates):
            shown = next(
                (f for f in group if not f.value.span or not f.value.span.inferred), group[0]
            )
            told.append((self.date(shown.value, shown.citations[0].source), group))
        return told

    def date_disagreement(self, event: Event) -> Md:
        """A warning listing each date sources give, when they cannot all hold."""
        if not event.dates_disputed:
            return Md("")
        lines = ['!!! warning "Sources disagree on the date"']
        for group in _same_days(event.dates):
            text = composed(self.date(group[0].value, group[0].citations[0].source))
            sources = self.page.source_refs(_sources(group))
            lines.append(f"    - {text}{self.page.cite(group)}: {sources}")
        return Md("\n".join(lines) + "\n")

    # --- Figures --------------------------------------------------------------------

    def measure(self, measure: Measure, linked: bool = True) -> Md:
        """What a figure counts: "Killed, among civilians, in [Syria]" (the place as plain
        text without `linked`, for a box's title)."""
        text = escape(labels.figure_label(measure.kind))
        if measure.counted:
            text = (
                escape(measure.counted[:1].upper() + measure.counted[1:])
                if measure.kind == "other"
                else Md(f"{text}: {escape(measure.counted)}")
            )
        if measure.among:
            text = Md(f"{text}, among {escape(measure.among)}")
        if measure.location:
            self.page.shown.entities.add(measure.location)
            place = (
                self.page.link(measure.location)
                if linked
                else escape(self.page.kb.locations[measure.location].name)
            )
            text = Md(f"{text}, in {place}")
        return Md(text)

    def count(self, count: Count, unit: str | None = None) -> Md:
        """A value with its own time and who gives it: "at least 30 (by Sunday evening)"."""
        text = composed(labels.count_value(count.value, count.qualifier, unit and value_text(unit)))
        if count.as_of:
            when = describe(count.when) if count.when and count.as_of != count.when.iso else ""
            as_of = value_text(count.as_of)
            if when and when != count.as_of:
                as_of = f"{as_of}, {when}"
            text = Md(f"{text} ({composed(as_of)})")
        if count.according_to:
            text = Md(f"{text}, according to {self.page.link(count.according_to)}")
        return text

    def figure_rows(self, event: Event) -> list[tuple[Measure, Attested]]:
        """(measure, value) for each figure of an event, measures in a stable order."""
        return [
            (measure, fact)
            for measure, facts in sorted(event.figures.items(), key=lambda m: _measure_key(m[0]))
            for fact in facts
        ]

    def figure_sources(self, event: Event, measure: Measure, fact: Attested) -> Md:
        """The sources of a value, each marked when it later revised that count."""
        series = event.series.get(measure, {})
        refs = []
        for source_id in fact.sources:
            ref = self.page.source_ref(source_id)
            steps = series.get(source_id, [])
            if steps and fact.value not in steps[-1]:
                ref = Md(f"{ref} (earlier count, revised later)")
            refs.append(ref)
        return Md(", ".join(refs))

    def figure_notes(self, event: Event) -> Md:
        """Under the figures: each source's counts over time, and for each measure whether
        the sources' latest counts agree, with every value in the box that says so."""
        blocks = []
        for measure in sorted(event.series, key=_measure_key):
            by_source = event.series[measure]
            # Starting a line after "*": with a space first (a control character the value
            # starts with), it would be a list item, not emphasis.
            label = self.measure(measure).lstrip(" ")
            for source_id, steps in by_source.items():
                if len(steps) > 1:
                    told = " → ".join(
                        "; ".join(self._cited(event, measure, c, source_id) for c in step)
                        for step in steps
                    )
                    ref = self.page.source_ref(source_id)
                    blocks.append(f"*{label}, as {ref} counted over time:* {told}\n")
            latest = figures.latest(by_source)
            if len(set(latest)) < 2:
                continue
            title = escape(self.measure(measure, linked=False))
            if figures.disagree(by_source):
                lines = [f'!!! warning "Sources disagree: {title}"']
                lines.append("    Their latest counts cannot all be true:\n")
            else:
                lines = [f'!!! note "The counts agree: {title}"']
                lines.append(f"    Every source's latest count allows {escape(_allows(latest))}:\n")
            for source_id, steps in by_source.items():
                for count in steps[-1]:
                    value = self._cited(event, measure, count, source_id)
                    lines.append(f"    - {value}: {self.page.source_ref(source_id)}")
            blocks.append("\n".join(lines) + "\n")
        return Md("\n".join(blocks))

    def toll(self, event: Event) -> list[tuple[Md, Md]]:
        """(label, value) rows for the event's box: each count of everyone killed, injured
        or missing, as a range when sources differ, with its sources."""
        rows = []
        for measure in sorted(event.series, key=_measure_key):
            if measure.kind not in TOLL or measure.location or measure.among or measure.counted:
                continue
            by_source = event.series[measure]
            latest = figures.latest(by_source)
            facts = [f for f in event.figures[measure] if f.value in latest]
            cite = self.page.cite(facts)
            distinct = sorted(set(latest), key=figures.order)
            known = [c for c in distinct if c.value is not None]
            if len(distinct) == 1:
                text = escape(labels.count_value(distinct[0].value, distinct[0].qualifier))
            elif figures.disagree(by_source):
                low, high = (
                    labels.count_value(c.value, c.qualifier) for c in (known[0], known[-1])
                )
                text = escape(f"{low} to {high}: sources disagree")
            else:
                text = escape(f"{_allows(latest)} (the counts agree)")
            count = len(by_source)
            rows.append(
                (
                    escape(labels.figure_label(measure.kind)),
                    Md(f"{text}{cite} ({labels.plural(count, 'source')})"),
                )
            )
        return rows

    def _cited(self, event: Event, measure: Measure, count: Count, source_id: str) -> str:
        fact = next(f for f in event.figures[measure] if f.value == count)
        mine = [c for c in fact.citations if c.source == source_id]
        return f"{self.count(count, measure.unit)}{self.page.cite(mine)}"

    # --- Roles and relations --------------------------------------------------------

    def how(self, link: Link) -> Md:
        """How a source presents a claimed link: "" when as fact, else " (suspected by X)"."""
        return Md("") if link.certainty == "stated" else Md(f" ({self.view(link)})")

    def view(self, link: Link) -> Md:
        """Whose view a claimed link is: "stated as fact", "suspected by X", "denied"."""
        by = link.by
        words = escape(labels.certainty(link.certainty, by=bool(by)))
        return Md(f"{words} {self.page.link(by)}" if by else words)

    def involvement(
        self, participations: list[tuple[Event, Attested]]
    ) -> list[tuple[Event, str, list[Attested]]]:
        """An actor's roles (event, role, the sources' claims), each role of an event once."""
        grouped: dict[tuple[str, str], tuple[Event, str, list[Attested]]] = {}
        for event, fact in participations:
            key = (event.id, fact.value.type)
            grouped.setdefault(key, (event, fact.value.type, []))[2].append(fact)
        return list(grouped.values())

    def who(self, event: Event) -> list[tuple[str, str, list[Attested]]]:
        """(actor, role, the sources' claims) for each role in the event, in order given."""
        return [(actor, role, claims) for (actor, role), claims in event.roles.items()]

    def role_in(self, role: str, claims: list[Attested]) -> Md:
        """A role with how the sources present it: "victim¹", "perpetrator: suspected by X²;
        denied by Y³"."""
        how = self.claims(claims)
        label = escape(labels.role_label(role))
        return Md(f"{label}{how}" if how.startswith("[^") else f"{label}: {how}")

    def claims(self, claims: list[Attested]) -> Md:
        """Each way sources present one role: "stated as fact¹; suspected by X²" (only the
        footnotes when every source states it as fact)."""
        if all(fact.value.certainty == "stated" for fact in claims):
            return self.page.cite(claims)
        parts = []
        for fact in claims:
            parts.append(f"{self.view(fact.value)}{self.page.cite(fact)}")
        return Md("; ".join(parts))

    def role_conflicts(self, event: Event) -> Md:
        """A warning for each role sources present in ways that cannot all be right."""
        blocks = []
        for actor, role in event.disputed_roles:
            name = self.page.link(actor)
            lines = [f'!!! warning "Sources differ on the {escape(labels.role_label(role))}"']
            lines.append(f"    {name}, {escape(labels.role_label(role))}:\n")
            for fact in event.roles[(actor, role)]:
                lines.append(
                    f"    - {self.view(fact.value)}{self.page.cite(fact)}: "
                    f"{self.page.source_refs(fact.sources)}"
                )
            blocks.append("\n".join(lines) + "\n")
        return Md("\n".join(blocks))


def _same_days(dates: Iterable[Attested]) -> list[list[Attested]]:
    """Dates grouped when they are the same days ("Sunday" in Monday's report and that
    Sunday's date); dates that cannot be placed stay on their own."""
    groups: dict[object, list[Attested]] = {}
    for fact in dates:
        dated: Dated = fact.value
        span: Span | None = dated.span
        key = (span.start, span.end, dated.claim.basis) if span else id(fact)
        groups.setdefault(key, []).append(fact)
    return list(groups.values())


def _sources(facts: Iterable[Attested]) -> list[str]:
    return list(dict.fromkeys(s for fact in facts for s in fact.sources))


def _allows(counts: list[Count]) -> str:
    """What every count allows, in words: "3", "at least 30", "36 to 44", or "unknown"
    when no count gives a number."""
    if all(count.value is None for count in counts):
        return "unknown"
    bounds = figures.common(counts)
    assert bounds is not None  # only asked of counts that agree
    low, high = bounds
    if high == math.inf:
        return f"at least {int(low):,}"
    if low == high:
        return f"{int(low):,}"
    return f"{int(low):,} to {int(high):,}"


_KIND_ORDER = {kind: index for index, kind in enumerate(labels.FIGURE_KINDS)}


def _measure_key(measure: Measure) -> tuple[int, str, str, str, str, str]:
    return (
        _KIND_ORDER.get(measure.kind, len(_KIND_ORDER)),
        measure.kind,
        measure.counted or "",
        measure.location or "",
        measure.among or "",
        measure.unit or "",
    )
