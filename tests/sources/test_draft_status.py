"""`status: draft`: a summary no editor has reviewed is checked like any other, listed by
`factsheets check`, and left out of the site, unless the site publishes drafts
(`extra: {factsheets: {publish_drafts: true}}`), each page drawn from one under a notice."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import HARBOUR, HARBOUR_SUMMARY, to_html, without_undated

from bench import synth
from generator import pipeline
from generator.common.errors import FactsheetsError, InvalidInput
from generator.common.project import HOME_PAGE, Project
from generator.sources.schema import Summary
from generator.sources.vocabulary import ReviewStatus

GAZETTE = (
    "Port Vell is a harbour town. Ana Ruiz has been mayor for a year. "
    "Her deputy, Joan Puig, runs the port.\n"
)

GAZETTE_DRAFT = """
    format: 2
    status: draft
    source:
      id: gazette
      title: Port Vell profile
    actors:
      - id: ana-ruiz
        name: Ana Ruiz
        kind: person
        quote: Ana Ruiz has been mayor
      - id: joan-puig
        name: Joan Puig
        kind: person
        quote: Her deputy, Joan Puig
    locations:
      - id: port-vell
        name: Port Vell
        kind: city
        quote: Port Vell is a harbour town
"""
"""A draft: `ana-ruiz` and `port-vell` are the reviewed summary's too, `joan-puig` its own."""

PUBLISH_DRAFTS = "extra:\n  factsheets:\n    publish_drafts: true\n"
DRAFT_FILE = "seeds/gazette/summary.yaml"
NOTICE = '!!! warning "Unreviewed"\n\n    '


def make(fictional, *, publish: bool = False, harbour: str = HARBOUR_SUMMARY) -> Project:
    fictional.add("harbour", HARBOUR, harbour)
    fictional.add("gazette", GAZETTE, GAZETTE_DRAFT)
    if publish:
        with (fictional.root / "mkdocs.yml").open("a", encoding="utf-8") as config:
            config.write(PUBLISH_DRAFTS)
    return Project.at(fictional.root)


def page(project: Project, path: str) -> str:
    return (project.content / path).read_text(encoding="utf-8")


def line_of(fictional, folder: str, text: str) -> int:
    summary = (fictional.root / "seeds" / folder / "summary.yaml").read_text(encoding="utf-8")
    return summary[: summary.index(text)].count("\n") + 1


# --- The format ------------------------------------------------------------------------


def test_a_summary_is_reviewed_unless_it_says_it_is_a_draft() -> None:
    meta = {"source": {"id": "a", "title": "A"}}
    assert Summary.model_validate(meta).status is ReviewStatus.reviewed
    assert not Summary.model_validate(meta).draft
    assert Summary.model_validate({**meta, "status": "draft"}).draft
    assert not Summary.model_validate({**meta, "status": "reviewed"}).draft
    with pytest.raises(ValueError, match="status"):
        Summary.model_validate({**meta, "status": "done"})


def test_publish_drafts_is_read_from_mkdocs_yml(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Test\n", encoding="utf-8")
    assert not Project.at(tmp_path).publish_drafts
    config.write_text("site_name: Test\nextra:\n  analytics: x\n", encoding="utf-8")
    assert not Project.at(tmp_path).publish_drafts
    config.write_text(f"site_name: Test\n{PUBLISH_DRAFTS}", encoding="utf-8")
    assert Project.at(tmp_path).publish_drafts
    config.write_text(f"site_name: Test\n{PUBLISH_DRAFTS.replace('true', 'sure')}", "utf-8")
    with pytest.raises(FactsheetsError, match="publish_drafts must be true or false, not 'sure'"):
        Project.at(tmp_path)


# --- Not published, still checked ------------------------------------------------------


def test_a_draft_is_not_published(fictional) -> None:
    project = make(fictional)
    pipeline.generate(project)

    pages = sorted(p.relative_to(project.content).as_posix() for p in project.content.rglob("*.md"))
    assert "sources/gazette.md" not in pages
    assert "actors/joan-puig.md" not in pages  # defined by the draft alone
    assert "actors/ana-ruiz.md" in pages
    everything = "".join(page(project, path) for path in pages)
    # The draft's id as a word: the Data page names the gazetteer positions come from.
    assert not re.search(r"\bgazette\b", everything)
    assert "Port Vell profile" not in everything
    assert "has been mayor" not in everything
    assert "Joan Puig" not in everything
    assert "Unreviewed" not in everything


def test_a_draft_is_checked_like_any_summary(fictional, cli) -> None:
    make(fictional, harbour=HARBOUR_SUMMARY)
    summary = fictional.root / "seeds" / "gazette" / "summary.yaml"
    text = summary.read_text(encoding="utf-8")
    summary.write_text(text.replace("Her deputy, Joan", "His deputy, Joan"), encoding="utf-8")
    line = line_of(fictional, "gazette", "quote: His deputy")

    result = cli("-C", fictional.root, "check")

    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: {DRAFT_FILE}:{line}: actors[1].quote: quote not found in "
        "seeds/gazette/source.txt: 'His deputy, Joan Puig'\n"
    )
    assert result.output.endswith("1 problem found; nothing was written.\n")


