"""For every route: customer A's token can neither read nor change customer B's data.

The route table is the published OpenAPI document, so a new route without an entry here fails.
Path ids are B's (B's common number, office, person, referral, tenant id); bodies are valid.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from boto3.dynamodb.conditions import Attr
from telefonist.edge.resolver import openapi_document

from functions.self_service.api import build_resolver
from tests.integration.self_service.conftest import (
    ACME_ADMIN_TOKEN,
    GLOBEX_ADMIN_TOKEN,
    GLOBEX_DOOR_CODE,
    ApiClient,
)

B_IDS = {
    "common_number_id": "globex-sales",
    "office_id": "globex-hq",
    "person_id": "globex-p1",
    "referral_id": "r1",
    "tenant_id": "globex",
    "month": "2026-11",
}
# Strings only B's data contains (names, keywords, the door code, B's billing total).
B_MARKERS = ("Globex", "globex-keyword", GLOBEX_DOOR_CODE, "2253300")
PERSON = {"first_name": "Mallory", "last_name": "Intruder", "email": "m@acme.example"}
BODIES: dict[tuple[str, str], Any] = {
    ("PUT", "/profile"): {"name": "Hijacked", "expected_version": 1},
    ("PUT", "/common-numbers/{common_number_id}"): {
        "name": "Hijacked",
        "info": {"how_to_answer": "hijacked"},
        "expected_version": 1,
    },
    ("PUT", "/offices/{office_id}"): {
        "name": "Hijacked",
        "address": {"street": "x 1", "postal_code": "111 22", "city": "Stockholm"},
        "door_codes": [{"label": "Main door", "code": "0000"}],
        "expected_version": 1,
    },
    ("POST", "/people"): {"person_id": "globex-p1", **PERSON},
    ("POST", "/people/import"): {"csv": "person_id,first_name,last_name,email\nglobex-p2,Mallory,X,m@acme.example\n"},
    ("PUT", "/people/{person_id}"): {**PERSON, "expected_version": 1},
    ("PUT", "/people/{person_id}/keywords"): {"keywords": ["hijacked"], "expected_version": 1},
    ("PUT", "/people/{person_id}/message-preference"): {"message_preference": "email", "expected_version": 1},
    ("PUT", "/people/{person_id}/referrals/{referral_id}"): {
        "text": "hijacked",
        "valid_from": "2026-11-24T08:00:00Z",
    },
    ("POST", "/operator/tenants"): {"tenant_id": "globex", "name": "Hijacked"},
    ("PUT", "/message-template"): {"sms": "Hijacked ${text}", "expected_version": 0},
    ("PUT", "/common-numbers/{common_number_id}/message-template"): {"required_fields": [], "expected_version": 0},
}
NO_BODY = ("GET", "DELETE")


def _operations() -> list[tuple[str, str]]:
    document = json.loads(openapi_document(build_resolver(lambda: None)))  # type: ignore[arg-type,return-value]
    return sorted((method.upper(), path) for path, item in document["paths"].items() for method in item)


OPERATIONS = _operations()


def _snapshot_of_b(customer_table: Any) -> list[dict[str, Any]]:
    """Every item of B: its partition and the routing records of its numbers."""
    items = customer_table.scan(FilterExpression=Attr("pk").eq("TENANT#globex") | Attr("tenant_id").eq("globex"))
    return sorted(items["Items"], key=lambda i: (i["pk"], i["sk"]))


def test_the_table_covers_every_published_operation() -> None:
    bodied = {op for op in OPERATIONS if op[0] not in NO_BODY}
    assert bodied == set(BODIES)
    assert len(OPERATIONS) >= 25


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_customer_a_can_neither_read_nor_change_customer_b(
    client: ApiClient, customer_table: Any, method: str, path: str
) -> None:
    # Given B's data as it stands
    before = _snapshot_of_b(customer_table)
    assert before, "B must have data for this test to mean anything"
    # When A's administrator calls the route with B's ids
    response = client.call(method, path.format(**B_IDS), ACME_ADMIN_TOKEN, BODIES.get((method, path)))
    # Then nothing of B's is in the answer, B's data is untouched, and nothing failed
    text = json.dumps(response.body, ensure_ascii=False)
    assert not [m for m in B_MARKERS if m in text], f"{method} {path} leaked B's data: {text[:300]}"
    assert _snapshot_of_b(customer_table) == before
    assert response.status < 500
    if path.startswith(("/operator", "/finance")):
        assert response.status == 403


@pytest.mark.parametrize(
    "path",
    [p for m, p in OPERATIONS if m == "GET" and not p.startswith(("/operator", "/finance"))],
)
def test_customer_b_reads_the_same_routes(client: ApiClient, path: str) -> None:
    """The control: the ids and markers above are B's, so A's empty answers are isolation, not typos."""
    response = client.call("GET", path.format(**B_IDS), GLOBEX_ADMIN_TOKEN)
    assert response.status == 200
    # Not B's own words: the price list, the audit trail, the built-in message rules, and B's
    # billing lines (its fixture billing is a summary without lines: the CSV is the header).
    if path not in ("/price-list", "/audit", "/message-templates", "/billing/{month}/lines.csv"):
        assert any(m in json.dumps(response.body, ensure_ascii=False) for m in B_MARKERS), path
