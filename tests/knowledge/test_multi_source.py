"""Issue 3, every fact traceable across many sources: the three-source fixture.

`tests/fixtures/multi/` is a complete small project: three fictional reports
(invented outlets, places and people, written for the tests) on the shelling of
the border town of Kessa Ford. They share entities by id under different aliases,
give different death tolls (12, 15, at least 9) and dates (2 April, 1 April), and
contradict each other (Korby claims the border guards fired first, Ilvane denies
it, the river commission confirms it). `seeds/distinct.yaml` records Aurel Vasko
and Aurel Vaskov as different people; the Courier gives the Ostrenian brigade an id
of its own, which `check` must report.

Its `content/` is the golden output of the templates. After a deliberate change
to the templates, regenerate it and review the diff:

    .venv/bin/factsheets -C tests/fixtures/multi generate

Tests marked `xfail(strict=True)` describe the correct behaviour of known bugs;
each reason names the function or template at fault.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import THEME, SourceText, leads_to_its_quote, to_html

from generator.cli import main
from generator.pages import budget

ROOT = Path(__file__).resolve().parent.parent.parent
"""The repository: its seeds/ and content/ are the demo project."""
FIXTURE = ROOT / "tests" / "fixtures" / "multi"
HAND_WRITTEN = (
    "index.md",
    "tags.md",
    "search.md",
)
GENERATED_DIRS = ("actors", "locations", "events", "sources", "statements")

LEDGER = "ledger-kessa-ford-shelling"
WIRE = "wire-lemm-border-clash"
COURIER = "courier-kessa-ford-monitors"
TITLES = {
    LEDGER: "Shelling kills 12 in border town of Kessa Ford",
    WIRE: "Fifteen dead after border clash on the Lemm",
    COURIER: "Monitors say first shots at Kessa Ford came from the Valdorian bank",
}
"""The sources in publication order: 3, 4 and 6 April 2031 (folder order is courier, ledger, wire)."""

EVENT = "events/kessa-ford-shelling.md"

WHOLE = 10**9
"""A page budget no page reaches: these tests are about what fact sheets say, so they read
them whole (`tests/pages/test_long_sections.py` tests cutting long sections short)."""


@pytest.fixture(autouse=True)
def whole_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "PAGE_BUDGET", WHOLE)


# --- Helpers -------------------------------------------------------------------


def fixture_copy(target: Path, *, with_content: bool = False) -> Path:
    """A copy of the fixture project; without content, only its hand-written pages."""
    target.mkdir(parents=True)
    shutil.copy(FIXTURE / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(FIXTURE / "overrides", target / "overrides")  # a link to the repo's
    shutil.copytree(FIXTURE / "seeds", target / "seeds")
    if with_content:
        shutil.copytree(FIXTURE / "content", target / "content")
    else:
        for name in HAND_WRITTEN:
            (target / "content" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(FIXTURE / "content" / name, target / "content" / name)
    return target


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def generate(root: Path) -> None:
    result = run("-C", root, "generate")
    assert result.exit_code == 0, result.output


def pages_of(content: Path) -> dict[str, str]:
    """Every generated page under content/, by path relative to it."""
    return {
        str(path.relative_to(content)): path.read_text(encoding="utf-8")
        for folder in GENERATED_DIRS
        for path in sorted((content / folder).glob("*.md"))
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The fixture's pages, generated fresh into a temporary copy."""
    root = fixture_copy(tmp_path_factory.mktemp("multi") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(budget, "PAGE_BUDGET", WHOLE)
        generate(root)
    return pages_of(root / "content")


def unescape(text: str) -> str:
    """Markdown written by `markup.escape` back to plain text."""
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


_TYPOGRAPHIC = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def plain(text: str) -> str:
    """Text as quotes are compared: straight quotes, single spaces."""
    return " ".join(text.translate(_TYPOGRAPHIC).split())


FOOTNOTE = re.compile(
    r"^\[\^fs-(?P<n>\d+)\]: “(?P<quote>.*)” — \[(?P<title>.*), ¶(?P<p>\d+)\.(?P<s>\d+)\]"
    r"\(\.\./sources/(?P<source>[a-z0-9-]+)\.md"
    r"#(?P<anchor>(?P<sentence>p\d+-s\d+)(?:-q(?P<start>\d+)-(?P<end>\d+))?)\)$",
    re.MULTILINE,
)
"""A footnote definition. Its link leads to the quote's own anchor on the source's page
(`p1-s1-q76-139`: the sentence's anchor, then where the quoted words are in the sentence as
shown), or to the sentence's anchor when the words cannot be found in it."""


def footnotes(page: str) -> dict[str, re.Match]:
    """The page's footnote definitions, by number."""
    return {m["n"]: m for m in FOOTNOTE.finditer(page)}


def sentences(source_page: str) -> dict[str, str]:
    """A source page's sentences (plain text, as shown), by anchor."""
    return SourceText(source_page).sentences


def section(page: str, heading: str) -> str:
    """The Markdown under `## heading`, up to the next heading, the line linking the page's
    JSON (which ends the Sources section) or the footnotes."""
    match = re.search(
        rf"^## {re.escape(heading)}\n\n(.*?)(?=^## |^Data: \[|^\[\^fs-1\]: |\Z)", page, re.M | re.S
    )
    assert match, f"no section {heading!r}"
    return match[1].strip()


def table_rows(page: str, first_cell: str) -> list[list[str]]:
    """Cells of the table rows whose first cell is `first_cell`."""
    rows = []
    for line in page.splitlines():
        if line.startswith(f"| {first_cell} |"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def figure_rows(page: str, label: str) -> list[list[str]]:
    """Cells of the rows of the Figures table whose first cell is `label`."""
    return table_rows(page[page.index("## Figures") :], label)


def cited(page: str, cell: str) -> list[tuple[str, str, str]]:
    """(source id, the anchor of the sentence linked to, quote) of every footnote mark in a
    piece of the page. (`test_every_footnote_links_to_the_sentence_holding_its_quote`
    checks each link leads to the quote in that sentence.)"""
    notes = footnotes(page)
    return [
        (notes[n]["source"], notes[n]["sentence"], unescape(notes[n]["quote"]))
        for n in re.findall(r"\[\^fs-(\d+)\]", cell)
    ]


def rendered(page: str) -> str:
    """A page as HTML, with the Markdown extensions the site uses."""
    return to_html(re.sub(r"\A---\n.*?\n---\n", "", page, flags=re.S))


def source_link(source_id: str) -> str:
    return f"[{TITLES[source_id]}](../sources/{source_id}.md)"


# --- check: likely duplicates -----------------------------------------------------

BRIGADE_WARNING = (
    "Warning: 'ostrenian-7th-brigade' and 'seventh-mountain-brigade' may be the same actor: "
    "both are called '7th Brigade'. If they are, use one id in "
    "seeds/courier-kessa-ford-monitors/summary.yaml, seeds/ledger-kessa-ford-shelling/summary.yaml, "
    "seeds/wire-lemm-border-clash/summary.yaml; if not, add "
    "[ostrenian-7th-brigade, seventh-mountain-brigade] to seeds/distinct.yaml.\n"
)
CHECK_OK = "OK: 3 sources, 12 actors, 3 locations, 3 events, 6 statements.\n"


def test_check_warns_about_the_shared_alias_and_not_the_recorded_distinct_pair(tmp_path):
    root = fixture_copy(tmp_path / "project", with_content=True)
    result = run("-C", root, "check")
    assert result.exit_code == 0
    assert result.output == BRIGADE_WARNING + CHECK_OK


def test_check_warns_about_near_identical_names_once_the_distinct_record_is_gone(tmp_path):
    root = fixture_copy(tmp_path / "project", with_content=True)
    (root / "seeds" / "distinct.yaml").unlink()
    result = run("-C", root, "check")
    assert result.exit_code == 0
    assert result.output == (
        "Warning: 'aurel-vasko' and 'aurel-vaskov' may be the same actor: their names "
        "'Aurel Vasko' and 'Aurel Vaskov' are 96% alike. If they are, use one id in "
        "seeds/courier-kessa-ford-monitors/summary.yaml, seeds/wire-lemm-border-clash/summary.yaml; "
        "if not, add [aurel-vasko, aurel-vaskov] to seeds/distinct.yaml.\n"
        + BRIGADE_WARNING
        + CHECK_OK
    )


# --- Verified quotes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "misquoted", "expected"),
    [
        (
            'quote: "Fifteen people were killed"',
            'quote: "Sixteen people were killed"',
            "Error: seeds/wire-lemm-border-clash/summary.yaml:{line}: events[0].figures[0].quote: "
            "quote not found in seeds/wire-lemm-border-clash/source.txt: "
            "'Sixteen people were killed'\n"
            "    closest passage (92% similar): 'Fifteen people were killed'\n"
            "1 problem found; nothing was written.\n",
        ),
        (
            'quote: "Petra Ilvane denied that the frontier guards had opened fire"',
            'quote: "Petra Ilvane denied that the border guards had opened fire"',
            "Error: seeds/wire-lemm-border-clash/summary.yaml:{line}: statements[1].quote: "
            "quote not found in seeds/wire-lemm-border-clash/source.txt: "
            "'Petra Ilvane denied that the border guards had opened fire'\n"
            "    closest passage (91% similar): "
            "'Petra Ilvane denied that the frontier guards had opened fire.'\n"
            "1 problem found; nothing was written.\n",
        ),
    ],
    ids=["figure", "statement"],
)
def test_a_misquoted_claim_is_an_error_naming_file_line_field_and_closest_passage(
    tmp_path, written, misquoted, expected
):
    root = fixture_copy(tmp_path / "project", with_content=True)
    summary = root / "seeds" / WIRE / "summary.yaml"
    text = summary.read_text(encoding="utf-8")
    assert text.count(written) == 1
    line = text[: text.index(written)].count("\n") + 1
    summary.write_text(text.replace(written, misquoted), encoding="utf-8")
    before = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}

    result = run("-C", root, "generate")

    assert result.exit_code == 1
    assert result.output == expected.format(line=line)
    after = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}
    assert after == before