def test_an_id_a_draft_defines_collides_as_any_other(fictional) -> None:
    make(fictional)
    fictional.add("gazette", GAZETTE, GAZETTE_DRAFT.replace("id: port-vell", "id: harbour-council"))
    line = line_of(fictional, "gazette", "id: harbour-council")
    # Reported where the second definition is, in folder order: the draft comes first.
    assert fictional.problems() == [
        "seeds/harbour/summary.yaml:9: actors[1].id: id 'harbour-council' is a government "
        f"(actor) here but a city (location) in {DRAFT_FILE}:{line}; one id must name one entity"
    ]


def test_a_reviewed_summary_cannot_rest_on_an_id_only_a_draft_defines(fictional, cli) -> None:
    harbour = HARBOUR_SUMMARY + (
        "          - actor: joan-puig\n"
        "            role: participant\n"
        "            quote: opened the new bridge\n"
    )
    make(fictional, harbour=harbour)
    line = line_of(fictional, "harbour", "actor: joan-puig")

    result = cli("-C", fictional.root, "check")

    assert (result.exit_code, result.output) == (
        1,
        f"Error: seeds/harbour/summary.yaml:{line}: events[0].participants[1].actor: "
        f"'joan-puig' is defined only in the draft {DRAFT_FILE}; review that draft first, "
        "or define 'joan-puig' here\n"
        "1 problem found; nothing was written.\n",
    )
    with pytest.raises(InvalidInput):
        pipeline.generate(Project.at(fictional.root))


def test_a_site_publishing_drafts_may_rest_on_them(fictional) -> None:
    harbour = HARBOUR_SUMMARY + (
        "          - actor: joan-puig\n"
        "            role: participant\n"
        "            quote: opened the new bridge\n"
    )
    project = make(fictional, harbour=harbour, publish=True)
    pipeline.generate(project)
    assert "Joan Puig" in page(project, "events/bridge-opening.md")


# --- factsheets check ---------------------------------------------------------------


def test_check_lists_drafts_and_counts_every_summary(fictional, cli) -> None:
    make(fictional)
    result = cli("-C", fictional.root, "check")
    assert (result.exit_code, without_undated(result.output)) == (
        0,
        f"Draft (not published until reviewed): {DRAFT_FILE}\n"
        "OK: 2 sources (1 draft, not published), 3 actors, 1 location, 1 event, "
        "0 statements in all.\n",
    )


def test_check_when_drafts_are_published(fictional, cli) -> None:
    make(fictional, publish=True)
    result = cli("-C", fictional.root, "check")
    assert (result.exit_code, without_undated(result.output)) == (
        0,
        f"Draft (published as unreviewed): {DRAFT_FILE}\n"
        "OK: 2 sources (1 draft, published as unreviewed), 3 actors, 1 location, 1 event, "
        "0 statements in all.\n",
    )


def test_check_warns_of_a_draft_id_that_likely_duplicates_another(fictional, cli) -> None:
    """A draft is not published, but its ids will be: a likely duplicate is said now."""
    make(fictional)
    fictional.add("gazette", GAZETTE, GAZETTE_DRAFT.replace("id: ana-ruiz", "id: mayor-ruiz"))
    result = cli("-C", fictional.root, "check")
    assert result.exit_code == 0
    assert without_undated(result.output).startswith(
        "Warning: 'ana-ruiz' and 'mayor-ruiz' may be the same actor: both are called 'Ana Ruiz'."
    )


# --- Published under a notice --------------------------------------------------------


def test_published_drafts_show_a_notice_on_every_page_drawn_from_them(fictional) -> None:
    project = make(fictional, publish=True)
    pipeline.generate(project)

    own = page(project, "sources/gazette.md")
    assert (
        "# Port Vell profile { #fs-title }\n\n"
        f"{NOTICE}This summary is a draft: no editor has reviewed it yet.\n\n"
        '<div class="fs-infobox" markdown>'
    ) in own
    citing = (
        f"{NOTICE}Parts of this page come from draft summaries not yet reviewed by an editor: "
        "[Port Vell profile](../sources/gazette.md).\n\n"
    )
    for path, title in [
        ("actors/ana-ruiz.md", "Ana Ruiz"),
        ("actors/joan-puig.md", "Joan Puig"),
        ("locations/port-vell.md", "Port Vell"),
    ]:
        assert f"# {title} {{ #fs-title }}\n\n{citing}" in page(project, path), path
    # Pages drawn from reviewed summaries alone have none; the sources index marks drafts.
    for path in (
        "sources/harbour-news.md",
        "actors/harbour-council.md",
        "events/bridge-opening.md",
    ):
        assert "Unreviewed" not in page(project, path), path
    assert "[Port Vell profile](gazette.md) *(draft, not reviewed)* |" in page(
        project, "sources/index.md"
    )
    html = to_html(page(project, "actors/ana-ruiz.md"))
    assert '<div class="admonition warning">\n<p class="admonition-title">Unreviewed</p>' in html
    assert '<a href="../sources/gazette.md">Port Vell profile</a>' in html


