"""The page budget's two decisions, on made-up sizes: which sections to cut, and how to
split a long section over pages."""

from __future__ import annotations

import pytest

from generator.pages import budget
from generator.pages.budget import (
    PAGE_BUDGET,
    ROWS_PER_PAGE,
    ROWS_SHOWN,
    Budget,
    Section,
    cuts_to_fit,
    fact_sheet,
    pages_of,
)


@pytest.mark.parametrize(
    ("sections", "cuts", "excess", "expected"),
    [
        # One long list pays for the whole excess; the short one stays whole.
        ({"events": Section(50, 6000), "sources": Section(5, 1000)}, {}, 3000, {"events": 10}),
        # Cut step by step (10, 5) while it stays the largest...
        ({"events": Section(20, 4000), "sources": Section(5, 2000)}, {}, 3000, {"events": 5}),
        # ... then the next largest.
        (
            {"events": Section(20, 4000), "sources": Section(20, 3900)},
            {},
            4000,
            {"events": 5, "sources": 10},
        ),
        # Cuts made before are kept and taken further.
        ({"events": Section(10, 1000, 40)}, {"events": 10}, 100, {"events": 5}),
        # Nothing left to cut: the cuts stay as they were, and the page as small as it gets.
        (
            {"events": Section(5, 9000, 40), "one": Section(1, 500)},
            {"events": 5},
            5000,
            {"events": 5},
        ),
        # A page within budget is not cut.
        ({"events": Section(50, 6000)}, {}, 0, {}),
        # A small section is never cut, however long its rows: a small page is never cut.
        ({"events": Section(5, 9000), "one": Section(3, 500)}, {}, 5000, {}),
    ],
    ids=[
        "largest-only",
        "step-by-step",
        "next-largest",
        "further",
        "nothing-left",
        "within-budget",
        "small-sections-never",
    ],
)
def test_the_largest_section_is_cut_first(sections, cuts, excess, expected) -> None:
    assert cuts_to_fit(sections, cuts, excess, ROWS_SHOWN) == expected


def test_a_fact_sheet_is_cut_only_when_half_as_long_again_as_its_budget() -> None:
    """A small page is never cut at all; a longer one is cut down to its budget."""
    limits = fact_sheet()
    assert limits.cut_above == PAGE_BUDGET * 3 // 2
    assert budget.INDEX.cut_above == budget.INDEX.characters


def fake_rows(rows: list[int]) -> tuple[str, str]:
    """Rows of the given lengths, and a footnote of 20 characters for each."""
    return "\n".join("x" * n for n in rows), "\n".join("y" * 19 for _ in rows)


@pytest.mark.parametrize(
    "lengths",
    [
        [80] * 300,  # short rows: as many on a page as the cap allows
        [900] * 40,  # long rows: a few per page
        [100] * 10 + [3000] * 10,  # the first ten say little of the rest: pages split in two
        [PAGE_BUDGET * 2],  # one row over budget on its own still gets its page
    ],
    ids=["short", "long", "longer-further-down", "one-huge-row"],
)
def test_a_long_section_is_split_into_pages_within_budget(lengths: list[int]) -> None:
    pages = pages_of(lengths, fake_rows, Budget(PAGE_BUDGET, ROWS_PER_PAGE, ROWS_SHOWN))
    assert sum(count for count, _ in pages) == len(lengths)
    listed = [row for _, (text, _) in pages for row in text.split("\n")]
    assert [len(row) for row in listed] == lengths  # every row once, in order
    for count, printed in pages:
        assert count == 1 or sum(map(len, printed)) <= PAGE_BUDGET
    if lengths[0] == 80:
        assert max(count for count, _ in pages) == 50  # ROWS_PER_PAGE
