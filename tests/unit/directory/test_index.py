"""Matching and ranking over the Swedish fixture directory."""

from __future__ import annotations

import pytest
from telefonist.directory import DirectoryIndex, InvalidSearchError, MatchKind
from telefonist.models.directory import Directory, MessagePreference, Person, PersonPhone, PhoneKind

from tests.unit.directory.fixtures import NOW, swedish_directory


def ids(index: DirectoryIndex, query: str, limit: int = 10) -> list[str]:
    return [match.person.person_id for match in index.search(query, NOW, limit)]


@pytest.mark.parametrize("query", ["asa", "Åsa", "ÅSA", "ａｓａ", "  åsa  "])
def test_first_name_is_found_whatever_the_case_accent_or_width(index: DirectoryIndex, query: str) -> None:
    [match] = index.search(query, NOW)
    assert match.person.person_id == "p01-asa"
    assert match.kind is MatchKind.EXACT_NAME
    assert [(m.field, m.value) for m in match.matched] == [("first_name", "Åsa")]


def test_surname_without_accents_finds_the_accented_one(index: DirectoryIndex) -> None:
    [match] = index.search("sodergren", NOW)
    assert match.name == "Åsa Södergren"
    assert match.matched[0].field == "last_name"
    oberg = index.search("oberg", NOW)
    assert (oberg[0].person.person_id, oberg[0].kind) == ("p07-orjan", MatchKind.EXACT_NAME)


@pytest.mark.parametrize("query", ["Per Olof", "per-olof", "perolof", "olof", "per olof lindqvist"])
def test_double_first_name_is_found_by_either_part_or_joined(index: DirectoryIndex, query: str) -> None:
    assert ids(index, query)[0] == "p02-per-olof"
    assert index.search(query, NOW)[0].kind is MatchKind.EXACT_NAME


@pytest.mark.parametrize("query", ["Ahlström-Berg", "ahlstrom berg", "berg", "ahlstromberg", "anna-karin", "annakarin"])
def test_hyphenated_names_are_found_by_each_part_and_whole(index: DirectoryIndex, query: str) -> None:
    assert ids(index, query) == ["p03-anna-karin"]


def test_ranking_exact_name_then_prefix_then_field_then_sound_alike_then_typo(index: DirectoryIndex) -> None:
    matches = index.search("lager", NOW)
    assert [(m.person.person_id, m.kind) for m in matches] == [
        ("p11-gosta", MatchKind.EXACT_NAME),  # Gösta Lager
        ("p12-selma", MatchKind.NAME_PREFIX),  # Selma Lagerlöf
        ("p06-eva", MatchKind.FIELD),  # department Lager
        ("p13-mats", MatchKind.FIELD_PREFIX),  # keyword lagersaldo
        ("p14-jan", MatchKind.SOUND_ALIKE),  # Lagger
        ("p15-lisa", MatchKind.TYPO),  # Lagrer
    ]
    assert [m.field for m in matches[2].matched] == ["department"]
    assert [m.value for m in matches[3].matched] == ["lagersaldo"]


def test_ties_keep_directory_order_and_exact_first_names_precede_prefixes(index: DirectoryIndex) -> None:
    # Per Olof and Per are both exact; Pernilla is a prefix; Anna-Karin's department Personal a field prefix.
    assert ids(index, "per") == ["p02-per-olof", "p09-per", "p10-pernilla", "p03-anna-karin"]


def test_as_you_type_prefixes_find_names(index: DirectoryIndex) -> None:
    for typed in ["s", "sö", "söd", "soder"]:
        match = next(m for m in index.search(typed, NOW, 50) if m.person.person_id == "p01-asa")
        assert match.kind is MatchKind.NAME_PREFIX


def test_people_with_the_same_name_are_all_returned_and_a_second_word_separates_them(index: DirectoryIndex) -> None:
    assert ids(index, "Eva Ericsson") == ["p05-eva", "p06-eva"]
    [match] = index.search("eva ericsson lager", NOW)
    assert match.person.person_id == "p06-eva"
    assert [(m.field, m.kind) for m in match.matched] == [
        ("first_name", MatchKind.EXACT_NAME),
        ("last_name", MatchKind.EXACT_NAME),
        ("department", MatchKind.FIELD),
    ]
    assert match.kind is MatchKind.FIELD


def test_sound_alike_names_rank_after_the_exact_spelling(index: DirectoryIndex) -> None:
    matches = index.search("Eriksson", NOW)
    assert [(m.person.person_id, m.kind) for m in matches] == [
        ("p04-erik", MatchKind.EXACT_NAME),
        ("p05-eva", MatchKind.SOUND_ALIKE),
        ("p06-eva", MatchKind.SOUND_ALIKE),
    ]
    assert ids(index, "Vikström") == ["p08-bjorn"]
    assert ids(index, "Lindkvist") == ["p02-per-olof"]


