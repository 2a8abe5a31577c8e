"""Names that look the same are compared as they look: two ids whose names differ only by
Unicode normalisation (NFC/NFD), compatibility forms (full-width letters), invisible
characters or look-alike letters of another script (Cyrillic "а" for Latin "a") are
reported as likely duplicates, naming the character the eye cannot see."""

from __future__ import annotations

import unicodedata

import pytest
from conftest import FictionalProject, without_undated

from generator.knowledge.duplicates import CONFUSABLES, _key, likely_duplicates

TEXT_A = "The armed group Hamas said on Monday it had agreed.\n"
SUMMARY_A = """\
source:
  id: first-report
  title: First report
actors:
  - id: group-a
    name: {name}
    kind: armed-group
    quote: The armed group Hamas said
"""
TEXT_B = "A spokesman for the movement spoke on Tuesday.\n"
SUMMARY_B = """\
source:
  id: second-report
  title: Second report
actors:
  - id: group-b
    name: {name}
    kind: armed-group
    quote: the movement spoke
"""
FILES = "seeds/first/summary.yaml, seeds/second/summary.yaml"


def _pair(fictional: FictionalProject, first: str, second: str) -> list[str]:
    fictional.add("first", TEXT_A, SUMMARY_A.format(name=f'"{first}"'))
    fictional.add("second", TEXT_B, SUMMARY_B.format(name=f'"{second}"'))
    return [d.message() for d in likely_duplicates(fictional.kb(), set())]


def _warning(reason: str) -> str:
    return (
        f"'group-a' and 'group-b' may be the same actor: {reason}. If they are, use one id "
        f"in {FILES}; if not, add [group-a, group-b] to seeds/distinct.yaml."
    )


CASES = [
    (
        "cyrillic-a",
        "Hamas",
        "H\\u0430mas",
        "they are called 'Hamas' and 'H\u0430mas', which look alike but differ: the first "
        "has U+0061 LATIN SMALL LETTER A at position 2 where the second has U+0430 "
        "CYRILLIC SMALL LETTER A",
    ),
    (
        "greek-capitals",
        "NATO",
        "\\u039d\\u0391\\u03a4\\u039f",
        "they are called 'NATO' and '\u039d\u0391\u03a4\u039f', which look alike but "
        "differ: the first has U+004E LATIN CAPITAL LETTER N + U+0041 LATIN CAPITAL LETTER "
        "A + U+0054 LATIN CAPITAL LETTER T + U+004F LATIN CAPITAL LETTER O at position 1 "
        "where the second has U+039D GREEK CAPITAL LETTER NU + U+0391 GREEK CAPITAL LETTER "
        "ALPHA + U+03A4 GREEK CAPITAL LETTER TAU + U+039F GREEK CAPITAL LETTER OMICRON",
    ),
    (
        "two-cyrillic-letters",
        "Popular Front",
        "P\\u043epular Fr\\u043ent",
        "they are called 'Popular Front' and 'P\u043epular Fr\u043ent', which look alike "
        "but differ: the first has U+006F LATIN SMALL LETTER O at position 2 where the "
        "second has U+043E CYRILLIC SMALL LETTER O (and 1 more such difference)",
    ),
    (
        "full-width",
        "Hamas",
        "\\uff28amas",
        "they are called 'Hamas' and '\uff28amas', which look alike but differ: the first "
        "has U+0048 LATIN CAPITAL LETTER H at position 1 where the second has U+FF28 "
        "FULLWIDTH LATIN CAPITAL LETTER H",
    ),
    (
        "zero-width-space",
        "Hamas Movement",
        "Hamas\\u200b Movement",
        "they are called 'Hamas Movement' and 'Hamas\\u200b Movement', which look alike "
        "but differ: the second has U+200B ZERO WIDTH SPACE at position 6, the first nothing",
    ),
    # Composed and decomposed accents are one name: normalize() composes both (NFC).
    ("nfd", "Caf\\u00e9 Nour", "Cafe\\u0301 Nour", "both are called 'Caf\u00e9 Nour'"),
    ("case", "HAMAS", "Hamas", "both are called 'HAMAS'"),
]


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_names_that_look_the_same_are_likely_duplicates(fictional, first, second, reason):
    assert _pair(fictional, first, second) == [_warning(reason)]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Hamas", "\\u041c\\u043e\\u0441\\u043a\\u0432\\u0430"),  # Москва: nothing alike
        ("Hamas", "\\u0425\\u0430\\u043c\\u0430\\u0441"),  # Хамас: Cyrillic, spelt, not faked
        ("Hamas", "Hamar"),  # 80% alike, under the threshold
        ("Hamas", "Ham\\u00e1s"),  # an accent is visible
    ],
)
def test_names_that_look_different_are_not(fictional, first, second):
    assert _pair(fictional, first, second) == []


def test_check_prints_the_warning(fictional, cli):
    fictional.add("first", TEXT_A, SUMMARY_A.format(name="Hamas"))
    fictional.add("second", TEXT_B, SUMMARY_B.format(name='"H\\u0430mas"'))

    result = cli("-C", fictional.root, "check")

    assert result.exit_code == 0
    assert without_undated(result.output) == (
        "Warning: "
        + _warning(
            "they are called 'Hamas' and 'H\u0430mas', which look alike but differ: the "
            "first has U+0061 LATIN SMALL LETTER A at position 2 where the second has "
            "U+0430 CYRILLIC SMALL LETTER A"
        )
        + "\nOK: 2 sources, 2 actors, 0 locations, 0 events, 0 statements.\n"
    )


def test_a_pair_recorded_as_distinct_is_not_reported(fictional):
    fictional.add("first", TEXT_A, SUMMARY_A.format(name="Hamas"))
    fictional.add("second", TEXT_B, SUMMARY_B.format(name='"H\\u0430mas"'))

    assert likely_duplicates(fictional.kb(), {frozenset(("group-a", "group-b"))}) == []


def test_folder_names_in_the_warning_are_escaped(fictional):
    fictional.add("first\rOK", TEXT_A, SUMMARY_A.format(name="Hamas"))
    fictional.add("second", TEXT_B, SUMMARY_B.format(name="Hamas"))

    [duplicate] = likely_duplicates(fictional.kb(), set())

    assert "\r" not in duplicate.message()
    assert "use one id in seeds/first\\rOK/summary.yaml, seeds/second/summary.yaml;" in (
        duplicate.message()
    )


def test_the_key_is_nfkc_casefold_and_look_alikes():
    assert _key("Ｈａｍａｓ") == _key("HAMAS") == _key("H\u0430m\u0430s") == "hamas"
    assert _key("\U0001d407amas") == "hamas"  # mathematical bold capital H
    assert _key("Ha\u00admas\u200d") == "hamas"  # soft hyphen, zero-width joiner
    assert _key("\u041d\u0410\u0422\u041e") == "hato"  # Cyrillic НАТО looks like HATO
    assert _key("\u0451") == "\u00eb"  # Cyrillic ё is e with a diaeresis
    assert _key("\u043d") == "\u043d"  # small Cyrillic en looks like no Latin letter


def test_every_look_alike_is_another_script_mapped_to_latin():
    for char, latin in CONFUSABLES.items():
        assert char.isalpha() and not char.isascii(), char
        assert latin.isascii() and latin.isalpha(), latin
        assert unicodedata.name(char).startswith(("CYRILLIC", "GREEK")), char
