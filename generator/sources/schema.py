"""The structured summary: what an editor writes for one source, as pydantic models.

The models are declarative on purpose: every field has a docstring, which becomes
its description in the JSON Schema (`factsheets schema`) that editors' tools use
for completion and validation. Cross-references (an id that must exist, a quote
that must occur in the source) are checked later, in `checks.py`, because they
need every summary at once. The codes fields take (kinds, roles, ACLED's types) are
in `vocabulary.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from . import migrate, vocabulary
from .vocabulary import (
    SUBTYPES_OF,
    ActorKind,
    Certainty,
    DateBasis,
    EventRelationType,
    EventSubType,
    EventType,
    FigureKind,
    LocationKind,
    Precision,
    Qualifier,
    RelationStatus,
    RelationType,
    ReviewStatus,
    Role,
    StatementType,
)

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=120)]
"""A stable id: lower-case letters, digits and hyphens. Ids name pages, so they never hold a path."""


def _visible(value: str) -> str:
    if not any(unicodedata.category(c)[0] not in "CZ" for c in value):
        raise ValueError("must contain some visible text")
    return value


Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000, strip_whitespace=True),
    AfterValidator(_visible),
]
"""A short piece of plain text (a name, a title, a description). Never markup."""

Quote = Annotated[str, StringConstraints(min_length=3, max_length=5000, strip_whitespace=True)]
"""A verbatim span of the source text. Checked against the source when loading."""


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, flags=re.IGNORECASE):
        raise ValueError("must be an http:// or https:// URL")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
"""A web address; only http and https are accepted, so no `javascript:` link can reach a page."""


class Strict(BaseModel):
    """Base of every summary model: unknown fields are errors, docstrings document fields."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


# --- Dates -------------------------------------------------------------------


ISO_PARTIAL = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
"""An ISO date with only the parts that are known (see `PartialDate`)."""


