"""Mina sidor's calendar-sync routes (issue 21): settings and rules versioned (409 when stale),
field errors naming the field, administrators of the caller's own customer only, and following a
person's calendar recorded for the renewal function (pending until it subscribes)."""

from __future__ import annotations

from typing import Any

import pytest
from telefonist.calendar_sync.rules import CalendarRules
from telefonist.dal.calendar_state import DynamoSyncState
from telefonist.edge.bounds import MAX_BODY_BYTES
from telefonist.edge.resolver import edge_resolver
from telefonist.self_service import SelfService
from werkzeug.test import Client

from functions.self_service.calendar_api import build_calendar_router
from telefonist_local.self_service.local_gateway import ApiGatewayWsgiApp
from tests.integration.self_service.conftest import (
    ACME_ADMIN,
    ACME_ADMIN_TOKEN,
    ACME_USER_TOKEN,
    GLOBEX_ADMIN,
    GLOBEX_ADMIN_TOKEN,
    ApiClient,
)

RULES: dict[str, Any] = {
    "out_of_office": "Ledig",
    "busy": None,
    "tentative": "Kanske upptagen",
    "keywords": [{"keyword": "Kurs", "text": "På utbildning"}],
    "private_text": "Upptagen",
    "all_day": False,
}


@pytest.fixture
def api(service: SelfService) -> ApiClient:
    client = ApiClient(service)
    client.resolver = edge_resolver(build_calendar_router(lambda: service))
    client._client = Client(ApiGatewayWsgiApp(client.resolver.resolve, MAX_BODY_BYTES))
    return client


@pytest.fixture
def state(service: SelfService) -> DynamoSyncState:
    return DynamoSyncState(service._repo.table)


def test_a_customer_starts_off_with_the_default_rules_at_version_0(api: ApiClient) -> None:
    answer = api.call("GET", "/calendar-sync", ACME_ADMIN_TOKEN)
    assert answer.status == 200
    assert answer.body["enabled"] is False
    assert answer.body["version"] == 0
    assert answer.body["rules"]["busy"] == "Upptagen"
    assert answer.body["rules"]["all_day"] is True
    assert answer.body["status"] == {"connected": False, "last_sync": None, "last_error": None}
    assert answer.body["people"] == []


def test_stored_rules_are_what_the_sync_applies_and_a_stale_version_is_a_409(
    api: ApiClient, state: DynamoSyncState
) -> None:
    assert state.rules("acme") is None  # off until an administrator turns it on
    saved = api.call(
        "PUT", "/calendar-sync", ACME_ADMIN_TOKEN, {"enabled": True, "rules": RULES, "expected_version": 0}
    )
    assert saved.status == 200, saved.body
    assert saved.body["version"] == 1
    assert saved.body["rules"]["keywords"] == [{"keyword": "kurs", "text": "På utbildning"}]
    assert state.rules("acme") == CalendarRules(
        show_as={"oof": "Ledig", "tentative": "Kanske upptagen"},
        keywords={"kurs": "På utbildning"},
        private_text="Upptagen",
        all_day=False,
    )
    assert state.rules("globex") is None  # another customer's settings are untouched

    stale = api.call(
        "PUT", "/calendar-sync", ACME_ADMIN_TOKEN, {"enabled": False, "rules": RULES, "expected_version": 0}
    )
    assert stale.status == 409
    assert stale.body["error"] == "conflict"
    again = api.call(
        "PUT", "/calendar-sync", ACME_ADMIN_TOKEN, {"enabled": False, "rules": RULES, "expected_version": 1}
    )
    assert again.status == 200
    assert again.body["version"] == 2
    assert state.rules("acme") is None  # turned off: the sync reads and changes nothing
    assert api.call("GET", "/calendar-sync", GLOBEX_ADMIN_TOKEN).body["version"] == 0


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ({**RULES, "keywords": [{"keyword": "kurs", "text": "  "}]}, "body.rules.keywords.0.text"),
        (
            {**RULES, "keywords": [{"keyword": "kurs", "text": "a"}, {"keyword": "KURS", "text": "b"}]},
            "body.rules.keywords.1.keyword",
        ),
        ({**RULES, "private_text": ""}, "body.rules.private_text"),
        ({**RULES, "busy": "x" * 201}, "body.rules.busy"),
        ({**RULES, "colour": "red"}, "body.rules.colour"),
    ],
)
def test_a_bad_rule_is_a_400_naming_its_field(api: ApiClient, rules: dict[str, Any], field: str) -> None:
    answer = api.call(
        "PUT", "/calendar-sync", ACME_ADMIN_TOKEN, {"enabled": True, "rules": rules, "expected_version": 0}
    )
    assert answer.status == 400
    assert answer.body["field"] == field, answer.body


