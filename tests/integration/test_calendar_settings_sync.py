"""Mina sidor's calendar-sync settings drive the sync (issue 21), against the local fake of Graph:
an administrator turns sync on with their own rules and follows a person; the renewal run
subscribes the calendar and its events become referrals by those rules; stopping follows nothing
more, and with sync off nothing is read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telefonist.calendar_sync.sync import CalendarSync
from telefonist.clock import simulated_time
from telefonist.dal.calendar_state import DynamoSyncState
from telefonist.dal.graph_client import GraphError, UrllibGraphApi
from telefonist.self_service import SelfService
from telefonist.self_service.calendar_settings import (
    CalendarRulesBody,
    CalendarSettingsInput,
    CalendarSettingsService,
    FollowInput,
)

from tests.graph_fake import FakeGraph, fake_graph
from tests.integration.self_service.conftest import ACME_ADMIN, billing, service  # noqa: F401 - fixtures
from tests.integration.test_calendar_sync import USER, event

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
PERSON = "acme-p2"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with fake_graph() as fake:
        yield fake


@pytest.fixture
def state(service: SelfService) -> DynamoSyncState:  # noqa: F811
    return DynamoSyncState(service._repo.table)


@pytest.fixture
def sync(graph: FakeGraph, service: SelfService, state: DynamoSyncState) -> CalendarSync:  # noqa: F811
    api = UrllibGraphApi(lambda: "app-only-token", base_url=f"{graph.url}/v1.0")
    return CalendarSync(lambda _t: api, state, lambda: service, state.rules, "https://api.example/calendar")


def referral_texts(service: SelfService) -> list[str]:  # noqa: F811
    return sorted(r.text for r in service.get_person(ACME_ADMIN, PERSON).referrals if r.referral_id.startswith("cal-"))


def settings_input(enabled: bool, version: int, **rules: Any) -> CalendarSettingsInput:
    return CalendarSettingsInput(enabled=enabled, rules=CalendarRulesBody(**rules), expected_version=version)


def test_followed_by_an_administrator_the_calendar_syncs_by_the_customers_own_rules(
    graph: FakeGraph,
    sync: CalendarSync,
    service: SelfService,  # noqa: F811
    state: DynamoSyncState,
) -> None:
    admin = CalendarSettingsService(service, state)
    graph.put_event(USER, event("K1", NOW + timedelta(hours=1), NOW + timedelta(hours=2), subject="Kurs i Excel"))
    graph.put_event(USER, event("B1", NOW + timedelta(hours=3), NOW + timedelta(hours=4), subject="Avstämning"))
    graph.put_event(USER, event("D1", NOW, NOW + timedelta(days=1), isAllDay=True, showAs="oof", subject="Ledig"))
    admin.follow(ACME_ADMIN, PERSON, FollowInput(following=True, user_id=USER))
    with simulated_time(NOW):
        assert sync.renew_due() == []  # sync still off for the customer: nothing subscribed
    assert graph.subscriptions == {}

    rules = {"busy": None, "keywords": [{"keyword": "kurs", "text": "På utbildning"}], "all_day": False}
    admin.put(ACME_ADMIN, settings_input(True, 0, **rules))
    with simulated_time(NOW):
        [subscription_id] = sync.renew_due()
    assert list(graph.subscriptions) == [subscription_id]
    # The keyword chose the text; busy makes none and all-day events none, as the administrator set.
    assert referral_texts(service) == ["På utbildning"]
    view = admin.get(ACME_ADMIN)
    assert view.status.connected
    assert view.status.last_sync == NOW
    assert view.people[0].subscribed

    # Stopped: a notification for it changes nothing, and its subscription is not renewed.
    admin.follow(ACME_ADMIN, PERSON, FollowInput(following=False))
    graph.put_event(USER, event("K2", NOW + timedelta(hours=5), NOW + timedelta(hours=6), subject="Kurs 2"))
    with simulated_time(NOW):
        assert sync.notified(graph.notification(USER, "K2", "created")) == (0, 0)
    assert referral_texts(service) == ["På utbildning"]
    with simulated_time(NOW + timedelta(days=2)):
        assert sync.renew_due() == []


def test_with_sync_turned_off_a_notification_reads_nothing(
    graph: FakeGraph,
    sync: CalendarSync,
    service: SelfService,  # noqa: F811
    state: DynamoSyncState,
) -> None:
    admin = CalendarSettingsService(service, state)
    admin.put(ACME_ADMIN, settings_input(True, 0))
    admin.follow(ACME_ADMIN, PERSON, FollowInput(following=True, user_id=USER))
    with simulated_time(NOW):
        sync.renew_due()
    admin.put(ACME_ADMIN, settings_input(False, 1))
    graph.put_event(USER, event("M1", NOW + timedelta(hours=1), NOW + timedelta(hours=2)))
    before = len(graph.requests)
    with simulated_time(NOW):
        assert sync.notified(graph.notification(USER, "M1", "created")) == (1, 0)
    assert len(graph.requests) == before
    assert referral_texts(service) == []


class _RefusingGraph:
    """Graph refusing the application (consent withdrawn, say): every call fails with its status."""

    def get(self, url: str) -> dict[str, Any]:
        raise GraphError("Graph answered 403")

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        raise GraphError("Graph answered 403")

    def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        raise GraphError("Graph answered 403")


def test_a_subscription_graph_refuses_is_the_status_last_error_and_is_tried_again(
    service: SelfService,  # noqa: F811
    state: DynamoSyncState,
) -> None:
    admin = CalendarSettingsService(service, state)
    admin.put(ACME_ADMIN, settings_input(True, 0))
    admin.follow(ACME_ADMIN, PERSON, FollowInput(following=True, user_id=USER))
    refused = CalendarSync(lambda _t: _RefusingGraph(), state, lambda: service, state.rules, "https://api.example/c")
    with simulated_time(NOW):
        assert refused.renew_due() == []
    view = admin.get(ACME_ADMIN)
    assert view.status.last_error == "Graph answered 403"
    assert not view.status.connected
    assert view.people[0].last_error == "Graph answered 403"
    assert state.all()[0].pending  # still pending: the next run tries again