# --- The merged event: figures, ranges, dates -------------------------------------------


def test_event_lists_every_fatality_value_with_its_source_and_as_of_date(site):
    page = site[EVENT]
    rows = figure_rows(page, "Killed")
    # Oldest report first: publication order, not folder order.
    assert [row[1].split("[^")[0] for row in rows] == [
        "12, according to [Valdorian Interior Ministry](../actors/valdorian-interior-ministry.md)",
        "15",
        "at least 9, according to [Lemm River Commission](../actors/lemm-river-commission.md)",
    ]
    for row, source_id, as_of in zip(
        rows,
        (LEDGER, WIRE, COURIER),
        ("3 April 2031", "4 April 2031", "6 April 2031"),
        strict=True,
    ):
        assert row[2].startswith(source_link(source_id))
        assert row[2].endswith(f"(as of {as_of})")
    assert [cited(page, row[1]) for row in rows] == [
        [(LEDGER, "p1-s1", "killing 12 people, according to the Valdorian Interior Ministry")],
        [(WIRE, "p1-s1", "Fifteen people were killed")],
        [(COURIER, "p1-s1", "At least nine people died in the shelling of Kessa Ford")],
    ]


def test_a_value_two_sources_agree_on_is_one_row_citing_both(site):
    page = site[EVENT]
    rows = figure_rows(page, "Injured")
    assert [row[1].split("[^")[0] for row in rows] == [
        "40",
        "more than 50, according to [Lemm River Commission](../actors/lemm-river-commission.md)",
    ]
    assert cited(page, rows[0][1]) == [
        (LEDGER, "p1-s2", "Another 40 people were injured"),
        (WIRE, "p1-s1", "40 were wounded"),
    ]
    assert source_link(LEDGER) in rows[0][2]
    assert source_link(WIRE) in rows[0][2]
    assert COURIER not in rows[0][2]


