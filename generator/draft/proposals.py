"""What drafting proposes: summary entries, each with why it was proposed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SECTIONS = ("actors", "locations", "events", "statements")
"""The summary's lists, in the order a draft writes them."""


@dataclass
class Proposal:
    """One entry proposed for a summary, as it will be written (plain values), and why."""

    section: str
    """The list it goes in: one of SECTIONS."""
    item: dict[str, Any]
    """The entry in the summary format (ids, codes and quotes as plain strings)."""
    why: str
    """A short comment for the editor: what made the drafter propose it."""
    trigger: str
    """The words of the text that triggered it (`factsheets draft --explain`)."""


@dataclass(frozen=True)
class Known:
    """An entity another summary defines, offered for reuse by name or alias."""

    id: str
    section: str
    """`actors`, `locations` or `events`."""
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    anonymous: bool = False
    source: str = ""
    """The summary that defines it, as messages show paths."""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name it can be found by: its name (unless it is a description) and aliases."""
        return self.aliases if self.anonymous else (self.name, *self.aliases)


@dataclass
class Dropped:
    """An entry left out of a draft, and why (a model's proposal whose quote did not verify)."""

    section: str
    label: str
    """The entry as the editor would recognise it: its id, name or title."""
    reason: str


@dataclass
class Draft:
    """A drafted summary: its source's metadata, the proposals, and what was left out."""

    source: dict[str, Any]
    """The `source:` block (id, title, outlet, published, url, language, file)."""
    proposals: list[Proposal] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    how: str = "rules"
    """`rules` for the offline drafter, or the model's address."""

    def of(self, section: str) -> list[Proposal]:
        return [p for p in self.proposals if p.section == section]
