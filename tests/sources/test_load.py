"""Loading summaries and sources: a valid summary, and every problem as `file:line: field: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.common.errors import Problems
from generator.sources import parse
from generator.sources.load import load_all, load_one

SEEDS = Path(__file__).parent.parent.parent / "seeds"

SOURCE = "The Harbour Council met in Port Vell on Tuesday. Mayor Ana Ruiz opened the new bridge.\n"

VALID = """\
source:
  id: harbour-news
  title: Harbour council opens bridge
actors:
  - id: ana-ruiz
    name: Ana Ruiz
    kind: person
    quote: Mayor Ana Ruiz
"""
"""Line 2 is source.id, 3 source.title, 5 actors[0].id, 6 its name, 7 its kind, 8 its quote."""


def with_line(after: str, line: str) -> str:
    """VALID with `line` inserted after the line starting with `after` (same indentation)."""
    lines = VALID.splitlines(keepends=True)
    index = next(i for i, text in enumerate(lines) if text.strip().startswith(after))
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())].replace("-", " ")
    lines.insert(index + 1, f"{indent}{line}\n")
    return "".join(lines)


def write(root: Path, name: str, summary: str | bytes, source: str | bytes | None = SOURCE) -> Path:
    folder = root / "seeds" / name
    folder.mkdir(parents=True)
    data = summary.encode("utf-8") if isinstance(summary, str) else summary
    (folder / "summary.yaml").write_bytes(data)
    if source is not None:
        (folder / "source.txt").write_bytes(
            source.encode("utf-8") if isinstance(source, str) else source
        )
    return folder


def load(root: Path, name: str, summary: str | bytes, source: str | bytes | None = SOURCE):
    problems = Problems()
    loaded = load_one(write(root, name, summary, source), root, problems)
    return loaded, [str(problem) for problem in problems.items]


# --- A valid summary ---------------------------------------------------------


def test_a_valid_summary_loads_with_its_text_and_lines(tmp_path: Path) -> None:
    loaded, problems = load(tmp_path, "harbour", VALID)
    assert problems == []
    assert loaded is not None
    assert loaded.summary_file == "seeds/harbour/summary.yaml"
    assert loaded.source_file == "seeds/harbour/source.txt"
    assert loaded.folder == tmp_path / "seeds" / "harbour"
    assert loaded.summary.source.id == "harbour-news"
    assert loaded.summary.source.file == "source.txt"
    assert loaded.summary.source.language == "en"
    assert [(a.id, a.name, a.kind.value) for a in loaded.summary.actors] == [
        ("ana-ruiz", "Ana Ruiz", "person")
    ]
    assert [s.anchor for s in loaded.text.sentences] == ["p1-s1", "p1-s2"]
    assert loaded.line_of(("source", "title")) == 3
    assert loaded.line_of(("actors", 0, "name")) == 6
    # An absent field: the line of the nearest parent that exists.
    assert loaded.line_of(("actors", 0, "aliases", 2)) == 5


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    loaded, problems = load(tmp_path, "bom", "\ufeff" + VALID, "\ufeff" + SOURCE)
    assert problems == []
    assert loaded is not None
    assert loaded.text.text == SOURCE


def test_the_source_file_name_comes_from_the_summary(tmp_path: Path) -> None:
    folder = write(tmp_path, "renamed", with_line("title:", "file: article.txt"), source=None)
    (folder / "article.txt").write_text(SOURCE, encoding="utf-8")
    problems = Problems()
    loaded = load_one(folder, tmp_path, problems)
    assert problems.items == []
    assert loaded is not None
    assert loaded.source_file == "seeds/renamed/article.txt"


# --- Every problem, with file, line, field and message -----------------------

S = "seeds/bad/summary.yaml"
T = "seeds/bad/source.txt"

ERRORS = [
    pytest.param(
        VALID + "  - [unclosed\n",
        SOURCE,
        [f"{S}:10: invalid YAML: did not find expected ',' or ']'"],
        id="invalid-yaml",
    ),
    pytest.param(
        "source: [a\n",
        SOURCE,
        [f"{S}:2: invalid YAML: did not find expected ',' or ']'"],
        id="invalid-yaml-at-end",
    ),
    pytest.param(
        with_line("kind:", "anonymous: maybe"),
        SOURCE,
        [
            f"{S}:8: actors[0].anonymous: Input should be a valid boolean, "
            "unable to interpret input (got 'maybe')"
        ],
        id="wrong-type",
    ),
    pytest.param(
        VALID.replace("name: Ana Ruiz", "name: [Ana, Ruiz]"),
        SOURCE,
        [f"{S}:6: actors[0].name: Input should be a valid string"],
        id="list-for-text",
    ),
    pytest.param(
        with_line("kind:", "aliasses: [Ruiz]"),
        SOURCE,
        [f"{S}:8: actors[0].aliasses: unknown field 'aliasses'; did you mean 'aliases'?"],
        id="unknown-field-did-you-mean",
    ),
    pytest.param(
        with_line("title:", "publisher: Harbour Radio"),
        SOURCE,
        [f"{S}:4: source.publisher: unknown field 'publisher'; did you mean 'published'?"],
        id="unknown-source-field",
    ),
    pytest.param(
        VALID + "actorz: []\n",
        SOURCE,
        [f"{S}:9: actorz: unknown field 'actorz'; did you mean 'actors'?"],
        id="unknown-top-level-field",
    ),
    pytest.param(
        with_line("kind:", "height: 180"),
        SOURCE,
        [f"{S}:8: actors[0].height: unknown field 'height'"],
        id="unknown-field-no-suggestion",
    ),
    pytest.param(
        VALID.replace("id: ana-ruiz", "id: Ana_Ruiz"),
        SOURCE,
        [
            f"{S}:5: actors[0].id: 'Ana_Ruiz' is not a valid id: "
            "use lower-case letters, digits and hyphens"
        ],
        id="bad-slug",
    ),
    pytest.param(
        VALID.replace("id: harbour-news", "id: ../../etc"),
        SOURCE,
        [
            f"{S}:2: source.id: '../../etc' is not a valid id: "
            "use lower-case letters, digits and hyphens"
        ],
        id="path-as-id",
    ),
    pytest.param(
        with_line("title:", "published: '2024-02-30'"),
        SOURCE,
        [
            f"{S}:4: source.published: '2024-02-30' is not a real date (day is out of range for month)"
        ],
        id="bad-date",
    ),
    pytest.param(
        with_line("title:", "published: 7 February 2024"),
        SOURCE,
        [f"{S}:4: source.published: '7 February 2024' must be YYYY, YYYY-MM or YYYY-MM-DD"],
        id="date-not-iso",
    ),
    pytest.param(
        with_line("title:", "url: javascript:alert(1)"),
        SOURCE,
        [f"{S}:4: source.url: 'javascript:alert(1)' must be an http:// or https:// URL"],
        id="javascript-url",
    ),
    pytest.param(
        VALID.replace("kind: person", "kind: human"),
        SOURCE,
        [
            f"{S}:7: actors[0].kind: 'human' is not one of: 'person', 'organization', "
            "'armed-group', 'government', 'military-unit', 'state', 'coalition' or 'group'"
        ],
        id="not-in-enum",
    ),
    pytest.param(
        VALID.replace("    quote: Mayor Ana Ruiz\n", ""),
        SOURCE,
        [f"{S}:5: actors[0].quote: required field is missing"],
        id="missing-field",
    ),
    pytest.param(
        with_line("kind:", "country: port-vell"),
        SOURCE,
        [f"{S}:5: actors[0]: `country` needs a `country_quote` that supports it"],
        id="country-without-quote",
    ),
    pytest.param(
        with_line("kind:", "name: Ana"),
        SOURCE,
        [f"{S}:8: actors[0].name: repeated key (first at line 6)"],
        id="repeated-key",
    ),
    pytest.param(
        VALID + "locations:\n  - id: port-vell\n    name: &n Port Vell\n    kind: city\n"
        "    quote: *n\n",
        SOURCE,
        [f"{S}:13: YAML aliases (*name) are not allowed"],
        id="yaml-alias",
    ),
    pytest.param(
        VALID + "---\nsource: {}\n",
        SOURCE,
        [f"{S}:9: invalid YAML: but found another document"],
        id="two-documents",
    ),
    pytest.param(
        VALID,
        None,  # no source file
        [f"{T}: file not found"],
        id="missing-source-file",
    ),
    pytest.param(
        VALID.encode() + b"# caf\xe9\n",
        SOURCE,
        [f"{S}:9: is not UTF-8 (byte 0xe9 at offset 157)"],
        id="summary-not-utf8",
    ),
    pytest.param(
        VALID,
        b"The council met.\nMayor \xff opened it.\n",
        [f"{T}:2: is not UTF-8 (byte 0xff at offset 23)"],
        id="source-not-utf8",
    ),
    pytest.param(b"", SOURCE, [f"{S}: is empty"], id="empty-summary"),
    pytest.param(b"\n  \n", SOURCE, [f"{S}: is empty"], id="blank-summary"),
    pytest.param(b"# only a comment\n", SOURCE, [f"{S}: is empty"], id="comment-only-summary"),
    pytest.param(VALID, "", [f"{T}: is empty"], id="empty-source"),
]


@pytest.mark.parametrize(("summary", "source", "expected"), ERRORS)
def test_problems_name_file_line_field(
    tmp_path: Path, summary: str | bytes, source: str | bytes | None, expected: list[str]
) -> None:
    loaded, problems = load(tmp_path, "bad", summary, source)
    assert loaded is None
    assert problems == expected


def test_every_problem_of_a_summary_is_reported_at_once(tmp_path: Path) -> None:
    summary = (
        VALID.replace("id: harbour-news", "id: Harbour")
        .replace("kind: person", "kind: human")
        .replace("    quote: Mayor Ana Ruiz\n", "")
    )
    problems = Problems()
    assert load_one(write(tmp_path, "bad", summary), tmp_path, problems) is None
    assert [str(problem) for problem in sorted(problems.items)] == [
        f"{S}:2: source.id: 'Harbour' is not a valid id: use lower-case letters, digits and hyphens",
        f"{S}:5: actors[0].quote: required field is missing",
        f"{S}:7: actors[0].kind: 'human' is not one of: 'person', 'organization', "
        "'armed-group', 'government', 'military-unit', 'state', 'coalition' or 'group'",
    ]


# --- Dates and tags as YAML writes them ---------------------------------------


def test_an_unquoted_impossible_date_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    loaded, problems = load(tmp_path, "bad", with_line("title:", "published: 2024-02-30"))
    assert loaded is None
    assert problems == [
        f"{S}:4: source.published: '2024-02-30' is not a real date (day is out of range for month)"
    ]


@pytest.mark.parametrize("value", ["2024-02-07", "2024"])
def test_an_unquoted_iso_date_is_accepted(tmp_path: Path, value: str) -> None:
    loaded, problems = load(tmp_path, "dated", with_line("title:", f"published: {value}"))
    assert problems == []
    assert loaded is not None
    assert loaded.summary.source.published == value


@pytest.mark.parametrize(
    ("tag", "shown"),
    [
        ("!custom", "!custom"),
        ("!!python/name:os.system", "tag:yaml.org,2002:python/name:os.system"),
    ],
)
def test_an_unknown_yaml_tag_is_a_problem_not_a_crash(tmp_path: Path, tag: str, shown: str) -> None:
    loaded, problems = load(tmp_path, "bad", VALID.replace("title: ", f"title: {tag} "))
    assert loaded is None
    assert problems == [
        f"{S}:3: invalid YAML: could not determine a constructor for the tag {shown!r}"
    ]


def test_a_timestamp_is_not_a_partial_date(tmp_path: Path) -> None:
    loaded, problems = load(tmp_path, "bad", with_line("title:", "published: 2024-02-07T10:00:00"))
    assert loaded is None
    assert problems == [
        f"{S}:4: source.published: '2024-02-07T10:00:00' must be YYYY, YYYY-MM or YYYY-MM-DD"
    ]


# --- load_all ----------------------------------------------------------------


def test_load_all_reads_every_folder_in_order_and_skips_hidden_ones(tmp_path: Path) -> None:
    write(tmp_path, "b-second", VALID.replace("harbour-news", "second"))
    write(tmp_path, "a-first", VALID)
    write(tmp_path, ".hidden", "not: [valid")
    (tmp_path / "seeds" / "README.txt").write_text("not a folder", encoding="utf-8")
    problems = Problems()
    loaded = load_all(tmp_path / "seeds", tmp_path, problems)
    assert problems.items == []
    assert [item.summary.source.id for item in loaded] == ["harbour-news", "second"]


def test_load_all_reports_bad_folders_and_keeps_good_ones(tmp_path: Path) -> None:
    write(tmp_path, "good", VALID)
    write(tmp_path, "bad", VALID.replace("kind: person", "kind: human"))
    write(tmp_path, "worse", b"")
    problems = Problems()
    loaded = load_all(tmp_path / "seeds", tmp_path, problems)
    assert [item.summary_file for item in loaded] == ["seeds/good/summary.yaml"]
    assert [str(p) for p in problems.items] == [
        "seeds/bad/summary.yaml:7: actors[0].kind: 'human' is not one of: 'person', "
        "'organization', 'armed-group', 'government', 'military-unit', 'state', 'coalition' "
        "or 'group'",
        "seeds/worse/summary.yaml: is empty",
    ]


def test_load_all_without_seeds_folder(tmp_path: Path) -> None:
    problems = Problems()
    assert load_all(tmp_path / "seeds", tmp_path, problems) == []
    assert [str(p) for p in problems.items] == ["seeds: no seeds/ folder: nothing to generate from"]


def test_load_all_with_an_empty_seeds_folder(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    problems = Problems()
    assert load_all(tmp_path / "seeds", tmp_path, problems) == []
    assert [str(p) for p in problems.items] == ["seeds: no summary.yaml found in any folder"]


def test_load_all_with_a_folder_without_summary(tmp_path: Path) -> None:
    (tmp_path / "seeds" / "empty-folder").mkdir(parents=True)
    problems = Problems()
    assert load_all(tmp_path / "seeds", tmp_path, problems) == []
    assert [str(p) for p in problems.items] == [
        "seeds/empty-folder/summary.yaml: file not found",
    ]


def _careful(raw: str) -> object:
    parsed = parse.construct(raw, "", Problems())
    assert parsed is not None
    return parsed[1]


@pytest.mark.parametrize(
    "raw",
    [
        VALID,
        *(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*/summary.yaml"))),
        "a: null\nb: ~\nc:\nd: 'null'\ne: [1, '2', 2024-02-30]\nf: {g: true, h: 0x1F}\n",
        "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
    ],
    ids=[
        "valid",
        *(p.parent.name for p in sorted(SEEDS.glob("*/summary.yaml"))),
        "nulls",
        "blocks",
    ],
)
def test_the_quick_parse_reads_plain_documents_as_pyyaml_does(raw: str) -> None:
    assert parse.quick_parse(raw) == _careful(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "a: &x [1]\nb: *x\n",
        "a: &x 1\nb: *x\n",
        "a: 1\na: 2\n",
        "a: !!int 1\n",
        "? [1]\n: 2\n",
        "~: 1\n",
        "",
        "a: [\n",
    ],
    ids=["alias", "scalar-alias", "repeated-key", "tag", "complex-key", "null-key", "empty", "bad"],
)
def test_the_quick_parse_leaves_anything_else_to_the_careful_one(raw: str) -> None:
    assert parse.quick_parse(raw) is None