@pytest.mark.parametrize(
    ("typo", "person_id"),
    [
        ("sodegren", "p01-asa"),
        ("södregren", "p01-asa"),
        ("leverantorsreskonta", "p01-asa"),
        ("reklamaton", "p08-bjorn"),
    ],
)
def test_one_typo_in_a_longer_word_is_tolerated(index: DirectoryIndex, typo: str, person_id: str) -> None:
    [match] = index.search(typo, NOW)
    assert match.person.person_id == person_id
    assert match.kind in (MatchKind.TYPO, MatchKind.SOUND_ALIKE)


def test_typos_are_not_tolerated_in_short_words_nor_far_off(index: DirectoryIndex) -> None:
    assert ids(index, "evq") == []
    assert ids(index, "sxdxgren") == []


def test_titles_keywords_departments_nicknames_phones_are_searched(index: DirectoryIndex) -> None:
    [chef] = index.search("ekonomichef", NOW)
    assert (chef.person.person_id, chef.matched[0].field, chef.kind) == ("p01-asa", "title", MatchKind.FIELD)
    [keyword] = index.search("fakturor", NOW)
    assert (keyword.person.person_id, keyword.matched[0].field) == ("p01-asa", "keyword")
    assert index.search("leverantörs", NOW)[0].kind is MatchKind.FIELD_PREFIX
    assert ids(index, "ögge") == ["p07-orjan"]
    assert ids(index, "ekonomi") == ["p01-asa", "p10-pernilla"]
    [by_mobile] = index.search("070-123 00 01", NOW)
    assert (by_mobile.person.person_id, by_mobile.matched[0].field) == ("p01-asa", "phone")
    assert ids(index, "+46 8 520 100 02") == ["p02-per-olof"]
    assert len(ids(index, "08-520 10", limit=50)) == 15  # every work number, as typed so far
    [it] = index.search("ＩＴ", NOW)
    assert (it.person.person_id, it.matched[0].field) == ("p02-per-olof", "department")


def test_every_word_must_match(index: DirectoryIndex) -> None:
    assert ids(index, "åsa ekonomi") == ["p01-asa"]
    assert ids(index, "åsa lager") == []
    assert index.search("åsa ekonomi", NOW)[0].kind is MatchKind.FIELD


def test_a_match_carries_transfer_numbers_and_message_preference(index: DirectoryIndex) -> None:
    [match] = index.search("Åsa", NOW)
    assert match.transfer_numbers == ["+46852010001", "+46701230001"]  # work number first
    assert match.message_preference == "sms"


def test_limit_cuts_the_list_keeping_the_best(index: DirectoryIndex) -> None:
    assert ids(index, "lager", limit=2) == ["p11-gosta", "p12-selma"]
    assert len(index.search("e", NOW, limit=50)) > 2


def test_a_query_without_letters_or_digits_is_refused_naming_the_field(index: DirectoryIndex) -> None:
    with pytest.raises(InvalidSearchError) as caught:
        index.search("- / .", NOW)
    assert caught.value.field == "query"


def test_no_match_is_an_empty_list_and_the_index_knows_its_version() -> None:
    index = DirectoryIndex(swedish_directory(version=7))
    assert index.version == 7
    assert len(index) == 15
    assert index.search("zlatan", NOW) == []


def test_a_digit_prefix_shared_by_every_number_is_bounded_and_more_digits_narrow_it() -> None:
    people = [
        Person(
            person_id=f"p{n:04d}",
            first_name="Test",
            last_name=f"Person{n}",
            phones=[PersonPhone(kind=PhoneKind.MOBILE, number=f"+46701{n:06d}")],
            message_preference=MessagePreference.SMS,
        )
        for n in range(300)
    ]
    index = DirectoryIndex(Directory(tenant_id="big", people=people))
    matches = index.search("0701", NOW, limit=50)
    assert len(matches) == 50
    assert {m.kind for m in matches} == {MatchKind.FIELD_PREFIX}
    assert [m.person.person_id for m in matches[:2]] == ["p0000", "p0001"]
    assert [m.person.person_id for m in index.search("070-100 02 99", NOW)] == ["p0299"]


def test_a_word_does_not_reuse_a_name_another_word_named(index: DirectoryIndex) -> None:
    # "Per P" as typed so far: a Per with another P-word, not every Per again.
    assert ids(index, "per p") == ["p09-per", "p10-pernilla", "p03-anna-karin"]
    [persson, *fallbacks] = index.search("per persson", NOW)
    assert (persson.person.person_id, persson.kind) == ("p09-per", MatchKind.EXACT_NAME)
    assert all(m.kind is MatchKind.TYPO for m in fallbacks)  # the page is filled by typos only
    # "Anna-Karin A": the A-word must be another one (Ahlström-Berg), not Anna or Anna-Karin.
    [match] = index.search("anna-karin a", NOW)
    assert [(m.field, m.value) for m in match.matched] == [
        ("first_name", "Anna-Karin"),
        ("last_name", "Ahlström-Berg"),
    ]
    assert ids(index, "per olof") == ["p02-per-olof"]
    assert ids(index, "eva e") == ["p05-eva", "p06-eva"]
