"""Checks that need every summary at once: ids, references and quotes."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pydantic import BaseModel

from ..common.errors import Problems, clip, escape_controls
from . import support
from .load import Loaded
from .parse import FieldPath, field_name
from .schema import ENTRY_LISTS, Summary, kind_of
from .text import Sentence


@dataclass(frozen=True)
class Definition:
    """Where an id is defined."""

    category: str
    """`actors`, `locations`, `events` or `statements`."""
    kind: str | None
    """The entity's kind (person, city, ...), part of its identity."""
    item: Loaded
    """The summary that defines it."""
    index: int
    """Its place in its category's list."""

    @property
    def path(self) -> FieldPath:
        """The field path of its id."""
        return (self.category, self.index, "id")

    @property
    def file(self) -> str:
        return self.item.summary_file

    @property
    def line(self) -> int | None:
        # Looked up only for messages: finding lines means parsing the YAML again.
        return self.item.line_of(self.path)


def validate(
    loaded: list[Loaded],
    problems: Problems,
    *,
    look_up: Callable[[Loaded], QuotesFound] | None = None,
    drafts_published: bool = False,
) -> dict[str, Sentence]:
    """Check ids, references and quotes; return the sentence each quote was found in.

    Drafts (`status: draft`) are checked with every summary, and unless the site publishes
    them (`drafts_published`), no reviewed summary may refer to an id only drafts define:
    the site is made of the reviewed ones alone. `look_up` finds a summary's quotes in its
    text: `look_up_quotes`, unless a cache passes a memoised one."""
    definitions = _collect_ids(loaded, problems)
    for item in loaded:
        _check_references(item, definitions, problems)
    if not drafts_published:
        _check_reviewed_stand_alone(loaded, definitions, problems)
    sentences = _check_quotes(loaded, problems, look_up or look_up_quotes)
    for item in loaded:
        support.unsupported(item, problems)
    support.named_elsewhere(loaded, problems)
    return sentences


RESERVED_IDS = {"index": "it names the {Category} index page"}
"""Ids no page may have, with why (`{Category}` is the page's folder: `Actors`...).

An entity's page is `<folder>/<id>.md` and a source's `sources/<id>.md`, beside the
folder's index page `<folder>/index.md` (`pages/render.py`, `index_pages`): an id
`index` would overwrite it, or be overwritten. The pages a long section continues on,
`<id>.<key>.md` and `<id>.<key>-2.md` (`pages/page.py`, `listing`), cannot collide with
another id's: ids are slugs, without dots, so the part before the first dot names the
page. The index pages' own continuations (`index.<key>.md`) are safe once `index` is
refused. MkDocs gives no other name in those folders a meaning (`README.md` is an
index page too, but ids are lower-case). Statements have no page (a link to one goes to
the sentence that reports it, the statements index anchors it as `st-<id>`), so their
ids are not restricted."""

_PAGE_FOLDERS = {"actors": "Actors", "locations": "Locations", "events": "Events"}


def _reserved(id_: str, folder: str) -> str | None:
    """Why an id of a page in `folder` (`Sources`, `Actors`...) is refused, or None."""
    why = RESERVED_IDS.get(id_)
    return (
        f"{id_!r} is reserved ({why.format(Category=folder)}); choose another id" if why else None
    )


def _collect_ids(loaded: list[Loaded], problems: Problems) -> dict[str, Definition]:
    definitions: dict[str, Definition] = {}
    source_ids: dict[str, str] = {}
    for item in loaded:
        source_id = item.summary.source.id
        reserved = _reserved(source_id, "Sources")
        if reserved:
            problems.add(item.summary_file, item.line_of(("source", "id")), "source.id", reserved)
        if source_id in source_ids:
            problems.add(
                item.summary_file,
                item.line_of(("source", "id")),
                "source.id",
                f"source id {source_id!r} is already used by "
                f"{escape_controls(source_ids[source_id])}",
            )
        source_ids.setdefault(source_id, item.summary_file)
        in_this_file: dict[str, Definition] = {}
        for category in ENTRY_LISTS:
            for index, entity in enumerate(getattr(item.summary, category)):
                here = Definition(category, kind_of(entity), item, index)
                path = here.path
                folder = _PAGE_FOLDERS.get(category)
                reserved = _reserved(entity.id, folder) if folder else None
                if reserved:
                    problems.add(here.file, here.line, field_name(path), reserved)
                earlier = definitions.setdefault(entity.id, here)
                first_here = in_this_file.setdefault(entity.id, here)
                if first_here is not here:
                    problems.add(
                        here.file,
                        here.line,
                        field_name(path),
                        f"duplicate id {entity.id!r} (first defined at line {first_here.line})",
                    )
                elif earlier is not here and earlier.category == category == "statements":
                    _check_same_statement(earlier, here, entity.id, problems)
                elif earlier is not here and earlier.category != here.category:
                    # Sources may call one entity by different kinds ("a coalition", "an
                    # armed group"): the page shows each word. Categories cannot differ.
                    problems.add(
                        here.file,
                        here.line,
                        field_name(path),
                        f"id {entity.id!r} is {_what(here)} here but {_what(earlier)} in "
                        f"{escape_controls(earlier.file)}:{earlier.line}; "
                        "one id must name one entity",
                    )
    return definitions


