"""Problems found in the input, collected so that one run reports all of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import click

# What could rewrite the line a terminal shows: C0 and C1 controls (a carriage return
# sends the cursor back so "OK" can overprint the error), DEL, the line and paragraph
# separators, and the bidi controls and marks that reorder what follows them. Also lone
# surrogates: a file name that is not UTF-8 holds them, and printing one would crash.
_CONTROLS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def escape_controls(text: str) -> str:
    """Text with every character that could rewrite a terminal's line shown as Python
    writes it in a string (`\\r`, `\\x1b`, `\\u202e`), so a file name or a value cannot
    hide or fake a message. Idempotent: escaped text holds no such character."""
    return _CONTROLS.sub(_escaped, text)


def escape_lines(text: str) -> str:
    """A message of several lines escaped line by line: its own line breaks stay; any
    other break must have been escaped where the message was built (`escape_controls`)."""
    return "\n".join(escape_controls(line) for line in text.split("\n"))


def clip(text: str, limit: int = 200) -> str:
    """A long value shortened for a message, so one bad field cannot flood the output.

    Every caller shows the result through `repr` (which escapes control characters) or
    `escape_controls`: a clipped value is never printed raw."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str
    """Path of the file, relative to the project when possible."""
    line: int | None
    """1-based line number, when the problem sits on a line."""
    field: str | None
    """Dotted path of the field, e.g. `actors[3].relations[0].target`."""
    message: str
    """What is wrong, and where useful how to fix it."""

    def sort_key(self) -> tuple[str, int, str, str]:
        """File, then line, then field: problems without a line or field come first."""
        return (self.file, self.line or 0, self.field or "", self.message)

    def __lt__(self, other: Problem) -> bool:
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        # File and folder names and YAML keys are the editor's: a name holding a carriage
        # return or a bidi override must not rewrite the line into something else.
        file = escape_controls(self.file)
        where = file if self.line is None else f"{file}:{self.line}"
        message = escape_lines(self.message)
        return (
            f"{where}: {escape_controls(self.field)}: {message}"
            if self.field
            else f"{where}: {message}"
        )


@dataclass
class Problems:
    """A collector: stages add problems, and the build stops once, after reading everything."""

    items: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unverified_ids: set[str] = field(default_factory=set)
    """Ids defined in summaries that failed validation: references to them are not reported
    as unknown, since the file's own errors already explain them."""

    def add(self, file: str | Path, line: int | None, field: str | None, message: str) -> None:
        self.items.append(Problem(str(file), line, field, message))

    def warn(self, file: str | Path, line: int | None, field: str | None, message: str) -> None:
        self.warnings.append(Problem(str(file), line, field, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidInput(sorted(set(self.items)))


class FactsheetsError(click.ClickException):
    """Base of the errors users see as `Error: ...` with a documented exit code."""

    exit_code = 1

    def format_message(self) -> str:
        # A path in a message (the project's folder, say) may hold control characters.
        return escape_lines(self.message)


class InvalidInput(FactsheetsError):
    """The summaries or sources are invalid; nothing was written."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems]
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__("\n".join([*lines, f"{count} found; nothing was written."]))


class ContentNeedsAttention(FactsheetsError):
    """`content/` is stale (with --check) or holds pages the generator would not overwrite."""

    exit_code = 3