def test_event_shows_the_low_high_range_of_each_disputed_figure(site):
    page = site[EVENT]
    # The box gives the range first, and says the sources disagree.
    [killed] = table_rows(page[: page.index("</div>")], "Killed")
    assert killed[1].startswith("at least 9 to 15: sources disagree[^")
    [injured] = table_rows(page[: page.index("</div>")], "Injured")
    assert injured[1].startswith("40 to more than 50: sources disagree[^")
    # Each warning lists every source's value itself.
    assert (
        '!!! warning "Sources disagree: Killed"\n    Their latest counts cannot all be true:\n'
        in page
    )
    assert '!!! warning "Sources disagree: Injured"\n' in page
    assert page.count("!!! warning") == 3  # the two figures and the date


def test_range_numbers_are_formatted_like_the_figures_table(site):
    page = site["events/lemm-valley-troop-buildup.md"]
    assert "| Troops | about 1,200, according to " in page
    assert re.search(r"    - about 1,200, according to .*\[\^fs-\d+\]: ", page)
    assert re.search(r"    - 1,500\[\^fs-\d+\]: ", page)


def test_the_same_number_with_different_attributions_is_no_disagreement(tmp_path):
    root = fixture_copy(tmp_path / "project")
    ledger = root / "seeds" / LEDGER / "summary.yaml"
    text = ledger.read_text(encoding="utf-8")
    attributed = text.replace(
        '        value: 40\n        quote: "Another 40 people were injured"',
        "        value: 40\n        according_to: valdorian-interior-ministry\n"
        '        quote: "Another 40 people were injured"',
    )
    assert attributed != text
    ledger.write_text(attributed, encoding="utf-8")
    courier = root / "seeds" / COURIER / "summary.yaml"
    text = courier.read_text(encoding="utf-8")
    block = (
        "      - kind: injured\n        value: 50\n        qualifier: more-than\n"
        "        according_to: lemm-river-commission\n"
        '        quote: "The commission counted more than 50 wounded."\n'
    )
    assert block in text
    courier.write_text(text.replace(block, ""), encoding="utf-8")
    generate(root)
    page = (root / "content" / EVENT).read_text(encoding="utf-8")
    assert len(figure_rows(page, "Injured")) == 2  # both attributions are still shown
    assert "Sources disagree: Injured" not in page


