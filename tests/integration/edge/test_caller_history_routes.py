"""Caller history (issue 20): POST /operator/tenants/{t}/caller-history over moto (KMS HMAC key, statistics table)."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from telefonist import config
from telefonist.clock import simulated_time
from telefonist.transfer import InMemoryContactAttributes

from tests.integration.edge.conftest import ACME_CONTACT_ID, WholeApiClient
from tests.integration.self_service.conftest import ACME_ADMIN_TOKEN, OPERATOR_TOKEN

HISTORY = "/operator/tenants/acme/caller-history"
CALLER = "+46701234567"
SECOND_CONTACT = "4f0c9a8e-1b2d-4c5e-8f70-0123456789ab"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _lookup(api: WholeApiClient, contact_id: str, caller: str = CALLER, at: datetime = T0) -> dict:
    with simulated_time(at):
        response = api.call("POST", HISTORY, OPERATOR_TOKEN, body={"contact_id": contact_id, "caller_number": caller})
    assert response.status == 200, response.body
    return response.body


def _transfer(api: WholeApiClient, contact_id: str) -> None:
    person = api.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).body
    update = {k: person[k] for k in ("first_name", "last_name", "title", "department", "email", "keywords")}
    update |= {"phones": [{"kind": "work", "number": "+46852000077"}], "expected_version": person["version"]}
    assert api.call("PUT", "/people/acme-p1", ACME_ADMIN_TOKEN, body=update).status == 200
    body = {"person_id": "acme-p1", "number": "+46852000077", "mode": "blind"}
    response = api.call("PUT", f"/operator/tenants/acme/contacts/{contact_id}/transfer", OPERATOR_TOKEN, body=body)
    assert response.status == 200, response.body


def _items() -> list[dict]:
    table = boto3.resource("dynamodb").Table(os.environ[config.ENV_STATISTICS_TABLE])
    return [i for i in table.scan()["Items"] if str(i["pk"]).startswith(("CALLER#", "CALLCONTACT#"))]


def test_a_second_call_shows_the_first_calls_outcome_until_thirty_days_later(
    api: WholeApiClient, contacts: InMemoryContactAttributes
) -> None:
    assert _lookup(api, ACME_CONTACT_ID)["items"] == []
    _transfer(api, ACME_CONTACT_ID)
    contacts.contacts[SECOND_CONTACT] = {"tenant_id": "acme"}
    later = T0 + timedelta(days=3)
    # The national form is the same caller: the number is normalised before it is hashed.
    seen = _lookup(api, SECOND_CONTACT, caller="070-123 45 67", at=later)["items"]
    assert [(e["contact_id"], e["outcome"], e["person_id"]) for e in seen] == [
        (ACME_CONTACT_ID, "transferred", "acme-p1")
    ]
    assert _lookup(api, SECOND_CONTACT, at=later)["items"] == seen  # a reload records nothing twice
    # Past the retention window the entry is gone from reads even before TTL deletes it.
    assert _lookup(api, SECOND_CONTACT, at=T0 + timedelta(days=30, seconds=1))["items"] == []


def test_the_number_is_stored_nowhere_only_its_keyed_hash_with_a_ttl(
    api: WholeApiClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _lookup(api, ACME_CONTACT_ID)
    items = _items()
    assert len(items) == 2
    stored = repr(items)
    assert "701234567" not in stored
    assert "701234567" not in caplog.text
    assert all(int(i["expires_at"]) == int((T0 + timedelta(days=30)).timestamp()) for i in items)
    entry = next(i for i in items if str(i["pk"]).startswith("CALLER#"))
    digest = str(entry["pk"]).rsplit("#", 1)[1]
    assert len(digest) == 64  # HMAC-SHA-256, keyed: a plain SHA-256 of the number differs
    import hashlib

    assert digest != hashlib.sha256(CALLER.encode()).hexdigest()


def test_tenants_hash_the_same_caller_differently(api: WholeApiClient) -> None:
    from telefonist.dal.caller_history import KmsTenantKeys

    keys = KmsTenantKeys(boto3.client("kms"), os.environ[config.ENV_CALLER_KEY_ID])
    assert keys.key_for("acme") != keys.key_for("globex")
    assert keys.key_for("acme") == keys.key_for("acme")


def test_only_operators_and_only_for_a_contact_of_that_customer(
    api: WholeApiClient, contacts: InMemoryContactAttributes
) -> None:
    body = {"contact_id": ACME_CONTACT_ID, "caller_number": CALLER}
    assert api.call("POST", HISTORY, ACME_ADMIN_TOKEN, body=body).status == 403
    other = api.call("POST", "/operator/tenants/globex/caller-history", OPERATOR_TOKEN, body=body)
    assert other.status == 400
    assert other.body["field"] == "path.tenant_id"
    unknown = {"contact_id": SECOND_CONTACT, "caller_number": CALLER}
    missing = api.call("POST", HISTORY, OPERATOR_TOKEN, body=unknown)
    assert missing.status == 404
    assert missing.body["field"] == "body.contact_id"
    bad = api.call("POST", HISTORY, OPERATOR_TOKEN, body={"contact_id": ACME_CONTACT_ID, "caller_number": "x"})
    assert bad.status == 400
    assert bad.body["field"] == "body.caller_number"
    assert _items() == []


def test_a_message_sets_the_contacts_channels_for_statistics_and_the_history_outcome(
    api: WholeApiClient, contacts: InMemoryContactAttributes
) -> None:
    from telefonist.statistics.events import _channels

    _lookup(api, ACME_CONTACT_ID)
    path = f"/operator/tenants/acme/contacts/{ACME_CONTACT_ID}/message"
    first = api.call("PUT", path, OPERATOR_TOKEN, body={"person_id": "acme-p1", "channels": ["email"]})
    assert first.status == 200, first.body
    second = api.call("PUT", path, OPERATOR_TOKEN, body={"person_id": "acme-p2", "channels": ["sms"]})
    assert second.body["message_channels"] == ["sms", "email"]
    # The CTR consumer reads both channels from the contact's attribute (statistics' messages by channel)
    assert _channels(contacts.get(ACME_CONTACT_ID)["message_channels"]) == ("sms", "email")
    contacts.contacts[SECOND_CONTACT] = {"tenant_id": "acme"}
    [earlier] = _lookup(api, SECOND_CONTACT, at=T0 + timedelta(days=1))["items"]
    assert (earlier["outcome"], earlier["person_id"], earlier["channel"]) == ("message", "acme-p2", "sms")
    empty = api.call("PUT", path, OPERATOR_TOKEN, body={"person_id": "acme-p1", "channels": []})
    assert empty.status == 400
    assert empty.body["field"] == "body.channels"
    assert api.call("PUT", path, ACME_ADMIN_TOKEN, body={"person_id": "acme-p1", "channels": ["sms"]}).status == 403
