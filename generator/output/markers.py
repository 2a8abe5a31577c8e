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

Markers are read strictly, so that no editor's line is ever taken for generated text
or the reverse: a marker is a whole line of its own (not indented, not in inline code,
not inside a fenced code block of the editors' text), and a page is the front matter,
then one begin marker, then one end marker. A page laid out otherwise is regenerated
(when forced, as a page edited between the markers is) only when it is certain which of
its text is the editors': copies of the generated block, or a marker pasted inside it,
each as generated (their checksums tell). Any other (no front matter, a stray marker,
markers out of order, a byte that is not UTF-8) is `Broken`: nothing is written over
it, forced or not, until an editor puts it right as its message says.

Generated footnotes are labelled in their own namespace, `[^fs-1]`: editors may use any
other label, and one in that namespace is an error (`Existing.reserved`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..common.errors import ContentNeedsAttention, InvalidInput, Problem
from ..pages.page import Page

BEGIN = (
    "<!-- factsheets:begin: generated from seeds/ by `factsheets generate`. Do not edit between "
    "the markers: change the summary instead. Write notes below the end marker; they are kept. -->"
)
_END = "<!-- factsheets:end sha256={} -->"
RESERVED_LABELS = "fs-"
"""The prefix of generated footnotes' labels (`pages/markup.py`), which editors may not use."""

# Editors' tools may save with Windows line endings: a line may end in \r\n. Lines are
# split at \n only, as the generator writes them.
_MARKER_LINE = re.compile(
    r"^<!-- factsheets:(?:(?P<begin>begin)[^\n]*|end sha256=(?P<hash>[0-9a-f]{16}) )-->\r?$",
    re.MULTILINE,
)
_BEGIN_LINE = re.compile(r"^<!-- factsheets:begin[^\n]*-->\r?$", re.MULTILINE)
_FRONT_OPEN = re.compile(r"---\r?\n")
_FRONT_CLOSE = re.compile(r"^---\r?$", re.MULTILINE)
# A code fence as CommonMark has it: up to 3 spaces, then 3 or more ` or ~.
_FENCE = re.compile(r" {0,3}(?P<fence>`{3,}|~{3,})(?P<info>[^\r\n]*)\r?")
_ANY_FENCE = re.compile(r"^ {0,3}(?:```|~~~)", re.MULTILINE)
# What is left of the front matter when its first line `---` was deleted: that line, or
# one of its `key: <JSON>` lines.
_FRONT_REMNANT = re.compile(r'^(?:---|[A-Za-z_][\w-]*: ["\[{].*)\r?$', re.MULTILINE)
# A copy of the front matter right above a copy of the generated block (the whole page
# pasted twice): generated text too.
_FRONT_COPY = re.compile(
    r"(?:\A|(?<=\n))---\r?\n(?:[A-Za-z_][\w-]*: [^\n]*\n)+---\r?\n(?=(?:[ \t]*\r?\n)*\Z)"
)
_RESERVED = re.compile(r"(?<!\\)\[\^(" + RESERVED_LABELS + r"[^\]\n]*)\]")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")


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
    reserved: tuple[tuple[int, str], ...] = ()
    """Footnote labels in the generated citations' namespace that the editors' text
    uses, each with its line: they would collide with the generated footnotes."""
    problem: str | None = None
    """How the page's layout is not the generator's, when it is certain anyway which text
    is the editors' (`preamble` and `tail`; never `intact` then)."""

    @property
    def pristine(self) -> bool:
        """True when nobody wrote anything on the page at all."""
        return self.intact and not self.preamble.strip() and not self.tail.strip()

    def error(self, shown: str) -> InvalidInput:
        """The error to stop on when the editors' text uses `reserved` labels, for the
        page as messages show it (`shown`)."""
        return InvalidInput(
            [
                Problem(
                    shown,
                    line,
                    None,
                    f"the note uses the footnote label [^{label}], which is reserved for "
                    "generated citations; rename it",
                )
                for line, label in self.reserved
            ]
        )


@dataclass(frozen=True)
class Broken:
    """A page with the generator's markers whose editors' text cannot be told with
    certainty from generated text, or that is not UTF-8: nothing may be written over it."""

    line: int
    problem: str
    """What is wrong, as `Problem` says it after the page and line."""
    advice: str
    """What an editor does about it, ending in how to go on."""

    def error(self, shown: str) -> ContentNeedsAttention:
        """The error to stop on, for the page as messages show it (`shown`)."""
        where = Problem(shown, self.line, None, self.problem)
        return ContentNeedsAttention(
            f"{where}\nNothing was written (--force would not write over this page either): "
            f"{self.advice}."
        )


def parse(text: str) -> Existing | None:
    """Split a page into its parts; None when it has no (complete) generator markers, or
    when which of its text is the editors' is not certain (see `read`)."""
    found = _split(text)
    return found if isinstance(found, Existing) else None


def read(data: bytes) -> Existing | Broken | None:
    """A page's file split into its parts, as `parse` splits its text (a page whose markers
    are out of place but whose editors' text is certain included: its `problem` says how,
    and it is never `intact`); or why not, when it has markers: Broken, a page that is not
    UTF-8 or whose editors' text is not certain. None: a page without (complete) markers."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if _split(data.decode("utf-8", "replace")) is None:
            return None  # not a generated page, whatever its encoding
        return Broken(
            data.count(b"\n", 0, error.start) + 1,
            f"is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
            "save the page as UTF-8, then run again",
        )
    # A page an editor saved with a byte order mark is still ours.
    return _split(text.removeprefix("\ufeff"))


@dataclass(frozen=True)
class _Marker:
    """A marker line: where it starts, and where the next line starts."""

    begin: bool
    start: int
    stop: int
    hash: str
    """The end marker's checksum; empty for a begin marker."""

    @classmethod
    def of(cls, match: re.Match[str]) -> _Marker:
        stop = min(match.end() + 1, len(match.string))
        return cls(match["begin"] is not None, match.start(), stop, match["hash"] or "")


def _split(text: str) -> Existing | Broken | None:
    """`read`, for a text: the front matter first, then the marker lines, then the
    layout they make."""
    front: str | None = None
    start = 0
    unclosed = False
    opening = _FRONT_OPEN.match(text)
    if opening is not None:
        closing = _FRONT_CLOSE.search(text, opening.end())
        begin = _BEGIN_LINE.search(text, opening.end())
        if closing is not None and (begin is None or closing.start() < begin.start()):
            front = text[opening.end() : closing.start()].replace("\r\n", "\n")
            start = min(closing.end() + 1, len(text))
        else:
            unclosed = True
    markers = _markers(text, start)
    kinds = "".join("b" if marker.begin else "e" for marker in markers)
    if "b" not in kinds or "e" not in kinds:
        return None
    line = _line_numbers(text)
    if unclosed:
        first = next(marker for marker in markers if marker.begin)
        return Broken(
            1,
            f"has front matter that is not closed: no line `---` ends it above the begin "
            f"marker on line {line(first.start)}",
            "end the front matter with a line `---`, then run again",
        )
    if front is None:
        # What the front matter held is unknown, so the checksum cannot tell generated text
        # from the editors', and an editor may have deleted only part of it.
        remnant = _FRONT_REMNANT.search(text, 0, markers[0].start)
        if remnant is not None:
            return Broken(
                line(remnant.start()),
                "looks like what is left of the front matter, but the page does not start "
                "with a line `---`",
                "put the front matter back between two lines `---` at the top of the page, "
                "or delete what is left of it, then run again",
            )
        return Broken(
            1,
            "has no front matter (a generated page starts with a line `---`)",
            "put two lines `---` at the top of the page, then run `factsheets generate "
            "--force`, which fills the front matter in (after a backup) and keeps your notes",
        )
    if kinds == "be":
        return _one_block(text, front, start, markers[0], markers[1])
    if re.fullmatch("(be)+", kinds):
        return _copies(text, front, start, markers, line)
    if re.fullmatch("b+e+", kinds):
        return _marker_inside(text, front, start, markers, line)
    at = next((i for i, kind in enumerate(kinds) if kind != "be"[i % 2]), len(kinds) - 1)
    begins = [line(marker.start) for marker in markers if marker.begin]
    ends = [line(marker.start) for marker in markers if not marker.begin]
    return Broken(
        line(markers[at].start),
        f"has its markers out of order (begin marker {_on_lines(begins)}, end marker "
        f"{_on_lines(ends)}): cannot tell which text is generated",
        "leave one begin marker line and, below it, one end marker line around the "
        "generated text (to quote a marker, put it in a code block), then run again",
    )


def _one_block(text: str, front: str, start: int, begin: _Marker, end: _Marker) -> Existing:
    preamble, tail = text[start : begin.start], text[end.stop :]
    body = text[begin.stop : end.start].replace("\r\n", "\n")
    reserved = _reserved(text, [(start, preamble), (end.stop, tail)])
    return Existing(front, preamble, body, tail, _checksum(front, body) == end.hash, reserved)


def _copies(
    text: str, front: str, start: int, markers: list[_Marker], line: Callable[[int], int]
) -> Existing | Broken:
    """A page with the generated block twice or more (pasted, or merged in twice). Every
    copy is generated text, to be replaced by the one new block: certain when each is as
    generated (its checksum tells) but at most one, which counts as the page's block
    edited between the markers. So is a copy of the front matter right above a copy. The
    text around the copies is the editors', kept in its order below the new block."""
    blocks = list(zip(markers[::2], markers[1::2], strict=True))
    bodies = [text[begin.stop : end.start].replace("\r\n", "\n") for begin, end in blocks]
    edited = [
        f"{line(begin.start)}-{line(end.start)}"
        for (begin, end), body in zip(blocks, bodies, strict=True)
        if _checksum(front, body) != end.hash
    ]
    if len(edited) > 1:
        return Broken(
            line(blocks[1][0].start),
            f"has the generated block {len(blocks)} times, and more than one copy was edited "
            f"(lines {_listed(edited)}): cannot tell which text is generated",
            "keep one copy, deleting the others from their begin marker to their end marker "
            "(your notes outside them stay), then run again",
        )
    preamble = text[start : blocks[0][0].start]
    regions = [(start, preamble)]
    notes: list[str] = []
    for (_, end), following in zip(blocks, [*blocks[1:], None], strict=True):
        note = text[end.stop : following[0].start if following else len(text)]
        regions.append((end.stop, note))
        notes.append(_FRONT_COPY.sub("", note, count=1) if following else note)
    problem = f"has the generated block {len(blocks)} times"
    reserved = _reserved(text, regions)
    return Existing(front, preamble, bodies[0], "".join(notes), False, reserved, problem)


def _marker_inside(
    text: str, front: str, start: int, markers: list[_Marker], line: Callable[[int], int]
) -> Existing | Broken:
    """Begin markers, then end markers: one of each is the block's, and the checksum
    tells which when the generated text is as generated. The others are pasted inside
    the block (dropped with it, then) or are strays outside it (an editor decides)."""
    begins = [marker for marker in markers if marker.begin]
    ends = [marker for marker in markers if not marker.begin]
    found = [
        (i, j)
        for i, begin in enumerate(begins)
        for j, end in enumerate(ends)
        if _checksum(front, _without(text, begin, end, [*begins[i + 1 :], *ends[:j]])) == end.hash
    ]
    if (0, len(ends) - 1) in found:
        pasted = [*begins[1:], *ends[:-1]]
        preamble, tail = text[start : begins[0].start], text[ends[-1].stop :]
        body = _without(text, begins[0], ends[-1], pasted)
        reserved = _reserved(text, [(start, preamble), (ends[-1].stop, tail)])
        problem = f"has a marker pasted inside the generated block, on line {line(pasted[0].start)}"
        return Existing(front, preamble, body, tail, False, reserved, problem)
    stray = (
        "delete it (with any left-over generated text), or, to quote it, put it in a code "
        "block, then run again"
    )
    if found:
        i, j = found[0]
        if i > 0:
            return Broken(
                line(begins[0].start),
                f"has a second begin marker, above the generated block (which starts on line "
                f"{line(begins[i].start)})",
                stray,
            )
        return Broken(
            line(ends[j + 1].start),
            f"has a second end marker, below the generated block (which ends on line "
            f"{line(ends[j].start)})",
            stray,
        )
    if len(ends) > 1:
        return Broken(
            line(ends[1].start),
            f"has a second end marker (the first is on line {line(ends[0].start)}), and the "
            "generated text was edited: cannot tell where the generated block ends",
            "delete the end marker that is not the block's own (what is below the one left "
            "is kept as notes), then run again",
        )
    return Broken(
        line(begins[1].start),
        f"has a second begin marker (the first is on line {line(begins[0].start)}), and the "
        "generated text was edited: cannot tell where the generated block starts",
        "delete the begin marker that is not the block's own (what is above the one left "
        "is kept as notes), then run again",
    )


def _without(text: str, begin: _Marker, end: _Marker, inside: list[_Marker]) -> str:
    """The text between two markers without the marker lines inside it (in order), as
    the checksum reads it."""
    parts: list[str] = []
    start = begin.stop
    for marker in inside:
        parts.append(text[start : marker.start])
        start = marker.stop
    parts.append(text[start : end.start])
    return "".join(parts).replace("\r\n", "\n")


def _markers(text: str, start: int) -> list[_Marker]:
    """The marker lines from `start` on. Between a begin marker and the next end marker,
    every whole marker line counts (generated text never holds one: it is escaped); in
    the editors' text, one inside a fenced code block is a quote."""
    found = [_Marker.of(match) for match in _MARKER_LINE.finditer(text, start)]
    if not found:
        return found
    if (
        len(found) == 2
        and found[0].begin
        and not found[1].begin
        and _ANY_FENCE.search(text, start, found[0].start) is None
    ):
        return found  # the usual page: no fence above the block can hide its marker
    markers: list[_Marker] = []
    fence: tuple[str, int] | None = None
    inside = False
    for offset, stop in _lines(text, start):
        if fence is not None:
            if _closes(text[offset:stop], fence):
                fence = None
            continue
        match = _MARKER_LINE.fullmatch(text, offset, stop)
        if match is not None:
            markers.append(_Marker.of(match))
            inside = match["begin"] is not None
        elif not inside:
            fence = _opens(text[offset:stop])
    return markers


def _lines(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """Where each line from `start` on starts and ends (before its \\n)."""
    while start < len(text):
        stop = text.find("\n", start)
        if stop < 0:
            stop = len(text)
        yield start, stop
        start = stop + 1


def _opens(line: str) -> tuple[str, int] | None:
    """The fence this line opens (its character and length), if it opens one."""
    match = _FENCE.fullmatch(line)
    if match is None or (match["fence"][0] == "`" and "`" in match["info"]):
        return None
    return match["fence"][0], len(match["fence"])


def _closes(line: str, fence: tuple[str, int]) -> bool:
    match = _FENCE.fullmatch(line)
    return (
        match is not None
        and match["fence"][0] == fence[0]
        and len(match["fence"]) >= fence[1]
        and not match["info"].strip(" \t")
    )


def _reserved(text: str, regions: list[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    """Footnote labels of the generated namespace in the editors' text (each region
    given with where it starts in `text`), with their lines; not those in code."""
    found: list[tuple[int, str]] = []
    for offset, region in regions:
        if f"[^{RESERVED_LABELS}" not in region:
            continue
        fence: tuple[str, int] | None = None
        for start, stop in _lines(region):
            line = region[start:stop]
            if fence is not None:
                if _closes(line, fence):
                    fence = None
                continue
            fence = _opens(line)
            if fence is not None:
                continue
            for match in _RESERVED.finditer(_CODE_SPAN.sub("", line)):
                found.append((text.count("\n", 0, offset + start) + 1, match[1]))
    return tuple(dict.fromkeys(found))


def _line_numbers(text: str) -> Callable[[int], int]:
    """The line number of an offset in `text`."""
    return lambda offset: text.count("\n", 0, offset) + 1


def _on_lines(numbers: list[int]) -> str:
    """'on line 3', 'on lines 3 and 9', 'on lines 3, 9 and 12'."""
    return f"on line {numbers[0]}" if len(numbers) == 1 else f"on lines {_listed(numbers)}"


def _listed(items: list[int] | list[str]) -> str:
    """'3', '3 and 9', '3, 9 and 12'."""
    *others, last = map(str, items)
    return f"{', '.join(others)} and {last}" if others else last
