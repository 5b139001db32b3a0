"""The operator page's reads beside the search: the list of customers (fallback calls) and door codes."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest
from telefonist.clock import utc_now
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.inbound.attributes import build_operator_attributes
from telefonist.inbound.route_view import route_view_from_item
from telefonist.models.status import TenantStatus
from telefonist.self_service import SelfService, api_models
from telefonist.transfer import InMemoryContactAttributes

from tests.integration.edge.conftest import ACME_CONTACT_ID, WholeApiClient
from tests.integration.edge.test_edge import assert_error_body
from tests.integration.self_service.conftest import ACME_ADMIN, ACME_ADMIN_TOKEN, FINANCE_TOKEN, OPERATOR_TOKEN

CUSTOMERS = "/operator/tenants"
FINANCE_CUSTOMERS = "/finance/tenants"


def test_an_operator_lists_the_customers_with_their_numbers(api: WholeApiClient) -> None:
    response = api.call("GET", CUSTOMERS, OPERATOR_TOKEN)
    assert response.status == 200, response.body
    assert response.body == {
        "items": [
            {
                "tenant_id": "acme",
                "name": "Acme",
                "numbers": [{"phone_number": "+46852000001", "common_number_name": "Acme Sales"}],
            },
            {
                "tenant_id": "globex",
                "name": "Globex",
                "numbers": [{"phone_number": "+46852000101", "common_number_name": "Globex Sales"}],
            },
        ],
        "next_cursor": None,
    }


def test_the_list_is_paged_with_the_api_s_cursor(api: WholeApiClient) -> None:
    first = api.call("GET", f"{CUSTOMERS}?limit=1", OPERATOR_TOKEN).body
    assert [c["tenant_id"] for c in first["items"]] == ["acme"]
    assert first["next_cursor"]
    second = api.call("GET", f"{CUSTOMERS}?limit=1&cursor={first['next_cursor']}", OPERATOR_TOKEN).body
    assert [c["tenant_id"] for c in second["items"]] == ["globex"]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "query.limit"), ("limit=101", "query.limit"), ("cursor=not-ours", "query.cursor")],
)
def test_an_out_of_bounds_page_or_a_forged_cursor_is_a_400_naming_the_field(
    api: WholeApiClient, query: str, field: str
) -> None:
    response = api.call("GET", f"{CUSTOMERS}?{query}", OPERATOR_TOKEN)
    assert response.status == 400
    assert_error_body(response.body, 400)
    assert response.body["field"] == field


@pytest.mark.parametrize("token", [ACME_ADMIN_TOKEN, FINANCE_TOKEN])
def test_only_operators_may_list_the_customers(api: WholeApiClient, token: str) -> None:
    response = api.call("GET", CUSTOMERS, token)
    assert response.status == 403
    assert_error_body(response.body, 403)


def test_finance_gets_the_same_list_to_choose_whose_billing_to_read(api: WholeApiClient) -> None:
    operators = api.call("GET", CUSTOMERS, OPERATOR_TOKEN).body
    response = api.call("GET", FINANCE_CUSTOMERS, FINANCE_TOKEN)
    assert response.status == 200, response.body
    assert response.body == operators
    assert [c["tenant_id"] for c in response.body["items"]] == ["acme", "globex"]


def test_finance_s_list_is_paged_with_the_same_bounds_and_cursor(api: WholeApiClient) -> None:
    first = api.call("GET", f"{FINANCE_CUSTOMERS}?limit=1", FINANCE_TOKEN).body
    assert [c["tenant_id"] for c in first["items"]] == ["acme"]
    second = api.call("GET", f"{FINANCE_CUSTOMERS}?limit=1&cursor={first['next_cursor']}", FINANCE_TOKEN).body
    assert [c["tenant_id"] for c in second["items"]] == ["globex"]
    assert second["next_cursor"] is None
    too_many = api.call("GET", f"{FINANCE_CUSTOMERS}?limit=101", FINANCE_TOKEN)
    assert too_many.status == 400
    assert too_many.body["field"] == "query.limit"
    forged = api.call("GET", f"{FINANCE_CUSTOMERS}?cursor=not-ours", FINANCE_TOKEN)
    assert (forged.status, forged.body["field"]) == (400, "query.cursor")


@pytest.mark.parametrize("token", [ACME_ADMIN_TOKEN, OPERATOR_TOKEN])
def test_only_finance_may_list_the_customers_under_finance(api: WholeApiClient, token: str) -> None:
    response = api.call("GET", FINANCE_CUSTOMERS, token)
    assert response.status == 403
    assert_error_body(response.body, 403)


def test_an_offboarded_customer_is_not_offered(api: WholeApiClient, repo: CustomerRepository) -> None:
    globex = repo.get_tenant("globex").model
    repo.put_tenant(globex.model_copy(update={"status": TenantStatus.OFFBOARDED}))
    response = api.call("GET", CUSTOMERS, OPERATOR_TOKEN)
    assert [c["tenant_id"] for c in response.body["items"]] == ["acme"]


def test_onboarding_through_the_api_puts_the_customer_on_the_list(api: WholeApiClient) -> None:
    body = {"tenant_id": "initech", "name": "Initech AB", "claimed_numbers": []}
    assert api.call("POST", CUSTOMERS, OPERATOR_TOKEN, body=body).status == 200
    listed = api.call("GET", CUSTOMERS, OPERATOR_TOKEN).body["items"]
    assert {"tenant_id": "initech", "name": "Initech AB", "numbers": []} in listed


def test_a_revealed_door_code_is_audited_with_who_and_when_and_never_logged(
    api: WholeApiClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = api.call("GET", "/operator/tenants/globex/offices/globex-hq", OPERATOR_TOKEN)
    assert response.status == 200
    assert response.body["door_codes"] == [{"label": "Main door", "code": "9876-globex"}]
    [entry] = [
        e
        for e in api.call("GET", "/audit", local_admin("globex")).body["items"]
        if e["action"] == "office.door_codes_revealed"
    ]
    assert (entry["actor"], entry["target"]) == ("op-1", "office globex-hq")
    assert datetime.fromisoformat(entry["at"]).tzinfo is not None
    assert [r.getMessage() for r in caplog.records if "9876-globex" in str(vars(r))] == []


def local_admin(tenant_id: str) -> str:
    from telefonist_local.self_service.local_gateway import local_token

    return local_token(tenant_id, "admins", subject=f"{tenant_id}-admin")


def test_the_call_names_the_offices_whose_codes_the_operator_may_reveal(
    service: SelfService, repo: CustomerRepository
) -> None:
    """The route (and so the contact's attributes) holds office ids, never the codes themselves."""
    route = repo.get_route("+46852000001")
    assert route.door_code_offices == ["acme-hq"]
    attributes = build_operator_attributes(route_view_from_item(route.model_dump(mode="json")), utc_now())
    assert attributes["door_code_offices"] == "acme-hq"
    assert "1234" not in str(attributes)
    # When the customer's administrator clears the codes, the call no longer offers a reveal
    office = service.get_office(ACME_ADMIN, "acme-hq")
    body = {
        "name": office.name,
        "address": office.address.model_dump(),
        "door_codes": [],
        "expected_version": office.version,
    }
    service.put_office(ACME_ADMIN, "acme-hq", api_models.OfficeInput.model_validate(body))
    assert repo.get_route("+46852000001").door_code_offices == []


def test_a_person_s_card_by_id_carries_the_referral_and_the_colleague(api: WholeApiClient) -> None:
    """What the page shows when a transfer to acme-p1 comes back unanswered."""
    response = api.call("GET", "/operator/tenants/acme/directory/acme-p1", OPERATOR_TOKEN)
    assert response.status == 200, response.body
    assert response.body["person"]["person_id"] == "acme-p1"
    assert response.body["name"] == "Acmefirst1 Acmelast1"
    assert response.body["referral"]["text"] == "Acme is on leave"
    assert response.body["matched"] == []


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/operator/tenants/acme/directory/globex-p1", "path.person_id"),  # another customer's person
        ("/operator/tenants/nobody/directory/acme-p1", "path.tenant_id"),
    ],
)
def test_a_card_outside_the_customer_s_directory_is_a_404(api: WholeApiClient, path: str, field: str) -> None:
    response = api.call("GET", path, OPERATOR_TOKEN)
    assert response.status == 404
    assert_error_body(response.body, 404)
    assert response.body["field"] == field


