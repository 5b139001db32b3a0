"""Behaviour of the self-service API through its HTTP surface (the local WSGI adapter)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.edge.bounds import MAX_BODY_BYTES
from telefonist.edge.resolver import openapi_document

from functions.self_service.api import build_resolver
from telefonist_local.cli.serve import whole_api
from tests.integration.self_service.conftest import (
    ACME_ADMIN_TOKEN,
    ACME_USER_TOKEN,
    FINANCE_TOKEN,
    GLOBEX_DOOR_CODE,
    OPERATOR_TOKEN,
    ApiClient,
)

ROOT = Path(__file__).resolve().parents[3]


def _fields(response: Any) -> list[str]:
    return [e["field"] for e in response.body["errors"]]


# ------------------------------------------------------------------ concurrency and audit
def test_a_stale_version_gets_409_and_does_not_overwrite(client: ApiClient) -> None:
    # Given two administrators who both read version 1 of a person
    person = client.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).body
    assert person["version"] == 1
    body = {k: person[k] for k in ("first_name", "last_name", "email", "keywords")}
    # When the first saves and the second saves after, from the same version
    first = client.call("PUT", "/people/acme-p1", ACME_ADMIN_TOKEN, {**body, "title": "VD", "expected_version": 1})
    second = client.call("PUT", "/people/acme-p1", ACME_ADMIN_TOKEN, {**body, "title": "CFO", "expected_version": 1})
    # Then the second is refused and the first one's change stands
    assert (first.status, first.body["version"]) == (200, 2)
    assert second.status == 409
    assert second.body["error"] == "conflict"
    assert client.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).body["title"] == "VD"


def test_creating_what_exists_is_a_conflict(client: ApiClient) -> None:
    body = {"name": "Again", "info": {"how_to_answer": "Hej"}, "expected_version": 0}
    assert client.call("PUT", "/common-numbers/acme-sales", ACME_ADMIN_TOKEN, body).status == 409


def test_every_change_is_in_the_audit_trail_with_who_and_what(client: ApiClient) -> None:
    client.call("PUT", "/people/acme-p2/keywords", ACME_ADMIN_TOKEN, {"keywords": ["löner"], "expected_version": 1})
    client.call("DELETE", "/people/acme-p1/referrals/r1", ACME_ADMIN_TOKEN)
    trail = client.call("GET", "/audit?limit=2", ACME_ADMIN_TOKEN).body["items"]
    assert [(e["actor"], e["action"], e["target"]) for e in trail] == [
        ("acme-admin", "referral.clear", "person acme-p1 referral r1"),
        ("acme-admin", "person.keywords", "person acme-p2"),
    ]
    assert trail[1]["version"] == 2


def test_the_audit_trail_is_for_administrators(client: ApiClient) -> None:
    assert client.call("GET", "/audit", ACME_USER_TOKEN).status == 403


# ------------------------------------------------------------------ door codes
def test_door_codes_never_appear_in_lists(client: ApiClient) -> None:
    listing = client.call("GET", "/offices", ACME_ADMIN_TOKEN)
    assert listing.body["items"][0]["door_code_labels"] == ["Main door"]
    assert "1234" not in json.dumps(listing.body)


def test_door_codes_are_shown_to_administrators_and_operators_only(client: ApiClient) -> None:
    admin = client.call("GET", "/offices/acme-hq", ACME_ADMIN_TOKEN).body
    user = client.call("GET", "/offices/acme-hq", ACME_USER_TOKEN).body
    operator = client.call("GET", "/operator/tenants/globex/offices/globex-hq", OPERATOR_TOKEN).body
    assert admin["door_codes"] == [{"label": "Main door", "code": "1234"}]
    assert user["door_codes"] == [{"label": "Main door", "code": None}]
    assert operator["door_codes"] == [{"label": "Main door", "code": GLOBEX_DOOR_CODE}]
    assert client.call("GET", "/operator/tenants/globex/offices/globex-hq", FINANCE_TOKEN).status == 403


def test_door_codes_are_encrypted_at_rest_and_kept_out_of_logs(
    client: ApiClient, customer_table: Any, caplog: pytest.LogCaptureFixture
) -> None:
    body = {
        "name": "Lager",
        "address": {"street": "Hamnvägen 2", "postal_code": "111 22", "city": "Stockholm"},
        "door_codes": [{"label": "Lastport", "code": "5150-secret"}],
        "expected_version": 0,
    }
    assert client.call("PUT", "/offices/lager", ACME_ADMIN_TOKEN, body).status == 200
    stored = customer_table.get_item(Key={"pk": "TENANT#acme", "sk": "OFFICE#lager"})["Item"]
    assert "5150-secret" not in json.dumps(stored, default=str)
    logged = " ".join(str(record.__dict__) for record in caplog.records)
    assert "office.put" in logged  # the change was logged...
    assert "5150-secret" not in logged  # ...without its door code


# ------------------------------------------------------------------ routes follow changes
def test_changing_a_script_rebuilds_the_route_of_its_number(client: ApiClient, repo: CustomerRepository) -> None:
    body = {"name": "Sales", "info": {"how_to_answer": "Acme, välkommen!"}, "expected_version": 1}
    assert client.call("PUT", "/common-numbers/acme-sales", ACME_ADMIN_TOKEN, body).status == 200
    assert repo.get_route("+46852000001").info.how_to_answer == "Acme, välkommen!"


def test_renaming_the_customer_rebuilds_its_routes(client: ApiClient, repo: CustomerRepository) -> None:
    response = client.call("PUT", "/profile", ACME_ADMIN_TOKEN, {"name": "Acme Verktyg AB", "expected_version": 1})
    assert response.body["version"] == 2
    assert repo.get_route("+46852000001").tenant_name == "Acme Verktyg AB"


def test_customers_cannot_change_their_claimed_numbers(client: ApiClient) -> None:
    body = {"name": "Acme", "expected_version": 1, "claimed_numbers": []}
    response = client.call("PUT", "/profile", ACME_ADMIN_TOKEN, body)
    assert response.status == 400
    assert _fields(response) == ["body.claimed_numbers"]


# ------------------------------------------------------------------ errors: 400, 401, 403, 404, 413
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"person_id": "x1", "first_name": "A", "last_name": "B", "email": "not-an-email"}, "body.email"),
        (
            {"person_id": "x1", "first_name": "A", "last_name": "B", "phones": [{"number": "12"}], "email": "a@b.se"},
            "body.phones.0.number",
        ),
        ({"person_id": "X 1", "first_name": "A", "last_name": "B", "email": "a@b.se"}, "body.person_id"),
        ({"person_id": "x1", "first_name": "A", "last_name": "B", "message_preference": "sms"}, "message_preference"),
        ({"person_id": "x1", "first_name": "A", "last_name": "B", "email": "a@b.se", "shoe": 42}, "body.shoe"),
    ],
)
def test_bad_input_gets_400_naming_the_field(client: ApiClient, body: dict[str, Any], field: str) -> None:
    response = client.call("POST", "/people", ACME_ADMIN_TOKEN, body)
    assert response.status == 400
    assert field in _fields(response)


def test_malformed_json_and_a_bad_path_id_get_400(client: ApiClient) -> None:
    assert client.call("PUT", "/profile", ACME_ADMIN_TOKEN, raw="{oops").status == 400
    response = client.call("GET", "/people/NOT_A_SLUG", ACME_ADMIN_TOKEN)
    assert (response.status, _fields(response)) == (400, ["path.person_id"])


def test_a_referral_window_must_make_sense(client: ApiClient) -> None:
    body = {"text": "Möte", "valid_from": "2026-11-24T10:00:00Z", "valid_until": "2026-11-24T09:00:00Z"}
    response = client.call("PUT", "/people/acme-p1/referrals/r2", ACME_ADMIN_TOKEN, body)
    assert (response.status, _fields(response)) == (400, ["valid_until"])
    body = {"text": "Möte", "valid_from": "2026-11-24T10:00:00Z", "refer_to_person_id": "nobody"}
    response = client.call("PUT", "/people/acme-p1/referrals/r2", ACME_ADMIN_TOKEN, body)
    assert (response.status, _fields(response)) == (400, ["refer_to_person_id"])


def test_a_referral_is_set_with_validity_and_cleared(client: ApiClient) -> None:
    body = {
        "text": "Semester, fråga Acmefirst2",
        "valid_from": "2026-12-01T00:00:00+01:00",
        "valid_until": "2026-12-10T00:00:00+01:00",
        "refer_to_person_id": "acme-p2",
    }
    set_ = client.call("PUT", "/people/acme-p1/referrals/semester", ACME_ADMIN_TOKEN, body)
    assert set_.status == 200
    assert set_.body["valid_from"] == "2026-11-30T23:00:00Z"
    referrals = client.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).body["referrals"]
    assert [r["referral_id"] for r in referrals] == ["r1", "semester"]
    assert client.call("DELETE", "/people/acme-p1/referrals/semester", ACME_ADMIN_TOKEN).status == 200
    assert client.call("DELETE", "/people/acme-p1/referrals/semester", ACME_ADMIN_TOKEN).status == 404


def test_no_token_is_401_and_a_token_without_a_customer_is_403(client: ApiClient) -> None:
    assert client.call("GET", "/profile").status == 401
    assert client.call("GET", "/profile", "Bearer forged.jwt.token").status == 401
    assert client.call("GET", "/profile", OPERATOR_TOKEN).status == 403


def test_only_administrators_change_data(client: ApiClient) -> None:
    response = client.call("DELETE", "/people/acme-p2", ACME_USER_TOKEN)
    assert response.status == 403
    assert client.call("GET", "/people/acme-p2", ACME_USER_TOKEN).status == 200


def test_unknown_items_and_routes_are_404(client: ApiClient) -> None:
    assert client.call("GET", "/people/nobody", ACME_ADMIN_TOKEN).status == 404
    assert client.call("DELETE", "/offices/nowhere", ACME_ADMIN_TOKEN).status == 404
    assert client.call("GET", "/no-such-route", ACME_ADMIN_TOKEN).body["error"] == "not_found"


def test_an_oversized_body_is_413_before_parsing(client: ApiClient) -> None:
    response = client.call("POST", "/people/import", ACME_ADMIN_TOKEN, raw="x" * (MAX_BODY_BYTES + 1))
    assert (response.status, response.body["error"]) == (413, "payload_too_large")


def test_a_body_that_is_not_json_is_415(client: ApiClient) -> None:
    response = client._client.open(
        "/profile",
        method="PUT",
        data="name=x",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": ACME_ADMIN_TOKEN},
    )
    assert response.status_code == 415


# ------------------------------------------------------------------ people: keywords, preference, delete
def test_message_preference_needs_the_matching_contact_detail(client: ApiClient) -> None:
    response = client.call(
        "PUT",
        "/people/acme-p1/message-preference",
        ACME_ADMIN_TOKEN,
        {"message_preference": "sms", "expected_version": 1},
    )
    assert (response.status, _fields(response)) == (400, ["message_preference"])


def test_deleting_a_person_removes_them_from_the_directory(client: ApiClient, repo: CustomerRepository) -> None:
    version_before = repo.directory_version("acme")
    assert client.call("DELETE", "/people/acme-p1", ACME_ADMIN_TOKEN).status == 200
    people = client.call("GET", "/people", ACME_ADMIN_TOKEN).body
    assert [p["person_id"] for p in people["items"]] == ["acme-p2"]
    assert people["directory_version"] > version_before


# ------------------------------------------------------------------ prices and billing
def test_price_list_and_billing_summary(client: ApiClient) -> None:
    prices = client.call("GET", "/price-list", ACME_USER_TOKEN).body
    assert prices["versions"][0]["amounts_ore"]["1"] == 2900
    billing = client.call("GET", "/billing/2026-11", ACME_ADMIN_TOKEN).body
    assert (billing["total_ore"], billing["tariffs"][0]["calls"]) == (29000, 10)
    assert client.call("GET", "/billing/2026-10", ACME_ADMIN_TOKEN).body["total_ore"] == 0
    assert client.call("GET", "/billing/2026-13", ACME_ADMIN_TOKEN).status == 400
    assert client.call("GET", "/finance/tenants/globex/billing/2026-11", FINANCE_TOKEN).body["total_ore"] == 2253300


# ------------------------------------------------------------------ the OpenAPI document
def test_the_checked_in_openapi_document_is_the_generated_one(client: ApiClient) -> None:
    # The checked-in document describes the whole API (every function's routes); each function serves its own.
    whole = openapi_document(whole_api(lambda: None))  # type: ignore[arg-type,return-value]
    checked_in = (ROOT / "docs" / "openapi.json").read_text()
    assert checked_in == whole + "\n", "regenerate with: telefonist serve --write-openapi docs/openapi.json"
    served = client.call("GET", "/openapi.json")
    assert served.status == 200
    assert served.body == json.loads(openapi_document(build_resolver(lambda: None)))  # type: ignore[arg-type,return-value]
    assert set(served.body["paths"]) < set(json.loads(whole)["paths"])
