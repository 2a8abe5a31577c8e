"""Progress reporting for long runs: a bar on a terminal, silence elsewhere."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

import click

T = TypeVar("T")


class Progress(Protocol):
    """Wraps the items of a stage, labelled, and yields them back."""

    def __call__(self, items: Sequence[T], label: str, /) -> Iterable[T]: ...


SHOW_FROM = 500
"""Smaller stages finish too fast for a bar to help."""


def silent(items: Sequence[T], label: str) -> Iterable[T]:
    return items


def terminal_bar(items: Sequence[T], label: str) -> Iterator[T]:
    """A progress bar on standard error, only when it is a terminal and not in CI."""
    if len(items) < SHOW_FROM or not sys.stderr.isatty() or os.environ.get("CI"):
        yield from items
        return
    with click.progressbar(items, label=f"{label:<10}", file=sys.stderr) as bar:
        yield from bar
