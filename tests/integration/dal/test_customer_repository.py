"""Every access pattern of docs/data-model.md against in-process moto, with its round trips."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.models.directory import Referral
from telefonist.ports.store import ConflictError, CorruptItemError, NotFoundError

from telefonist_local.sample_data import (
    DEMO_SWITCHBOARD_NUMBER,
    demo_common_numbers,
    demo_directory,
    demo_office,
    demo_tenant,
)
from telefonist_local.seeding import seed_demo_tenant


@contextmanager
def count_calls(table: Any) -> Iterator[list[str]]:
    """Counts the DynamoDB API calls made through the table's client (round trips)."""
    calls: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        calls.append(event_name.rsplit(".", 1)[-1])

    events = table.meta.client.meta.events
    events.register("before-call.dynamodb", record)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb", record)


def test_dialed_number_to_customer_common_number_and_script_is_one_round_trip(
    repo: CustomerRepository, customer_table: Any
) -> None:
    seed_demo_tenant(repo, people=5)
    with count_calls(customer_table) as calls:
        route = repo.get_route(DEMO_SWITCHBOARD_NUMBER)
    assert calls == ["GetItem"]
    assert (route.tenant_id, route.common_number_id, route.tenant_name) == (
        "acme",
        "vaxel",
        "Acme Verktyg AB",
    )
    assert route.info.how_to_answer.startswith("Acme Verktyg")
    assert "Sveavägen 1" in route.office_summary
    assert "4711" not in route.model_dump_json()


def test_an_unknown_number_is_not_found(repo: CustomerRepository) -> None:
    with pytest.raises(NotFoundError):
        repo.get_route("+46852999999")


def test_routes_follow_changes_of_the_script(repo: CustomerRepository) -> None:
    seed_demo_tenant(repo, people=1)
    vaxel = demo_common_numbers()[0]
    changed = vaxel.model_copy(update={"info": vaxel.info.model_copy(update={"how_to_answer": "Nytt svar"})})
    repo.put_common_number("acme", changed)
    repo.rebuild_routes("acme")
    assert repo.get_route(DEMO_SWITCHBOARD_NUMBER).info.how_to_answer == "Nytt svar"


def test_a_large_directory_is_loaded_in_one_paged_query(repo: CustomerRepository, customer_table: Any) -> None:
    # Given 1,500 people (moto does not cut pages at 1 MB, so pages are capped at 200 items)
    people, _ = demo_directory(1500)
    with customer_table.batch_writer() as batch:
        for person in people:
            batch.put_item(
                Item={
                    "pk": "TENANT#acme",
                    "sk": f"PERSON#{person.person_id}",
                    "entity": "person",
                    "item_version": 1,
                    **person.model_dump(mode="json"),
                }
            )
    # When
    with count_calls(customer_table) as calls:
        directory = repo.load_directory("acme", page_size=200)
    # Then every person came back, over more than one page of the same query
    assert len(directory.people) == 1500
    assert len({p.person_id for p in directory.people}) == 1500
    assert set(calls) == {"Query"}
    assert len(calls) == 8  # ceil(1500 / 200): every page followed


def test_one_persons_referrals_are_one_round_trip_and_do_not_leak_between_similar_ids(
    repo: CustomerRepository, customer_table: Any
) -> None:
    people, _ = demo_directory(2)
    eva = people[0].model_copy(update={"person_id": "eva"})
    eva2 = people[1].model_copy(update={"person_id": "eva-2"})
    repo.put_person("acme", eva)
    repo.put_person("acme", eva2)
    start = datetime(2026, 11, 24, 8, tzinfo=UTC)
    repo.put_referral("acme", Referral(referral_id="r1", person_id="eva", text="I möte", valid_from=start))
    repo.put_referral("acme", Referral(referral_id="r1", person_id="eva-2", text="Sjuk", valid_from=start))
    with count_calls(customer_table) as calls:
        person, referrals = repo.get_person("acme", "eva")
    assert calls == ["Query"]
    assert person.model.person_id == "eva"
    assert [r.text for r in referrals] == ["I möte"]