def test_the_same_site_without_drafts_is_what_it_was(fictional, tmp_path: Path) -> None:
    """Reviewing a draft removes every trace of the notice; publishing no draft changes
    nothing, whatever the setting."""
    project = make(fictional, publish=True)
    summary = fictional.root / "seeds" / "gazette" / "summary.yaml"
    summary.write_text(
        summary.read_text(encoding="utf-8").replace("status: draft\n", ""), encoding="utf-8"
    )
    pipeline.generate(project)
    published = content_of(project.root)

    plain = tmp_path / "plain"
    shutil.copytree(fictional.root / "seeds", plain / "seeds")
    (plain / "content").mkdir()
    (plain / "mkdocs.yml").write_text("site_name: Test\ndocs_dir: content\n", encoding="utf-8")
    pipeline.generate(Project.at(plain))
    assert content_of(plain) == published
    # The About page tells what a draft summary is on any site; what it says of drafts
    # this site publishes (each page under an "Unreviewed" notice) is gone.
    method = "A draft summary can be proposed from the article by `factsheets draft`"
    assert method in published["about/index.md"]
    for path, text in published.items():
        assert "unreviewed" not in text.lower(), path
        assert "draft" not in text.replace(method, ""), path


# --- Incremental runs -----------------------------------------------------------------


def content_of(root: Path) -> dict[str, str]:
    """The generated pages: the generated folders' and the home page (made in a project
    without one: its "at a glance" section counts the site)."""
    content = root / "content"
    home = content / HOME_PAGE
    assert home.is_file()
    return {
        path.relative_to(content).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted([home, *content.glob("*/*.md")])
    }


def set_status(folder: Path, status: str | None) -> None:
    """Mark a synthesised summary (it opens with a comment line) a draft, or not."""
    summary = folder / "summary.yaml"
    lines = [
        line
        for line in summary.read_text(encoding="utf-8").splitlines(keepends=True)
        if not line.startswith("status:")
    ]
    if status is not None:
        lines.insert(1, f"status: {status}\n")
    summary.write_text("".join(lines), encoding="utf-8")


def set_publishing(root: Path, publish: bool) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(PUBLISH_DRAFTS, "")
    config.write_text(text + (PUBLISH_DRAFTS if publish else ""), encoding="utf-8")


def test_incremental_runs_follow_a_draft_through_review(tmp_path: Path) -> None:
    """A draft added, reviewed, made a draft again, published and not: after each step,
    an incremental run writes what a full run from scratch writes."""
    corpus = synth.synthesise(60, seed=17)
    extra = synth.extra_source(corpus)
    root = synth.write_project(corpus, tmp_path / "incremental")
    project = Project.at(root)
    pipeline.generate(project)
    folder = root / "seeds" / extra.id

    def add_draft() -> None:
        synth.write_draft(root / "seeds", extra)
        set_status(folder, "draft")

    steps = [
        ("add a draft", add_draft, False),
        ("review it", lambda: set_status(folder, None), False),
        ("make it a draft again", lambda: set_status(folder, "draft"), False),
        ("publish drafts", lambda: set_publishing(root, True), True),
        ("review it, published", lambda: set_status(folder, "reviewed"), True),
        ("a draft again, published", lambda: set_status(folder, "draft"), True),
        ("stop publishing drafts", lambda: set_publishing(root, False), False),
    ]
    for number, (name, step, shows_draft) in enumerate(steps):
        step()
        project = Project.at(root)
        outcome = pipeline.generate(project)
        assert outcome.rendered > 0, name
        if "publishing" in name or name == "publish drafts":  # a change to every page
            assert outcome.rendered == outcome.plan.pages, name
        elif name.endswith(", published"):  # the pages citing it, and the sources index
            assert outcome.rendered < outcome.plan.pages / 2, name
        draft = "status: draft" in (folder / "summary.yaml").read_text(encoding="utf-8")
        source_page = project.content / "sources" / f"{extra.id}.md"
        assert source_page.exists() == (not draft or shows_draft), name
        if source_page.exists():
            assert ("This summary is a draft" in source_page.read_text("utf-8")) == draft, name

        fresh = synth.write_project(corpus, tmp_path / f"full-{number}")
        shutil.rmtree(fresh / "seeds")
        shutil.copytree(root / "seeds", fresh / "seeds")
        shutil.copy(root / "mkdocs.yml", fresh / "mkdocs.yml")
        pipeline.generate(Project.at(fresh))
        incremental, full = content_of(root), content_of(fresh)
        assert incremental.keys() == full.keys(), name
        assert [path for path in full if incremental[path] != full[path]] == [], name
