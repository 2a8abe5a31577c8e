"""What a page says about itself in its `<head>`: a description, and schema.org JSON-LD.

Both go into the page's front matter (`description`, `json_ld`), and
`overrides/main.html` writes them into the head: the description as `<meta
name="description">` and OpenGraph's `og:description`, the JSON-LD in a `<script
type="application/ld+json">` (with the page's own `url` when the site has a `site_url`).
Every value is plain text as a reader sees it on the page (`markup.plain`: no markup, no
escaping); the theme escapes it for an attribute (`|e`) or for a script (`|tojson`).

The description is the page's lead: a fact sheet's description, as the page prints it;
the opening paragraph of an index page; for a source, what its page holds. Trimmed at a
word boundary to `DESCRIPTION_LENGTH`, the length search results show. A fact sheet the
sources describe nowhere has none: the theme then uses the site's `site_description`.

The JSON-LD says nothing the sources do not (see `fact_sheet`):

- The page is a `WebPage` whose `mainEntity` is what it is about and whose `citation`
  lists the sources its "Sources" section lists, each a `NewsArticle` (headline,
  publisher, date and address when the summary records them). `citation` belongs to
  creative works: a `Person` cannot have one, so the page carries it.
- Types follow the kinds the sources give (`ACTOR_TYPES`, `LOCATION_TYPES`); when
  sources give kinds of different types, the most specific type they share (`Thing` at
  worst). A `group` (crowds, "the public") is no organisation: `Thing`.
- An entity no source names has no `name`: its title ("Unnamed Iraqi lawmaker") says
  what the sources call it, which is no name. Other names and aliases are
  `alternateName`s.
- An event's `startDate` is the day the sources say it happened, only when one source
  at least gives the day and no source disagrees; relative dates placed against a
  report's date ("on Sunday") are inferences, and left out. Its `location` is every
  place the sources put it; its `attendee`s are the actors whose role the sources state
  as fact and which attend by definition (participant, attendee, mediator). schema.org
  has no property for who carried out, was targeted by or suffered an event, and
  `organizer` would claim more than "perpetrator" does: those roles are left out.
- Relations (`memberOf`, `parentOrganization`, `superEvent`) only when every source
  that gives them states them as fact, currently, between types schema.org allows.
- `geo` only for coordinates a source states (and no other source contradicts).
  Positions from the editors or from GeoNames are reference data that place a name on a
  map: the page says so beside them, which a consumer of the JSON-LD would never see.

Other pages are linked by relative URLs, which JSON-LD resolves against the page's own.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable
from typing import Any

from ..common.project import page_url
from ..knowledge.model import Actor, Entity, Event, Location, Source
from . import labels
from .markup import ISOLATE, plain, sentence, shown
from .page import PageContext

DESCRIPTION_LENGTH = 160
"""Characters of a description, at most (search engines show about as many)."""

CONTEXT = "https://schema.org"

ACTOR_TYPES = {
    "person": "Person",
    "organization": "Organization",
    "armed-group": "Organization",
    "government": "GovernmentOrganization",
    # Organization, not GovernmentOrganization: the kind does not say whose unit it is.
    "military-unit": "Organization",
    "state": "Country",
    "coalition": "Organization",
    "group": "Thing",
}
LOCATION_TYPES = {
    "city": "City",
    "country": "Country",
    "sea": "BodyOfWater",
    # A region ("the Middle East"), a territory or a facility (a base, an embassy) is
    # not necessarily an administrative area or a public structure.
    "region": "Place",
    "territory": "Place",
    "facility": "Place",
}
_PARENT_TYPE = {
    "Person": "Thing",
    "Organization": "Thing",
    "GovernmentOrganization": "Organization",
    "Place": "Thing",
    "AdministrativeArea": "Place",
    "City": "AdministrativeArea",
    "Country": "AdministrativeArea",
    "Landform": "Place",
    "BodyOfWater": "Landform",
    "Event": "Thing",
}
"""schema.org's hierarchy, as far as the types above need it."""
_AGENTS = frozenset({"Person", "Organization", "GovernmentOrganization"})
"""What an event's attendee can be."""
_ORGANIZATIONS = frozenset({"Organization", "GovernmentOrganization"})
"""What an actor can be a member or a part of."""
_ATTENDING = frozenset({"participant", "attendee", "mediator"})
"""Roles in an event that are attending it, whatever else they are."""
_FIRM = frozenset({"stated", "confirmed"})


