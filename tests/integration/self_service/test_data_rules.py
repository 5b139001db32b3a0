"""Issue 13, the self-service data rules, through the HTTP surface (API Gateway-shaped events).

Ownership of numbers, writes that keep data, configuration and its routing copy written together,
bounded items and pages, clear errors, and local opening hours.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from telefonist.dal import keys
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.edge.identity import Caller
from telefonist.ports.store import ConflictError, NotFoundError
from telefonist.self_service import SelfService
from telefonist.self_service import api_models as api

from telefonist_local.self_service.local_gateway import local_token
from tests.integration.dal.test_customer_repository import count_calls
from tests.integration.self_service.conftest import (
    ACME_ADMIN_TOKEN,
    ACME_USER_TOKEN,
    GLOBEX_ADMIN_TOKEN,
    OPERATOR,
    OPERATOR_TOKEN,
    ApiClient,
)

ACME_NUMBER = "+46852000001"
GLOBEX_NUMBER = "+46852000101"
ADDRESS = {"street": "Hamnvägen 2", "postal_code": "111 22", "city": "Stockholm"}


def _fields(response: Any) -> list[str]:
    body = response.body
    return [e["field"] for e in body.get("errors") or []] + ([body["field"]] if body.get("field") else [])


def _audit_actions(client: ApiClient) -> list[str]:
    return [e["action"] for e in client.call("GET", "/audit?limit=200", ACME_ADMIN_TOKEN).body["items"]]


# ------------------------------------------------------------------ 1. ownership of numbers
def _initech(*claims: tuple[str, str]) -> dict[str, Any]:
    """A new customer's onboarding body claiming (number, common number id) pairs."""
    numbers = [{"phone_number": n, "common_number_id": c} for n, c in claims]
    return {"tenant_id": "initech", "name": "Initech", "claimed_numbers": numbers}


def test_onboarding_with_a_number_another_customer_has_is_a_conflict_naming_it(
    client: ApiClient, repo: CustomerRepository
) -> None:
    # Given globex has +46852000101
    body = _initech(("+46852000555", "initech-sales"), (GLOBEX_NUMBER, "initech-sales"))
    # When an operator onboards another customer with it
    response = client.call("POST", "/operator/tenants", OPERATOR_TOKEN, body)
    # Then 409 naming the number, and nothing of the new customer was written
    assert response.status == 409
    assert GLOBEX_NUMBER in response.body["message"]
    with pytest.raises(NotFoundError):
        repo.get_tenant("initech")
    assert repo.number_owner("+46852000555") is None
    assert repo.number_owner(GLOBEX_NUMBER) == "globex"
    assert repo.get_route(GLOBEX_NUMBER).tenant_id == "globex"


def test_the_conflict_names_the_claimed_number_field(service: SelfService) -> None:
    body = api.TenantCreate.model_validate(
        {
            "tenant_id": "initech",
            "name": "Initech",
            "claimed_numbers": [
                {"phone_number": "+46852000555", "common_number_id": "x"},
                {"phone_number": ACME_NUMBER, "common_number_id": "x"},
            ],
        }
    )
    with pytest.raises(ConflictError) as raised:
        service.create_tenant(OPERATOR, body)
    assert raised.value.field == "body.claimed_numbers.1.phone_number"
    assert ACME_NUMBER in str(raised.value)


def test_ownership_is_a_conditional_write_not_a_read_before_it(
    client: ApiClient, repo: CustomerRepository, customer_table: Any
) -> None:
    # Given globex's profile lists acme's number (hand-edited, or written before ownership existed)
    profile = customer_table.get_item(Key={"pk": "TENANT#globex", "sk": "#PROFILE"})["Item"]
    profile["claimed_numbers"].append({"phone_number": ACME_NUMBER, "common_number_id": "globex-sales"})
    customer_table.put_item(Item=profile)
    # When globex saves its script, which rebuilds the routes of every number it lists
    body = {"name": "Globex Sales", "info": {"how_to_answer": "Globex, hej"}, "expected_version": 1}
    response = client.call("PUT", "/common-numbers/globex-sales", GLOBEX_ADMIN_TOKEN, body)
    # Then the write is refused as a whole: acme's callers keep acme's script, globex's script is unchanged
    assert response.status == 409
    assert ACME_NUMBER in response.body["message"]
    assert repo.get_route(ACME_NUMBER).tenant_id == "acme"
    assert repo.get_common_number("globex", "globex-sales").model.info.how_to_answer == "Globex, good morning"


