"""A site build reuses what the last one kept (`publish/reuse.py`), and the site it makes
is byte-identical to one built from scratch, after every kind of edit an editor makes."""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, build_in_process, copy_project, factsheets

from generator.publish import reuse

MULTI = ROOT / "tests" / "fixtures" / "multi"
ASIDE = "wire-lemm-border-clash"
"""The source the new-source edit adds (and the removal removes)."""


def tree(site: Path) -> dict[str, bytes]:
    # The sitemap's gzip header holds the build time.
    return {
        str(path.relative_to(site)): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.name != "sitemap.xml.gz"
    }


def generate(root: Path) -> None:
    result = factsheets("-C", root, "-q", "generate")
    assert result.exit_code == 0, result.output


def build(root: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> str:
    """Builds the site in this process with two workers; what the plugin said of reuse."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.factsheets"):
        build_in_process(root, 2, monkeypatch)
    return "\n".join(
        record.getMessage() for record in caplog.records if "factsheets:" in record.getMessage()
    )


def reused(said: str) -> tuple[int, int]:
    found = re.search(r"reused ([\d,]+) conversions and ([\d,]+) pages", said)
    assert found, said
    return int(found[1].replace(",", "")), int(found[2].replace(",", ""))


# --- the edits --------------------------------------------------------------------------


def edit_description(root: Path) -> None:
    summary = root / "seeds" / "courier-kessa-ford-monitors" / "summary.yaml"
    text = summary.read_text(encoding="utf-8")
    old = "Monitors the Lemm border; reported on the clash."
    summary.write_text(text.replace(old, f"{old} Edited."), encoding="utf-8")
    generate(root)


def add_source(root: Path) -> None:
    shutil.move(root / ASIDE, root / "seeds" / ASIDE)
    generate(root)


def remove_source(root: Path) -> None:
    shutil.rmtree(root / "seeds" / ASIDE)  # with it go the entities only it reports
    generate(root)


def write_note(root: Path) -> None:
    page = sorted((root / "content" / "actors").glob("*.md"))[0]
    with page.open("a", encoding="utf-8") as text:
        text.write("\nA note of the desk's, with a [link](../index.md).\n")


def change_config(root: Path) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^site_description: .*$", "site_description: Edited.", text))


def change_template(root: Path) -> None:
    template = root / "overrides" / "main.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(
        text.replace("{% block content %}", "{% block content %}<p>Edited.</p>", 1),
        encoding="utf-8",
    )


EDITS: dict[str, tuple[Callable[[Path], None], bool]] = {
    # Each edit, and whether pages' HTML can still be reused after it.
    "description": (edit_description, True),
    "new-source": (add_source, True),
    "removed-entity": (remove_source, True),
    "hand-note": (write_note, True),
    "mkdocs-yml": (change_config, False),
    "template-override": (change_template, False),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-source project, generated and built once: its store is warm."""
    root = copy_project(
        tmp_path_factory.mktemp("reuse") / "project", seeds=MULTI / "seeds", with_content=False
    )
    generate(root)
    with pytest.MonkeyPatch.context() as monkeypatch:
        build_in_process(root, 2, monkeypatch)
    assert (root / reuse.CACHE / "pages.sqlite").is_file()
    return root


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_a_build_after_an_edit_is_byte_identical_to_one_from_scratch(
    built: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    edit: str,
) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root)
    change, pages_reusable = EDITS[edit]
    if edit == "new-source":
        # Start from the site without the source, built and kept, then add it.
        shutil.move(root / "seeds" / ASIDE, root / ASIDE)
        generate(root)
        build(root, monkeypatch, caplog)
    change(root)

    said = build(root, monkeypatch, caplog)
    again = tree(root / "site")
    conversions, pages = reused(said)
    assert conversions > 0, said  # most pages' Markdown did not change
    assert (pages > 0) == pages_reusable, said

    shutil.rmtree(root / reuse.CACHE)
    shutil.rmtree(root / "site")
    assert reused(build(root, monkeypatch, caplog)) == (0, 0)
    scratch = tree(root / "site")
    assert again.keys() == scratch.keys()
    assert [name for name in scratch if again[name] != scratch[name]] == []


def test_nothing_changed_reuses_every_page(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root)
    before = tree(root / "site")
    shutil.rmtree(root / "site")
    conversions, pages = reused(build(root, monkeypatch, caplog))
    assert conversions == pages == sum(1 for _ in (root / "content").rglob("*.md"))
    assert tree(root / "site") == before


HOOK = """
def on_page_content(html, page, config, files):
    return html
"""


