"""Order events in time: by date where sources give one, by their relations where not."""

from __future__ import annotations

import heapq
from collections.abc import Callable

from ..sources.vocabulary import DateBasis
from .dates import Span, describe
from .model import Event, KnowledgeBase

# "A is a response to / follows B" puts B before A. Children sit after their parent
# only when nothing else places them, so part-of adds no edge.
_AFTER = ("response-to", "follows")


def sort_key(event: Event) -> str | None:
    """When the event happened, as an ISO date to sort by: the earliest day any source's
    date for it can be (relative words placed against the report's date); None when no
    source's date can be placed."""
    days = [
        fact.value.span.iso
        for fact in event.dates
        if fact.value.span and fact.value.claim.basis is DateBasis.happened
    ]
    return min(days) if days else None


def chronological(kb: KnowledgeBase) -> list[Event]:
    """All events, earliest first; undated ones placed after the events they follow.

    A topological order of the "comes after" relation, choosing at each step the
    ready event with the earliest date (undated ones take the date of what they
    follow), then by title. Cycles, which contradictory summaries can create, are
    broken at the event with the earliest key so every event still appears once.
    """
    events = kb.events
    before: dict[str, set[str]] = {eid: set() for eid in events}
    for event in events.values():
        for fact in event.relations:
            kind, target = fact.value.type, fact.value.target
            if kind in _AFTER and target in events:
                before[event.id].add(target)
            elif kind == "precedes" and target in events:
                before[target].add(event.id)
    after: dict[str, set[str]] = {eid: set() for eid in events}
    for eid, deps in before.items():
        for dep in deps:
            after[dep].add(eid)
    keys = {eid: sort_key(event) for eid, event in events.items()}
    inherited = {
        eid: _inherited_key(eid, keys, before, max) or _inherited_key(eid, keys, after, min)
        for eid in events
    }

    def rank(eid: str) -> tuple[bool, str, str, str]:
        key = inherited[eid]
        return (key is None, key or "", events[eid].name.casefold(), eid)

    waiting = {eid: set(deps) for eid, deps in before.items()}
    ready = [(rank(eid), eid) for eid, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(events):
        if not ready:
            stuck = min((rank(e), e) for e in events if e not in done)
            waiting[stuck[1]] = set()
            heapq.heappush(ready, stuck)
        _, eid = heapq.heappop(ready)
        if eid in done:
            continue
        done.add(eid)
        order.append(eid)
        for follower in after[eid]:
            waiting[follower].discard(eid)
            if not waiting[follower] and follower not in done:
                heapq.heappush(ready, (rank(follower), follower))
    return [events[eid] for eid in order]


def _inherited_key(
    eid: str,
    keys: dict[str, str | None],
    edges: dict[str, set[str]],
    pick: Callable[[str, str], str],
) -> str | None:
    """An undated event sorts with the nearest dated events along `edges`.

    Called with the "comes before" edges and `max`, it takes the latest date among
    the events it follows; with the "comes after" edges and `min`, the earliest
    among those that follow it, so a cause sorts just ahead of its dated effect.
    """
    own = keys[eid]
    if own is not None:
        return own
    seen, stack, best = {eid}, list(edges[eid]), None
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        key = keys[current]
        if key is not None:
            best = key if best is None else pick(best, key)
        else:
            stack.extend(edges[current])
    return best


def days(event: Event) -> Span | None:
    """The days the event happened on, to draw it in time: as a source that states them
    says (rather than one whose date was inferred from the report's), the first such."""
    spans: list[Span] = [
        fact.value.span
        for fact in event.dates
        if fact.value.span and fact.value.claim.basis is DateBasis.happened
    ]
    stated = [span for span in spans if not span.inferred]
    return next(iter(stated or spans), None)


def told(span: Span | None) -> str:
    """When an event happened, in words for a drawing's label."""
    if span is None:
        return "undated"
    return describe(span) + (", inferred from the report's date" if span.inferred else "")