def test_a_common_number_with_a_routed_phone_number_cannot_be_deleted(
    client: ApiClient, repo: CustomerRepository
) -> None:
    response = client.call("DELETE", "/common-numbers/acme-sales", ACME_ADMIN_TOKEN)
    assert response.status == 409
    assert ACME_NUMBER in response.body["message"]
    assert client.call("GET", "/common-numbers/acme-sales", ACME_ADMIN_TOKEN).status == 200
    assert repo.get_route(ACME_NUMBER).common_number_id == "acme-sales"
    assert "common_number.delete" not in _audit_actions(client)


def test_a_common_number_without_phone_numbers_can_be_deleted(client: ApiClient) -> None:
    body = {"name": "Support", "info": {"how_to_answer": "Support"}, "expected_version": 0}
    assert client.call("PUT", "/common-numbers/acme-support", ACME_ADMIN_TOKEN, body).status == 200
    assert client.call("DELETE", "/common-numbers/acme-support", ACME_ADMIN_TOKEN).status == 200
    assert client.call("GET", "/common-numbers/acme-support", ACME_ADMIN_TOKEN).status == 404


def test_a_number_whose_common_number_does_not_exist_is_not_routed_to_another(
    client: ApiClient, repo: CustomerRepository
) -> None:
    # Given a customer whose second number names a common number that does not exist (yet)
    body = _initech(("+46852000555", "initech-sales"), ("+46852000556", "initech-support"))
    assert client.call("POST", "/operator/tenants", OPERATOR_TOKEN, body).status == 200
    admin = Caller(subject="i-admin", tenant_id="initech", groups=frozenset({"admins"}))
    # When its first common number is created
    script = {"name": "Sales", "info": {"how_to_answer": "Initech"}, "expected_version": 0}
    assert client.call("PUT", "/common-numbers/initech-sales", _token(admin), script).status == 200
    # Then only its own number is routed; the other is not routed to Sales' script
    assert repo.get_route("+46852000555").common_number_id == "initech-sales"
    with pytest.raises(NotFoundError):
        repo.get_route("+46852000556")


def _token(caller: Caller) -> str:
    return local_token(caller.tenant_id, ",".join(sorted(caller.groups)), subject=caller.subject)


# ------------------------------------------------------------------ 2. writes that keep data
def test_an_office_edit_without_door_codes_keeps_them_and_an_empty_list_clears_them(client: ApiClient) -> None:
    edit = {"name": "Acme HQ", "address": ADDRESS, "expected_version": 1}
    response = client.call("PUT", "/offices/acme-hq", ACME_ADMIN_TOKEN, edit)
    assert response.status == 200
    assert response.body["door_codes"] == [{"label": "Main door", "code": "1234"}]
    stored = client.call("GET", "/offices/acme-hq", ACME_ADMIN_TOKEN).body
    assert (stored["address"]["street"], stored["door_codes"]) == (
        "Hamnvägen 2",
        [{"label": "Main door", "code": "1234"}],
    )
    cleared = client.call(
        "PUT", "/offices/acme-hq", ACME_ADMIN_TOKEN, {**edit, "door_codes": [], "expected_version": 2}
    )
    assert cleared.status == 200
    assert client.call("GET", "/offices/acme-hq", ACME_ADMIN_TOKEN).body["door_codes"] == []


def test_deleting_a_person_deletes_all_of_their_referrals_however_many(
    client: ApiClient, repo: CustomerRepository, customer_table: Any
) -> None:
    # Given a person with 150 referrals (more than one transaction holds), written as older data could be
    with customer_table.batch_writer() as batch:
        for index in range(150):
            batch.put_item(
                Item={
                    "pk": "TENANT#acme",
                    "sk": f"PERSON#acme-p2#REF#old-{index:03d}",
                    "entity": "referral",
                    "item_version": 1,
                    "referral_id": f"old-{index:03d}",
                    "person_id": "acme-p2",
                    "text": "Semester",
                    "valid_from": "2026-11-24T08:00:00+00:00",
                }
            )
    version_before = repo.directory_version("acme")
    # When the person is deleted
    assert client.call("DELETE", "/people/acme-p2", ACME_ADMIN_TOKEN).status == 200
    # Then nothing of theirs is left, the directory version moved, and a new person of that id starts clean
    left = customer_table.query(
        KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
        ExpressionAttributeValues={":p": "TENANT#acme", ":s": "PERSON#acme-p2"},
    )["Items"]
    assert left == []
    assert repo.directory_version("acme") > version_before
    again = {"person_id": "acme-p2", "first_name": "Ny", "last_name": "Person", "email": "ny@acme.example"}
    assert client.call("POST", "/people", ACME_ADMIN_TOKEN, again).status == 200
    assert client.call("GET", "/people/acme-p2", ACME_ADMIN_TOKEN).body["referrals"] == []