def test_a_person_reads_back_as_written_and_an_item_that_does_not_decode_is_validated(
    repo: CustomerRepository, customer_table: Any
) -> None:
    people, _ = demo_directory(5)
    person = next(p for p in people if p.email and p.phones and p.keywords)
    repo.put_person("acme", person)
    read, _ = repo.get_person("acme", person.person_id)  # decoded as written, not validated again
    assert read.model == person
    assert read.model.model_dump() == person.model_dump()
    assert read.version == 1
    key = {"pk": "TENANT#acme", "sk": f"PERSON#{person.person_id}"}
    customer_table.update_item(
        Key=key, UpdateExpression="SET phones = :p", ExpressionAttributeValues={":p": [{"kind": "work", "number": 7}]}
    )
    with pytest.raises(CorruptItemError, match="stored person is invalid"):
        repo.get_person("acme", person.person_id)


def test_every_directory_change_bumps_the_directory_version(repo: CustomerRepository) -> None:
    people, _ = demo_directory(1)
    assert repo.directory_version("acme") == 0
    repo.put_person("acme", people[0])
    start = datetime(2026, 11, 24, 8, tzinfo=UTC)
    repo.put_referral("acme", Referral(referral_id="r1", person_id=people[0].person_id, text="Ute", valid_from=start))
    repo.delete_referral("acme", people[0].person_id, "r1")
    repo.delete_person("acme", people[0].person_id)
    assert repo.directory_version("acme") == 4
    assert repo.load_directory("acme").people == []


def test_a_referral_for_an_unknown_person_is_not_found(repo: CustomerRepository) -> None:
    with pytest.raises(NotFoundError, match="person ghost not found"):
        repo.put_referral("acme", Referral(referral_id="r1", person_id="ghost", text="x", valid_from=datetime.now(UTC)))


def test_a_stale_write_is_a_conflict(repo: CustomerRepository) -> None:
    tenant = demo_tenant()
    assert repo.put_tenant(tenant, expected_version=0) == 1
    with pytest.raises(ConflictError):
        repo.put_tenant(tenant, expected_version=0)  # already exists
    assert repo.put_tenant(tenant.model_copy(update={"name": "Acme AB"}), expected_version=1) == 2
    with pytest.raises(
        ConflictError, match=r"^the tenant acme was changed by someone else since you read it \(version 1\)"
    ):
        repo.put_tenant(tenant, expected_version=1)
    assert repo.get_tenant("acme").model.name == "Acme AB"
    assert repo.get_tenant("acme").version == 2


def test_a_stale_person_write_is_a_conflict_and_does_not_bump_the_version(repo: CustomerRepository) -> None:
    people, _ = demo_directory(1)
    repo.put_person("acme", people[0], expected_version=0)
    with pytest.raises(ConflictError):
        repo.put_person("acme", people[0], expected_version=0)
    assert repo.directory_version("acme") == 1


def test_door_codes_are_encrypted_at_rest_and_revealed_only_on_request(
    repo: CustomerRepository, customer_table: Any
) -> None:
    repo.put_tenant(demo_tenant())
    repo.put_office("acme", demo_office())
    raw = customer_table.get_item(Key={"pk": "TENANT#acme", "sk": "OFFICE#huvudkontor"})["Item"]
    assert "4711" not in str(raw)
    assert repo.get_office("acme", "huvudkontor").model.door_codes[0].code.get_secret_value() == "(hidden)"
    revealed = repo.get_office("acme", "huvudkontor", reveal_door_codes=True).model
    assert revealed.door_codes[0].code.get_secret_value() == "4711"


def test_the_configuration_is_one_query(repo: CustomerRepository, customer_table: Any) -> None:
    seed_demo_tenant(repo, people=3)
    with count_calls(customer_table) as calls:
        config = repo.load_configuration("acme")
    assert calls == ["Query"]
    assert config.tenant.model.name == "Acme Verktyg AB"
    assert sorted(c.model.common_number_id for c in config.common_numbers) == ["support", "vaxel"]
    assert [o.model.office_id for o in config.offices] == ["huvudkontor"]


def test_the_price_book_holds_every_version(repo: CustomerRepository) -> None:
    with pytest.raises(NotFoundError):
        repo.load_price_book()
    seed_demo_tenant(repo, people=1)
    assert repo.load_price_book().valid_on(datetime(2026, 11, 24).date()).version == "2026-01"


def test_deleting_something_missing_is_not_found(repo: CustomerRepository) -> None:
    with pytest.raises(NotFoundError):
        repo.delete_office("acme", "nowhere")
    with pytest.raises(NotFoundError):
        repo.delete_referral("acme", "eva", "r9")
