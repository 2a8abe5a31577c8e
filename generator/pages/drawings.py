"""Drawings inside fact sheets: a locator map, a strip of events in time, the web of an
actor's relations.

Each is SVG written into the page, so it needs no script, makes no request, prints, and
reads the same from the disk. Every mark is a link with an accessible name, and the page
lists the same things in a table beside the drawing. Values are text: escaped for HTML
here, as everything from a summary is.

Links inside raw HTML are not rewritten by MkDocs, so `href` writes the URL MkDocs gives
a page with `use_directory_urls` (its default): `events/x.md` is served at `events/x/`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ..common.project import page_url
from ..knowledge.model import Position
from ..sources import world
from .markup import Md, shown

WIDTH, HEIGHT = 640, 360
"""A map's drawing box, in SVG units (it scales to the page's width)."""


def href(from_path: str, to_path: str, anchor: str = "") -> str:
    """The link from one page of `content/` to another (or to a file, such as data): up
    to the site's root, then down (pages are at most two folders deep; no need to find
    the shortest path)."""
    there = page_url(to_path) if to_path.endswith(".md") else to_path
    link = "../" * page_url(from_path).count("/") + there
    return (link or "./") + (f"#{anchor}" if anchor else "")


def _attr(text: str) -> str:
    return escape(text, quote=True)


_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!|~"})
"""Characters that mean something to Markdown, as character references: inside raw HTML
Markdown leaves them alone anyway, and this way no reader of the page's source can mistake
a value for a link or a list."""


def escape_text(text: str) -> str:
    """Text (our words, and values already `shown`) as the text of an HTML element."""
    return escape(text, quote=False).translate(_INERT)


def _text(value: str) -> str:
    """A value as the text of an SVG element: as readers see it on the page (`shown`:
    control characters out, isolated from the words around it), escaped for HTML."""
    return escape_text(shown(value))


# --- maps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """A place on a map."""

    name: str
    position: Position
    target: str | None
    """The page the mark opens (a path of `content/`), or None for the page's own place."""
    label: str
    """What the mark's accessible name and tooltip say: our words, each value in it
    already as readers see it (`markup.shown`)."""


@dataclass(frozen=True)
class _View:
    """An equirectangular view: longitude scaled by the cosine of the middle latitude, so
    that shapes near the view's centre are not stretched."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def around(cls, points: Sequence[tuple[float, float]], least: float) -> _View:
        """The view of the points, with a margin, at least `least` degrees tall, and as wide
        as the drawing box's shape asks."""
        lons = [lon for lon, _ in points]
        lats = [lat for _, lat in points]
        middle_lat = (min(lats) + max(lats)) / 2
        middle_lon = (min(lons) + max(lons)) / 2
        scale = max(math.cos(math.radians(middle_lat)), 0.2)
        tall = max((max(lats) - min(lats)) * 1.5, least)
        wide = max((max(lons) - min(lons)) * 1.5 * scale, least * WIDTH / HEIGHT)
        tall = max(tall, wide * HEIGHT / WIDTH)
        wide = tall * WIDTH / HEIGHT
        return cls(
            middle_lon - wide / scale / 2,
            middle_lat - tall / 2,
            middle_lon + wide / scale / 2,
            middle_lat + tall / 2,
        )

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.west) / (self.east - self.west) * WIDTH
        y = (self.north - lat) / (self.north - self.south) * HEIGHT
        return x, y

    def sees(self, box: tuple[float, float, float, float]) -> bool:
        west, south, east, north = box
        return (
            west <= self.east and east >= self.west and south <= self.north and north >= self.south
        )


def locator(page: str, marks: Sequence[Mark], title: str, least: float = 14.0) -> Md:
    """A map of the marks over country outlines, with where each position comes from."""
    if not marks:
        return Md("")
    view = _View.around([(m.position.lon, m.position.lat) for m in marks], least)
    paths = []
    for country in world.countries():
        if not view.sees(country.box):
            continue
        d = " ".join(path for ring in country.rings if (path := _ring(view, ring)))
        if not d:
            continue
        paths.append(f'<path d="{d}"/>')
    dots = [_dot(page, view, mark) for mark in marks]
    notes = [
        f"<li>{_text(m.name)}: {_text(m.position.provenance)}</li>"
        for m in sorted(marks, key=lambda m: m.name)
    ]
    return Md(
        f'<figure class="fs-drawing fs-map" data-pagefind-ignore="all">\n'
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="group"><title>{escape_text(title)}</title>'
        f'<rect class="fs-sea" width="{WIDTH}" height="{HEIGHT}"/>'
        + f'<g class="fs-land">{"".join(paths)}</g>'
        + "".join(dots)
        + "</svg>\n<figcaption><ul>"
        + "".join(notes)
        + f"</ul><p>Positions are reference data, not claims of the sources. "
        f"{_text(world.ATTRIBUTION)}.</p></figcaption>\n</figure>"
    )