def test_only_the_customers_administrators_see_or_change_it(api: ApiClient) -> None:
    assert api.call("GET", "/calendar-sync", ACME_USER_TOKEN).status == 403
    body = {"enabled": True, "rules": RULES, "expected_version": 0}
    assert api.call("PUT", "/calendar-sync", ACME_USER_TOKEN, body).status == 403
    assert api.call("PUT", "/calendar-sync/people/acme-p1", ACME_USER_TOKEN, {"following": True}).status == 403
    assert api.call("GET", "/calendar-sync").status == 401


def test_following_a_person_records_them_pending_for_the_renewal_and_stopping_marks_it(
    api: ApiClient, state: DynamoSyncState
) -> None:
    answer = api.call("PUT", "/calendar-sync/people/acme-p2", ACME_ADMIN_TOKEN, {"following": True})
    assert answer.status == 200, answer.body
    assert answer.body == {
        "person_id": "acme-p2",
        "user_id": "p2@acme.example",  # their e-mail: Graph's /users/{userPrincipalName}
        "following": True,
        "subscribed": False,
        "last_sync": None,
        "last_error": None,
    }
    [calendar] = state.all()
    assert calendar.pending
    assert (calendar.tenant_id, calendar.user_id) == ("acme", "p2@acme.example")
    assert [p["person_id"] for p in api.call("GET", "/calendar-sync", ACME_ADMIN_TOKEN).body["people"]] == ["acme-p2"]
    assert api.call("GET", "/calendar-sync", GLOBEX_ADMIN_TOKEN).body["people"] == []

    stop = api.call("PUT", "/calendar-sync/people/acme-p2", ACME_ADMIN_TOKEN, {"following": False})
    assert stop.status == 200
    assert stop.body["following"] is False
    [calendar] = state.all()
    assert not calendar.following
    assert not calendar.pending


def test_another_customers_person_or_a_bad_user_is_refused(api: ApiClient, state: DynamoSyncState) -> None:
    assert api.call("PUT", "/calendar-sync/people/globex-p1", ACME_ADMIN_TOKEN, {"following": True}).status == 404
    bad = api.call("PUT", "/calendar-sync/people/acme-p1", ACME_ADMIN_TOKEN, {"following": True, "user_id": "nope"})
    assert bad.status == 400
    assert bad.body["field"] == "body.user_id"
    assert state.all() == []


def test_every_change_is_audited_in_the_customers_own_trail(api: ApiClient, service: SelfService) -> None:
    api.call("PUT", "/calendar-sync", ACME_ADMIN_TOKEN, {"enabled": True, "rules": RULES, "expected_version": 0})
    api.call("PUT", "/calendar-sync/people/acme-p2", ACME_ADMIN_TOKEN, {"following": True})
    api.call("PUT", "/calendar-sync/people/acme-p2", ACME_ADMIN_TOKEN, {"following": False})
    trail = [(e.action, e.target, e.actor) for e in service.list_audit(ACME_ADMIN).items[:3]]
    assert sorted(trail) == [
        ("calendar_sync.follow", "person acme-p2", "acme-admin"),
        ("calendar_sync.settings", "calendar sync", "acme-admin"),
        ("calendar_sync.unfollow", "person acme-p2", "acme-admin"),
    ]
    assert not any(e.action.startswith("calendar_sync") for e in service.list_audit(GLOBEX_ADMIN).items)
