"""functions/calendar_sync as deployed: telefonist's application credentials from Secrets Manager, a token
by the client-credentials grant in the directory tenant the customer consented in, the state in the
customer table; the webhook and the scheduled renewal, against the fake Graph."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from telefonist.calendar_sync.consent import CalendarConnection
from telefonist.calendar_sync.rules import CalendarSettings, referral_id_of
from telefonist.calendar_sync.sync import RENEW_AHEAD, SUBSCRIPTION_LIFETIME, FollowedCalendar
from telefonist.clock import simulated_time
from telefonist.dal.calendar_state import APP_SECRET_NAME, DynamoSyncState
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.models.directory import Person

from functions.calendar_sync import handler
from telefonist_local.local_aws import patched_environment
from tests.graph_fake import FakeGraph, fake_graph

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
USER = "entra-user-eva"


@pytest.fixture
def graph(aws: Any, repo: CustomerRepository, customer_table: Any) -> Iterator[FakeGraph]:
    repo.put_person("acme", Person(person_id="eva", first_name="Eva", last_name="Lind", email="eva@acme.example"))
    secret = {"client_id": "app-1", "client_secret": "s3cret"}
    boto3.client("secretsmanager").create_secret(Name=APP_SECRET_NAME, SecretString=json.dumps(secret))
    # acme's administrator consented in their directory (Mina sidor's callback records it)
    DynamoSyncState(customer_table).put_connection(CalendarConnection("acme", directory_tenant="contoso-tenant"))
    with fake_graph() as fake:
        fake.credentials = ("app-1", "s3cret")
        fake.consented.add("contoso-tenant")
        environment = {
            handler.ENV_NOTIFICATION_URL: "https://api.example/v1/calendar/notifications",
            handler.ENV_GRAPH_BASE_URL: f"{fake.url}/v1.0",
            handler.ENV_GRAPH_LOGIN_URL: fake.url,
        }
        with patched_environment(environment):
            yield fake


def cold_start() -> handler.Dependencies:
    """The function's composition root as a new container builds it (under the fixture's environment)."""
    return handler.dependencies.__wrapped__()


def webhook_event(body: dict[str, Any] | None, query: dict[str, str] | None = None) -> dict[str, Any]:
    path = "/calendar/notifications"
    return {
        "resource": path,
        "path": path,
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"resourcePath": path, "httpMethod": "POST", "path": path, "stage": "v1", "requestId": "r"},
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def test_the_deployed_sync_signs_in_follows_catches_up_and_renews(
    graph: FakeGraph, repo: CustomerRepository, customer_table: Any
) -> None:
    deps = cold_start()
    DynamoSyncState(customer_table).put_settings("acme", CalendarSettings(enabled=True), 0)  # opted in on Mina sidor
    with simulated_time(NOW):
        calendar = deps.sync.subscribe("acme", "eva", USER)
    assert graph.issued  # Graph was called with a token from the client-credentials grant
    graph.put_event(
        USER,
        {
            "id": "E1",
            "subject": "Lunch",
            "start": {"dateTime": "2026-11-30T11:00:00.0000000", "timeZone": "UTC"},
            "end": {"dateTime": "2026-11-30T12:00:00.0000000", "timeZone": "UTC"},
            "showAs": "busy",
        },
    )
    with simulated_time(NOW):
        answer = handler.handle(webhook_event(graph.notification(USER, "E1", "created")), deps)
    assert answer["statusCode"] == 202
    _, referrals = repo.get_person("acme", "eva")
    assert [(r.referral_id, r.text) for r in referrals] == [(referral_id_of("E1"), "Lunch")]
    [stored] = DynamoSyncState(customer_table).all()
    assert stored.delta_link
    assert stored.subscription_id == calendar.subscription_id
    assert stored.client_state_digest
    assert graph.subscriptions[str(stored.subscription_id)]["clientState"] not in str(customer_table.scan()["Items"])

    handshake = handler.handle(webhook_event(None, {"validationToken": "abc 123"}), deps)
    assert (handshake["statusCode"], handshake["body"]) == (200, "abc 123")

    due = NOW + SUBSCRIPTION_LIFETIME - RENEW_AHEAD + timedelta(minutes=5)
    with simulated_time(due):
        assert handler.renew({}, deps) == {"renewed": 1}
        assert handler.renew({}, deps) == {"renewed": 0}


def test_a_customer_is_synced_only_in_the_directory_its_administrator_consented_in(
    graph: FakeGraph, repo: CustomerRepository, customer_table: Any
) -> None:
    state = DynamoSyncState(customer_table)
    state.put_settings("globex", CalendarSettings(enabled=True), 0)
    state.save(FollowedCalendar(tenant_id="globex", person_id="ola", user_id="ola@globex.example"))
    with simulated_time(NOW):
        assert handler.renew({}, cold_start()) == {"renewed": 0}  # never connected: no token asked for
    [waiting] = [c for c in state.all() if c.tenant_id == "globex"]
    assert waiting.pending
    assert "has not connected Microsoft 365" in str(waiting.last_error)
    assert not graph.subscriptions

    state.put_connection(CalendarConnection("globex", directory_tenant="fabrikam-tenant"))
    with simulated_time(NOW):
        assert handler.renew({}, cold_start()) == {"renewed": 0}  # the shared app has no consent there yet
    [waiting] = [c for c in state.all() if c.tenant_id == "globex"]
    assert waiting.pending
    assert "token endpoint answered 400" in str(waiting.last_error)

    graph.consented.add("fabrikam-tenant")
    with simulated_time(NOW):
        assert handler.renew({}, cold_start()) == {"renewed": 1}
    [subscription] = graph.subscriptions.values()
    assert subscription["resource"] == "/users/ola%40globex.example/events"
