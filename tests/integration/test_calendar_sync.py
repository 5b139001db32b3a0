"""Calendar sync against a local fake of Microsoft Graph (an HTTP server on 127.0.0.1).

An event created, moved and deleted in the fake becomes, changes and clears the person's
referral, which the operators' directory search then shows; the webhook's validation handshake
and a wrong clientState; subscription renewal on the simulated clock; a referral set by hand wins.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telefonist.calendar_sync.rules import CalendarRules, referral_id_of
from telefonist.calendar_sync.sync import RENEW_AHEAD, SUBSCRIPTION_LIFETIME, CalendarSync, InMemorySyncState
from telefonist.clock import simulated_time
from telefonist.config import ENV_DIRECTORY_VERSION_CHECK_SECONDS as DIRECTORY_VERSION_CHECK
from telefonist.dal.graph_client import UrllibGraphApi
from telefonist.edge.bounds import MAX_BODY_BYTES
from telefonist.edge.resolver import edge_resolver
from telefonist.self_service import SelfService
from werkzeug.test import Client

from functions.calendar_sync.api import NOTIFICATIONS_PATH, build_router
from telefonist_local.local_aws import patched_environment
from telefonist_local.self_service.local_gateway import ApiGatewayWsgiApp
from tests.graph_fake import FakeGraph, fake_graph
from tests.integration.edge.conftest import WholeApiClient
from tests.integration.self_service.conftest import OPERATOR_TOKEN, billing, service  # noqa: F401 - fixtures

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Stockholm
USER = "3f1c0000-aaaa-bbbb-cccc-000000000002"  # acme-p2's Entra user id
PERSON = "acme-p2"


def event(event_id: str, start: datetime, end: datetime, **fields: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "subject": fields.pop("subject", "Styrelsemöte"),
        "start": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"},
        "end": {"dateTime": end.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"},
        "isAllDay": False,
        "showAs": "busy",
        "sensitivity": "normal",
        **fields,
    }


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with fake_graph() as fake:
        yield fake


@pytest.fixture
def sync(graph: FakeGraph, service: SelfService) -> CalendarSync:  # noqa: F811
    api = UrllibGraphApi(lambda: "app-only-token", base_url=f"{graph.url}/v1.0")
    return CalendarSync(
        lambda _tenant: api,
        InMemorySyncState(),
        lambda: service,
        lambda _tenant: CalendarRules(),
        "https://api.example/calendar",
    )


@pytest.fixture
def directory(service: SelfService) -> Iterator[WholeApiClient]:  # noqa: F811
    """The operators' search, checking the directory's version on every search (as a change arrives)."""
    with patched_environment({DIRECTORY_VERSION_CHECK: "0"}):
        yield WholeApiClient(service)


@pytest.fixture
def webhook(sync: CalendarSync) -> Client:
    resolver = edge_resolver(build_router(lambda: sync))
    return Client(ApiGatewayWsgiApp(resolver.resolve, MAX_BODY_BYTES))


def shown(directory: WholeApiClient, at: datetime) -> Any:
    """The referral the operators' directory search shows for acme-p2 at `at` (None: available)."""
    with simulated_time(at):
        answer = directory.call("GET", "/operator/tenants/acme/directory?q=Acmefirst2", token=OPERATOR_TOKEN)
    assert answer.status == 200, answer.body
    [match] = [m for m in answer.body["matches"] if m["person"]["person_id"] == PERSON]
    return match["referral"]


def notify(webhook: Client, body: dict[str, Any], at: datetime = NOW) -> int:
    with simulated_time(at):
        response = webhook.post(NOTIFICATIONS_PATH, data=json.dumps(body), content_type="application/json")
    return response.status_code


def test_an_event_created_moved_and_deleted_sets_changes_and_clears_the_referral(
    graph: FakeGraph, sync: CalendarSync, webhook: Client, directory: WholeApiClient
) -> None:
    with simulated_time(NOW):
        sync.subscribe("acme", PERSON, USER)
    meeting = event("AAMkAD-1", NOW + timedelta(hours=1), NOW + timedelta(hours=2))
    graph.put_event(USER, meeting)
    assert notify(webhook, graph.notification(USER, "AAMkAD-1", "created")) == 202
    during = NOW + timedelta(hours=1, minutes=30)
    assert shown(directory, during)["text"] == "I möte"  # "möte" in the subject
    assert shown(directory, NOW) is None

    moved = event("AAMkAD-1", NOW + timedelta(hours=3), NOW + timedelta(hours=4))
    graph.put_event(USER, moved)
    notify(webhook, graph.notification(USER, "AAMkAD-1"))
    assert shown(directory, during) is None
    assert shown(directory, NOW + timedelta(hours=3, minutes=30))["valid_until"] == "2026-11-30T12:00:00Z"

    graph.delete_event(USER, "AAMkAD-1")
    notify(webhook, graph.notification(USER, "AAMkAD-1", "deleted"))
    assert shown(directory, NOW + timedelta(hours=3, minutes=30)) is None