def _as_text(value: object) -> object:
    # A bare year can reach the model as a number: from Python, or from a YAML tag such as
    # `!!int 2024` (our loader reads untagged scalars as text). Whole numbers only.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _partial_date(value: str) -> str:
    if not ISO_PARTIAL.match(value):
        raise ValueError("must be YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in value.split("-")]
    year, month, day = parts + [1] * (3 - len(parts))
    try:
        dt.date(year, month, day)
    except ValueError as error:
        raise ValueError(f"is not a real date ({error})") from None
    return value


PartialDate = Annotated[
    str,
    BeforeValidator(_as_text),
    AfterValidator(_partial_date),
    # Editors may write a bare year, which YAML tools take for a number.
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
]
"""An ISO date with only the parts that are known: `2024`, `2024-02` or `2024-02-07`."""


_PART_OF = {4: "year", 7: "month", 10: "day"}
"""What an ISO partial date gives, by its length."""
_WRITTEN = {"year": "YYYY", "month": "YYYY-MM", "day": "YYYY-MM-DD"}
_NEEDS = {
    Precision.day: "day",
    Precision.week: "day",
    Precision.month: "month",
    Precision.year: "year",
}
"""What a date of each fixed precision is written as: a week as its first day."""


class DateClaim(Strict):
    """When something happened or was reported, as precisely as the source says and no more.

    With precision `day`, `week`, `month` or `year`, the value is written to that precision
    exactly, neither coarser nor finer (a week as its first day); without a value,
    `relative` gives the source's words. `approximate`, `relative` and `unknown` take any
    value, or none.
    """

    precision: Precision
    """How precise the date is. Use `relative` for words like "overnight" or "last week".
    `day`, `week`, `month` and `year` need a `value` written to that precision or `relative`."""
    value: PartialDate | None = None
    """The date, when the source gives one (ISO: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`), written
    to the claim's precision: a day (for `week`, its first day), a month or a year."""
    relative: Text | None = None
    """The source's own words for a relative or vague time, e.g. `overnight`."""
    basis: DateBasis = DateBasis.happened
    """`happened` when the date is when the event took place, `reported` when it is only when it was reported."""
    quote: Quote
    """The verbatim sentence part that states the time."""

    @field_validator("value")
    @classmethod
    def _value_fits_precision(cls, value: str | None, info: ValidationInfo) -> str | None:
        precision = info.data.get("precision")  # absent when it was invalid itself
        needed = _NEEDS.get(precision) if isinstance(precision, Precision) else None
        if value is None or needed is None:
            return value
        given = _PART_OF[len(value)]
        if given == needed:
            return value
        # A finer value (`month` of `2024-02-07`) contradicts its precision as a coarser
        # one does: its day claims more than the source says yet is shown nowhere, or the
        # precision is the typo. Only the editor can tell which, so both are refused.
        week = precision is Precision.week
        what = "the week's first day" if week else f"a {needed}"
        if len(value) > len(_WRITTEN[needed]):  # finer: the part to keep is known
            fix = f"write `{value[: len(_WRITTEN[needed])]}`"
        else:
            fix = "write that day" if week else f"write the {needed}"
        raise ValueError(
            f"is a {given}, but precision `{precision}` needs {what} ({_WRITTEN[needed]}); "
            f"{fix}, or precision `{given}`"
        )

    @model_validator(mode="after")
    def _fixed_precision_has_a_date(self) -> DateClaim:
        if self.precision in _NEEDS and self.value is None and self.relative is None:
            raise ValueError(
                f"precision `{self.precision}` needs a `value` (the date) or `relative` "
                "(the source's words for it); omit `date` when the source gives no time"
            )
        return self


# --- Sources -----------------------------------------------------------------


class SourceMeta(Strict):
    """Metadata of the source article, as far as the article itself carries it."""

    id: Slug
    """Stable id of the source; names its page under `sources/`."""
    title: Text
    """A title for the source. Use the headline when there is one; otherwise describe the article's subject in words it supports."""
    outlet: Text | None = None
    """The publication or outlet, e.g. `CBS News`."""
    authors: list[Text] = []
    """Bylined authors."""
    contributors: list[Text] = []
    """People credited with contributions (e.g. "Contributions from ...")."""
    published: PartialDate | None = None
    """Publication date, when known. Relative times in the text are read against it."""
    url: HttpUrl | None = None
    """Where the article can be read (http or https only)."""
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")] = "en"
    """ISO 639 code of the article's language."""
    file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")] = "source.txt"
    """File name of the article text, next to the summary. Kept byte-for-byte as received."""


# --- Entities ----------------------------------------------------------------


class Claimed(Strict):
    """How the source presents a claim: as fact, or as someone's claim, suspicion or denial."""

    certainty: Certainty = Certainty.stated
    """`stated` when the source states it as fact; otherwise whose word it is: `confirmed`,
    `claimed`, `suspected`, `alleged` or `denied` (by the actor in `by`, when the source says)."""
    by: Slug | None = None
    """Id of the actor who confirms, claims, suspects, alleges or denies it, when the source says."""

    @model_validator(mode="after")
    def _by_needs_a_view(self) -> Claimed:
        if self.by and self.certainty is Certainty.stated:
            raise ValueError("`by` names whose view it is: give a `certainty` other than `stated`")
        return self


class Relation(Claimed):
    """A relation from this actor to another actor."""

    type: RelationType
    """The kind of relation, read as "this actor is TYPE target"."""
    target: Slug
    """Id of the other actor."""
    status: RelationStatus = RelationStatus.current
    """`former` for a relation that no longer holds ("the former head of the group")."""
    since: PartialDate | None = None
    """When the relation began, when the source says."""
    until: PartialDate | None = None
    """When it ended, when the source says."""
    quote: Quote
    """The verbatim words that state the relation."""


class Possibly(Strict):
    """An editor's inference that this mention is an entity named elsewhere, with the reason."""

    id: Slug
    """Id of the entity it is probably the same as (defined in this or another summary)."""
    reason: Text
    """Why the editor thinks so, e.g. "both are the Iran-backed group whose commander was killed"."""


class Mention(Strict):
    """Fields every entity shares: how it is named and the words that introduce it."""

    id: Slug
    """Stable id; the same id in two summaries is the same entity."""
    name: Text
    """The name used on its fact sheet (for unnamed actors, a plain description such as "Unnamed Iraqi lawmaker")."""
    aliases: list[Text] = []
    """Other names the source uses for it, verbatim. They are shown and searchable."""
    description: Text | None = None
    """One line on what the source says it is, in the source's terms."""
    quote: Quote
    """The verbatim words that introduce the entity and support its name and description."""
    description_quotes: list[Quote] = []
    """More verbatim passages the description rests on, when `quote` alone does not say it all."""
    possibly: Possibly | None = None
    """The editor's inference that this is probably an entity another id names (shown as such)."""


class Actor(Mention):
    """A person, organisation, armed group, government, military unit, state, coalition or group."""

    kind: ActorKind
    """What sort of actor it is."""
    anonymous: bool = False
    """True when this source does not name the person or group (e.g. "a lawmaker, speaking
    anonymously"); `name` is then a plain description. Another source may name it under the same id."""
    country: Slug | None = None
    """Id of the location (a country) the actor belongs to, when the source says so."""
    country_quote: Quote | None = None
    """The verbatim words that tie the actor to its country; required with `country`."""
    relations: list[Relation] = []
    """Relations to other actors."""

    @model_validator(mode="after")
    def _country_is_quoted(self) -> Actor:
        if self.country and not self.country_quote:
            raise ValueError("`country` needs a `country_quote` that supports it")
        return self


class Coordinates(Strict):
    """A point on the map."""

    lat: Annotated[float, Field(ge=-90, le=90)]
    """Latitude in decimal degrees."""
    lon: Annotated[float, Field(ge=-180, le=180)]
    """Longitude in decimal degrees."""
    quote: Quote
    """The verbatim words that give the coordinates."""


class Location(Mention):
    """A city, country, region, sea, territory or facility."""

    kind: LocationKind
    """What sort of place it is."""
    parent: Slug | None = None
    """Id of the location that contains it (a city's country, a base's country)."""
    parent_quote: Quote | None = None
    """The verbatim words that place it inside its parent; required with `parent`."""
    coordinates: Coordinates | None = None
    """Coordinates, only when the source states them."""

    @model_validator(mode="after")
    def _parent_is_quoted(self) -> Location:
        if self.parent and not self.parent_quote:
            raise ValueError("`parent` needs a `parent_quote` that supports it")
        return self


class Participant(Claimed):
    """An actor taking part in an event, with its role and how sure the source is of it."""

    actor: Slug
    """Id of the actor."""
    role: Role
    """The part the actor played."""
    quote: Quote
    """The verbatim words that state the actor's part."""


def _figure_value(value: object) -> int | str:
    value = _as_text(value)
    if value == "unknown":
        return "unknown"
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or isinstance(value, bool):
        raise ValueError("must be a whole number or `unknown`")
    if int(text) < 0:
        raise ValueError("must be 0 or more")
    return int(text)


FigureValue = Annotated[
    int | str,
    PlainValidator(_figure_value),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, {"const": "unknown"}]}),
]
"""A count (a whole number of 0 or more), or `unknown`."""