def _ring(view: _View, ring: world.Ring) -> str:
    """A country's outline as a path, cut to the drawing's box (a large country would
    otherwise weigh most of the page), in whole units."""
    points = _clipped([view.xy(lon, lat) for lon, lat in ring])
    kept: list[str] = []
    for x, y in points:
        point = f"{x:.0f} {y:.0f}"
        if not kept or kept[-1] != point:
            kept.append(point)
    return "M" + "L".join(kept) + "Z" if len(kept) >= 3 else ""


_EDGE = 8.0
"""How far outside the drawing's box outlines are cut: the box's border stays unseen."""


def _clipped(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The polygon cut to the drawing's box, one side after the other (Sutherland and
    Hodgman): a point inside a side is kept, and where an edge crosses it, the crossing."""
    sides = (
        (0, -_EDGE, True),
        (0, WIDTH + _EDGE, False),
        (1, -_EDGE, True),
        (1, HEIGHT + _EDGE, False),
    )
    for axis, limit, above in sides:
        if not points:
            break
        cut: list[tuple[float, float]] = []
        for index, point in enumerate(points):
            before = points[index - 1]
            if _inside(point, axis, limit, above) != _inside(before, axis, limit, above):
                share = (limit - before[axis]) / (point[axis] - before[axis])
                cut.append(
                    (
                        before[0] + share * (point[0] - before[0]),
                        before[1] + share * (point[1] - before[1]),
                    )
                )
            if _inside(point, axis, limit, above):
                cut.append(point)
        points = cut
    return points


def _inside(point: tuple[float, float], axis: int, limit: float, above: bool) -> bool:
    return point[axis] >= limit if above else point[axis] <= limit


def _dot(page: str, view: _View, mark: Mark) -> str:
    x, y = view.xy(mark.position.lon, mark.position.lat)
    kind = "fs-mark fs-approximate" if mark.position.approximate else "fs-mark"
    circle = f'<circle class="{kind}" cx="{x:.1f}" cy="{y:.1f}" r="7"/>'
    label = (
        f'<text class="fs-mark-label" x="{x + 10:.1f}" y="{y + 4:.1f}">{_text(mark.name)}</text>'
    )
    tip = f"<title>{escape_text(mark.label)}</title>"
    if mark.target is None:
        return f'<g role="img">{tip}{circle}{label}</g>'
    link = href(page, mark.target)
    return f'<a href="{_attr(link)}">{tip}{circle}{label}</a>'


# --- a strip of events in time -------------------------------------------------------


@dataclass(frozen=True)
class Moment:
    """An event on a strip: its days, or None when undated."""

    title: str
    target: str
    start: dt.date | None
    end: dt.date | None
    inferred: bool
    when: str


STRIP_HEIGHT = 96


def strip(page: str, moments: Sequence[Moment], title: str) -> Md:
    """The dated events on a time axis (a day as a dot, a longer span as a bar), the
    undated ones counted under it."""
    dated = [m for m in moments if m.start is not None and m.end is not None]
    undated = len(moments) - len(dated)
    if not dated:
        return Md("")
    first = min(m.start for m in dated if m.start is not None)
    last = max(m.end for m in dated if m.end is not None)
    days = max((last - first).days, 1)
    left, right = 16, WIDTH - 16
    lanes: list[float] = []  # the x where each lane is free again

    def x_of(day: dt.date) -> float:
        return left + (day - first).days / days * (right - left)

    marks = []
    for moment in sorted(dated, key=lambda m: (m.start, m.title)):
        assert moment.start is not None and moment.end is not None
        x0, x1 = x_of(moment.start), x_of(moment.end)
        lane = next((i for i, free in enumerate(lanes) if free < x0 - 12), len(lanes))
        if lane == len(lanes):
            lanes.append(0.0)
        lanes[lane] = max(x1, x0) + 12
        y = 24 + lane * 18
        kind = "fs-mark fs-inferred" if moment.inferred else "fs-mark"
        label = f"{_text(moment.title)}: {escape_text(moment.when)}"
        shape = (
            f'<circle class="{kind}" cx="{x0:.1f}" cy="{y}" r="6"/>'
            if x1 - x0 < 4
            else f'<rect class="{kind}" x="{x0:.1f}" y="{y - 5}" width="{x1 - x0:.1f}" height="10" rx="4"/>'
        )
        marks.append(
            f'<a href="{_attr(href(page, moment.target))}"><title>{label}</title>{shape}</a>'
        )
    height = max(STRIP_HEIGHT, 24 + len(lanes) * 18 + 34)
    axis = height - 26
    ticks = (
        f'<line class="fs-axis" x1="{left}" y1="{axis}" x2="{right}" y2="{axis}"/>'
        f'<text class="fs-tick" x="{left}" y="{axis + 18}">{_text(_day(first))}</text>'
    )
    if last != first:
        ticks += f'<text class="fs-tick" x="{right}" y="{axis + 18}" text-anchor="end">{_text(_day(last))}</text>'
    note = (
        f"<figcaption>{undated} undated {'event is' if undated == 1 else 'events are'} "
        "listed below, not drawn.</figcaption>"
        if undated
        else ""
    )
    return Md(
        f'<figure class="fs-drawing fs-strip" data-pagefind-ignore="all">\n'
        f'<svg viewBox="0 0 {WIDTH} {height}" role="group"><title>{escape_text(title)}</title>'
        + ticks
        + "".join(marks)
        + f"</svg>{note}\n</figure>"
    )


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- the web of an actor's relations ---------------------------------------------------


@dataclass(frozen=True)
class Tie:
    """Another actor, and what ties it to the page's actor."""

    name: str
    target: str
    label: str
    """"spokesperson for", "in 2 events together"."""
    evidence: str
    """The anchor on this page where the evidence is listed."""
    certain: bool
    """False when a source only suspects or claims it."""
    shared_events: bool = False


