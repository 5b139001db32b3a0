"""An index changed in place by what changed answers as an index built from the whole new directory."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from telefonist.directory import DirectoryIndex
from telefonist.directory import index as index_module
from telefonist.models.directory import Directory, MessagePreference, Person, PersonPhone, PhoneKind, Referral

from tests.unit.directory.fixtures import NOW, swedish_directory
from tests.unit.directory.test_query_paths import FIRST, KEYWORDS, LAST

QUERIES = [
    "åsa", "per", "per p", "per olof", "lager", "södregren", "sodergren", "ct", "CT-116", "ev 132", "fakturor",
    "fakturr", "reklamation", "e", "s", "greta s", "ann-sofie s", "lindqvist", "lindkvist", "eriksson", "ericson",
    "0852", "+46852000", "moms budget", "support", "ekonomi e", "xodergren", "nyord", "zeta", "zetterlund",
]  # fmt: skip


def _person(person_id: str, rng: random.Random, number: int) -> Person:
    first = rng.choice([*FIRST, "Zeta", "Nyord"])
    return Person(
        person_id=person_id,
        first_name=first,
        last_name=rng.choice([*LAST, "Zetterlund", "Ny-Ordell"]),
        department=rng.choice(["Ekonomi", "Support", "Lager", "IT", "Nyavdelning"]),
        keywords=rng.sample([*KEYWORDS, "nyckelord", "CT-999"], 2),
        phones=[PersonPhone(kind=PhoneKind.WORK, number=f"+46852{number:05d}")],
        email=f"{person_id}@example.se",
        message_preference=MessagePreference.EMAIL,
    )


def _answers(index: DirectoryIndex) -> list[list[tuple[str, str, list[tuple[str, str]], str | None, list[str]]]]:
    return [
        [
            (
                m.person.person_id,
                m.kind.value,
                sorted((f.field, f.value) for f in m.matched),
                m.referral.referral_id if m.referral else None,
                [r.referral_id for r in m.upcoming_referrals],
            )
            for m in index.search(query, NOW, 20)
        ]
        for query in QUERIES
    ]


def _changed(directory: Directory, rng: random.Random, step: int) -> tuple[Directory, dict, dict]:
    people = {p.person_id: p for p in directory.people}
    referrals = {(r.person_id, r.referral_id): r for r in directory.referrals}
    changed_people: dict[str, Person | None] = {}
    changed_referrals: dict[tuple[str, str], Referral | None] = {}
    for _ in range(rng.randrange(1, 4)):
        action = rng.choice(("edit", "add", "delete", "refer", "unrefer"))
        existing = sorted(people)
        if action == "edit":
            person_id = rng.choice(existing)
            changed_people[person_id] = people[person_id] = _person(person_id, rng, 50_000 + step)
        elif action == "add":
            # Ids that sort before, between and after the others.
            person_id = rng.choice(["a", "p0", "p05", "p10-x", "zz"]) + f"-{step}"
            changed_people[person_id] = people[person_id] = _person(person_id, rng, 60_000 + step)
        elif action == "delete" and len(existing) > 3:
            person_id = rng.choice(existing)
            del people[person_id]
            changed_people[person_id] = None
            for key in [k for k in referrals if k[0] == person_id]:
                del referrals[key]
                changed_referrals[key] = None
        elif action == "refer":
            person_id = rng.choice(existing)
            start = NOW + timedelta(hours=rng.randrange(-5, 5))
            referral = Referral(
                referral_id=f"r{step}",
                person_id=person_id,
                text="Borta",
                valid_from=start,
                valid_until=start + timedelta(hours=3),
            )
            changed_referrals[(person_id, referral.referral_id)] = referrals[(person_id, referral.referral_id)] = (
                referral
            )
        elif action == "unrefer" and referrals:
            key = rng.choice(sorted(referrals))
            del referrals[key]
            changed_referrals[key] = None
    # As the store returns a directory: people in id order, referrals by person then referral id.
    new = Directory(
        tenant_id=directory.tenant_id,
        people=[people[k] for k in sorted(people)],
        referrals=[referrals[k] for k in sorted(referrals)],
        version=directory.version + 1,
    )
    return new, changed_people, changed_referrals


@pytest.mark.parametrize(("seed", "least"), [(seed, 1 if seed % 2 else 10**6) for seed in range(6)])
def test_changes_applied_in_place_answer_as_a_fresh_build(
    seed: int, least: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every token with a bitmap (kept up to date; added people's bits out of directory order), or none.
    monkeypatch.setattr(index_module, "_BITMAP_LEAST", least)
    rng = random.Random(seed)
    base = swedish_directory()
    directory = base.model_copy(update={"people": sorted(base.people, key=lambda p: p.person_id)})
    index = DirectoryIndex(directory)
    for step in range(12):
        before = _answers(index)
        directory, people, referrals = _changed(directory, rng, step)
        changed = index.with_changes(directory.version, people, referrals)
        assert changed is not None
        assert changed.version == directory.version
        assert len(changed) == len(directory.people)
        assert _answers(changed) == _answers(DirectoryIndex(directory)), (seed, step, people, referrals)
        assert _answers(index) == before  # the older version is untouched (a search in flight)
        index = changed


def test_a_referral_only_change_shares_every_search_structure() -> None:
    index = DirectoryIndex(swedish_directory())
    changed = index.with_changes(2, {}, {("p01-asa", "r-meeting"): None})
    assert changed is not None
    assert changed._name_postings is index._name_postings
    assert changed._vocabulary is index._vocabulary
    assert changed.search("åsa", NOW)[0].referral is None
    assert index.search("åsa", NOW)[0].referral is not None


def test_a_new_person_in_a_directory_not_in_id_order_asks_for_a_rebuild() -> None:
    directory = swedish_directory()
    shuffled = directory.model_copy(update={"people": list(reversed(directory.people))})
    index = DirectoryIndex(shuffled)
    newcomer = _person("p99-ny", random.Random(1), 1)
    assert index.with_changes(2, {"p99-ny": newcomer}, {}) is None
    # Editing someone already there needs no place: it applies.
    asa = next(p for p in directory.people if p.person_id == "p01-asa")
    edited = asa.model_copy(update={"department": "Nyavdelning"})
    changed = index.with_changes(2, {"p01-asa": edited}, {})
    assert changed is not None
    assert [m.person.person_id for m in changed.search("nyavdelning", NOW)] == ["p01-asa"]