class Figure(Strict):
    """A number the source reports about an event. Sources may disagree; all values are shown."""

    kind: FigureKind
    """What is counted; `other` with `counted` for anything the list lacks."""
    counted: Text | None = None
    """What is counted, in the source's words, e.g. `missiles fired`; required with kind `other`."""
    value: FigureValue
    """The number, or `unknown` when the source says it is not known."""
    qualifier: Qualifier = Qualifier.exact
    """How exact: `more than 85` is value 85 with qualifier `more-than`."""
    unit: Text | None = None
    """The unit of a figure that is not a count, e.g. `hours` for a duration; required with kind `duration`."""
    location: Slug | None = None
    """Id of the location the figure is limited to ("16 in Iraq")."""
    among: Text | None = None
    """The group the figure is limited to, in the source's words, e.g. `civilians`."""
    as_of: Text | None = None
    """The figure's own time: an ISO date, or the source's words ("initially", "by Sunday evening")."""
    according_to: Slug | None = None
    """Id of the actor the source attributes the figure to, if any."""
    quote: Quote
    """The verbatim words that give the figure."""

    @model_validator(mode="after")
    def _kind_is_complete(self) -> Figure:
        if self.kind is FigureKind.other and not self.counted:
            raise ValueError("kind `other` needs `counted`: what the figure counts")
        if self.kind is FigureKind.duration and not self.unit:
            raise ValueError("kind `duration` needs a `unit`, e.g. `hours`")
        return self


class EventRelation(Claimed):
    """A relation from this event to another event."""

    type: EventRelationType
    """The kind of relation, read as "this event is TYPE target"."""
    target: Slug
    """Id of the other event."""
    quote: Quote
    """The verbatim words that state the relation."""


class PlaceRef(Strict):
    """A location where an event took place."""

    location: Slug
    """Id of the location."""
    quote: Quote
    """The verbatim words that place the event there."""