def test_event_shows_every_date_with_the_sentence_that_states_it(site):
    page = site[EVENT]
    [when] = table_rows(page, "When")
    assert re.sub(r"(\[\^fs-\d+\]|<sup class=\"fs-sep\">,</sup>)", "", when[1]) == (
        "2 April 2031; 1 April 2031"
    )
    dates = when[1].split("; ")
    # Marks are in footnote-number order, which is the order of first use on the page.
    assert sorted(cited(page, dates[0])) == [
        (COURIER, "p1-s1", "the shelling of Kessa Ford on 2 April"),
        (LEDGER, "p1-s1", "Kessa Ford on 2 April"),
    ]
    assert cited(page, dates[1]) == [(WIRE, "p1-s1", "late on 1 April")]


def test_date_disagreement_is_inside_its_warning_box(site):
    box = re.search(
        r'<div class="admonition warning">\s*<p class="admonition-title">'
        r"Sources disagree on the date</p>(.*?)</div>",
        rendered(site[EVENT]),
        re.S,
    )
    assert box is not None
    assert "2 April 2031" in box[1]
    assert "1 April 2031" in box[1]


def test_date_disagreement_names_sources_by_title(site):
    page = site[EVENT]
    start = page.index('!!! warning "Sources disagree on the date"')
    warning = page[start : page.index("## Participants", start)]
    for source_id, title in TITLES.items():
        assert f"({source_id}" not in warning and f" {source_id})" not in warning
        assert title in warning


