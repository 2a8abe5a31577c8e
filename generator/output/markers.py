"""The format of a generated page: front matter, generated Markdown between markers, editors' text.

A generated page looks like this:

    ---
    title: ...            (front matter, generated)
    ---
    <!-- factsheets:begin ... -->
    generated Markdown
    <!-- factsheets:end sha256=0123456789abcdef -->
    anything an editor writes here is kept

The checksum covers the front matter and the generated Markdown, so an edit
inside the markers is detected and the page is left alone. Text before the begin
marker and after the end marker belongs to editors and is carried over
byte-for-byte. Files without markers are hand-written and never touched.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from ..pages.page import Page

BEGIN = (
    "<!-- factsheets:begin: generated from seeds/ by `factsheets generate`. Do not edit between "
    "the markers: change the summary instead. Write notes below the end marker; they are kept. -->"
)
_END = "<!-- factsheets:end sha256={} -->"
# Editors' tools may save with Windows line endings: accept \r\n wherever we expect \n.
_PAGE = re.compile(
    r"\A---\r?\n(?P<front>.*?\n)---\r?\n(?P<preamble>.*?)<!-- factsheets:begin[^\n]*-->\r?\n"
    r"(?P<body>.*?)<!-- factsheets:end sha256=(?P<hash>[0-9a-f]{16}) -->(?:\r?\n)?(?P<tail>.*)\Z",
    re.DOTALL,
)


def _checksum(front: str, body: str) -> str:
    return hashlib.sha256((front + "\x00" + body).encode("utf-8")).hexdigest()[:16]


def _front_matter(page: Page) -> str:
    # JSON is valid YAML (flow style, double-quoted strings) and ten times faster to
    # write than yaml.safe_dump; every value is quoted, so no title can break out.
    lines = (f"{key}: {_yaml_json(value)}\n" for key, value in page.front_matter.items())
    return "".join(lines)


# Characters JSON leaves as they are but YAML refuses or reads as line breaks.
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _yaml_json(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def compose(page: Page, preamble: str = "\n", tail: str = "") -> str:
    """The full text of a generated page, keeping an editor's preamble and tail."""
    front = _front_matter(page)
    end = _END.format(_checksum(front, page.body))
    return f"---\n{front}---\n{preamble}{BEGIN}\n{page.body}{end}\n{tail}"


@dataclass(frozen=True)
class Existing:
    """A generated page as found on disk, split into its parts."""

    front: str
    preamble: str
    body: str
    tail: str
    intact: bool
    """True when nobody edited between the markers."""

    @property
    def pristine(self) -> bool:
        """True when nobody wrote anything on the page at all."""
        return self.intact and not self.preamble.strip() and not self.tail.strip()


def parse(text: str) -> Existing | None:
    """Split a page into its parts; None when it has no (complete) generator markers."""
    match = _PAGE.match(text)
    if match is None:
        return None
    front, body = (match[part].replace("\r\n", "\n") for part in ("front", "body"))
    intact = _checksum(front, body) == match["hash"]
    return Existing(front, match["preamble"], body, match["tail"], intact)
