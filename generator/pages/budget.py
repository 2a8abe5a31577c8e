"""Fact sheets stay small however much the sources say: the page budget.

A page is rendered whole first. One longer than its budget is rendered again with its
largest sections cut short (`cuts_to_fit`), each ending with "The first 5 of 197. See
all 197 →"; the link leads to pages that list every row (`pages_of`), as many on each
as fit in the same budget. The rendering itself is `page.PageContext.listing`'s.

Readers must never miss a disagreement, so a small page (up to `Budget.small`, half as long
again as the budget) is never cut at all, nor is a section of `NEVER_CUT` rows or fewer; figures and
the boxes that say where sources disagree are never in a cut section, and a cut list of
statements keeps at least one from every speaker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

PAGE_BUDGET = 7_000
"""Characters of Markdown a page may have (about 25 KB of HTML with the theme's) before
its long sections are cut short."""
ROWS_SHOWN = (10, 5)
"""Rows a long section shows on a page over budget, each cut the next in this list."""
NEVER_CUT = 5
"""Sections of this many rows or fewer are never cut."""
_MORE_ROWS_LINE = 80
"""About the characters of the line a cut section ends with ("The first 2 of 5. See all...")."""
ROWS_PER_PAGE = 50
"""Rows on each page a long section continues on, at most (fewer if they are long)."""


@dataclass(frozen=True)
class Budget:
    """How long a page may be, and how many rows the pages its sections continue on hold."""

    characters: int
    """Characters of Markdown the page, and each page it continues on, may have."""
    rows_per_page: int
    """Rows on each page a long section continues on, at most."""
    rows_shown: tuple[int, ...]
    """Rows a cut section shows on the page, each cut the next in this list."""
    small: int = 0
    """Characters up to which a page is small, and never cut (0: `characters`)."""

    @property
    def cut_above(self) -> int:
        """Pages longer than this are cut."""
        return max(self.small, self.characters)


INDEX = Budget(100_000, 500, (100, 50, 20, 10))
"""An index page lists a whole category: readers scan it, so it may be far longer (100,000
characters is about 250 KB of HTML). A site of a few thousand fact sheets keeps every
index whole; at 10,000 the events timeline shows its first 100 events and continues on
pages of up to 500."""


def fact_sheet() -> Budget:
    """A fact sheet's budget (a source page's too): `PAGE_BUDGET`, `ROWS_PER_PAGE`, `ROWS_SHOWN`."""
    return Budget(PAGE_BUDGET, ROWS_PER_PAGE, ROWS_SHOWN, small=PAGE_BUDGET * 3 // 2)


@dataclass(frozen=True)
class Section:
    """A section as a rendering of its page printed it (see `cuts_to_fit`)."""

    shown: int
    """Rows printed."""
    size: int
    """Characters of its rows, and (estimated) of the footnotes they added to the page."""
    total: int = 0
    """Rows the section has (0: as many as it printed)."""

    @property
    def cuttable(self) -> bool:
        return max(self.total, self.shown) > NEVER_CUT


def cuts_to_fit(
    sections: dict[str, Section], cuts: dict[str, int], excess: int, steps: tuple[int, ...]
) -> dict[str, int]:
    """The cuts (rows shown, by section key) that should take `excess` characters off a
    page whose last rendering printed `sections` with `cuts`.

    The largest section is cut first, one of `steps` (fewer rows each) at a time, so a
    page with one long list keeps its short ones whole. Sizes are estimated from the last
    rendering (a row's share of its section); the next rendering checks them.
    """
    cuts = dict(cuts)
    sizes = {key: section.size for key, section in sections.items()}
    while excess > 0:
        cuttable = [
            k
            for k, section in sections.items()
            if section.cuttable and cuts.get(k, section.shown) > steps[-1]
        ]
        if not cuttable:
            break
        key = max(cuttable, key=lambda k: (sizes[k], k))
        section = sections[key]
        shown = cuts.get(key, section.shown)
        cuts[key] = next(limit for limit in steps if limit < shown)
        saved = section.size * (shown - cuts[key]) // section.shown - _MORE_ROWS_LINE
        sizes[key] -= saved
        excess -= saved
    return cuts


R = TypeVar("R")

Printed = tuple[str, str]
"""Rows as a page of their own prints them, and their footnotes."""


def pages_of(
    rows: list[R], render_rows: Callable[[list[R]], Printed], budget: Budget
) -> list[tuple[int, Printed]]:
    """A long section's rows split into pages: (rows on the page, what they print).

    How many rows fit is estimated from the first ten; a page that still comes out over
    budget is split in two.
    """
    limit, most = budget.characters, budget.rows_per_page
    sample = render_rows(rows[:10])
    size = sum(map(len, sample))
    if len(rows) <= 10 and size <= limit:
        return [(len(rows), sample)]
    # A little under budget: rows further down may be longer than the first ones.
    fit = max(1, min(most, int(limit * 0.9 * min(len(rows), 10) // max(size, 1))))
    pages = -(-len(rows) // fit)
    per_page = -(-len(rows) // pages)  # the same number on every page but the last
    todo = [rows[i : i + per_page] for i in range(0, len(rows), per_page)]
    done: list[tuple[int, Printed]] = []
    while todo:
        chunk = todo.pop(0)
        printed = render_rows(chunk)
        if sum(map(len, printed)) > limit and len(chunk) > 1:
            half = len(chunk) // 2
            todo[:0] = [chunk[:half], chunk[half:]]
        else:
            done.append((len(chunk), printed))
    return done