class Event(Strict):
    """Something that happened: a strike, an attack, a funeral, talks, a call."""

    id: Slug
    """Stable id; the same id in two summaries is the same event."""
    title: Text
    """A short title in the source's terms, e.g. "US drone strike in Baghdad"."""
    aliases: list[Text] = []
    """Other names the source uses for the event, verbatim (e.g. "the Gaza conflict")."""
    description: Text | None = None
    """One or two lines on what the source reports."""
    quote: Quote
    """The verbatim words that report the event."""
    description_quotes: list[Quote] = []
    """More verbatim passages the description rests on, when `quote` alone does not say it all."""
    type: EventType | None = None
    """ACLED event type; leave empty when the source does not say enough to classify it."""
    sub_type: EventSubType | None = None
    """ACLED sub-event type; must belong to `type`."""
    date: DateClaim | None = None
    """When it happened, as precisely as the source says. Omit when the source gives no time."""
    locations: list[PlaceRef] = []
    """Where it happened."""
    participants: list[Participant] = []
    """Actors involved, with their roles."""
    figures: list[Figure] = []
    """Numbers the source reports (fatalities, injured, targets, troops)."""
    relations: list[EventRelation] = []
    """Relations to other events (response to, part of, follows)."""

    @model_validator(mode="after")
    def _sub_type_fits_type(self) -> Event:
        if self.sub_type and (self.type is None or self.sub_type not in SUBTYPES_OF[self.type]):
            allowed = (
                ", ".join(sorted(s.value for s in SUBTYPES_OF[self.type]))
                if self.type
                else "none without a type"
            )
            raise ValueError(
                f"sub_type {self.sub_type.value!r} does not belong to type {getattr(self.type, 'value', None)!r} (allowed: {allowed})"
            )
        return self


class Statement(Strict):
    """Who said what about whom or what."""

    id: Slug
    """Stable id of the statement; the same statement reported by two sources has one id."""
    speaker: Slug | None = None
    """Id of the actor who made it (unnamed speakers are actors with `anonymous: true`). Omit it
    for the outlet's own assertion: the statement is then the source's."""
    via: list[Slug] = []
    """Ids of the actors it was relayed through, nearest the speaker first: "a TV channel
    reported that an official said" has the official as speaker and the channel in `via`."""
    type: StatementType
    """What the statement does."""
    summary: Text
    """What was said, in a line, in the source's terms."""
    about: list[Slug] = []
    """Ids of the actors, locations or events the statement is about."""
    quote: Quote
    """The verbatim words that report the statement."""
    summary_quotes: list[Quote] = []
    """More verbatim passages the summary rests on, when `quote` alone does not say it all."""


def kind_of(entry: BaseModel) -> str | None:
    """An entry's kind as a plain string (None for entries without one, such as events)."""
    kind = getattr(entry, "kind", None)
    return getattr(kind, "value", kind)


ENTRY_LISTS = ("actors", "locations", "events", "statements")
"""The lists of a summary that hold entries with ids, by their key."""


FORMAT = 2
"""The summary format this version writes and reads; `factsheets migrate` upgrades older ones."""


class Summary(Strict):
    """The structured summary of one source: everything it reports, each fact with its quote."""

    format: Annotated[int, Field(ge=1, le=FORMAT)] = 1
    """Version of the summary format. Absent means 1, which is read as the current format
    says (`factsheets migrate` rewrites the file); new summaries say `format: 2`."""
    status: ReviewStatus = ReviewStatus.reviewed
    """`draft` for a summary no editor has reviewed yet, as `factsheets draft` writes it: it
    is validated like any summary and listed by `factsheets check`, but not published until
    an editor reviews it and removes this line (or sets `reviewed`)."""
    source: SourceMeta
    """Metadata of the source."""
    actors: list[Actor] = []
    """People, organisations, armed groups, governments, states and coalitions the source names or describes."""
    locations: list[Location] = []
    """Places the source mentions."""
    events: list[Event] = []
    """Things that happened."""
    statements: list[Statement] = []
    """Statements reported by the source."""

    @property
    def draft(self) -> bool:
        return self.status is ReviewStatus.draft

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        # Older formats are read as the current one says, value for value (see migrate.py).
        return migrate.upgrade(data)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of `summary.yaml` (`factsheets schema`), for editors' tools."""
    schema = Summary.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Fact-sheet summary (summary.yaml)"
    return schema


@cache
def schema_digest() -> bytes:
    """A digest of the summary format: a summary validated under another is validated again.

    The format is its JSON Schema and the code that validates it (a validator may change
    what a value becomes without changing the schema).
    """
    digest = hashlib.sha256(json.dumps(Summary.model_json_schema(), sort_keys=True).encode())
    for module in (__file__, vocabulary.__file__, migrate.__file__):
        digest.update(Path(module).read_bytes())
    return digest.digest()
