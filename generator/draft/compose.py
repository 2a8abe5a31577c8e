"""A draft written as a summary file: YAML an editor reads top to bottom, a comment on each entry.

PyYAML cannot write comments, and the order of keys matters to a reader (id, name, kind,
then the quote that supports them), so the draft is written here, by hand, in the layout
of the hand-written summaries. Every string that is not a plain word is double-quoted with
every character YAML could misread escaped, so any text reads back exactly.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from ..sources.schema import FORMAT
from .proposals import SECTIONS, Draft, Proposal

# Strings written without quotes: ids, codes and plain words that YAML reads as text.
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/-]*[A-Za-z0-9.]$|^[A-Za-z]$")
_NOT_PLAIN = re.compile(r"^(?:y|n|yes|no|on|off|true|false|null|nan|inf)$", re.IGNORECASE)
# What a double-quoted YAML scalar cannot hold as itself (PyYAML refuses these characters
# in a stream, or reads them as line breaks).
_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]')
_WIDTH = 96


def scalar(value: object, *, quoted: bool = False) -> str:
    """A value as YAML text that reads back as the same value; `quoted` always quotes text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if not quoted and _PLAIN.match(text) and not _NOT_PLAIN.match(text) and "  " not in text:
        return text
    return '"' + _ESCAPE.sub(_escaped, text) + '"'


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in '\\"':
        return "\\" + char
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def comment(text: str, indent: str) -> list[str]:
    """A comment as lines, wrapped; what it quotes cannot end the comment or the line."""
    flat = " ".join(_ESCAPE.sub(" ", text).split())
    width = max(_WIDTH - len(indent) - 2, 40)
    return [f"{indent}# {line}" for line in textwrap.wrap(flat, width)] or [f"{indent}#"]


def _block(value: dict[str, Any], indent: str, first: str = "") -> list[str]:
    """A mapping's lines; `first` prefixes its first key (`- ` for a list item)."""
    lines: list[str] = []
    lead = indent + first
    for key, item in value.items():
        if item is None or item == [] or item == {}:
            continue
        if isinstance(item, dict):
            lines.append(f"{lead}{key}:")
            lines += _block(item, indent + "  " + " " * len(first))
        elif isinstance(item, list):
            lines.append(f"{lead}{key}:")
            inner = indent + "  " + " " * len(first)
            for element in item:
                if isinstance(element, dict):
                    lines += _block(element, inner, "- ")
                else:
                    lines.append(f"{inner}- {scalar(element, quoted='quote' in key)}")
        else:
            lines.append(f"{lead}{key}: {scalar(item, quoted='quote' in key)}")
        lead = indent + " " * len(first)
    return lines


def _entry(proposal: Proposal) -> list[str]:
    return comment(proposal.why, "  ") + _block(proposal.item, "  ", "- ")


def compose(draft: Draft, text_file: str = "source.txt") -> str:
    """The draft as the text of a summary.yaml, marked `status: draft`."""
    how = (
        "offline rules"
        if draft.how == "rules"
        else f"the language model at {draft.how}, every quote checked against the text"
    )
    lines = [
        "# yaml-language-server: $schema=../../schema/summary.schema.json",
        *comment(
            f"Draft summary of {text_file}, proposed by `factsheets draft` ({how}). Every "
            f"entry quotes {text_file} verbatim; the comment above it says why it was "
            "proposed. Review each entry: correct it, complete it or delete it, add what "
            "was missed, then delete the `status: draft` line to publish the summary.",
            "",
        ),
        "",
        f"format: {FORMAT}",
        "status: draft",
        *_block({"source": draft.source}, ""),
    ]
    for section in SECTIONS:
        proposals = draft.of(section)
        if not proposals:
            continue
        lines += ["", f"{section}:"]
        for index, proposal in enumerate(proposals):
            if index:
                lines.append("")
            lines += _entry(proposal)
    return "\n".join(lines) + "\n"