def test_only_operators_read_a_card(api: WholeApiClient) -> None:
    assert api.call("GET", "/operator/tenants/acme/directory/acme-p1", ACME_ADMIN_TOKEN).status == 403


def test_a_transfer_records_whom_it_is_for_and_clears_an_earlier_outcome(
    api: WholeApiClient, contacts: InMemoryContactAttributes
) -> None:
    """The flow keeps transfer_person_id when the caller comes back; a new transfer starts without an outcome."""
    contacts.update(ACME_CONTACT_ID, {"transfer_outcome": "no_answer"})
    body = {"person_id": "acme-p1", "number": "+46852000001", "mode": "blind"}
    person = api.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).body
    update = {k: person[k] for k in ("first_name", "last_name", "title", "department", "email", "keywords")}
    update |= {"phones": [{"kind": "work", "number": "+46852000077"}], "expected_version": person["version"]}
    assert api.call("PUT", "/people/acme-p1", ACME_ADMIN_TOKEN, body=update).status == 200
    body["number"] = "+46852000077"
    response = api.call("PUT", f"/operator/tenants/acme/contacts/{ACME_CONTACT_ID}/transfer", OPERATOR_TOKEN, body=body)
    assert response.status == 200, response.body
    attributes = contacts.get(ACME_CONTACT_ID)
    assert attributes["transfer_person_id"] == "acme-p1"
    assert attributes["transfer_outcome"] == ""
