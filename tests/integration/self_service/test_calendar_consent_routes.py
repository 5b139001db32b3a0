"""Connecting a customer's Microsoft 365 on Mina sidor (issue 21): the admin-consent link of telefonist's
Entra application with a single-use state bound to the administrator and their customer (stored only
hashed, for 10 minutes), and the callback: the directory tenant recorded when Microsoft says
admin_consent=True, its error otherwise, audited; a wrong, foreign, reused or expired state refused."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from telefonist.calendar_sync.consent import ADMIN_CONSENT_URL, CONSENT_TTL, ConsentApp
from telefonist.clock import simulated_time, utc_now
from telefonist.dal.calendar_state import DynamoSyncState
from telefonist.edge.bounds import MAX_BODY_BYTES
from telefonist.edge.resolver import edge_resolver
from telefonist.self_service import SelfService
from werkzeug.test import Client

from functions.self_service.calendar_api import build_calendar_router
from telefonist_local.self_service.local_gateway import ApiGatewayWsgiApp, local_token
from tests.integration.self_service.conftest import (
    ACME_ADMIN,
    ACME_ADMIN_TOKEN,
    ACME_USER_TOKEN,
    GLOBEX_ADMIN,
    GLOBEX_ADMIN_TOKEN,
    ApiClient,
)

APP = ConsentApp("11111111-2222-3333-4444-555555555555", "https://site.example/mina-sidor/")
DIRECTORY = "9a1b2c3d-0000-4000-8000-00000000abcd"
OTHER_ACME_ADMIN_TOKEN = local_token("acme", "admins", subject="acme-admin-2")


@pytest.fixture
def api(service: SelfService) -> ApiClient:
    client = ApiClient(service)
    client.resolver = edge_resolver(build_calendar_router(lambda: service, lambda: APP))
    client._client = Client(ApiGatewayWsgiApp(client.resolver.resolve, MAX_BODY_BYTES))
    return client


def _state_of(api: ApiClient, token: str = ACME_ADMIN_TOKEN) -> str:
    answer = api.call("POST", "/calendar-sync/consent", token)
    assert answer.status == 200, answer.body
    url = urlparse(answer.body["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == ADMIN_CONSENT_URL
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["client_id"] == APP.client_id
    assert query["scope"] == "https://graph.microsoft.com/.default"
    assert query["redirect_uri"] == APP.redirect_uri
    return query["state"]


def _consented(state: str) -> dict[str, object]:
    return {"state": state, "admin_consent": True, "tenant": DIRECTORY}


def test_consent_records_the_directory_tenant_once_audited_and_the_page_shows_connected(
    api: ApiClient, service: SelfService
) -> None:
    before = api.call("GET", "/calendar-sync", ACME_ADMIN_TOKEN).body["microsoft365"]
    assert before == {"connected": False, "directory_tenant": None, "consented_at": None, "last_error": None}
    state = _state_of(api)
    table_text = str(service._repo.table.scan()["Items"])
    assert state not in table_text  # only its SHA-256 is stored

    answer = api.call("POST", "/calendar-sync/consent/callback", ACME_ADMIN_TOKEN, _consented(state))
    assert answer.status == 200, answer.body
    assert answer.body["microsoft365"]["connected"] is True
    assert answer.body["microsoft365"]["directory_tenant"] == DIRECTORY
    assert DynamoSyncState(service._repo.table).connection("acme").directory_tenant == DIRECTORY  # type: ignore[union-attr]
    assert api.call("GET", "/calendar-sync", ACME_ADMIN_TOKEN).body["microsoft365"]["connected"] is True
    assert api.call("GET", "/calendar-sync", GLOBEX_ADMIN_TOKEN).body["microsoft365"]["connected"] is False
    [entry] = [e for e in service.list_audit(ACME_ADMIN).items if e.action.startswith("calendar_sync.connect")]
    assert (entry.action, entry.actor, entry.detail) == (
        "calendar_sync.connect",
        "acme-admin",
        f"directory {DIRECTORY}",
    )

    reused = api.call("POST", "/calendar-sync/consent/callback", ACME_ADMIN_TOKEN, _consented(state))
    assert reused.status == 400
    assert reused.body["field"] == "body.state"
    assert "already used" in reused.body["message"]


def test_an_unknown_state_is_refused_and_records_nothing(api: ApiClient, service: SelfService) -> None:
    _state_of(api)
    answer = api.call("POST", "/calendar-sync/consent/callback", ACME_ADMIN_TOKEN, _consented("x" * 43))
    assert (answer.status, answer.body["error"], answer.body["field"]) == (400, "invalid_input", "body.state")
    assert DynamoSyncState(service._repo.table).connection("acme") is None


def test_another_customers_or_another_administrators_state_is_refused(api: ApiClient, service: SelfService) -> None:
    globex_state = _state_of(api, GLOBEX_ADMIN_TOKEN)
    answer = api.call("POST", "/calendar-sync/consent/callback", ACME_ADMIN_TOKEN, _consented(globex_state))
    assert (answer.status, answer.body["field"]) == (400, "body.state")
    colleague = api.call("POST", "/calendar-sync/consent/callback", OTHER_ACME_ADMIN_TOKEN, _consented(_state_of(api)))
    assert (colleague.status, colleague.body["field"]) == (400, "body.state")
    state = DynamoSyncState(service._repo.table)
    assert state.connection("acme") is None
    assert state.connection("globex") is None
    # the refusals did not spend globex's state: its own administrator still completes it
    own = api.call("POST", "/calendar-sync/consent/callback", GLOBEX_ADMIN_TOKEN, _consented(globex_state))
    assert own.status == 200, own.body


def test_an_expired_state_is_refused(api: ApiClient) -> None:
    state = _state_of(api)
    with simulated_time(utc_now() + CONSENT_TTL + timedelta(seconds=1)):
        answer = api.call("POST", "/calendar-sync/consent/callback", ACME_ADMIN_TOKEN, _consented(state))
    assert (answer.status, answer.body["field"]) == (400, "body.state")
    assert "expired" in answer.body["message"]


def test_microsofts_error_is_recorded_and_audited_not_a_connection(api: ApiClient, service: SelfService) -> None:
    body = {"state": _state_of(api), "error": "access_denied", "error_description": "AADSTS65004: User declined"}
    answer = api.call("POST", "/calendar-sync/consent/callback", ACME_ADMIN_TOKEN, body)
    assert answer.status == 200, answer.body
    assert answer.body["microsoft365"] == {
        "connected": False,
        "directory_tenant": None,
        "consented_at": None,
        "last_error": "access_denied: AADSTS65004: User declined",
    }
    [entry] = [e for e in service.list_audit(ACME_ADMIN).items if e.action.startswith("calendar_sync.connect")]
    assert (entry.action, entry.detail) == ("calendar_sync.connect_refused", "access_denied")
    assert not any(e.action.startswith("calendar_sync") for e in service.list_audit(GLOBEX_ADMIN).items)


def test_the_callback_names_its_field_and_is_for_administrators_only(api: ApiClient) -> None:
    missing = api.call("POST", "/calendar-sync/consent/callback", ACME_ADMIN_TOKEN, {"state": _state_of(api)})
    assert (missing.status, missing.body["field"]) == (400, "body.tenant")
    bad = api.call(
        "POST", "/calendar-sync/consent/callback", ACME_ADMIN_TOKEN, {**_consented(_state_of(api)), "tenant": "x/y"}
    )
    assert (bad.status, bad.body["field"]) == (400, "body.tenant")
    assert api.call("POST", "/calendar-sync/consent", ACME_USER_TOKEN).status == 403
    user = api.call("POST", "/calendar-sync/consent/callback", ACME_USER_TOKEN, _consented("y" * 43))
    assert user.status == 403


def test_without_a_configured_application_the_link_is_a_503(service: SelfService) -> None:
    client = ApiClient(service)
    client.resolver = edge_resolver(build_calendar_router(lambda: service))
    client._client = Client(ApiGatewayWsgiApp(client.resolver.resolve, MAX_BODY_BYTES))
    answer = client.call("POST", "/calendar-sync/consent", ACME_ADMIN_TOKEN)
    assert (answer.status, answer.body["error"]) == (503, "unavailable")