def test_relative_dates_name_the_report_date_as_readers_write_it(site):
    page = site["events/kessa-crossing-closure.md"]
    [when] = table_rows(page, "When")
    assert when[1].startswith("the next morning, relative to the report of 6 April 2031")


# --- Footnotes and sentence anchors ---------------------------------------------------


def quote_starts_in(source_page: str, anchor: str, quote: str) -> bool:
    """True when the quote's first occurrence in the source starts in the sentence `anchor`."""
    text, starts = "", {}
    for key, sentence in sentences(source_page).items():
        starts[key] = len(text)
        text += plain(sentence) + " "
    at = text.find(plain(quote))
    if at < 0:
        return False
    ends = sorted(starts.values()) + [len(text)]
    begin = starts[anchor]
    return begin <= at < ends[ends.index(begin) + 1]


def test_every_footnote_links_to_the_sentence_holding_its_quote(site):
    texts = {source: SourceText(site[f"sources/{source}.md"]) for source in TITLES}
    count = 0
    for path, page in site.items():
        definitions = [line for line in page.splitlines() if line.startswith("[^")]
        notes = footnotes(page)
        assert len(notes) == len(definitions), f"{path}: a footnote has an unexpected shape"
        assert set(re.findall(r"\[\^fs-(\d+)\](?!:)", page)) == set(notes), path
        for note in notes.values():
            source_page = site[f"sources/{note['source']}.md"]
            anchor = f"p{note['p']}-s{note['s']}"
            assert note["sentence"] == anchor  # the sentence its label names
            assert f'id="{note["anchor"]}"' in source_page
            assert note["title"] == TITLES[note["source"]]
            quote = unescape(note["quote"])
            assert quote_starts_in(source_page, anchor, quote), f"{path}: {quote!r} not at {anchor}"
            assert leads_to_its_quote(texts[note["source"]], note, quote), (
                f"{path}: {note['anchor']} is not where {quote!r} is"
            )
            # Every quote of the fixture is found in its sentence: each has its anchor.
            assert note["start"] is not None, f"{path}: {quote!r} has no anchor of its own"
            count += 1
    assert count > 100


def test_source_pages_show_metadata_and_every_sentence_with_an_anchor(site):
    page = site[f"sources/{WIRE}.md"]
    assert "| Outlet | Northgate Wire |" in page
    assert "| Authors | Tobias Renning, Alva Quist |" in page
    assert "| Published | 4 April 2031 |" in page
    assert (
        "| Address | [https://example.org/northgate-wire/lemm-border-clash]"
        "(https://example.org/northgate-wire/lemm-border-clash) |"
    ) in page
    assert list(sentences(page)) == [
        "p1-s1",
        "p2-s1",
        "p3-s1",
        "p3-s2",
        "p4-s1",
        "p4-s2",
        "p4-s3",
        "p5-s1",
    ]
    assert (
        sentences(page)["p4-s2"]
        == "“Our guards did not fire a single shot,” Ilvane told reporters."
    )


# --- One knowledge base: names and aliases merged -------------------------------------------


