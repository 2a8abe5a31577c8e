"""Places by name for the drafter: countries and cities from GeoNames.

The lookups live in `sources/gazetteer.py`, which the site uses too; this is the
drafter's layer over them. Reference data, not the source's word: a draft says which
GeoNames record made it propose a place, and an editor keeps the place only if the text
supports it.
"""

from __future__ import annotations

from ..sources.gazetteer import Place, country, demonym_of, most_populous_city

__all__ = ["Place", "city", "country", "demonym_of"]

# City names that are also common English words: a capital letter alone does not make
# them a place in a text ("Police" is a town in Poland). The site's matching has no such
# list: it looks up names editors gave as places.
_WORDS = frozenset(
    [
        "police",
        "union",
        "commerce",
        "independence",
        "mobile",
        "reading",
        "bath",
        "split",
        "nice",
        "deal",
        "of",
        "march",
        "may",
        "victoria",
        "florence",
        "hope",
        "orange",
        "opportunity",
        "liberty",
        "providence",
        "concord",
        "progress",
        "mission",
        "surprise",
        "paradise",
        "lincoln",
        "washington",
        "jackson",
    ]
)


def city(name: str) -> Place | None:
    """The most populous city of that name (15,000 people or more), if any, unless the name
    is also a common word."""
    if name.casefold() in _WORDS:
        return None
    return most_populous_city(name)
