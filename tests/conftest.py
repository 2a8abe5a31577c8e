"""Shared fixtures: a throw-away copy of the demo project, and a CLI runner."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.common.errors import Problems
from generator.knowledge.merge import merge
from generator.knowledge.model import KnowledgeBase
from generator.sources.checks import validate
from generator.sources.load import Loaded, load_all
from generator.sources.text import normalize

ROOT = Path(__file__).resolve().parent.parent
"""The repository: its mkdocs.yml, seeds/ and committed content/ are the demo project."""


THEME = ROOT / "generator" / "skeleton" / "overrides"
"""The theme's overrides (templates, style sheets, scripts) every site starts with: the
demo's `theme.custom_dir`, copied into a new site's `overrides/`."""


def demo_config(target: Path) -> None:
    """The demo's mkdocs.yml in `target`, with the theme's overrides beside it, as a site
    `factsheets new` makes has them (the demo reads them from the package)."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("custom_dir: generator/skeleton/overrides", "custom_dir: overrides")
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(THEME, target / "overrides")


def copy_project(target: Path, *, seeds: Path | None = None, with_content: bool = True) -> Path:
    """A copy of the demo project (mkdocs.yml, the theme's overrides/, seeds/, hand-written
    and generated content/)."""
    target.mkdir(parents=True, exist_ok=True)
    demo_config(target)
    shutil.copytree(seeds or ROOT / "seeds", target / "seeds")
    if with_content:
        shutil.copytree(ROOT / "content", target / "content")
    else:
        (target / "content").mkdir()
        for name in ("index.md", "tags.md", "search.md"):
            shutil.copy(ROOT / "content" / name, target / "content" / name)
    return target


# A small fictional source and its summary, which several tests vary.
HARBOUR = "The Harbour Council met in Port Vell on Tuesday. Mayor Ana Ruiz opened the new bridge.\n"

HARBOUR_SUMMARY = """
    source:
      id: harbour-news
      title: Harbour council opens bridge
    actors:
      - id: ana-ruiz
        name: Ana Ruiz
        kind: person
        quote: Mayor Ana Ruiz
      - id: harbour-council
        name: Harbour Council
        kind: government
        quote: The Harbour Council
    locations:
      - id: port-vell
        name: Port Vell
        kind: city
        quote: met in Port Vell
    events:
      - id: bridge-opening
        title: Opening of the new bridge
        quote: opened the new bridge
        participants:
          - actor: ana-ruiz
            role: participant
            quote: Mayor Ana Ruiz opened
"""
"""Lines: 5 ana-ruiz, 9 harbour-council, 14 port-vell, 19 bridge-opening, 21 its quote, 23 its participant."""


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path: to tell that nothing was written."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the demo project, content/ included."""
    return copy_project(tmp_path / "project")


def factsheets(*args: str | Path) -> Result:
    """`factsheets ...` in this process, under the name users type."""
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="factsheets")


@pytest.fixture
def seeds_only(tmp_path: Path) -> Path:
    """The three-source fixture's seeds and a minimal mkdocs.yml: no content/ yet, no home
    page, no theme."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copytree(ROOT / "tests" / "fixtures" / "multi" / "seeds", root / "seeds")
    (root / "mkdocs.yml").write_text("site_name: Test\ndocs_dir: content\n", encoding="utf-8")
    return root


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run `factsheets ARGS...` in-process; returns click's Result (exit_code, output)."""
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


class FictionalProject:
    """A throw-away project whose seeds each test writes: small, made-up sources and summaries."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "seeds").mkdir(parents=True)
        (root / "content").mkdir()
        (root / "mkdocs.yml").write_text("site_name: Test\ndocs_dir: content\n", encoding="utf-8")

    def add(self, name: str, text: str, summary: str) -> Path:
        """Write seeds/<name>/source.txt and summary.yaml (dedented); returns the folder."""
        folder = self.root / "seeds" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "source.txt").write_text(text, encoding="utf-8")
        summary = textwrap.dedent(summary).lstrip("\n")
        (folder / "summary.yaml").write_text(summary, encoding="utf-8")
        return folder

    def load(self) -> tuple[list[Loaded], Problems]:
        problems = Problems()
        return load_all(self.root / "seeds", self.root, problems), problems

    def problems(self) -> list[str]:
        """Every problem load and validate report, as the CLI prints them (sorted)."""
        loaded, problems = self.load()
        validate(loaded, problems)
        return [str(problem) for problem in sorted(problems.items)]

    def kb(self) -> KnowledgeBase:
        """The merged knowledge base; fails the test if the seeds are invalid."""
        loaded, problems = self.load()
        sentences = validate(loaded, problems)
        assert not problems, [str(problem) for problem in problems.items]
        return merge(loaded, sentences)


@pytest.fixture
def fictional(tmp_path: Path) -> FictionalProject:
    """An empty project (mkdocs.yml, seeds/, content/) to write fictional sources into."""
    return FictionalProject(tmp_path / "fictional")


def to_html(text: str) -> str:
    """Markdown to HTML with the Markdown extensions of the site's mkdocs.yml."""
    return markdown.markdown(
        text,
        extensions=[
            "tables",
            "footnotes",
            "attr_list",
            "md_in_html",
            "admonition",
            "pymdownx.escapeall",
        ],
        extension_configs={"pymdownx.escapeall": {"hardbreak": False, "nbsp": False}},
    )