def test_deleting_a_person_clears_the_refer_to_of_referrals_pointing_at_them(client: ApiClient) -> None:
    # Given acme-p2 refers callers to acme-p1
    referral = {"text": "Föräldraledig", "valid_from": "2026-11-24T08:00:00Z", "refer_to_person_id": "acme-p1"}
    assert client.call("PUT", "/people/acme-p2/referrals/r2", ACME_ADMIN_TOKEN, referral).status == 200
    # When acme-p1 is deleted
    assert client.call("DELETE", "/people/acme-p1", ACME_ADMIN_TOKEN).status == 200
    # Then acme-p2's referral keeps its text but refers to nobody, and the audit trail says so
    kept = client.call("GET", "/people/acme-p2", ACME_ADMIN_TOKEN).body["referrals"]
    assert [(r["referral_id"], r["text"], r["refer_to_person_id"]) for r in kept] == [("r2", "Föräldraledig", None)]
    trail = client.call("GET", "/audit?limit=5", ACME_ADMIN_TOKEN).body["items"]
    cleared = [e for e in trail if e["action"] == "referral.refer_to_cleared"]
    assert [(e["target"], e["detail"]) for e in cleared] == [
        ("person acme-p2 referral r2", "refer-to person acme-p1 was deleted")
    ]


def test_a_script_change_and_its_routing_copy_are_one_transaction(
    client: ApiClient, customer_table: Any, repo: CustomerRepository
) -> None:
    body = {"name": "Sales", "info": {"how_to_answer": "Acme, hej!"}, "expected_version": 1}
    with count_calls(customer_table) as calls:
        assert client.call("PUT", "/common-numbers/acme-sales", ACME_ADMIN_TOKEN, body).status == 200
    writes = [c for c in calls if c not in ("Query", "GetItem")]
    assert writes == ["TransactWriteItems", "PutItem"]  # the change with its routes; then the audit entry
    assert repo.get_route(ACME_NUMBER).info.how_to_answer == "Acme, hej!"


