"""Stored directory items read without re-validation decode to the very models that were written."""

from __future__ import annotations

from typing import Any

import pytest
from telefonist.directory.index import FieldMatch, MatchKind
from telefonist.directory.stored import construct, person_of_item, referral_of_item
from telefonist.models.directory import Person, Referral

from tests.unit.directory.fixtures import swedish_people, swedish_referrals


def _item(body: dict[str, Any], sk: str, entity: str) -> dict[str, Any]:
    """As the repository writes it: the model's JSON dump plus keys and bookkeeping."""
    return {**body, "pk": "TENANT#acme", "sk": sk, "entity": entity, "item_version": 3, "item_updated_at": "x"}


@pytest.mark.parametrize("person", swedish_people(), ids=lambda p: p.person_id)
def test_a_stored_person_reads_back_equal_to_the_validated_model(person: Person) -> None:
    read = person_of_item(_item(person.model_dump(mode="json"), f"PERSON#{person.person_id}", "person"))
    assert read == person
    assert read.model_dump(mode="json") == person.model_dump(mode="json")
    assert read.transfer_numbers == person.transfer_numbers
    assert read == Person.model_validate(read.model_dump(mode="json"))


@pytest.mark.parametrize("referral", swedish_referrals(), ids=lambda r: f"{r.person_id}/{r.referral_id}")
def test_a_stored_referral_reads_back_equal_to_the_validated_model(referral: Referral) -> None:
    body = referral.model_dump(mode="json")
    assert referral_of_item(_item(body, "PERSON#x#REF#y", "referral")) == referral


def test_a_referral_whose_refer_to_was_removed_reads_without_it() -> None:
    referral = next(r for r in swedish_referrals() if r.refer_to_person_id)
    body = referral.model_dump(mode="json")
    del body["refer_to_person_id"]  # delete_person REMOVEs the attribute
    assert referral_of_item(body).refer_to_person_id is None


@pytest.mark.parametrize(
    "damage",
    [
        {"first_name": None},
        {"phones": [{"kind": "fax", "number": "+46701234567"}]},
        {"message_preference": "pigeon"},
        {"keywords": [1]},
        {"person_id": 7},
    ],
)
def test_an_item_that_does_not_read_as_written_raises(damage: dict[str, Any]) -> None:
    body = {**swedish_people()[0].model_dump(mode="json"), **damage}
    with pytest.raises((ValueError, TypeError, KeyError)):
        person_of_item(body)


def test_construct_equals_model_construct_with_every_field() -> None:
    values = {"field": "keyword", "value": "fakturor", "kind": MatchKind.FIELD}
    built = construct(FieldMatch, dict(values))
    assert built == FieldMatch.model_construct(**values) == FieldMatch(**values)
    assert built.model_fields_set == set(values)