def web(page: str, name: str, ties: Sequence[Tie], title: str) -> Md:
    """The actor in the middle, the others around it, each line labelled and leading to
    its evidence."""
    if not ties:
        return Md("")
    shown = list(ties[:16])
    cx, cy = WIDTH / 2, HEIGHT / 2
    # Room beside the outer marks for their labels (a long name may run into the margin).
    radius_x, radius_y = WIDTH / 2 - 170, HEIGHT / 2 - 40
    lines, nodes = [], []
    for i, tie in enumerate(shown):
        angle = 2 * math.pi * i / len(shown) - math.pi / 2
        x, y = cx + radius_x * math.cos(angle), cy + radius_y * math.sin(angle)
        kind = (
            "fs-tie"
            + (" fs-shared" if tie.shared_events else "")
            + ("" if tie.certain else " fs-uncertain")
        )
        mx, my = (cx + x) / 2, (cy + y) / 2
        words = f"{_text(name)} — {escape_text(tie.label)} — {_text(tie.name)}"
        lines.append(
            f'<a href="#{_attr(tie.evidence)}">'
            f'<title>{words}: evidence</title><line class="{kind}" x1="{cx:.0f}" y1="{cy:.0f}" '
            f'x2="{x:.0f}" y2="{y:.0f}"/><text class="fs-tie-label" x="{mx:.0f}" y="{my - 4:.0f}" '
            f'text-anchor="middle">{escape_text(tie.label)}</text></a>'
        )
        anchor = "start" if x > cx + 1 else "end" if x < cx - 1 else "middle"
        dx = 10 if anchor == "start" else -10 if anchor == "end" else 0
        nodes.append(
            f'<a href="{_attr(href(page, tie.target))}">'
            f'<title>{_text(tie.name)}</title><circle class="fs-node" cx="{x:.0f}" cy="{y:.0f}" r="7"/>'
            f'<text class="fs-node-label" x="{x + dx:.0f}" y="{y + 4:.0f}" text-anchor="{anchor}">'
            f"{_text(tie.name)}</text></a>"
        )
    more = len(ties) - len(shown)
    note = f"<figcaption>And {more} more, listed below.</figcaption>" if more else ""
    centre = (
        f'<g role="img"><title>{_text(name)}</title><circle class="fs-node fs-centre" cx="{cx:.0f}" '
        f'cy="{cy:.0f}" r="10"/><text class="fs-node-label fs-centre-label" x="{cx:.0f}" '
        f'y="{cy + 26:.0f}" text-anchor="middle">{_text(name)}</text></g>'
    )
    return Md(
        f'<figure class="fs-drawing fs-web" data-pagefind-ignore="all">\n'
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="group"><title>{escape_text(title)}</title>'
        + "".join(lines)
        + centre
        + "".join(nodes)
        + f"</svg>{note}\n</figure>"
    )