def test_merged_actor_page_shows_names_and_aliases_from_every_source(site):
    page = site["actors/valdoria.md"]
    assert page.count("\n# Valdoria { #fs-title }\n") == 1
    [aliases] = table_rows(page, "Also called")
    assert re.sub(r"\[\^fs-\d+\]", "", aliases[1]) == "Valdorian Republic; Republic of Valdoria"
    first, second = aliases[1].split("; ")
    # Each alias is cited at the sentence where its source uses it.
    assert cited(page, first) == [(WIRE, "p4-s3", "Valdorian Republic")]
    assert cited(page, second) == [(COURIER, "p4-s1", "Republic of Valdoria")]
    assert "| Sources | 3 |" in page
    quotes = [unescape(q) for q in re.findall(r"^> “(.*)”\[\^fs-\d+\]$", page, re.M)]
    assert quotes == [
        "Valdoria blamed the Ostrenian 7th Brigade",
        "The Valdorian Republic has asked for an inquiry.",
        "The Republic of Valdoria closed the Kessa Ford bridge crossing",
    ]

    korby = site["actors/anselm-korby.md"]
    [aliases] = table_rows(korby, "Also called")
    assert re.sub(r"\[\^fs-\d+\]", "", aliases[1]) == "Col. Korby; Korby"
    assert [c[0] for c in cited(korby, aliases[1])] == [LEDGER, WIRE]

    index = site["actors/index.md"]
    assert (
        "| [Valdoria](../actors/valdoria.md) | Valdorian Republic, Republic of Valdoria | "
        "Blamed the Ostrenian 7th Brigade for the shelling of Kessa Ford. | 3 |"
    ) in index


def test_different_names_for_one_place_are_all_shown(site):
    page = site["locations/kessa-bridge.md"]
    [names] = table_rows(page, "Names")
    assert re.sub(r"\[\^fs-\d+\]", "", names[1]) == (
        "Old bridge at Kessa Ford; Kessa Ford bridge crossing"
    )
    assert [c[0] for c in cited(page, names[1])] == [LEDGER, COURIER]


# --- Statements: who claimed, who denied, who confirmed ------------------------------------


def test_event_lists_who_claimed_condemned_confirmed_and_denied(site):
    statements = section(site[EVENT], "Statements")
    assert statements.startswith(
        "| Position | Who |\n"
        "|:--|:--|\n"
        "| Claimed by | [Anselm Korby](../actors/anselm-korby.md), "
        "[Dorin Maast](../actors/dorin-maast.md), [Aurel Vaskov](../actors/aurel-vaskov.md) |\n"
        "| Condemned by | [Petra Ilvane](../actors/petra-ilvane.md) |\n"
        "| Confirmed by | [Lemm River Commission](../actors/lemm-river-commission.md) |\n"
        "| Denied by | [Petra Ilvane](../actors/petra-ilvane.md) |\n\n"
    )


def test_a_statement_two_sources_report_quotes_both(site):
    page = site[EVENT]
    claim = next(
        line
        for line in page.splitlines()
        if line.startswith("- [Anselm Korby]") and "**claims**" in line
    )
    assert claim.startswith(
        "- [Anselm Korby](../actors/anselm-korby.md) **claims**: Valdorian border guards fired first."
    )
    assert [c[0] for c in cited(page, claim.split(" *About:*")[0])] == [LEDGER, WIRE]
    for speaker, verb, source_id in (
        ("Petra Ilvane", "denies", WIRE),
        ("Lemm River Commission", "confirms", COURIER),
    ):
        line = next(
            line for line in page.splitlines() if line.startswith(f"- [{speaker}]") and verb in line
        )
        assert [c[0] for c in cited(page, line.split(" *About:*")[0])] == [source_id]


def test_positions_are_a_table_of_their_own(site):
    html_page = rendered(site[EVENT])
    after = html_page.split(">Statements</h2>", 1)[1]
    table = after[after.index("<table>") : after.index("</table>")]
    assert table.count("<tr>") == 5  # the header and four positions
    assert after.index("</table>") < after.index("<ul>")


# --- Sources section and coverage -------------------------------------------------------


def test_fact_sheets_end_with_every_source_that_mentions_them(site):
    page = site[EVENT]
    listed = section(page, "Sources").splitlines()
    outlets = {LEDGER: "Harrow Ledger", WIRE: "Northgate Wire", COURIER: "Lemm Valley Courier"}
    assert sorted(listed) == sorted(f"- {source_link(s)} — {outlets[s]}" for s in TITLES)
    # The list is the last section: only the footnote definitions follow it.
    tail = page[page.index("## Sources") :]
    assert tail.count("## ") == 1
    # An actor the Courier only names in a statement still lists the Courier.
    guard = section(site["actors/valdorian-border-guard.md"], "Sources").splitlines()
    assert len(guard) == 3


