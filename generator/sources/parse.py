"""A summary's YAML turned into a validated `Summary`, every problem with its line and field.

Most summaries are plain nested mappings, lists and text: `quick_parse` reads those
straight from YAML's nodes, three times faster than PyYAML's constructor, and
`validated` checks them against the schema. Anything else, and every invalid summary,
goes the careful way (`parse_summary`), which reports each problem where it is.
"""

from __future__ import annotations

import difflib
import re
import types
import typing

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..common.errors import Problems, clip
from .schema import ENTRY_LISTS, SLUG_PATTERN, Summary


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader (libyaml when available), reading plain scalars as text.

    Summaries hold partial dates (`2024-02`) that the schema checks itself; YAML's
    own timestamp type would turn `2024-02-07` into a date and crash on `2024-02-30`.
    """


# Plain scalars stay text, except null: pydantic turns "85" into 85 and "true" into True
# where the schema wants a number or a flag, and a name like 1984 stays a name. It also
# spares YAML's resolver, which is written in Python, most of its work.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}

FieldPath = tuple[str | int, ...]
"""Where a field sits in a summary: `("actors", 3, "name")` is `actors[3].name`."""


def node_of(raw: str) -> yaml.Node | None:
    """A YAML document's node tree (None when it is empty); raises YAML's errors."""
    node: yaml.Node | None = _Loader(raw).get_single_node()
    return node


def quick_parse(raw: str) -> object | None:
    """The document's data if it is plain (see `_plain`); None otherwise, and the summary
    is then parsed again the careful way, which reports each problem with its line."""
    if _too_deep(raw) is not None:
        return None
    try:
        return _plain(node_of(raw), set())
    except (yaml.YAMLError, _NotPlain):
        return None


class _NotPlain(Exception):
    pass


_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"


def _plain(node: yaml.Node | None, seen: set[int]) -> object:
    """The data of nested mappings, sequences and text, straight from the nodes.

    Three times faster than PyYAML's constructor, which suits every valid summary.
    Anything else (a tag, an alias, a repeated key, an empty document) raises
    `_NotPlain`, for `parse_summary` to deal with.
    """
    if node is None or id(node) in seen:  # an alias shares its anchor's node
        raise _NotPlain
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
        if node.tag == _NULL:
            return None
    elif isinstance(node, yaml.MappingNode):
        mapping: dict[object, object] = {}
        for key, value in node.value:
            name = _plain(key, seen)
            if not isinstance(name, str) or name in mapping:
                raise _NotPlain
            mapping[name] = _plain(value, seen)
        return mapping
    elif isinstance(node, yaml.SequenceNode):
        return [_plain(child, seen) for child in node.value]
    raise _NotPlain


def validated(data: object | None) -> Summary | None:
    if data is None:
        return None
    try:
        return Summary.model_validate(data)
    except ValidationError:
        return None  # parsed again by parse_summary, which reports each error with its line


def construct(raw: str, shown: str, problems: Problems) -> tuple[yaml.Node, object] | None:
    """The YAML document's node and data, or None with its problems reported."""
    node = _parse_yaml(raw, shown, problems)
    if node is None:
        return None
    try:
        return node, _Loader(raw).construct_document(node)
    except yaml.MarkedYAMLError as error:  # e.g. an unknown !tag
        mark = error.problem_mark or error.context_mark
        problems.add(shown, mark.line + 1 if mark else None, None, f"invalid YAML: {error.problem}")
        return None


def parse_summary(raw: str, shown: str, problems: Problems) -> Summary | None:
    parsed = construct(raw, shown, problems)
    if parsed is None:
        return None
    node, data = parsed
    try:
        return Summary.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            problems.add(shown, *describe(node, item))
        problems.unverified_ids.update(_ids_in(data))
        return None


def _ids_in(data: object) -> set[str]:
    """The ids an invalid summary defines, so other files' references to them are not blamed."""
    found: set[str] = set()
    if isinstance(data, dict):
        for category in ENTRY_LISTS:
            entries = data.get(category)
            if isinstance(entries, list):
                found.update(
                    e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)
                )
    return found


# libyaml builds nodes recursively: tens of thousands of nested levels crash the
# process. Summaries need fewer than ten, so refuse deep nesting before parsing.
MAX_DEPTH = 64
_DEEP_FLOW = re.compile(rf"(?:[\[{{]\s*(?:[^\s\[\]{{}},:]+\s*:\s*)?){{{MAX_DEPTH},}}")
_DEEP_DASHES = re.compile(rf"(?:-[ \t]+){{{MAX_DEPTH},}}")
_DEEP_INDENT = re.compile(rf"^[ ]{{{MAX_DEPTH * 4},}}\S", re.MULTILINE)


_TWO_DASHES = re.compile(r"-[ \t]+-")