def _check_same_statement(
    earlier: Definition, here: Definition, statement_id: str, problems: Problems
) -> None:
    """Two sources may report one statement, but then it has one speaker and one type."""
    first = earlier.item.summary.statements[earlier.index]
    second = here.item.summary.statements[here.index]
    if (first.speaker, first.type) != (second.speaker, second.type):
        problems.add(
            here.file,
            here.line,
            field_name(here.path),
            f"statement {statement_id!r} is by {second.speaker!r} ({second.type}) here but by "
            f"{first.speaker!r} ({first.type}) in {escape_controls(earlier.file)}:{earlier.line}; "
            "one id must name one statement",
        )


def _what(definition: Definition) -> str:
    singular = definition.category.removesuffix("s")
    noun = f"{definition.kind} ({singular})" if definition.kind else singular
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def references(summary: Summary) -> Iterator[tuple[FieldPath, str, str | None]]:
    """Every id a summary refers to: (field path, id, required category or None for any)."""
    for category in ("actors", "locations"):
        for i, mention in enumerate(getattr(summary, category)):
            if mention.possibly:
                yield (category, i, "possibly", "id"), mention.possibly.id, category
    for i, actor in enumerate(summary.actors):
        if actor.country:
            yield ("actors", i, "country"), actor.country, "locations"
        for j, relation in enumerate(actor.relations):
            yield ("actors", i, "relations", j, "target"), relation.target, "actors"
            if relation.by:
                yield ("actors", i, "relations", j, "by"), relation.by, "actors"
    for i, location in enumerate(summary.locations):
        if location.parent:
            yield ("locations", i, "parent"), location.parent, "locations"
    for i, event in enumerate(summary.events):
        for j, place in enumerate(event.locations):
            yield ("events", i, "locations", j, "location"), place.location, "locations"
        for j, participant in enumerate(event.participants):
            yield ("events", i, "participants", j, "actor"), participant.actor, "actors"
            if participant.by:
                yield ("events", i, "participants", j, "by"), participant.by, "actors"
        for j, figure in enumerate(event.figures):
            if figure.according_to:
                yield ("events", i, "figures", j, "according_to"), figure.according_to, "actors"
            if figure.location:
                yield ("events", i, "figures", j, "location"), figure.location, "locations"
        for j, link in enumerate(event.relations):
            yield ("events", i, "relations", j, "target"), link.target, "events"
            if link.by:
                yield ("events", i, "relations", j, "by"), link.by, "actors"
    for i, statement in enumerate(summary.statements):
        if statement.speaker:
            yield ("statements", i, "speaker"), statement.speaker, "actors"
        for j, relay in enumerate(statement.via):
            yield ("statements", i, "via", j), relay, "actors"
        for j, about in enumerate(statement.about):
            yield ("statements", i, "about", j), about, None


def _check_references(item: Loaded, definitions: dict[str, Definition], problems: Problems) -> None:
    for path, target, category in references(item.summary):
        found = definitions.get(target)
        if found is None and target in problems.unverified_ids:
            continue
        if found is None:
            message = f"unknown id {target!r}"
            close = _close_ids(target, definitions, category)
            if close:
                message += f"; did you mean {close!r}?"
            problems.add(item.summary_file, item.line_of(path), field_name(path), message)
        elif category and found.category != category:
            problems.add(
                item.summary_file,
                item.line_of(path),
                field_name(path),
                f"{target!r} is {_what(found)}, but this field needs one of the "
                f"{category} (defined at {escape_controls(found.file)}:{found.line})",
            )
    for category in ("actors", "locations"):
        for i, mention in enumerate(getattr(item.summary, category)):
            if mention.possibly and mention.possibly.id == mention.id:
                path = (category, i, "possibly", "id")
                problems.add(
                    item.summary_file,
                    item.line_of(path),
                    field_name(path),
                    "`possibly` names another entity this one may be; it cannot be itself",
                )
    for i, event in enumerate(item.summary.events):
        for j, relation in enumerate(event.relations):
            if relation.target == event.id:
                path = ("events", i, "relations", j, "target")
                problems.add(
                    item.summary_file,
                    item.line_of(path),
                    field_name(path),
                    "an event cannot relate to itself",
                )


