"""The mobile index SMS commands find their sender by (issue 21), and its one-off for older people."""

from __future__ import annotations

import json
from typing import Any

import pytest
from telefonist.dal import keys
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.models.directory import MessagePreference, Person, PersonPhone, PhoneKind

from telefonist_local.cli import main

EVA_MOBILE = "+46701234567"


def eva(mobile: str = EVA_MOBILE) -> Person:
    return Person(
        person_id="eva",
        first_name="Eva",
        last_name="Lind",
        phones=[PersonPhone(kind=PhoneKind.MOBILE, number=mobile)],
        message_preference=MessagePreference.SMS,
    )


def legacy_put(table: Any, tenant_id: str, person: Person) -> None:
    """A person item as written before the index: no `mobile_key`."""
    table.put_item(
        Item={
            **person.model_dump(mode="json"),
            "pk": keys.tenant_pk(tenant_id),
            "sk": keys.person_sk(person.person_id),
            "entity": "person",
            "item_version": 1,
        }
    )


def test_the_index_holds_a_digest_not_the_number_and_follows_a_changed_mobile(
    repo: CustomerRepository, customer_table: Any
) -> None:
    repo.put_person("acme", eva())
    [item] = [i for i in customer_table.scan()["Items"] if i.get("entity") == "person"]
    assert item["mobile_key"].startswith("MOBILE#")
    assert "701234567" not in item["mobile_key"]
    assert [(t, p.person_id) for t, p in repo.people_with_mobile(EVA_MOBILE)] == [("acme", "eva")]
    repo.put_person("acme", eva("+46709998877"))
    assert repo.people_with_mobile(EVA_MOBILE) == []


def test_people_saved_before_the_index_are_found_after_the_one_off(
    repo: CustomerRepository, customer_table: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy_put(customer_table, "acme", eva())
    assert repo.people_with_mobile(EVA_MOBILE) == []
    assert main(["index-mobiles", "--tenant", "acme"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["people_indexed"] == 1
    assert [p.person_id for _, p in repo.people_with_mobile(EVA_MOBILE)] == ["eva"]
    assert repo.index_mobiles("acme") == 0  # again: nothing to do