def test_sources_section_is_in_publication_order(site):
    listed = section(site[EVENT], "Sources").splitlines()
    assert [line.split("](")[0].removeprefix("- [") for line in listed] == list(TITLES.values())


def test_coverage_counts_on_the_sources_index(site):
    page = site["sources/index.md"]
    assert (
        "| Source | Outlet | Published | Claims cited |\n"
        "|:--|:--|:--|--:|\n"
        f"| [{TITLES[LEDGER]}]({LEDGER}.md) | Harrow Ledger | 3 April 2031 | 75 |\n"
        f"| [{TITLES[WIRE]}]({WIRE}.md) | Northgate Wire | 4 April 2031 | 60 |\n"
        f"| [{TITLES[COURIER]}]({COURIER}.md) | Lemm Valley Courier | 6 April 2031 | 64 |\n"
    ) in page
    assert (
        "## Coverage\n\n"
        "| What | Count |\n"
        "|:--|--:|\n"
        "| Sources | 3 |\n"
        "| Actors | 12 |\n"
        "| Locations | 3 |\n"
        "| Events | 3 |\n"
        "| Statements | 6 |\n"
        "| Claims (facts with a quote) | 199 |\n"
        "| Facts stated by more than one source | 31 |\n"
        "| Facts on which sources disagree | 4 |\n"
    ) in page


# --- How the pages read -------------------------------------------------------------


def test_figure_sources_are_separated_by_spaces(site):
    [forty, _] = figure_rows(site[EVENT], "Injured")
    assert forty[2] == (
        f"{source_link(LEDGER)} (as of 3 April 2031), {source_link(WIRE)} (as of 4 April 2031)"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("events/index.md", "| 2 April 2031; 1 April 2031 |", id="events-index"),
        pytest.param(
            f"sources/{LEDGER}.md",
            "[Kessa Ford](../locations/kessa-ford.md), [Old bridge at Kessa Ford]",
            id="source-page",
        ),
    ],
)
def test_list_separators_keep_their_space(site, path, expected):
    assert expected in site[path]


def test_facts_cited_from_a_source_are_separate_items(site):
    html_page = rendered(site[f"sources/{WIRE}.md"])
    cited_part = html_page.split("Facts cited from this source</h2>", 1)[1]
    paragraphs = re.findall(r"<li>(.*?)</li>", cited_part, re.S)
    assert [re.sub(r"<.*?>", "", p).split(" (")[0] for p in paragraphs] == [
        "Actors",
        "Locations",
        "Events",
        "Statements",
    ]


def test_several_footnote_marks_are_visibly_separated(site):
    css = (THEME / "assets" / "factsheets.css").read_text(encoding="utf-8")
    separated_by_css = re.search(r"(sup|footnote-ref)[^{,]*\+\s*(sup|\.footnote-ref)", css)
    run_together = re.findall(r"\[\^fs-\d+\]\[\^fs-\d+\]", site[EVENT])
    assert separated_by_css or not run_together


# --- Golden output and site build -------------------------------------------------------


def test_generating_the_fixture_reproduces_its_committed_content(tmp_path, monkeypatch):
    monkeypatch.undo()  # the budget users get
    root = fixture_copy(tmp_path / "project")
    generate(root)
    produced = {
        str(p.relative_to(root / "content")): p.read_bytes()
        for p in sorted((root / "content").rglob("*"))
        if p.is_file()
    }
    committed = {
        str(p.relative_to(FIXTURE / "content")): p.read_bytes()
        for p in sorted((FIXTURE / "content").rglob("*"))
        if p.is_file()
    }
    assert sorted(produced) == sorted(committed)
    stale = [path for path in produced if produced[path] != committed[path]]
    assert not stale, (
        "tests/fixtures/multi/content/ differs from what the generator writes; review the change "
        f"and run `.venv/bin/factsheets -C tests/fixtures/multi generate`: {stale}"
    )


