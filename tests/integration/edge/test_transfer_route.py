"""The transfer route through the whole API: callers go only to a number of the contact's customer's directory."""

from __future__ import annotations

from typing import Any

import pytest
from telefonist.transfer import InMemoryContactAttributes

from telefonist_local.self_service.local_gateway import local_token
from tests.integration.edge.conftest import ACME_CONTACT_ID, WholeApiClient
from tests.integration.edge.test_edge import assert_error_body
from tests.integration.self_service.conftest import ACME_ADMIN_TOKEN, OPERATOR_TOKEN

PATH = f"/operator/tenants/acme/contacts/{ACME_CONTACT_ID}/transfer"
ASA_MOBILE = "+46701234567"
ENDED_CONTACT_ID = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def asa(api: WholeApiClient) -> str:
    """acme-p1 gets a mobile number (the seed's people have none)."""
    person = api.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).body
    body: dict[str, Any] = {
        k: person[k] for k in ("first_name", "last_name", "title", "department", "email", "keywords")
    }
    body |= {"phones": [{"kind": "mobile", "number": "070-123 45 67"}], "expected_version": person["version"]}
    assert api.call("PUT", "/people/acme-p1", ACME_ADMIN_TOKEN, body=body).status == 200
    return "acme-p1"


def test_a_directory_number_is_set_on_the_contact_for_the_transfer_flow(
    api: WholeApiClient, contacts: InMemoryContactAttributes, asa: str
) -> None:
    # Given a call to acme and a person of acme's directory with a mobile number
    # When the operator relays the call to that number (national form, as the card shows it)
    response = api.call("PUT", PATH, OPERATOR_TOKEN, body={"person_id": asa, "number": "0701234567", "mode": "relay"})
    # Then the contact carries the E.164 number the transfer flow dials, and the mode
    assert response.status == 200, response.body
    assert response.body["transfer_to"] == ASA_MOBILE
    assert contacts.get(ACME_CONTACT_ID)["transfer_to"] == ASA_MOBILE
    assert contacts.get(ACME_CONTACT_ID)["transfer_mode"] == "relay"


@pytest.mark.parametrize(
    "number",
    ["+46900123456", "+46852000101", "+4420 7946 0958"],  # a premium number, globex's number, abroad
)
def test_a_number_outside_the_person_s_directory_entry_is_refused(
    api: WholeApiClient, contacts: InMemoryContactAttributes, asa: str, number: str
) -> None:
    response = api.call("PUT", PATH, OPERATOR_TOKEN, body={"person_id": asa, "number": number})
    assert response.status == 400
    assert_error_body(response.body, 400)
    assert response.body["field"] == "body.number"
    assert "transfer_to" not in contacts.get(ACME_CONTACT_ID)


def test_a_person_of_another_customer_is_refused_for_this_customer_s_call(
    api: WholeApiClient, contacts: InMemoryContactAttributes
) -> None:
    # globex-p1 exists, but the call is acme's: the operator may not pick another customer's directory
    other = f"/operator/tenants/globex/contacts/{ACME_CONTACT_ID}/transfer"
    response = api.call("PUT", other, OPERATOR_TOKEN, body={"person_id": "globex-p1", "number": ASA_MOBILE})
    assert response.status == 400
    assert response.body["field"] == "path.tenant_id"
    assert "transfer_to" not in contacts.get(ACME_CONTACT_ID)


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        (PATH, {"person_id": "nobody", "number": ASA_MOBILE}, 404, "body.person_id"),
        (
            PATH.replace(ACME_CONTACT_ID, "00000000-0000-0000-0000-000000000000"),
            {"person_id": "acme-p1", "number": ASA_MOBILE},
            404,
            "path.contact_id",
        ),
        (
            PATH.replace(ACME_CONTACT_ID, "not-a-contact"),
            {"person_id": "acme-p1", "number": ASA_MOBILE},
            400,
            "path.contact_id",
        ),
        (PATH, {"person_id": "acme-p1", "number": "not a number"}, 400, "body.number"),
        (PATH, {"person_id": "acme-p1", "number": ASA_MOBILE, "mode": "conference"}, 400, "body.mode"),
    ],
)
def test_bad_transfers_name_their_field(
    api: WholeApiClient, asa: str, path: str, body: dict[str, Any], status: int, field: str
) -> None:
    response = api.call("PUT", path, OPERATOR_TOKEN, body=body)
    assert response.status == status
    assert_error_body(response.body, status)
    assert response.body["field"] == field


@pytest.mark.parametrize("token", [ACME_ADMIN_TOKEN, local_token("acme", "admins,operators"), None])
def test_only_operators_transfer(api: WholeApiClient, asa: str, token: str | None) -> None:
    response = api.call("PUT", PATH, token, body={"person_id": asa, "number": ASA_MOBILE})
    assert response.status in (401, 403)
    assert_error_body(response.body, response.status)