def fact_sheet(page: PageContext, entity: Entity) -> dict[str, Any]:
    """A fact sheet's description and JSON-LD, once its page is rendered (`page`: the
    rendering kept, which knows how many sources its "Sources" section listed)."""
    lead = description(shown(sentence(fact.value)) for fact in entity.descriptions)
    thing: dict[str, Any] = {"@type": type_of(entity)}
    if entity.names:
        thing["name"] = plain(entity.name).strip()
    others = [fact.value for fact in [*entity.names, *entity.aliases]]
    alternate = list(dict.fromkeys(plain(name).strip() for name in others))
    alternate = [name for name in alternate if name != thing.get("name")]
    if alternate:
        thing["alternateName"] = alternate
    if lead:
        thing["description"] = lead
    if isinstance(entity, Actor):
        thing.update(_actor(page, entity, thing["@type"]))
    elif isinstance(entity, Location):
        thing.update(_location(page, entity))
    elif isinstance(entity, Event):
        thing.update(_event(page, entity))
    sources = page.site.index.sources_of(entity.id)
    listed = page.printed.get("sources")
    if listed is not None:  # a long list shows its first rows: the page cites those
        sources = sources[: listed[0]]
    page.shown.sources.update(sources)
    ld: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "WebPage",
        "mainEntity": thing,
    }
    if sources:
        ld["citation"] = [article(page.kb.sources[source]) for source in sources]
    return {"description": lead, "json_ld": ld} if lead else {"json_ld": ld}


def source_page(source: Source) -> dict[str, Any]:
    """A source's page: it shows the article, sentence by sentence."""
    meta = source.meta
    said = [f"“{shown(meta.title)}”"]
    if meta.outlet:
        said.append(shown(meta.outlet))
    if meta.published:
        said.append(labels.partial_date(meta.published))
    text = f"The text of {', '.join(said)}, sentence by sentence, and the facts cited from it."
    ld = {
        "@context": CONTEXT,
        "@type": "WebPage",
        "mainEntity": article(source, full=True),
    }
    return {"description": description([text]), "json_ld": ld}


def index_page(body: str) -> dict[str, Any]:
    """Any other page: its description is its opening paragraph, if it has one."""
    lead = description([_text_of(_lead_paragraph(body))])
    return {"description": lead} if lead else {}


def article(source: Source, full: bool = False) -> dict[str, Any]:
    """A source as schema.org's `NewsArticle`, with what its summary records (`full`: its
    authors and language too)."""
    meta = source.meta
    found: dict[str, Any] = {"@type": "NewsArticle", "headline": plain(meta.title).strip()}
    if meta.outlet:
        found["publisher"] = {"@type": "Organization", "name": plain(meta.outlet).strip()}
    if full and meta.authors:
        found["author"] = [
            {"@type": "Person", "name": plain(name).strip()} for name in meta.authors
        ]
    if meta.published:
        found["datePublished"] = meta.published  # ISO 8601, as precise as recorded
    if meta.url:
        found["url"] = meta.url
    if full:
        found["inLanguage"] = meta.language
    return found


def description(parts: Iterable[str]) -> str:
    """Texts as one description: joined by spaces, at most `DESCRIPTION_LENGTH`
    characters, cut after a word (and then ending in …)."""
    text = " ".join(part for part in parts if part).strip()
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    cut = text[: DESCRIPTION_LENGTH - 2]  # room for the ellipsis, and an isolate's end
    space = cut.rfind(" ")
    if space > DESCRIPTION_LENGTH // 2:  # else one long word: cut inside it
        cut = cut[:space]
    cut = cut.rstrip(" ,;:.–—-")
    # A right-to-left value is wrapped in an isolate (`markup.isolated`); one cut open
    # would take the ellipsis into it.
    if cut.count(ISOLATE[0]) > cut.count(ISOLATE[1]):
        cut += ISOLATE[1]
    return cut + "…"


def type_of(entity: Entity) -> str:
    """The schema.org type of what the sources say an entity is (see the module's
    description)."""
    if isinstance(entity, Event):
        return "Event"
    types = ACTOR_TYPES if isinstance(entity, Actor) else LOCATION_TYPES
    default = "Thing" if isinstance(entity, Actor) else "Place"
    found = [types.get(fact.value, default) for fact in entity.kinds] or [default]
    return _shared(found)


def _shared(types: list[str]) -> str:
    """The most specific type all of `types` are."""
    chains = [_ancestry(one) for one in types]
    return next(one for one in chains[0] if all(one in chain for chain in chains))


def _ancestry(type_: str) -> list[str]:
    chain = [type_]
    while chain[-1] in _PARENT_TYPE:
        chain.append(_PARENT_TYPE[chain[-1]])
    return chain


def _actor(page: PageContext, actor: Actor, own_type: str) -> dict[str, Any]:
    members: list[dict[str, Any]] = []
    parents: list[dict[str, Any]] = []
    for (kind, target), facts in _grouped(actor.relations).items():
        if not _firm(facts) or target not in page.kb.actors:
            continue
        other = _reference(page, target)
        if other["@type"] not in _ORGANIZATIONS:
            continue
        if kind == "member-of" and own_type in _AGENTS:
            members.append(other)
        elif kind == "part-of" and own_type in _ORGANIZATIONS:
            parents.append(other)
    found: dict[str, Any] = {}
    if members:
        found["memberOf"] = members
    if parents:
        found["parentOrganization"] = parents
    return found


