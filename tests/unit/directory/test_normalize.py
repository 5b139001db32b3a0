from __future__ import annotations

import pytest
from telefonist.directory import fold, sound_key, tokenize


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Åsa", "asa"),
        ("SÖDERGREN", "sodergren"),
        ("Linnéa", "linnea"),
        ("ＩＴ－support", "it-support"),  # full-width letters and hyphen
        ("Strauß", "strauss"),
        ("Bjørn Sæther", "bjorn saether"),
    ],
)
def test_fold_is_case_accent_and_width_insensitive(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_tokenize_splits_hyphens_and_punctuation_and_drops_empties() -> None:
    assert tokenize(" Ahlström-Berg, Anna-Karin ") == ["ahlstrom", "berg", "anna", "karin"]
    assert tokenize("--- ...") == []


@pytest.mark.parametrize(
    ("one", "other"),
    [("ericsson", "eriksson"), ("lindqvist", "lindkvist"), ("wikstrom", "vikstrom"), ("karlsson", "carlson")],
)
def test_swedish_spelling_variants_share_a_sound_key(one: str, other: str) -> None:
    assert sound_key(one)
    assert sound_key(one) == sound_key(other)


def test_different_names_have_different_sound_keys_and_short_words_none() -> None:
    assert sound_key("eriksson") != sound_key("andersson")
    assert sound_key("ek") == ""
    assert sound_key("0701") == ""
