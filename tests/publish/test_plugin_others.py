"""The `factsheets` MkDocs plugin beside plugins and hooks it does not know: the site built
with its workers is byte-identical to MkDocs' own build, or the plugin leaves the work
to MkDocs and says so (with `-v`)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from conftest import copy_project
from test_plugin import mkdocs_build, tree

FACTSHEETS = "  - factsheets\n"


def add_to_config(root: Path, *, plugins: str = "", top: str = "") -> None:
    """Adds plugins after ours in the project's mkdocs.yml, and top-level settings."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count(FACTSHEETS) == 1
    config.write_text(text.replace(FACTSHEETS, FACTSHEETS + plugins) + top, encoding="utf-8")


def builds(
    root: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> tuple[dict[str, bytes], list[str]]:
    """The site as MkDocs builds it alone, then with two workers (which must be the same),
    and what our plugin said while building with workers."""
    serial = tree(mkdocs_build(root, 1, monkeypatch))
    shutil.rmtree(root / "site")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.factsheets"):
        parallel = tree(mkdocs_build(root, 2, monkeypatch))
    said = [
        r.getMessage()
        for r in caplog.records
        if r.name == "mkdocs.plugins.factsheets"
        and not r.getMessage().startswith("factsheets: reused ")  # `test_reuse.py`'s
    ]
    assert len(parallel) > 50
    assert parallel.keys() == serial.keys()
    assert [name for name in serial if serial[name] != parallel[name]] == []
    return parallel, said


def test_a_hook_of_the_lowest_priority_that_edits_a_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Registered after our plugin, with the same priority: it changes the Markdown
    after our plugin's own `on_page_markdown` has seen it."""
    root = copy_project(tmp_path / "project")
    (root / "hooks").mkdir()
    (root / "hooks" / "edit.py").write_text(
        "from mkdocs.plugins import event_priority\n\n\n"
        "@event_priority(-100)\n"
        "def on_page_markdown(markdown, page, **kwargs):\n"
        '    if page.file.src_uri == "actors/antony-blinken.md":\n'
        '        return markdown + "\\n\\nEdited by a hook.\\n"\n'
        "    return markdown\n",
        encoding="utf-8",
    )
    add_to_config(root, top="\nhooks:\n  - hooks/edit.py\n")
    site, said = builds(root, monkeypatch, caplog)
    assert b"<p>Edited by a hook.</p>" in site["actors/antony-blinken/index.html"]
    assert said == [
        "factsheets: no page is reused from the last build: the hook hooks/edit.py has "
        "on_page_markdown, which may keep state between pages.",
        "factsheets: MkDocs converted 2 pages itself, whose Markdown a plugin changed after "
        "it was converted ahead: tags.md, actors/antony-blinken.md.",
    ]


def test_mkdocs_autorefs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Its Markdown extension records every heading the pages have, for the links to
    them: a worker's conversion would record them in the worker."""
    root = copy_project(tmp_path / "project")
    with (root / "content" / "index.md").open("a", encoding="utf-8") as page:
        page.write("\nSee [the strike itself][what-happened-on-the-night].\n")
    with (root / "content" / "events" / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n## What happened on the night\n\nA heading to link to.\n")
    add_to_config(root, plugins="  - autorefs\n")
    site, said = builds(root, monkeypatch, caplog)
    assert b'href="events/#what-happened-on-the-night"' in site["index.html"]
    assert said == [
        "factsheets: no page is reused from the last build: the plugin autorefs has "
        "on_page_markdown and on_page_content and on_env, which may keep state between pages.",
        "factsheets: MkDocs converts the pages to HTML itself: a plugin added the Markdown "
        "extension mkdocs_autorefs._internal.references.AutorefsExtension.",
    ]


def test_mkdocs_redirects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """It has no page hooks: the workers do all they do without it."""
    root = copy_project(tmp_path / "project")
    add_to_config(
        root, plugins="  - redirects:\n      redirect_maps:\n        old-home.md: index.md\n"
    )
    site, said = builds(root, monkeypatch, caplog)
    assert b'<link rel="canonical" href="../">' in site["old-home/index.html"]
    assert said == [
        "factsheets: MkDocs converted 1 page itself, whose Markdown a plugin changed after "
        "it was converted ahead: tags.md."
    ]


def test_a_hook_that_changes_the_templates_environment_after_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Workers forked before it ran would render pages without what it changed."""
    root = copy_project(tmp_path / "project")
    (root / "hooks").mkdir()
    (root / "hooks" / "late.py").write_text(
        "from mkdocs.plugins import event_priority\n\n\n"
        "@event_priority(-100)\n"
        "def on_env(env, config, files):\n"
        '    env.globals["built_by"] = "a hook"\n'
        "    return env\n",
        encoding="utf-8",
    )
    add_to_config(root, top="\nhooks:\n  - hooks/late.py\n")
    _, said = builds(root, monkeypatch, caplog)
    assert said == [
        "factsheets: no page is reused from the last build: the hook hooks/late.py has "
        "on_env, which may keep state between pages.",
        "factsheets: MkDocs renders the page templates itself: the hook hooks/late.py "
        "handles on_env after factsheets.",
        "factsheets: MkDocs converted 1 page itself, whose Markdown a plugin changed after "
        "it was converted ahead: tags.md.",
    ]