def test_a_script_whose_routing_copy_would_exceed_the_item_limit_is_a_400_and_writes_nothing(
    client: ApiClient, repo: CustomerRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a store that holds smaller items than the script's routing copy (DynamoDB: 400 KB)
    monkeypatch.setattr(CustomerRepository, "MAX_ITEM_JSON_BYTES", 2_000)
    before = _audit_actions(client)
    body = {"name": "Sales", "info": {"how_to_answer": "Acme", "how_to_transfer": "x" * 1990}, "expected_version": 1}
    # When it is saved
    response = client.call("PUT", "/common-numbers/acme-sales", ACME_ADMIN_TOKEN, body)
    # Then 400 naming the field; neither the script nor its route changed; no audit entry
    assert response.status == 400
    assert "body.info" in _fields(response)
    assert repo.get_common_number("acme", "acme-sales").version == 1
    assert repo.get_route(ACME_NUMBER).info.how_to_transfer == ""
    assert _audit_actions(client) == before


def test_a_maximal_script_fits_in_its_item_and_its_route(client: ApiClient, repo: CustomerRepository) -> None:
    body = {"name": "Sales", "info": _maximal_info(), "expected_version": 1}
    body["opening_hours"] = {"weekly": {str(d): ["08:00", "17:00"] for d in range(7)}, "closed_message": "𝄞" * 2000}
    response = client.call("PUT", "/common-numbers/acme-sales", ACME_ADMIN_TOKEN, body)
    assert response.status == 200, response.body
    assert repo.get_route(ACME_NUMBER).info.faq[-1].answer == "𝄞" * 1000


# ------------------------------------------------------------------ 3. bounded by construction
def _maximal_info() -> dict[str, Any]:
    """General information at every cap, in 4-byte characters (the worst case for item size)."""
    wide = "𝄞"
    return {
        "how_to_answer": wide * 200,
        "how_to_transfer": wide * 2000,
        "how_to_take_messages": wide * 2000,
        "temporary_information": [
            {
                "text": wide * 200,
                "valid_from": "2026-11-24T08:00:00Z",
                "valid_until": "2027-11-24T08:00:00Z",
            }
        ]
        * 20,
        "faq": [{"question": wide * 200, "answer": wide * 1000}] * 30,
        "contacts": [{"name": wide * 200, "role": wide * 200, "phone_number": "+46701234567", "email": "a@example.se"}]
        * 30,
    }


def test_a_customer_has_at_most_twenty_common_numbers(client: ApiClient) -> None:
    for index in range(19):  # acme has one already
        body = {"name": f"N{index}", "info": {"how_to_answer": "Hej"}, "expected_version": 0}
        assert client.call("PUT", f"/common-numbers/n{index:02d}", ACME_ADMIN_TOKEN, body).status == 200
    body = {"name": "One too many", "info": {"how_to_answer": "Hej"}, "expected_version": 0}
    response = client.call("PUT", "/common-numbers/n99", ACME_ADMIN_TOKEN, body)
    assert response.status == 400
    assert "path.common_number_id" in _fields(response)


def test_maximal_common_numbers_come_in_pages_under_the_response_limit(
    client: ApiClient, service: SelfService, customer_table: Any
) -> None:
    # Given 20 common numbers at every cap (28 such made one 6.5 MB response before): one saved by the
    # service, 18 copies of its item under other ids (each save through the service reads the customer's
    # whole configuration, so saving all 19 there read ~45 MB from moto)
    admin = Caller(subject="acme-admin", tenant_id="acme", groups=frozenset({"admins"}))
    info = api.CommonNumberInput.model_validate({"name": "𝄞" * 200, "info": _maximal_info(), "expected_version": 0})
    service.put_common_number(admin, "max-00", info)
    saved = customer_table.get_item(Key={"pk": keys.tenant_pk("acme"), "sk": keys.common_number_sk("max-00")})["Item"]
    with customer_table.batch_writer() as batch:
        for index in range(1, 19):
            common_number_id = f"max-{index:02d}"
            sk = keys.common_number_sk(common_number_id)
            batch.put_item(Item={**saved, "sk": sk, "common_number_id": common_number_id})
    # When a client lists them all, following next_cursor
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        path = "/common-numbers?limit=100" + (f"&cursor={cursor}" if cursor else "")
        response = client.call("GET", path, ACME_ADMIN_TOKEN)
        assert response.status == 200
        # Then each page, even re-encoded inside Lambda's response, stays under 6 MB
        assert len(json.dumps(json.dumps(response.body))) < 6_000_000
        seen += [c["common_number_id"] for c in response.body["items"]]
        pages += 1
        cursor = response.body["next_cursor"]
        if cursor is None:
            break
    assert pages > 1
    assert sorted(seen) == sorted({*seen})
    assert len(seen) == 20


def test_people_come_in_pages_with_a_cursor(client: ApiClient) -> None:
    for index in range(23):
        person = {"person_id": f"pg-{index:02d}", "first_name": "A", "last_name": "B", "email": "a@acme.example"}
        assert client.call("POST", "/people", ACME_ADMIN_TOKEN, person).status == 200
    first = client.call("GET", "/people?limit=10", ACME_ADMIN_TOKEN).body
    second = client.call("GET", f"/people?limit=10&cursor={first['next_cursor']}", ACME_ADMIN_TOKEN).body
    third = client.call("GET", f"/people?limit=10&cursor={second['next_cursor']}", ACME_ADMIN_TOKEN).body
    ids = [p["person_id"] for page in (first, second, third) for p in page["items"]]
    assert ids == sorted(ids)
    assert len(set(ids)) == 25
    assert third["next_cursor"] is None
    assert first["directory_version"] == third["directory_version"]


@pytest.mark.parametrize("path", ["/common-numbers", "/offices", "/people", "/audit"])
def test_every_list_route_pages(client: ApiClient, path: str) -> None:
    client.call("PUT", "/people/acme-p2/keywords", ACME_ADMIN_TOKEN, {"keywords": ["a"], "expected_version": 1})
    body = {"name": "Lager", "address": ADDRESS, "expected_version": 0}
    client.call("PUT", "/offices/lager", ACME_ADMIN_TOKEN, body)
    client.call(
        "PUT",
        "/common-numbers/b",
        ACME_ADMIN_TOKEN,
        {"name": "B", "info": {"how_to_answer": "B"}, "expected_version": 0},
    )
    first = client.call("GET", f"{path}?limit=1", ACME_ADMIN_TOKEN).body
    assert len(first["items"]) == 1
    assert first["next_cursor"]
    rest = client.call("GET", f"{path}?limit=100&cursor={first['next_cursor']}", ACME_ADMIN_TOKEN).body
    assert rest["items"]
    assert rest["items"][0] != first["items"][0]
    assert rest["next_cursor"] is None


def test_the_operators_list_of_common_numbers_pages(client: ApiClient) -> None:
    client.call(
        "PUT",
        "/common-numbers/b",
        GLOBEX_ADMIN_TOKEN,
        {"name": "B", "info": {"how_to_answer": "B"}, "expected_version": 0},
    )
    first = client.call("GET", "/operator/tenants/globex/common-numbers?limit=1", OPERATOR_TOKEN).body
    rest = client.call(
        "GET", f"/operator/tenants/globex/common-numbers?cursor={first['next_cursor']}", OPERATOR_TOKEN
    ).body
    assert [c["common_number_id"] for c in first["items"] + rest["items"]] == ["b", "globex-sales"]
    assert rest["next_cursor"] is None


def _cursor(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor!",
        _cursor({"t": "globex", "k": "PERSON#globex-p1"}),  # another customer's
        _cursor({"t": "acme", "k": "OFFICE#acme-hq"}),  # another list's
        _cursor({"t": "acme", "k": "PERSON#acme-p1", "pk": "TENANT#globex"}),
        _cursor({"t": "acme", "k": "#PROFILE"}),
        _cursor(["acme"]),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_a_tampered_cursor_is_a_400_naming_it_and_reads_nothing(client: ApiClient, cursor: str) -> None:
    response = client.call("GET", f"/people?cursor={cursor}", ACME_ADMIN_TOKEN)
    assert response.status == 400
    assert "query.cursor" in _fields(response)
    assert "Globex" not in json.dumps(response.body)


def test_a_page_size_over_the_bound_is_a_400(client: ApiClient) -> None:
    response = client.call("GET", "/people?limit=101", ACME_ADMIN_TOKEN)
    assert response.status == 400
    assert "query.limit" in _fields(response)


# ------------------------------------------------------------------ 4. clear errors
def test_a_stale_office_write_says_which_office_and_version_without_internal_keys(client: ApiClient) -> None:
    edit = {"name": "Acme HQ", "address": ADDRESS, "expected_version": 1}
    assert client.call("PUT", "/offices/acme-hq", ACME_ADMIN_TOKEN, edit).status == 200
    response = client.call("PUT", "/offices/acme-hq", ACME_ADMIN_TOKEN, edit)
    assert response.status == 409
    assert response.body["message"] == (
        "the office acme-hq was changed by someone else since you read it (version 1): reload and retry"
    )


def test_a_stale_profile_write_shows_no_internal_keys(client: ApiClient) -> None:
    assert client.call("PUT", "/profile", ACME_ADMIN_TOKEN, {"name": "A", "expected_version": 1}).status == 200
    response = client.call("PUT", "/profile", ACME_ADMIN_TOKEN, {"name": "B", "expected_version": 1})
    assert response.status == 409
    assert "#PROFILE" not in response.body["message"]
    assert "TENANT#" not in response.body["message"]
    assert "version 1" in response.body["message"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/offices/nowhere", {"name": "X", "address": ADDRESS, "expected_version": 3}),
        ("/common-numbers/nothing", {"name": "X", "info": {"how_to_answer": "X"}, "expected_version": 1}),
    ],
)
def test_a_versioned_write_of_a_missing_item_is_404(client: ApiClient, path: str, body: dict[str, Any]) -> None:
    response = client.call("PUT", path, ACME_ADMIN_TOKEN, body)
    assert response.status == 404
    assert "not found" in response.body["message"]


def test_reading_the_audit_trail_as_a_non_administrator_says_what_is_refused(client: ApiClient) -> None:
    response = client.call("GET", "/audit", ACME_USER_TOKEN)
    assert response.status == 403
    assert response.body["message"] == "only the customer's administrators may read the audit trail"


# ------------------------------------------------------------------ 5. inputs accepted, then broken
@pytest.mark.parametrize("opens", ["08:00+05:00", "00:00Z", "08:00:00-01:00"])
def test_opening_hours_with_an_offset_are_refused_naming_the_field(
    client: ApiClient, repo: CustomerRepository, opens: str
) -> None:
    body = {
        "name": "Sales",
        "info": {"how_to_answer": "Acme"},
        "opening_hours": {"weekly": {"0": [opens, "23:59"]}},
        "expected_version": 1,
    }
    response = client.call("PUT", "/common-numbers/acme-sales", ACME_ADMIN_TOKEN, body)
    assert response.status == 400
    assert any(f.startswith("body.opening_hours.weekly.0") for f in _fields(response)), _fields(response)
    assert repo.get_route(ACME_NUMBER).opening_hours.weekly == {}