def test_the_first_round_pages_through_every_event_and_keeps_the_delta_link(
    graph: FakeGraph, sync: CalendarSync
) -> None:
    for index in range(5):
        start = NOW + timedelta(days=index)
        graph.put_event(USER, event(f"E{index}", start, start + timedelta(hours=1), showAs="oof"))
    with simulated_time(NOW):
        calendar = sync.subscribe("acme", PERSON, USER)
    assert calendar.delta_link is not None
    assert "$deltatoken=" in calendar.delta_link
    gets = [path for method, path in graph.requests if method == "GET"]
    assert len(gets) == 3  # five events, pages of two


def test_the_validation_handshake_answers_the_token_as_plain_text(webhook: Client) -> None:
    response = webhook.post(f"{NOTIFICATIONS_PATH}?validationToken=Validation%3A+Testing+client+application")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.get_data(as_text=True) == "Validation: Testing client application"


def test_a_wrong_client_state_changes_nothing(
    graph: FakeGraph, sync: CalendarSync, webhook: Client, directory: WholeApiClient
) -> None:
    with simulated_time(NOW):
        sync.subscribe("acme", PERSON, USER)
    graph.put_event(
        USER, event("AAMkAD-2", NOW - timedelta(minutes=5), NOW + timedelta(hours=1), showAs="oof", subject="Resa")
    )
    before = len(graph.requests)
    assert notify(webhook, graph.notification(USER, "AAMkAD-2", "created", client_state="guessed")) == 403
    assert len(graph.requests) == before  # not even a catch-up
    assert shown(directory, NOW) is None
    assert notify(webhook, graph.notification(USER, "AAMkAD-2", "created")) == 202
    assert shown(directory, NOW)["text"] == "Frånvarande"


def test_subscriptions_are_renewed_on_the_simulated_clock(graph: FakeGraph, sync: CalendarSync) -> None:
    with simulated_time(NOW):
        calendar = sync.subscribe("acme", PERSON, USER)
        assert sync.renew_due() == []
    almost = NOW + SUBSCRIPTION_LIFETIME - RENEW_AHEAD + timedelta(minutes=1)
    with simulated_time(almost):
        assert sync.renew_due() == [calendar.subscription_id]
    subscription = graph.subscriptions[str(calendar.subscription_id)]
    assert subscription["expirationDateTime"] == (almost + SUBSCRIPTION_LIFETIME).strftime("%Y-%m-%dT%H:%M:%SZ")
    with simulated_time(almost + timedelta(hours=1)):
        assert sync.renew_due() == []  # renewed: not due again


def test_private_events_show_busy_without_their_subject_and_all_day_events_cover_the_day(
    graph: FakeGraph, sync: CalendarSync, directory: WholeApiClient
) -> None:
    graph.put_event(
        USER,
        event(
            "P1", NOW + timedelta(hours=1), NOW + timedelta(hours=2), subject="Läkare: hemligt", sensitivity="private"
        ),
    )
    tomorrow = {"dateTime": "2026-12-01T00:00:00.0000000", "timeZone": "UTC"}
    after = {"dateTime": "2026-12-02T00:00:00.0000000", "timeZone": "UTC"}
    graph.put_event(
        USER, {"id": "D1", "subject": "Semester", "start": tomorrow, "end": after, "isAllDay": True, "showAs": "oof"}
    )
    with simulated_time(NOW):
        sync.subscribe("acme", PERSON, USER)
    private = shown(directory, NOW + timedelta(hours=1, minutes=5))
    assert private["text"] == "Upptagen"
    assert "hemligt" not in json.dumps(private)
    all_day = shown(directory, datetime(2026, 12, 1, 0, 30, tzinfo=UTC))  # 01:30 on 1 December in Stockholm
    assert all_day["text"] == "Semester"
    assert all_day["valid_from"] == "2026-11-30T23:00:00Z"  # midnight in Stockholm


def test_a_referral_set_by_hand_wins_until_it_ends(
    graph: FakeGraph,
    sync: CalendarSync,
    service: SelfService,  # noqa: F811
    directory: WholeApiClient,
) -> None:
    from telefonist.self_service import api_models as api

    from tests.integration.self_service.conftest import ACME_ADMIN

    service.set_referral(
        ACME_ADMIN,
        PERSON,
        "kundbesok",
        api.ReferralInput(text="På kundbesök", valid_from=NOW, valid_until=NOW + timedelta(hours=2)),
    )
    graph.put_event(USER, event("M1", NOW + timedelta(hours=1), NOW + timedelta(hours=3), showAs="busy", subject="x"))
    with simulated_time(NOW):
        sync.subscribe("acme", PERSON, USER)
    assert shown(directory, NOW + timedelta(hours=1, minutes=30))["text"] == "På kundbesök"
    assert shown(directory, NOW + timedelta(hours=2, minutes=30))["text"] == "Upptagen"
    _, referrals = service._repo.get_person("acme", PERSON)
    calendar = next(r for r in referrals if r.referral_id == referral_id_of("M1"))
    assert calendar.valid_from == NOW + timedelta(hours=2)