def _check_reviewed_stand_alone(
    loaded: list[Loaded], definitions: dict[str, Definition], problems: Problems
) -> None:
    """Report each reference of a reviewed summary to an id that only drafts define."""
    reviewed = [item for item in loaded if not item.summary.draft]
    if len(reviewed) == len(loaded):
        return
    published = {
        entity.id
        for item in reviewed
        for category in ENTRY_LISTS
        for entity in getattr(item.summary, category)
    }
    in_draft: dict[str, str] = {}  # id -> the first draft that defines it
    for item in loaded:
        if item.summary.draft:
            for category in ENTRY_LISTS:
                for entity in getattr(item.summary, category):
                    in_draft.setdefault(entity.id, item.summary_file)
    for item in reviewed:
        for path, target, needed in references(item.summary):
            found = definitions.get(target)
            if target in published or target not in in_draft or found is None:
                continue
            if needed and found.category != needed:
                continue  # reported as a reference to the wrong kind of entry
            problems.add(
                item.summary_file,
                item.line_of(path),
                field_name(path),
                f"{target!r} is defined only in the draft {escape_controls(in_draft[target])}; "
                f"review that draft first, or define {target!r} here",
            )


def _close_ids(target: str, definitions: dict[str, Definition], category: str | None) -> str | None:
    pool = [i for i, d in definitions.items() if category is None or d.category == category]
    match = difflib.get_close_matches(target, pool, n=1, cutoff=0.75)
    return match[0] if match else None


def quotes(model: BaseModel, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Every quote in a model, with its field path: fields named `quote` or ending in `_quote`,
    and the items of lists ending in `_quotes`."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        here = (*path, name)
        if isinstance(value, str) and (name == "quote" or name.endswith("_quote")):
            yield here, value
        elif name.endswith("_quotes") and isinstance(value, list):
            for index, element in enumerate(value):
                yield (*here, index), element
        elif isinstance(value, BaseModel):
            yield from quotes(value, here)
        elif isinstance(value, list):
            for index, element in enumerate(value):
                if isinstance(element, BaseModel):
                    yield from quotes(element, (*here, index))


def _check_quotes(
    loaded: list[Loaded], problems: Problems, look_up: Callable[[Loaded], QuotesFound]
) -> dict[str, Sentence]:
    found: dict[str, Sentence] = {}
    for item in loaded:
        result = look_up(item)
        for key, sentence in result.sentences.items():
            found.setdefault(key, sentence)
        for path, quote in result.missing:
            _not_found(item, path, quote, problems)
        for path, alias in result.unused_aliases:
            # Not an error: the alias is then cited with the entity's own quote.
            problems.warn(
                item.summary_file,
                item.line_of(path),
                field_name(path),
                f"alias not found in {escape_controls(item.source_file)}: {clip(alias)!r}",
            )
    return found


@dataclass(frozen=True)
class QuotesFound:
    """A summary's quotes and aliases, looked up in its source's text."""

    sentences: dict[str, Sentence] = field(default_factory=dict)
    """The sentence each quote (`citation_key`) and alias (`alias_key`) was found in."""
    missing: list[tuple[FieldPath, str]] = field(default_factory=list)
    """Quotes not in the text, with their fields: errors."""
    unused_aliases: list[tuple[FieldPath, str]] = field(default_factory=list)
    """Aliases not in the text, with their fields: warnings."""


def look_up_quotes(item: Loaded) -> QuotesFound:
    """Where each quote and alias of a summary is in its text, and which are not."""
    result = QuotesFound()
    found = result.sentences
    source_id = item.summary.source.id
    for path, quote in quotes(item.summary):
        key = citation_key(source_id, quote)
        if key not in found:
            sentence = item.text.find(quote)
            if sentence is None:
                result.missing.append((path, quote))
            else:
                found[key] = sentence
    for path, alias in aliases(item.summary):
        key = alias_key(source_id, alias)
        if key not in found:
            sentence = item.text.find(alias, any_case=True)
            if sentence is None:
                result.unused_aliases.append((path, alias))
            else:
                found[key] = sentence
    return result


def aliases(summary: Summary) -> Iterator[tuple[FieldPath, str]]:
    """Every alias of every actor, location and event, with its field path."""
    for category in ("actors", "locations", "events"):
        for i, entity in enumerate(getattr(summary, category)):
            for j, alias in enumerate(entity.aliases):
                yield (category, i, "aliases", j), alias


def _not_found(item: Loaded, path: FieldPath, text: str, problems: Problems) -> None:
    message = f"quote not found in {escape_controls(item.source_file)}: {clip(text)!r}"
    # A quote that looks right but is not found defeats the eye: say what differs.
    invisible = item.text.invisible_difference(text)
    if invisible:
        message += f" — {invisible}"
    else:
        passage, score = item.text.closest(text)
        if passage and score >= 50:
            message += f"\n    closest passage ({score:.0f}% similar): {clip(passage)!r}"
    problems.add(item.summary_file, item.line_of(path), field_name(path), message)


def alias_key(source_id: str, alias: str) -> str:
    """Aliases are looked up ignoring capitals, so they are kept apart from quotes."""
    return f"{source_id}\x00alias\x00{alias}"


def citation_key(source_id: str, quote: str) -> str:
    return f"{source_id}\x00{quote}"