def _too_deep(raw: str) -> int | None:
    """The line where nesting gets deeper than any summary needs, if it does."""
    patterns = [_DEEP_INDENT]
    # Cheap tests first, twenty times faster than the searches they spare: deep flow
    # nesting needs that many brackets, and deep dashes need two in a row.
    if raw.count("[") + raw.count("{") >= MAX_DEPTH:
        patterns.append(_DEEP_FLOW)
    if _TWO_DASHES.search(raw):
        patterns.append(_DEEP_DASHES)
    for pattern in patterns:
        match = pattern.search(raw)
        if match:
            return raw.count("\n", 0, match.start()) + 1
    return None


def _parse_yaml(raw: str, shown: str, problems: Problems) -> yaml.Node | None:
    deep = _too_deep(raw)
    if deep is not None:
        problems.add(shown, deep, None, f"nesting deeper than {MAX_DEPTH} levels is not allowed")
        return None
    try:
        node = node_of(raw)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, e.g. NUL
        line = raw.count("\n", 0, error.position) + 1
        character = error.character  # libyaml gives a number, PyYAML a string
        code = f"#x{character if isinstance(character, int) else ord(character):04x}"
        problems.add(
            shown,
            line,
            None,
            f"invalid YAML: unacceptable character {code}: control characters are not allowed",
        )
        return None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = mark.line + 1 if mark else None
        problems.add(shown, at, None, f"invalid YAML: {error.problem or error.context}")
        return None
    except yaml.YAMLError as error:
        problems.add(shown, None, None, f"invalid YAML: {error}")
        return None
    if node is None:
        problems.add(shown, None, None, "is empty")
        return None
    before = len(problems.items)
    _check_nodes(node, raw, shown, problems)
    return None if len(problems.items) > before else node


def _check_nodes(root: yaml.Node, raw: str, shown: str, problems: Problems) -> None:
    """Refuse what YAML allows but a summary must not have: repeated keys, anchors and aliases."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, FieldPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            # An alias: shared nodes can expand exponentially ("billion laughs").
            problems.add(
                shown, _first_alias_line(raw), None, "YAML aliases (*name) are not allowed"
            )
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    if key.value in keys:
                        problems.add(
                            shown,
                            line,
                            field_name((*path, key.value)),
                            f"repeated key (first at line {keys[key.value]})",
                        )
                    keys.setdefault(key.value, line)
                    stack.append((value, (*path, key.value)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, (*path, index)) for index, child in enumerate(node.value))


def _first_alias_line(raw: str) -> int | None:
    # The node tree cannot tell where an alias stands (it shares the anchored node).
    for event in yaml.parse(raw, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return event.start_mark.line + 1
    return None


def line_of(node: yaml.Node, path: FieldPath, *, key: bool = False) -> int | None:
    """The 1-based line of the field at `path`; the nearest existing parent when it is absent."""
    found = node
    for part in path:
        child = None
        if isinstance(found, yaml.MappingNode) and isinstance(part, str):
            for k, v in found.value:
                if isinstance(k, yaml.ScalarNode) and k.value == part:
                    child = k if key and part == path[-1] else v
                    break
        elif (
            isinstance(found, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(found.value)
        ):
            child = found.value[part]
        if child is None:
            break
        found = child
    return found.start_mark.line + 1


def field_name(path: FieldPath) -> str:
    """`('actors', 3, 'name')` as `actors[3].name`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


SUMMARY_SHAPE = "a summary must be a mapping with source, actors, locations, events and statements"


def describe(
    node: yaml.Node,
    error: ErrorDetails,
    model: type[BaseModel] = Summary,
    shape: str = SUMMARY_SHAPE,
) -> tuple[int | None, str | None, str]:
    """Turn one pydantic error of a file read as `model` into (line, field, message) in an
    editor's terms; `shape` says what the whole file must be."""
    path = tuple(p for p in error["loc"] if isinstance(p, int | str) and not _is_internal(p))
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        message = f"unknown field {path[-1]!r}"
        suggestion = difflib.get_close_matches(str(path[-1]), _fields_at(path[:-1], model), n=1)
        if suggestion:
            message += f"; did you mean {suggestion[0]!r}?"
        return line_of(node, path, key=True), field_name(path), message
    if kind == "model_type" and not path:
        return 1, None, shape
    if kind == "missing":
        return line_of(node, path), field_name(path), "required field is missing"
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == SLUG_PATTERN:
        message = f"{value!r} is not a valid id: use lower-case letters, digits and hyphens"
    elif kind == "enum":
        message = f"{value!r} is not one of: {error['ctx']['expected']}"
    elif kind == "value_error":
        message = str(error["ctx"]["error"])
        if isinstance(value, str):
            message = f"{value!r} {message}" if message.startswith(("must", "is")) else message
    else:
        message = error["msg"]
        if not isinstance(value, dict | list) and value is not None:
            message += f" (got {clip(repr(value), 120)})"
    return line_of(node, path), field_name(path) or None, message


def _is_internal(part: str | int) -> bool:
    # pydantic adds validator names such as 'function-after[...]' to locations.
    return isinstance(part, str) and ("[" in part or part.startswith(("function-", "str")))


def _fields_at(path: FieldPath, model: type[BaseModel]) -> list[str]:
    """Field names of the model at `path` in `model`, for "did you mean" suggestions."""
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        inner = _model_in(field.annotation)
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
