"""Problems found in the input, collected so that one run reports all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click


def clip(text: str, limit: int = 200) -> str:
    """A long value shortened for a message, so one bad field cannot flood the output."""
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
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
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