@pytest.mark.parametrize(
    ("setting", "why"),
    [
        ("hooks: [hook.py]", "the hook hook.py has on_page_content"),
        ("markdown_extensions: [pymdownx.snippets]", "the Markdown extension pymdownx.snippets"),
    ],
    ids=["unknown-hook", "extension-reading-files"],
)
def test_what_could_reach_a_page_unseen_turns_reuse_off_and_says_so(
    built: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    setting: str,
    why: str,
) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root)
    (root / "hook.py").write_text(HOOK, encoding="utf-8")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if setting.startswith("markdown_extensions"):
        text = text.replace(
            "markdown_extensions:\n", "markdown_extensions:\n  - pymdownx.snippets\n"
        )
    else:
        text += f"\n{setting}\n"
    config.write_text(text, encoding="utf-8")
    said = build(root, monkeypatch, caplog)
    assert f"no page is reused from the last build: {why}" in said
    assert "reused" not in said.replace("no page is reused", "")


@pytest.mark.parametrize("kept", ["torn", "old-layout"])
def test_a_store_that_cannot_serve_is_made_anew(
    built: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    kept: str,
) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root)
    store = root / reuse.CACHE / "pages.sqlite"
    store.unlink()
    if kept == "torn":
        store.write_bytes(b"SQLite format 3\0" + bytes(100))
    else:
        with sqlite3.connect(store) as db:
            db.execute("CREATE TABLE pages (key TEXT PRIMARY KEY, html BLOB, used INTEGER)")
            db.execute("INSERT INTO pages VALUES ('x', 'y', 1)")
    shutil.rmtree(root / "site")
    assert reused(build(root, monkeypatch, caplog)) == (0, 0)
    assert tree(root / "site") == tree(built / "site")
    assert reused(build(root, monkeypatch, caplog))[1] > 0


@pytest.mark.parametrize(
    ("template", "lists_every_page"),
    [
        ("{% for file in pages %}{{ file.url }}{% endfor %}", True),
        ("{{ pages | length }} pages", True),
        ("{% for page in nav.pages %}{{ page.title }}{% endfor %}", False),
        ("{# pages #}Every page's own title: {{ page.title }}", False),
        ("<p>The pages of the site</p>", False),
    ],
)
def test_a_template_of_the_sites_own_that_lists_every_page_is_seen(
    tmp_path: Path, template: str, lists_every_page: bool
) -> None:
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "footer.html").write_text(template, encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text("{% for file in pages %}{% endfor %}", encoding="utf-8")
    assert reuse._mentions_every_page(tmp_path, {"sitemap.xml"}) is lists_every_page


# --- a site already up to date ------------------------------------------------------------

KEPT = "Nothing the site is built from changed since the last build"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-source project, built once with `factsheets build` (search included)."""
    root = copy_project(
        tmp_path_factory.mktemp("published") / "project", seeds=MULTI / "seeds", with_content=False
    )
    result = factsheets("-C", root, "build")
    assert result.exit_code == 0, result.output
    assert KEPT not in result.output
    return root


def test_a_build_with_nothing_changed_keeps_the_site(published: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(published, root)  # file dates kept
    before = tree(root / "site")
    result = factsheets("-C", root, "build")
    assert result.exit_code == 0, result.output
    assert f"{KEPT}: site/ is as that build left it." in result.output
    assert tree(root / "site") == before


def _change_a_page(root: Path) -> None:
    with (root / "content" / "about" / "index.md").open("a", encoding="utf-8") as page:
        page.write("\nA note of the desk's.\n")


@pytest.mark.parametrize(
    "change",
    [
        _change_a_page,
        change_config,
        change_template,
        lambda root: (root / "site" / "index.html").unlink(),
        lambda root: (root / "site" / "index.html").write_text("changed", encoding="utf-8"),
        lambda root: (root / "pagefind.yml").write_text("exclude_selectors: [h2]\n", "utf-8"),
    ],
    ids=["a-page", "mkdocs-yml", "template", "site-file-gone", "site-file-changed", "pagefind"],
)
def test_anything_a_build_reads_or_made_changed_builds_again(
    published: Path, tmp_path: Path, change: Callable[[Path], None]
) -> None:
    root = tmp_path / "project"
    shutil.copytree(published, root)
    change(root)
    result = factsheets("-C", root, "build")
    assert result.exit_code == 0, result.output
    assert KEPT not in result.output
    assert "<!doctype html>" in (root / "site" / "index.html").read_text(encoding="utf-8")
