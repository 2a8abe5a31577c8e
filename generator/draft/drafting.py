"""Drafting one source: the text and its metadata in, a `Draft` out (see `compose` to write it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from ..common.errors import FactsheetsError
from ..sources.schema import SourceMeta
from ..sources.text import SourceText
from . import rules
from .proposals import Draft, Known


def draft(
    text: SourceText,
    source: dict[str, Any],
    known: Sequence[Known] = (),
    *,
    model: str | None = None,
    model_name: str | None = None,
    api_key: str | None = None,
) -> Draft:
    """A draft of the summary of `text` (split in the language of `source`, its `source:`
    block: id, title...).

    Offline and deterministic unless `model` (the address of an OpenAI-compatible server)
    is given. Every proposal's quotes are verbatim spans of `text`.
    """
    if "title" not in source:
        source = {"id": source.get("id"), "title": _first_sentence(text), **source}
    if model is None:
        return Draft(source, rules.propose(text, source, known))
    from . import model as language_model  # only drafts that ask for it need it

    return language_model.draft(model, text, source, known, api_key=api_key, model_name=model_name)


def source_block(
    id_: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    url: str | None = None,
    language: str = "en",
    file: str = "source.txt",
) -> dict[str, Any]:
    """The draft's `source:` block from what the editor gave; each value is checked as the
    summary format checks it, so a bad one is an error now rather than in the draft."""
    block: dict[str, Any] = {"id": id_, "title": title, "outlet": outlet}
    block |= {"published": published, "url": url, "language": language, "file": file}
    block = {key: value for key, value in block.items() if value is not None}
    try:
        SourceMeta.model_validate(block | {"title": title or "untitled"})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        option = {"id": "the folder's name"}.get(where, f"--{where}")
        raise FactsheetsError(f"{option}: {first['msg']} (got {first['input']!r})") from None
    return block


def _first_sentence(text: SourceText) -> str:
    """A title from the text's first sentence, cut at a word within 100 characters."""
    first = " ".join(text.sentences[0].text.split()) if text.sentences else "Untitled"
    if len(first) <= 100:
        return first.rstrip(".")
    return first[: first.rfind(" ", 0, 100)].rstrip(",;: ") + "…"