def _location(page: PageContext, location: Location) -> dict[str, Any]:
    found: dict[str, Any] = {}
    parents = [
        _reference(page, fact.value) for fact in location.parents if fact.value in page.kb.locations
    ]
    if parents:
        found["containedInPlace"] = parents
    if len(location.coordinates) == 1:
        first = location.coordinates.first
        assert first is not None
        lat, lon = first.value
        found["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
    return found


def _event(page: PageContext, event: Event) -> dict[str, Any]:
    found: dict[str, Any] = {}
    days = {
        fact.value.claim.value
        for fact in event.dates
        if fact.value.claim.basis == "happened"
        and fact.value.claim.precision == "day"
        and fact.value.claim.value
    }
    if len(days) == 1 and not event.dates_disputed:
        found["startDate"] = days.pop()
    places = [
        _reference(page, fact.value) for fact in event.places if fact.value in page.kb.locations
    ]
    if places:
        found["location"] = places
    attending: dict[str, dict[str, Any]] = {}
    for (actor, role), facts in event.roles.items():
        if role in _ATTENDING and _firm(facts) and actor in page.kb.actors:
            other = _reference(page, actor)
            if other["@type"] in _AGENTS:
                attending.setdefault(actor, other)
    if attending:
        found["attendee"] = list(attending.values())
    wholes = [
        _reference(page, target)
        for (kind, target), facts in _grouped(event.relations).items()
        if kind == "part-of" and _firm(facts) and target in page.kb.events
    ]
    if wholes:
        found["superEvent"] = wholes
    return found


def _grouped(facts: Iterable[Any]) -> dict[tuple[str, str], list[Any]]:
    """Links (`model.Link`) by type and target, with every way sources give each."""
    grouped: dict[tuple[str, str], list[Any]] = {}
    for fact in facts:
        grouped.setdefault((fact.value.type, fact.value.target), []).append(fact)
    return grouped


def _firm(facts: list[Any]) -> bool:
    """Whether every source that gives a link states it as fact, as holding now."""
    return all(
        fact.value.certainty in _FIRM and getattr(fact.value, "status", "current") == "current"
        for fact in facts
    )


def _reference(page: PageContext, entity_id: str) -> dict[str, Any]:
    """Another entity, by type, name (if the sources name it) and fact sheet."""
    entity = page.kb.get(entity_id)
    assert entity is not None
    page.shown.entities.add(entity_id)
    found: dict[str, Any] = {"@type": type_of(entity)}
    if entity.names:
        found["name"] = plain(entity.name).strip()
    target = page_url(f"{entity.category}/{entity_id}.md")
    found["url"] = posixpath.relpath(target, page_url(page.path)) + "/"
    return found


# --- an index page's opening paragraph ------------------------------------------------

_BLOCKS = re.compile(r"\n[ \t]*\n")
_NOT_A_PARAGRAPH = ("#", "<", "|", "!!!", "???", ">", "- ", "* ", "{", "```", "~~~", "    ")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]+\]")
_ATTRIBUTES = re.compile(r"\s*\{:?\s*[#.][^}]*\}")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)|`+")
_TAG = re.compile(r"<[^>]*>")
_HELD = 0xF0000
"""Escaped characters are held as characters of a private use plane while the Markdown
around them is read: an escaped `*` is text, not emphasis."""
_HELD_CHARACTERS = re.compile(f"[{chr(_HELD + 0x21)}-{chr(_HELD + 0x7E)}]")


def _lead_paragraph(body: str) -> str:
    """The Markdown of the first paragraph under the page's title."""
    blocks = _BLOCKS.split(body)
    titles = [i for i, block in enumerate(blocks) if block.startswith("# ")]
    for block in blocks[titles[0] + 1 if titles else 0 :]:
        if block.strip() and not block.startswith(_NOT_A_PARAGRAPH):
            return block
    return ""


def _text_of(paragraph: str) -> str:
    """The text a reader sees of a paragraph of Markdown as the templates write it
    (links, emphasis, code, footnote marks, attribute lists, inline HTML, entities and
    backslash escapes); none of it is data, which fact sheets take from the account."""
    text = _ESCAPED.sub(lambda m: chr(_HELD + ord(m[1])), paragraph)
    text = _ATTRIBUTES.sub("", _FOOTNOTE_MARK.sub("", text))
    text = _EMPHASIS.sub("", _LINK.sub(r"\1", text))
    text = html.unescape(_TAG.sub("", text))
    return plain(_HELD_CHARACTERS.sub(lambda m: chr(ord(m[0]) - _HELD), text)).strip()
