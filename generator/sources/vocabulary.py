"""The codes a summary may use: kinds, roles, relations, date precisions, ACLED's typology.

Each is a closed list (a `StrEnum`): the schema refuses any other value, and the pages
turn each code into words readers see (`pages/labels.py`).
"""

from __future__ import annotations

from enum import StrEnum


class ReviewStatus(StrEnum):
    """Whether an editor has reviewed a summary: a draft is checked but not published."""

    draft = "draft"
    reviewed = "reviewed"


class Precision(StrEnum):
    """How precisely a date is known."""

    day = "day"
    week = "week"
    month = "month"
    year = "year"
    approximate = "approximate"
    relative = "relative"
    unknown = "unknown"


class DateBasis(StrEnum):
    """Whether a date says when something happened or only when it was reported."""

    happened = "happened"
    reported = "reported"


class ActorKind(StrEnum):
    """What sort of actor this is."""

    person = "person"
    organization = "organization"
    armed_group = "armed-group"
    government = "government"
    military_unit = "military-unit"
    state = "state"
    coalition = "coalition"
    group = "group"


class LocationKind(StrEnum):
    """What sort of place this is."""

    city = "city"
    country = "country"
    region = "region"
    sea = "sea"
    territory = "territory"
    facility = "facility"


class RelationType(StrEnum):
    """How one actor relates to another (read: SUBJECT is TYPE OBJECT)."""

    spokesperson_for = "spokesperson-for"
    member_of = "member-of"
    part_of = "part-of"
    backed_by = "backed-by"
    leads = "leads"
    official_of = "official-of"
    allied_with = "allied-with"
    opposes = "opposes"
    commander_of = "commander-of"
    connected_with = "connected-with"


class RelationStatus(StrEnum):
    """Whether a relation holds at the time of the report or held before it."""

    current = "current"
    former = "former"


class Certainty(StrEnum):
    """How the source presents a claim, Airwars-style: stated as fact, or only someone's word.

    Every value but `stated` names who holds the view in the claim's `by` field when the
    source says so ("the group denied it", "US officials suspect").
    """

    stated = "stated"
    confirmed = "confirmed"
    claimed = "claimed"
    suspected = "suspected"
    alleged = "alleged"
    denied = "denied"


class EventType(StrEnum):
    """ACLED event types."""

    battles = "Battles"
    explosions = "Explosions/Remote violence"
    violence_against_civilians = "Violence against civilians"
    protests = "Protests"
    riots = "Riots"
    strategic_developments = "Strategic developments"


class EventSubType(StrEnum):
    """ACLED sub-event types."""

    armed_clash = "Armed clash"
    government_regains_territory = "Government regains territory"
    non_state_takes_territory = "Non-state actor overtakes territory"
    chemical_weapon = "Chemical weapon"
    air_drone_strike = "Air/drone strike"
    suicide_bomb = "Suicide bomb"
    shelling = "Shelling/artillery/missile attack"
    remote_explosive = "Remote explosive/landmine/IED"
    grenade = "Grenade"
    sexual_violence = "Sexual violence"
    attack = "Attack"
    abduction = "Abduction/forced disappearance"
    peaceful_protest = "Peaceful protest"
    protest_with_intervention = "Protest with intervention"
    excessive_force = "Excessive force against protesters"
    violent_demonstration = "Violent demonstration"
    mob_violence = "Mob violence"
    agreement = "Agreement"
    arrests = "Arrests"
    change_to_group = "Change to group/activity"
    disrupted_weapons_use = "Disrupted weapons use"
    headquarters_established = "Headquarters or base established"
    looting = "Looting/property destruction"
    non_violent_transfer = "Non-violent transfer of territory"
    other = "Other"


SUBTYPES_OF: dict[EventType, frozenset[EventSubType]] = {
    EventType.battles: frozenset(
        {
            EventSubType.armed_clash,
            EventSubType.government_regains_territory,
            EventSubType.non_state_takes_territory,
        }
    ),
    EventType.explosions: frozenset(
        {
            EventSubType.chemical_weapon,
            EventSubType.air_drone_strike,
            EventSubType.suicide_bomb,
            EventSubType.shelling,
            EventSubType.remote_explosive,
            EventSubType.grenade,
        }
    ),
    EventType.violence_against_civilians: frozenset(
        {EventSubType.sexual_violence, EventSubType.attack, EventSubType.abduction}
    ),
    EventType.protests: frozenset(
        {
            EventSubType.peaceful_protest,
            EventSubType.protest_with_intervention,
            EventSubType.excessive_force,
        }
    ),
    EventType.riots: frozenset({EventSubType.violent_demonstration, EventSubType.mob_violence}),
    EventType.strategic_developments: frozenset(
        {
            EventSubType.agreement,
            EventSubType.arrests,
            EventSubType.change_to_group,
            EventSubType.disrupted_weapons_use,
            EventSubType.headquarters_established,
            EventSubType.looting,
            EventSubType.non_violent_transfer,
            EventSubType.other,
        }
    ),
}
"""ACLED's typology: which sub-event types belong to which event type."""


class Role(StrEnum):
    """The part an actor played in an event."""

    perpetrator = "perpetrator"
    target = "target"
    victim = "victim"
    mediator = "mediator"
    participant = "participant"
    attendee = "attendee"


class FigureKind(StrEnum):
    """What a figure counts."""

    fatalities = "fatalities"
    injured = "injured"
    civilian_casualties = "civilian-casualties"
    targets = "targets"
    troops = "troops"
    evacuated = "evacuated"
    arrested = "arrested"
    missing = "missing"
    displaced = "displaced"
    munitions = "munitions"
    duration = "duration"
    other = "other"


class Qualifier(StrEnum):
    """How exact a figure is, in the source's words."""

    exact = "exact"
    more_than = "more-than"
    at_least = "at-least"
    about = "about"
    up_to = "up-to"
    fewer_than = "fewer-than"


class EventRelationType(StrEnum):
    """How one event relates to another (read: THIS EVENT is TYPE target)."""

    response_to = "response-to"
    part_of = "part-of"
    follows = "follows"
    precedes = "precedes"
    coincides_with = "coincides-with"


class StatementType(StrEnum):
    """What a statement does."""

    condemns = "condemns"
    claims = "claims"
    denies = "denies"
    accuses = "accuses"
    vows = "vows"
    confirms = "confirms"
    calls_for = "calls-for"
    states = "states"