def test_the_fixture_site_builds_with_footnotes_linking_to_sentence_anchors(tmp_path):
    root = fixture_copy(tmp_path / "project", with_content=True)
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "content.footnote.tooltips" in config["theme"]["features"]
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "-d",
            str(tmp_path / "site"),
        ],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    event = (tmp_path / "site" / "events" / "kessa-ford-shelling" / "index.html").read_text("utf-8")
    words = "killing 12 people, according to the Valdorian Interior Ministry"
    quote = f"“{words}” — "
    notes = re.findall(r'<li id="fn:fs-\d+">\s*<p>(.*?)</p>', event, re.S)
    (note,) = [n for n in notes if quote in n]
    # The link leads to the quote's own anchor in the sentence, which lights up its words.
    link = re.search(
        rf'href="\.\./\.\./sources/{LEDGER}/#(?P<anchor>(?P<sentence>p1-s1)'
        r'-q(?P<start>\d+)-(?P<end>\d+))"',
        note,
    )
    assert link, note
    source = SourceText((tmp_path / "site" / "sources" / LEDGER / "index.html").read_text("utf-8"))
    assert leads_to_its_quote(source, link, words)
    assert source.marked[("p1-s1", source.numbers[link["anchor"]])] == words


# --- The demo stays the article and nothing else -----------------------------------------------


def _invented_names() -> set[str]:
    names: set[str] = set()
    for summary_file in (FIXTURE / "seeds").glob("*/summary.yaml"):
        summary = yaml.safe_load(summary_file.read_text(encoding="utf-8"))
        meta = summary["source"]
        names.update([meta["title"], meta["outlet"], *meta["authors"]])
        for category in ("actors", "locations", "events"):
            for entity in summary.get(category, []):
                names.add(entity.get("name") or entity["title"])
                names.update(entity.get("aliases", []))
    return names


def test_the_demo_mentions_nothing_from_the_fixture():
    names = _invented_names()
    assert {"Valdoria", "Kessa Ford", "Anselm Korby", "Harrow Ledger", "7th Brigade"} <= names
    words = {"Valdoria", "Ostrenia", "Kessa", "Lemm", "Korby", "Ilvane", "Maast", "Vasko"}
    demo = {
        path: path.read_text(encoding="utf-8")
        for path in (ROOT / "content").rglob("*.md")
        if path.is_file()
    }
    assert len(demo) > 50
    for path, text in demo.items():
        for name in sorted(names | words):
            assert not re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE), (
                f"{path.relative_to(ROOT)} mentions {name!r}"
            )


def test_every_quote_on_the_demo_pages_is_in_the_demo_article():
    assert sorted(p.name for p in (ROOT / "seeds").iterdir() if p.is_dir()) == [
        "cbs-baghdad-drone-strike"
    ]
    article = plain((ROOT / "seeds" / "cbs-baghdad-drone-strike" / "source.txt").read_text("utf-8"))
    sources_index = (ROOT / "content" / "sources" / "index.md").read_text(encoding="utf-8")
    assert "| Sources | 1 |" in sources_index
    assert sorted(p.name for p in (ROOT / "content" / "sources").glob("*.md")) == [
        "cbs-baghdad-drone-strike.md",
        "index.md",
    ]
    checked = 0
    for folder in ("actors", "locations", "events", "statements"):
        for path in (ROOT / "content" / folder).glob("*.md"):
            page = path.read_text(encoding="utf-8")
            notes = footnotes(page)
            quotes = [n["quote"] for n in notes.values()]
            for line in page.splitlines():
                if line.startswith(("> “", "    > “")):
                    quotes += re.findall(r"“(.*?)”\[\^fs-\d+\]", line)
            for note in notes.values():
                assert note["source"] == "cbs-baghdad-drone-strike", path
            for quote in quotes:
                assert plain(unescape(quote)) in article, f"{path.relative_to(ROOT)}: {quote!r}"
                checked += 1
    assert checked > 300
