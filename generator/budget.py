"""Fact sheets stay small however much the sources say: the page budget.

A page is rendered whole first. One longer than `PAGE_BUDGET` is rendered again with its
largest sections cut short (`cuts_to_fit`), each ending with "The first 2 of 197. See
all 197 →"; the link leads to pages that list every row (`pages_of`), as many on each
as fit in the same budget. The rendering itself is `render.Renderer.listing`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PAGE_BUDGET = 7_000
"""Characters of Markdown a page may have (about 25 KB of HTML with the theme's) before
its long sections are cut short."""
ROWS_SHOWN = (10, 5, 2, 1)
"""Rows a long section shows on a page over budget, each cut the next in this list."""
_MORE_ROWS_LINE = 80
"""About the characters of the line a cut section ends with ("The first 2 of 5. See all...")."""
ROWS_PER_PAGE = 50
"""Rows on each page a long section continues on, at most (fewer if they are long)."""


@dataclass(frozen=True)
class Section:
    """A section as a rendering of its page printed it (see `cuts_to_fit`)."""

    shown: int
    """Rows printed."""
    size: int
    """Characters of its rows, and (estimated) of the footnotes they added to the page."""


def cuts_to_fit(sections: dict[str, Section], cuts: dict[str, int], excess: int) -> dict[str, int]:
    """The cuts (rows shown, by section key) that should take `excess` characters off a
    page whose last rendering printed `sections` with `cuts`.

    The largest section is cut first, one step of `ROWS_SHOWN` at a time, so a page with
    one long list keeps its short ones whole. Sizes are estimated from the last rendering
    (a row's share of its section); the next rendering checks them.
    """
    cuts = dict(cuts)
    sizes = {key: section.size for key, section in sections.items()}
    while excess > 0:
        cuttable = [key for key, section in sections.items() if cuts.get(key, section.shown) > 1]
        if not cuttable:
            break
        key = max(cuttable, key=lambda k: (sizes[k], k))
        section = sections[key]
        shown = cuts.get(key, section.shown)
        cuts[key] = next(limit for limit in ROWS_SHOWN if limit < shown)
        saved = section.size * (shown - cuts[key]) // section.shown - _MORE_ROWS_LINE
        sizes[key] -= saved
        excess -= saved
    return cuts


Rendered = tuple[str, str]
"""Rows as a page of their own prints them, and their footnotes."""


def pages_of(rows: list, render_rows: Callable[[list], Rendered]) -> list[tuple[int, Rendered]]:
    """A long section's rows split into pages: (rows on the page, what they print).

    How many rows fit is estimated from the first ten; a page that still comes out over
    budget is split in two.
    """
    sample = render_rows(rows[:10])
    size = sum(map(len, sample))
    if len(rows) <= 10 and size <= PAGE_BUDGET:
        return [(len(rows), sample)]
    # A little under budget: rows further down may be longer than the first ones.
    fit = PAGE_BUDGET * 0.9 * min(len(rows), 10) // max(size, 1)
    fit = max(1, min(ROWS_PER_PAGE, int(fit)))
    pages = -(-len(rows) // fit)
    per_page = -(-len(rows) // pages)  # the same number on every page but the last
    todo = [rows[i : i + per_page] for i in range(0, len(rows), per_page)]
    done: list[tuple[int, Rendered]] = []
    while todo:
        chunk = todo.pop(0)
        printed = render_rows(chunk)
        if sum(map(len, printed)) > PAGE_BUDGET and len(chunk) > 1:
            half = len(chunk) // 2
            todo[:0] = [chunk[:half], chunk[half:]]
        else:
            done.append((len(chunk), printed))
    return done
