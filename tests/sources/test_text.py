"""Source texts: normalising quotes, splitting into anchored sentences, finding quotes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.sources.text import SourceText, normalize, split_sentences


def sentences(text: str) -> list[tuple[str, str]]:
    return [(s.anchor, s.text) for s in split_sentences(text)]


# --- normalize ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u201cquoted\u201d and \u2018single\u2019", "\"quoted\" and 'single'"),
        ("the mayor\u2019s office", "the mayor's office"),
        ("north\u2013south \u2014 east\u2212west", "north-south - east-west"),
        ("non\u00a0breaking", "non breaking"),
        ("wait\u2026", "wait..."),
        ("  many   spaces\n\nand\tlines  ", "many spaces and lines"),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# --- split_sentences ---------------------------------------------------------


def test_sentences_end_at_full_stops_question_and_exclamation_marks() -> None:
    assert sentences("The ferry sank. Was anyone hurt? Nobody knows! Rescuers searched.") == [
        ("p1-s1", "The ferry sank."),
        ("p1-s2", "Was anyone hurt?"),
        ("p1-s3", "Nobody knows!"),
        ("p1-s4", "Rescuers searched."),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Navy sent a ship.",
        "Officials in Washington, D.C. met on Monday.",
        "Mr. Ode and Dr. Lind spoke with Gen. Tamm.",
        "The talks began in Jan. 2031 and ended in Feb. 2031.",
        "J. R. Ode wrote the report.",
        "The navy (U.S. Fifth Fleet) sent a ship.",
        "U.S. officials said so.",
        "Troops (approx. 300) moved.",
    ],
)
def test_initials_and_abbreviations_do_not_end_a_sentence(text: str) -> None:
    assert sentences(f"{text} Then the meeting ended.") == [
        ("p1-s1", text),
        ("p1-s2", "Then the meeting ended."),
    ]


def test_closing_quotes_and_brackets_stay_with_their_sentence() -> None:
    text = 'She said "Stop." Then she left. He asked \u201cWhy?\u201d (Nobody answered.) It rained.'
    assert sentences(text) == [
        ("p1-s1", 'She said "Stop."'),
        ("p1-s2", "Then she left."),
        ("p1-s3", "He asked \u201cWhy?\u201d"),
        ("p1-s4", "(Nobody answered.)"),
        ("p1-s5", "It rained."),
    ]


def test_a_full_stop_before_a_lower_case_word_or_inside_a_number_is_not_a_boundary() -> None:
    assert sentences("It cost 5.5 million. the rest. 3 people died.") == [
        ("p1-s1", "It cost 5.5 million. the rest."),
        ("p1-s2", "3 people died."),
    ]


def test_without_blank_lines_each_line_is_a_paragraph() -> None:
    assert sentences("First line. Second sentence.\nSecond line.\nThird line.\n") == [
        ("p1-s1", "First line."),
        ("p1-s2", "Second sentence."),
        ("p2-s1", "Second line."),
        ("p3-s1", "Third line."),
    ]


def test_a_line_of_spaces_counts_as_a_blank_line() -> None:
    assert sentences("Wrapped\nparagraph.\n  \t\nNext.") == [
        ("p1-s1", "Wrapped\nparagraph."),
        ("p2-s1", "Next."),
    ]


def test_with_blank_lines_paragraphs_are_blocks_and_line_breaks_stay_inside() -> None:
    text = "A paragraph wrapped\nover two lines. Its second sentence.\n\n\nNext paragraph.\n"
    assert sentences(text) == [
        ("p1-s1", "A paragraph wrapped\nover two lines."),
        ("p1-s2", "Its second sentence."),
        ("p2-s1", "Next paragraph."),
    ]


def test_windows_line_endings_split_like_unix_ones() -> None:
    unix = "A paragraph wrapped\nover two lines.\n\nNext paragraph.\nLast line.\n"
    windows = [(a, t.replace("\r", "")) for a, t in sentences(unix.replace("\n", "\r\n"))]
    assert windows == sentences(unix)
    assert sentences("One line.\r\nAnother line.\r\n") == [
        ("p1-s1", "One line."),
        ("p2-s1", "Another line."),
    ]


def test_sentences_carry_their_offsets_anchor_and_label() -> None:
    text = "  Leading space. Second.\n\nThird one here.  "
    found = split_sentences(text)
    assert [text[s.start : s.end] for s in found] == [s.text for s in found]
    assert [(s.paragraph, s.number, s.anchor, s.label) for s in found] == [
        (1, 1, "p1-s1", "¶1.1"),
        (1, 2, "p1-s2", "¶1.2"),
        (2, 1, "p2-s1", "¶2.1"),
    ]


@pytest.mark.parametrize("text", ["", "\n\n\n", "   "])
def test_an_empty_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


# --- split_sentences: abbreviations by language ----------------------------------

NEXT = "Then the meeting ended."


@pytest.mark.parametrize(
    "text",
    [
        # Ranks and titles before a name.
        "Spc. Kennedy Sanders died in the attack.",
        "Staff Sgt. William Rivers died too.",
        "Pfc. Breonna Moffett was wounded.",
        "Cpl. Ana Ruiz and Pvt. Tom Lee were wounded.",
        "Sgt. Maj. Ana Ruiz spoke.",
        "Lt. Col. Tom Lee spoke.",
        "Brig. Gen. Pat Ryder briefed reporters.",
        "Cmdr. Ana Ruiz and Adm. Tom Lee spoke.",
        "Sen. Ana Ruiz and Rep. Tom Lee spoke.",
        "Gov. Ana Ruiz met Amb. Tom Lee.",
        "Pres. Ana Ruiz spoke.",
        "Atty. Gen. Tom Lee spoke.",
        "PFC. Ana Ruiz spoke.",
        # Initials.
        "President John F. Kennedy visited.",
        "J.R.R. Tolkien wrote it.",
        "The strike came at 2 a.m. Sunday and ended at 5 p.m. Monday.",
        "É. Ruiz spoke.",
        # Dates.
        "The attack came on Feb. 4 and more followed.",
        "The Sept. 11 attacks changed that.",
        "It began on Jan. 28, 2024, in Jordan.",
        # Numbers.
        "He was ranked No. 2 in his class.",
        "It cost 5.5 million.",
        # Places.
        "Carrollton, Ga., and Waycross, Ga. Officials mourned.",
        "Soldiers from Fort Bragg, N.C. Army officials said so.",
        "Rep. Ana Ruiz, R-Ga. Spoke first.",
    ],
)
def test_names_dates_and_numbers_are_not_cut(text: str) -> None:
    assert sentences(f"{text} {NEXT}") == [("p1-s1", text), ("p1-s2", NEXT)]


STATES = (
    "Ala. Ariz. Ark. Calif. Colo. Conn. Del. Fla. Ga. Ill. Ind. Kan. Ky. La. Md. Mass. Mich."
    " Minn. Miss. Mo. Mont. Neb. Nev. N.H. N.J. N.M. N.Y. N.C. N.D. Okla. Ore. Pa. R.I. S.C."
    " S.D. Tenn. Tex. Vt. Va. Wash. W.Va. Wis. Wyo. D.C."
)


@pytest.mark.parametrize("state", STATES.split())
def test_a_us_state_after_its_town_is_not_a_sentence_end(state: str) -> None:
    dateline = f"SPRINGFIELD, {state} (AP) The funeral was held on Monday."
    assert sentences(f"{dateline} {NEXT}") == [("p1-s1", dateline), ("p1-s2", NEXT)]


def test_a_sentence_ending_in_an_abbreviation_stays_joined_with_the_next() -> None:
    # Ambiguous: the splitter keeps it whole, as documented, rather than cut names.
    text = "They flew to Waycross, Ga. The funeral is Monday."
    assert sentences(text) == [("p1-s1", text)]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("He died.", "The army said so."),
        ("He fell ill.", "Doctors came."),  # a state, but a word in lower case
        ("They attended Mass.", "Then they left."),  # a state, but not after a town
        ("He was sent to the brig.", "Guards watched him."),  # a rank, but in lower case
        ("He met Ann.", "Then he left."),
        ("The score was 4.", "Then it rained."),
        ("That was in 2024.", "February was cold."),
        ("Prices rose by 5.5%.", "Then they fell."),
        ("She lives in Georgia.", "The army said so."),
        ("Who fired first?", "Nobody knows!"),
    ],
)
def test_real_sentence_ends_still_split(first: str, second: str) -> None:
    assert sentences(f"{first} {second}") == [("p1-s1", first), ("p1-s2", second)]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # English abbreviations are for English only: "Gen." is a gene in German.
        ("Forscher fanden das Gen. Es steuert das Wachstum.", "en", 1),
        ("Forscher fanden das Gen. Es steuert das Wachstum.", "de", 2),
        ("Er sprach mit Brig. Gen. Ryder. Dann ging er.", "de", 4),
        # and German ones for German only.
        ("He trained his abs. Then he ran.", "en", 2),
        ("He trained his abs. Then he ran.", "de", 1),
        ("Sie wohnt in der Hauptstr. 5 in Köln.", "de", 1),
        ("Das gilt z.B. für Prof. Dr. Ruiz bzw. Dr. Lee. Danach nicht mehr.", "de", 2),
        ("Das gilt für Äpfel, Birnen usw. Danach nicht mehr.", "de", 1),
        # A day number before a month is a German ordinal date.
        ("Der Angriff kam am 4. Februar. Dann folgte ein zweiter.", "de", 2),
        ("Der Angriff kam am 4. März in Köln.", "de", 1),
        ("Der Angriff kam am 12. Okt. 2024 in Köln.", "de", 1),
        ("Der Angriff kam am 4. Februar in Köln.", "en", 2),
        ("Es waren 4. Dann kamen mehr.", "de", 2),
        ("Es war 2024. Februar war kalt.", "de", 2),
        # French and Spanish.
        ("Il est arrivé le 3 janv. 2024 avec Mme. Dupont.", "fr", 1),
        ("Il est arrivé le 3 janv. 2024 avec Mme. Dupont.", "en", 3),
        ("M. Macron a parlé. Le Dr. Martin aussi.", "fr", 2),
        ("Il a perdu 5 mm. Le reste va bien.", "fr", 2),  # "mm" titles only capitalised
        ("Le 11 sept. 2001, le vol. 3 de ses mémoires parut.", "fr", 1),
        ("Ils étaient sept. Le vol. Les passagers ont survécu.", "fr", 3),
        ("Llegó el 3 de mar. 2024. Theresa May. Ganó el set. El rival cayó.", "es", 4),
        ("El embajador de EE. UU. Ken Salazar habló con la Dra. López.", "es", 1),
        ("El embajador de EE. UU. Ken Salazar habló con la Dra. López.", "en", 4),
        ("Llegó el 5 de ene. 2024. Luego se fue.", "es", 2),
        # Other languages: initials only.
        ("Il Dr. Rossi e J. R. Ode hanno parlato.", "it", 2),
        # Regional tags and ISO 639-2 codes abbreviate as their language.
        ("Staff Sgt. Tom Lee spoke.", "en-GB", 1),
        ("Staff Sgt. Tom Lee spoke.", "EN", 1),
        ("Der Angriff kam am 4. Februar in Köln.", "deu", 1),
        ("Der Angriff kam am 4. Februar in Köln.", "de_AT", 1),
    ],
)
def test_abbreviations_follow_the_language_of_the_source(
    text: str, language: str, expected: int
) -> None:
    found = split_sentences(text, language=language)
    assert len(found) == expected, [s.text for s in found]


def test_the_language_defaults_to_english() -> None:
    text = "Staff Sgt. Tom Lee of Waycross, Ga. Spoke. Then it rained."
    assert split_sentences(text) == split_sentences(text, "en")
    assert len(split_sentences(text)) == 2
    assert len(split_sentences(text, language="xx")) == 4


# --- SourceText --------------------------------------------------------------

SOURCE = (
    "The storm reached Lakeside overnight. Officials called it \u201cthe worst in years\u201d \u2014 "
    "and closed the port.\n"
    "The ferry Marla capsized near Gull Island. Two people died, the coast guard said."
)


@pytest.fixture
def source() -> SourceText:
    return SourceText(SOURCE)


@pytest.mark.parametrize(
    ("quote", "anchor"),
    [
        ("The storm reached Lakeside", "p1-s1"),
        ("reached   Lakeside\novernight", "p1-s1"),  # whitespace differs
        ('called it "the worst in years" - and closed', "p1-s2"),  # plain quotes and dash
        ("The ferry Marla capsized", "p2-s1"),
        ("capsized near Gull Island. Two people died", "p2-s1"),  # spans sentences: first one
        ("the coast guard said.", "p2-s2"),
    ],
)
def test_find_returns_the_sentence_where_the_quote_starts(
    source: SourceText, quote: str, anchor: str
) -> None:
    found = source.find(quote)
    assert found is not None
    assert found.anchor == anchor


@pytest.mark.parametrize(
    "quote",
    [
        "The storm reached Lakeshore",  # one word differs
        "the storm reached lakeside",  # case differs: quotes are verbatim
        "Three people died",
    ],
)
def test_find_returns_none_when_the_quote_is_not_verbatim(source: SourceText, quote: str) -> None:
    assert source.find(quote) is None


def test_closest_returns_a_whole_word_passage_and_its_similarity(source: SourceText) -> None:
    passage, score = source.closest("The ferry Marla sank near Gull Island")
    assert "ferry Marla capsized near Gull Island" in passage
    assert not passage.startswith(" ") and not passage.endswith(" ")
    assert passage in source.normalized
    # Whole words: the passage starts and ends at word boundaries of the text.
    start = source.normalized.index(passage)
    assert start == 0 or source.normalized[start - 1] == " "
    end = start + len(passage)
    assert end == len(source.normalized) or source.normalized[end] == " "
    assert 70 <= score < 100


def test_a_source_text_splits_by_its_language() -> None:
    text = "Der Angriff kam am 4. Februar. Brig. Gen. Ryder sprach."
    assert SourceText(text).language == "en"
    assert [s.text for s in SourceText(text).sentences] == [
        "Der Angriff kam am 4.",
        "Februar.",
        "Brig. Gen. Ryder sprach.",
    ]
    german = SourceText(text, language="de")
    assert german.language == "de"
    assert [s.text for s in german.sentences] == [
        "Der Angriff kam am 4. Februar.",
        "Brig.",
        "Gen.",
        "Ryder sprach.",
    ]
    found = german.find("Februar")
    assert found is not None and found.anchor == "p1-s1"


def test_closest_scores_an_unrelated_quote_low(source: SourceText) -> None:
    _, score = source.closest("zzzz qqqq xxxx")
    assert score < 50


# --- Properties over many texts ------------------------------------------------

PIECES = st.sampled_from(
    ["The", "ferry", "U.S.", "Mr.", "sank", "3", "Lakeside", "\u201cWhy?\u201d", "(yes)", "no"]
    + ["Ga.", "Sgt.", "brig.", "Waycross,", "R-Ga.", "4.", "Februar", "Gen.", "usw.", "É."]
)
LANGUAGES = st.sampled_from(["en", "de", "fr", "es", "it"])
SEPARATORS = st.sampled_from([" ", "  ", ". ", "! ", "? ", "\n", "\n\n", "\r\n", " \n \n", "\t"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.tuples(PIECES, SEPARATORS), max_size=30))
    return "".join(word + separator for word, separator in words)


@settings(max_examples=300, deadline=None)
@given(texts(), LANGUAGES)
def test_sentences_cover_the_text_exactly_once_in_order(text: str, language: str) -> None:
    found = split_sentences(text, language)
    assert [text[s.start : s.end] for s in found] == [s.text for s in found]
    assert all(s.text == s.text.strip() and s.text for s in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
    # Nothing lost, nothing repeated: the sentences hold every non-space character, in order.
    assert "".join("".join(s.text for s in found).split()) == "".join(text.split())
    numbering = [(s.paragraph, s.number) for s in found]
    for (p1, n1), (p2, n2) in zip(numbering, numbering[1:], strict=False):
        assert (p2, n2) in ((p1, n1 + 1), (p1 + 1, 1))


@settings(max_examples=300, deadline=None)
@given(texts())
def test_every_sentence_is_found_as_a_quote(text: str) -> None:
    source = SourceText(text)
    for sentence in source.sentences:
        found = source.find(sentence.text)
        assert found is not None
        assert found.start <= sentence.start


@settings(max_examples=300, deadline=None)
@given(texts(), LANGUAGES)
def test_a_language_only_joins_sentences_the_language_independent_rules_split(
    text: str, language: str
) -> None:
    # Abbreviations keep a stop from ending a sentence, never make one: so a source's
    # anchors move only where a name or a date was cut.
    starts = {s.start for s in split_sentences(text, language)}
    assert starts <= {s.start for s in split_sentences(text, "und")}
