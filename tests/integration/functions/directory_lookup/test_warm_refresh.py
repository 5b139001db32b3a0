"""A warm container applies a directory change from what changed, against moto's table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.directory import DirectoryIndex
from telefonist.models.directory import Person, PersonPhone, PhoneKind, Referral
from telefonist.ports.store import CorruptItemError, NotFoundError

from functions.directory_lookup import handler
from tests.integration.functions.directory_lookup.test_handler import search  # of TENANT_ID's directory
from tests.unit.directory.fixtures import NOW, TENANT_ID, swedish_directory


def _newcomer() -> Person:
    return Person(
        person_id="p05-zelda",
        first_name="Zelda",
        last_name="Nyström",
        phones=[PersonPhone(kind=PhoneKind.WORK, number="+46852019999")],
        email="zelda@acme.example",
    )


def test_a_referral_a_new_person_and_a_deletion_reach_the_warm_index_without_a_reload(
    seeded: CustomerRepository, deps: handler.Dependencies
) -> None:
    search(deps, "åsa")
    cache = deps.directory
    loads = cache.loads
    # A referral for Björn: one version, one key named.
    seeded.put_referral(
        TENANT_ID,
        Referral(referral_id="r-lunch", person_id="p08-bjorn", text="Lunch", valid_from=NOW - timedelta(days=9999)),
    )
    [bjorn] = search(deps, "björn")["matches"]
    assert bjorn["referral"]["text"] == "Lunch"
    # A new person placed in id order, then a deletion of a person with referrals (several keys).
    seeded.put_person(TENANT_ID, _newcomer())
    assert [m["person"]["person_id"] for m in search(deps, "zelda")["matches"]] == ["p05-zelda"]
    seeded.delete_person(TENANT_ID, "p01-asa")
    assert search(deps, "sodergren")["matches"] == []
    assert (cache.loads, cache.deltas) == (loads, 3)
    # The index answers as one built from the stored directory.
    index = cache.get(TENANT_ID)
    fresh = DirectoryIndex(seeded.load_directory(TENANT_ID))
    for query in ("per", "lager", "zelda", "björn", "e"):
        assert [m.person.person_id for m in index.search(query, NOW)] == [
            m.person.person_id for m in fresh.search(query, NOW)
        ]


def test_two_changes_between_checks_reload_the_directory(
    seeded: CustomerRepository, deps: handler.Dependencies
) -> None:
    search(deps, "åsa")
    cache = deps.directory
    loads = cache.loads
    seeded.put_person(TENANT_ID, _newcomer())
    seeded.delete_referral(TENANT_ID, "p01-asa", "r-meeting")
    search(deps, "zelda")
    assert (cache.loads, cache.deltas) == (loads + 1, 0)


def test_a_full_read_of_the_stored_directory_equals_the_validated_load(seeded: CustomerRepository) -> None:
    read = seeded.read_directory(TENANT_ID)
    loaded = seeded.load_directory(TENANT_ID)
    assert read.people == loaded.people
    assert read.referrals == loaded.referrals
    assert read.version == loaded.version
    assert sorted(p.person_id for p in read.people) == sorted(p.person_id for p in swedish_directory().people)


def test_a_stored_item_that_does_not_decode_as_written_is_validated(seeded: CustomerRepository) -> None:
    table = seeded._table
    key = {"pk": f"TENANT#{TENANT_ID}", "sk": "PERSON#p01-asa"}
    item = table.get_item(Key=key)["Item"]
    # Phones stored as a map, not a list: validation reads it (and would refuse what it cannot read).
    table.put_item(Item={**item, "phones": {"kind": "work"}})
    with pytest.raises(CorruptItemError):
        seeded.load_directory(TENANT_ID)
    with pytest.raises(CorruptItemError):
        seeded.read_directory(TENANT_ID)


def test_a_customer_is_known_without_reading_its_profile(seeded: CustomerRepository) -> None:
    seeded.require_tenant(TENANT_ID)
    with pytest.raises(NotFoundError):
        seeded.require_tenant("nobody")
