"""The bounded query paths give the answers of the exhaustive ones.

Multi-word queries are ranked on bitmaps of the words' people (`_first_of_bitmaps`), as the
ranking rule ranks every person one by one. Typos are scanned among prefixes with
the word's first letter, and a wrong first letter is found by lookup.
"""

from __future__ import annotations

import random

import pytest
from rapidfuzz.distance import OSA
from telefonist.directory import DirectoryIndex, MatchKind
from telefonist.directory import index as index_module
from telefonist.directory.normalize import tokenize
from telefonist.models.directory import Directory, MessagePreference, Person, PersonPhone, PhoneKind

from tests.unit.directory.fixtures import NOW, swedish_directory

FIRST = ["Åsa", "Per", "Per Olof", "Anna-Karin", "Eva", "Erik", "Greta", "Mikael", "Sofia", "Ann-Sofie", "Lars"]
LAST = ["Södergren", "Lindqvist", "Lindkvist", "Eriksson", "Ericsson", "Sandberg", "Sjöberg", "Ahl-Berg", "Lund"]
KEYWORDS = ["fakturor", "CT-116", "CT-120", "EV-132", "reklamation", "lösenord", "växel", "moms", "budget"]


def _directory(count: int, seed: int) -> Directory:
    rng = random.Random(seed)
    people = [
        Person(
            person_id=f"p{n:04d}",
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            department=rng.choice(["Ekonomi", "Support", "Lager", "IT"]),
            keywords=rng.sample(KEYWORDS, 2),
            phones=[PersonPhone(kind=PhoneKind.WORK, number=f"+46852{n:05d}")],
            email=f"p{n:04d}@example.se",
            message_preference=MessagePreference.EMAIL,
        )
        for n in range(count)
    ]
    return Directory(tenant_id="acme", people=people, version=1)


def generated_directory() -> Directory:
    return _directory(400, seed=3)


@pytest.fixture(scope="module")
def generated() -> DirectoryIndex:
    return DirectoryIndex(generated_directory())


def _queries(rng: random.Random, count: int) -> list[str]:
    words = [token for text in FIRST + LAST + KEYWORDS for token in tokenize(text)]
    queries = []
    for _ in range(count):
        picked = [rng.choice(words) for _ in range(rng.choice((2, 2, 3)))]
        # As typed: the last word cut short; sometimes a typo in a long word.
        last = picked[-1]
        picked[-1] = last[: rng.randrange(1, len(last) + 1)]
        if len(picked[0]) >= 6 and rng.random() < 0.3:
            picked[0] = picked[0][:2] + picked[0][3:]
        queries.append(" ".join(picked))
    return [*queries, "ann-sofie s", "greta s", "CT-116", "ev 132", "per p", "per olof l", "a s", "e e"]


def _exhaustive(index: DirectoryIndex, matches: list) -> list[int]:
    """The ranking rule itself, person by person: worst word's rank, then the sum, then directory order
    (every person who matches, in that order: the first `limit` are the answer for any limit)."""
    ranked = []
    no_match = len(MatchKind)
    for idx in index._people:
        ranks = [index._best_in_person(idx, word)[0] for word in matches]
        if max(ranks) < no_match:
            ranked.append((max(ranks), sum(ranks), idx))
    return [idx for _worst, _total, idx in sorted(ranked)]


@pytest.mark.parametrize("least", [1, index_module._BITMAP_LEAST, 10**6])  # every token a bitmap, some, none
@pytest.mark.parametrize("typo", [False, True])
def test_queries_ranked_on_bitmaps_as_person_by_person(typo: bool, least: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "_BITMAP_LEAST", least)
    index = DirectoryIndex(generated_directory())
    assert (len(index._name_bits) > 0) == (least < 10**6)
    queries = _queries(random.Random(7), 300)
    for query in [*queries, *sorted({word for text in queries for word in text.split()}), "s", "l", "e", "a", "c"]:
        words = list(dict.fromkeys(tokenize(query)))
        matches = index._all_word_matches(words, typo=typo)
        exhaustive = _exhaustive(index, matches)
        for limit in (1, 10, 50):
            assert index._rank(matches, limit) == exhaustive[:limit], (query, limit)


def test_the_typo_pass_adds_typos_to_the_matches_it_has_or_is_skipped_when_they_add_nothing(
    generated: DirectoryIndex,
) -> None:
    skipped = 0
    for query in [*_queries(random.Random(11), 200), "hanna kvis", "sodergren", "lindqvist e"]:
        words = list(dict.fromkeys(tokenize(query)))
        exact = generated._all_word_matches(words, typo=False)
        with_typos = generated._all_word_matches(words, typo=True)
        reused = generated._with_typos(words, exact)
        if reused is None:
            skipped += 1
            assert with_typos == exact, query
        else:
            assert reused == with_typos != exact, query
        assert exact == generated._all_word_matches(words, typo=False)  # left as it was
    assert 0 < skipped < 203


def test_two_broad_words_still_find_people_holding_both(generated: DirectoryIndex) -> None:
    found = generated.search("e s", NOW, 50)
    assert found
    for match in found:
        tokens = tokenize(f"{match.person.full_name} {match.person.department} {' '.join(match.person.keywords)}")
        assert any(t.startswith("e") for t in tokens)
        assert any(t.startswith("s") for t in tokens)


@pytest.mark.parametrize(
    ("typo", "person_id"),
    [
        ("xodergren", "p01-asa"),  # first letter typed wrong
        ("odergren", "p01-asa"),  # first letter left out
        ("psodergren", "p01-asa"),  # a letter added before the first
        ("osdergren", "p01-asa"),  # first two letters swapped
    ],
)
def test_a_typo_in_the_first_letter_is_found_by_lookup(typo: str, person_id: str) -> None:
    index = DirectoryIndex(swedish_directory())
    found = index.search(typo, NOW)
    assert [m.person.person_id for m in found][:1] == [person_id]
    assert found[0].kind in (MatchKind.TYPO, MatchKind.SOUND_ALIKE)


def test_every_one_edit_typo_prefix_is_found_as_by_a_full_scan(generated: DirectoryIndex) -> None:
    rng = random.Random(5)
    vocabulary = [t for t in generated._vocabulary if t.isalpha() and len(t) >= 5]
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    every_prefix = {p for prefixes in generated._typo_choices.values() for p in prefixes}
    for _ in range(300):
        word = list(rng.choice(vocabulary))
        position = rng.randrange(len(word))
        edit = rng.choice(("substitute", "delete", "insert", "swap"))
        if edit == "substitute":
            word[position] = rng.choice(alphabet)
        elif edit == "delete" and len(word) > 5:
            del word[position]
        elif edit == "insert":
            word.insert(position, rng.choice(alphabet))
        elif edit == "swap" and position < len(word) - 1:
            word[position], word[position + 1] = word[position + 1], word[position]
        typo = "".join(word)
        if len(typo) >= 9:
            continue  # two edits allowed: the first-letter case is covered for one edit only
        expected = {
            generated._vocabulary[i]
            for p in every_prefix
            if abs(len(p) - len(typo)) <= 1 and OSA.distance(typo, p) <= 1
            for i in generated._prefix_range(p)
        }
        assert set(generated._typo_tokens(typo)) == expected, typo


def test_a_bitmaps_people_are_read_lowest_bit_first_across_chunks() -> None:
    rng = random.Random(3)
    for bits in ([], [0], [0, 7, 8, 4095, 4096, 4097, 9000, 70_001], sorted(rng.sample(range(100_000), 300))):
        assert list(index_module._set_bits(sum(1 << bit for bit in bits))) == bits
