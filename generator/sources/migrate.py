"""Older summary formats: read as the current one says, and rewritten by `factsheets migrate`.

Format 1 (summaries without `format:`) differs from format 2 in two values only:
- a participant's role `suspected-perpetrator` is role `perpetrator` with `certainty: suspected`
  (format 2 says how sure a source is of any role, not of that one alone);
- a figure's qualifier `over` is `more-than` (qualifiers name intervals: at least, more than...).

Everything else format 2 added is optional, so a format-1 summary is read value for value
(`upgrade`). `migrate_text` rewrites one in place with the smallest edits that do it, so
every comment, blank line and line ending an editor wrote stays as it was (a changed
value is written plain: the new values need no quotes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

CURRENT = 2
"""The format `migrate_text` writes (schema.FORMAT is the same number)."""

_ROLE = "suspected-perpetrator"
_QUALIFIER = "over"


def upgrade(data: Any) -> Any:
    """A format-1 summary's data as format 2 says it (new dicts; the input is not changed)."""
    if not isinstance(data, dict) or str(data.get("format", 1)) != "1":
        return data
    events = data.get("events")
    if not isinstance(events, list):
        return data
    return {**data, "events": [_upgrade_event(event) for event in events]}


def _upgrade_event(event: Any) -> Any:
    if not isinstance(event, dict):
        return event
    event = dict(event)
    if isinstance(event.get("participants"), list):
        event["participants"] = [
            {**p, "role": "perpetrator", "certainty": p.get("certainty", "suspected")}
            if isinstance(p, dict) and p.get("role") == _ROLE
            else p
            for p in event["participants"]
        ]
    if isinstance(event.get("figures"), list):
        event["figures"] = [
            {**f, "qualifier": "more-than"}
            if isinstance(f, dict) and f.get("qualifier") == _QUALIFIER
            else f
            for f in event["figures"]
        ]
    return event


@dataclass(frozen=True)
class Edit:
    """Text to put in place of `raw[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Migration:
    """What migrating one summary's text does."""

    text: str
    """The migrated text (the same text when there is nothing to do)."""
    changes: list[str]
    """What changed, for the editor: "line 12: role suspected-perpetrator → perpetrator..."."""


def migrate_text(raw: str) -> Migration:
    """The summary rewritten in the current format, or unchanged if it is in it already.

    The text must be a YAML mapping (the caller checks it validates first)."""
    root = yaml.compose(raw, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return Migration(raw, [])
    newline = "\r\n" if "\r\n" in raw else "\n"
    edits: list[Edit] = []
    changes: list[str] = []
    version = _value(root, "format")
    if isinstance(version, yaml.ScalarNode):
        if version.value.strip("'\"") != "1":
            return Migration(raw, [])
        edits.append(Edit(version.start_mark.index, version.end_mark.index, str(CURRENT)))
        changes.append(f"line {version.start_mark.line + 1}: format: 1 → {CURRENT}")
    elif root.value:
        at = root.value[0][0].start_mark.index
        added = f"format: {CURRENT}"
        edits.append(Edit(at, at, f"{added}, " if root.flow_style else added + newline))
        changes.append(f"{added} added")
    for mapping, key, value in _fields(root, ("events", "participants", "role")):
        if value.value == _ROLE:
            edits.append(Edit(value.start_mark.index, value.end_mark.index, "perpetrator"))
            change = f"line {value.start_mark.line + 1}: role {_ROLE} → perpetrator"
            if _value(mapping, "certainty") is None:
                edits.append(_after(raw, mapping, key, value, "certainty: suspected", newline))
                change += ", certainty suspected"
            changes.append(change)
    for _, _, value in _fields(root, ("events", "figures", "qualifier")):
        if value.value == _QUALIFIER:
            edits.append(Edit(value.start_mark.index, value.end_mark.index, "more-than"))
            changes.append(f"line {value.start_mark.line + 1}: qualifier over → more-than")
    text = raw
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return Migration(text, changes)


def _after(
    raw: str,
    mapping: yaml.MappingNode,
    key: yaml.Node,
    value: yaml.Node,
    field: str,
    newline: str,
) -> Edit:
    """An edit adding `field` to a mapping, right after `key: value`, in the mapping's style."""
    end = value.end_mark.index
    if mapping.flow_style:
        return Edit(end, end, f", {field}")
    line_end = raw.find(newline, end)
    line_end = len(raw) if line_end < 0 else line_end
    indent = " " * key.start_mark.column
    return Edit(line_end, line_end, f"{newline}{indent}{field}")


def _value(mapping: yaml.MappingNode, name: str) -> yaml.Node | None:
    for key, value in mapping.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            found: yaml.Node = value
            return found
    return None


def _fields(
    node: yaml.Node, path: tuple[str, ...]
) -> Iterator[tuple[yaml.MappingNode, yaml.Node, yaml.ScalarNode]]:
    """(mapping, key, scalar value) for each field at `path`, lists stepped through."""
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _fields(item, path)
        return
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value == path[0]):
            continue
        if len(path) == 1:
            if isinstance(value, yaml.ScalarNode):
                yield node, key, value
        else:
            yield from _fields(value, path[1:])