def without_undated(output: str) -> str:
    """`factsheets check`'s output less its warnings about sources with no publication
    date (tests/pages/test_dating.py checks those): for tests about something else."""
    return "".join(
        line
        for line in output.splitlines(keepends=True)
        if "source.published: the source has no publication date" not in line
    )


def untouched(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file's bytes, modification time and inode: a rewrite changes the last two."""
    return {
        path.relative_to(folder).as_posix(): (
            path.read_bytes(),
            path.stat().st_mtime_ns,
            path.stat().st_ino,
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def build_in_process(
    root: Path, count: int, patch: pytest.MonkeyPatch, **overrides: object
) -> Path:
    """`mkdocs build --strict` of the project at `root` in this process (its `site/`),
    with `count` workers building pages even for a small site; `overrides` are settings
    of mkdocs.yml (`use_directory_urls=False`)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.common import workers
    from generator.publish import plugin as mkdocs_plugin

    patch.setattr(mkdocs_plugin, "MIN_PAGES", 0)  # a small site: fork anyway
    patch.setattr(workers, "usable_cores", lambda: count)
    patch.chdir(root)
    config = load_config(str(root / "mkdocs.yml"), strict=True, **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return root / "site"


# --- a source page's text, as readers see it (the footnotes' targets) ------------------


class SourceText(HTMLParser):
    """A source page's text: each sentence's words as the page shows them (without its
    ¶ label), by anchor; the sentence every anchor inside one is in; and the words each
    quote's anchor (`fs-qaN`) lights up (those classed `fs-qN`)."""

    def __init__(self, source_page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sentences: dict[str, str] = {}
        self.within: dict[str, str] = {}
        self.numbers: dict[str, int] = {}
        self.marked: dict[tuple[str, int], str] = {}
        self._sentence: str | None = None
        self._open: list[list[int]] = []  # the quote numbers of each element open in it
        self._label = False
        self.feed(source_page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        anchor = found.get("id") or ""
        if self._sentence is None:
            if tag == "span" and "fs-sentence" in classes:
                assert anchor not in self.sentences, f"two sentences {anchor}"
                self._sentence, self.sentences[anchor], self.within[anchor] = anchor, "", anchor
            return
        if anchor:
            self.within[anchor] = self._sentence
        if "fs-qa" in classes:
            self.numbers[anchor] = next(
                (int(c[5:]) for c in classes if re.fullmatch(r"fs-qa\d+", c)), 0
            )
        self._label = "fs-anchor" in classes
        self._open.append([int(c[4:]) for c in classes if re.fullmatch(r"fs-q\d+", c)])

    def handle_endtag(self, tag: str) -> None:
        if self._sentence is None:
            return
        if not self._open:  # the sentence's own end: its words follow "¶1.1 "
            words = self.sentences[self._sentence]
            assert words.startswith(" "), self._sentence
            self.sentences[self._sentence] = words[1:]
            self._sentence = None
            return
        self._open.pop()
        self._label = False

    def handle_data(self, data: str) -> None:
        if self._sentence is None or self._label:
            return
        self.sentences[self._sentence] += data
        for number in {n for numbers in self._open for n in numbers}:
            key = (self._sentence, number)
            self.marked[key] = self.marked.get(key, "") + data


def folded(text: str) -> str:
    """Text as quotes are matched to sentences: as `normalize` has it, capitals too."""
    return normalize(text).lower()


def leads_to_its_quote(source: SourceText, note: re.Match, quote: str) -> bool:
    """Whether a footnote's link leads to an anchor of its source's page that is in the
    sentence the footnote names, and, when it is the quote's own anchor, whether that
    anchor is where the quote is in the sentence and lights up its words. (The quote's
    words may run on into the next sentence: then they are marked up to this one's end.)
    The sentence's own anchor is the target only when the quote is not in the sentence."""
    sentence = note["sentence"]
    if source.within.get(note["anchor"]) != sentence:
        return False
    text = source.sentences[sentence]
    if note["start"] is None:
        return folded(quote) not in folded(text)
    start, end = int(note["start"]), int(note["end"])
    words = text[start:end]
    whole = folded(words) == folded(quote)
    runs_on = not text[end:].strip() and folded(quote).startswith(folded(words))
    marked = source.numbers[note["anchor"]]
    return (
        bool(words.strip())
        and (whole or runs_on)
        and (not marked or source.marked.get((sentence, marked)) == words)
    )
