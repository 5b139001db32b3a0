"""The employee's own status page's routes through the whole API: a single-use link by SMS, a
session bound to the person, and the own status set, read and cleared, nothing else."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telefonist.clock import simulated_time
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.models.directory import Person
from telefonist.referral_automation.service import OWN_REFERRAL_ID
from telefonist.referral_automation.sign_in import LINK_MINUTES, LINKS_PER_WINDOW
from telefonist.self_service import SelfService

from tests.integration.edge.conftest import WholeApiClient
from tests.integration.functions.employee_status.conftest import EVA_MOBILE
from tests.integration.self_service.conftest import ACME_ADMIN_TOKEN
from tests.notify_helpers import sent_sms

NOW = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)  # 10:15 in Stockholm


@pytest.fixture
def api(service: SelfService, eva: Person) -> WholeApiClient:
    return WholeApiClient(service)


def link_token(number: str = EVA_MOBILE) -> str:
    [text] = [text for to, text in sent_sms() if to == number]
    match = re.search(r"/status/#t=([A-Za-z0-9_-]+)$", text)
    assert match, text
    return match.group(1)


def signed_in(api: WholeApiClient) -> str:
    with simulated_time(NOW):
        assert api.call("POST", "/employee/sign-in-link", body={"mobile": "070-123 45 67"}).status == 200
        answer = api.call("POST", "/employee/session", body={"token": link_token()})
    assert answer.status == 200, answer.body
    return f"Bearer {answer.body['session']}"


def test_a_link_goes_by_sms_to_the_registered_mobile_only_and_the_answer_tells_nothing(api: WholeApiClient) -> None:
    known = api.call("POST", "/employee/sign-in-link", body={"mobile": "0701234567"})
    unknown = api.call("POST", "/employee/sign-in-link", body={"mobile": "0709999999"})
    garbage = api.call("POST", "/employee/sign-in-link", body={"mobile": "not a number"})
    assert known.status == unknown.status == garbage.status == 200
    assert known.body == unknown.body == garbage.body
    assert [to for to, _ in sent_sms()] == [EVA_MOBILE]
    assert link_token().__len__() >= 40  # 256 bits


def test_a_number_gets_at_most_three_links_per_quarter_hour_and_the_answer_does_not_change(
    api: WholeApiClient,
) -> None:
    answers = []
    with simulated_time(NOW):
        for _ in range(LINKS_PER_WINDOW + 2):
            answers.append(api.call("POST", "/employee/sign-in-link", body={"mobile": EVA_MOBILE}))
    assert {a.status for a in answers} == {200}
    assert len({json.dumps(a.body) for a in answers}) == 1
    assert len(sent_sms()) == LINKS_PER_WINDOW
    with simulated_time(NOW + timedelta(minutes=LINK_MINUTES)):
        api.call("POST", "/employee/sign-in-link", body={"mobile": EVA_MOBILE})
    assert len(sent_sms()) == LINKS_PER_WINDOW + 1  # the next window


def test_the_link_is_single_use_short_lived_and_stored_only_hashed(api: WholeApiClient, customer_table: Any) -> None:
    api.call("POST", "/employee/sign-in-link", body={"mobile": EVA_MOBILE})
    token = link_token()
    stored = str(customer_table.scan()["Items"])
    assert token not in stored
    assert api.call("POST", "/employee/session", body={"token": token}).status == 200
    again = api.call("POST", "/employee/session", body={"token": token})
    assert again.status == 401
    assert again.body["error"] == "unauthorized"

    with simulated_time(NOW):
        api.call("POST", "/employee/sign-in-link", body={"mobile": EVA_MOBILE})
    late = [text for to, text in sent_sms() if to == EVA_MOBILE][-1].rsplit("#t=", 1)[1]
    with simulated_time(NOW + timedelta(minutes=LINK_MINUTES, seconds=1)):
        assert api.call("POST", "/employee/session", body={"token": late}).status == 401


def test_lunch_until_13_is_set_read_and_cleared_for_that_person_only_and_audited(
    api: WholeApiClient, repo: CustomerRepository
) -> None:
    session = signed_in(api)
    with simulated_time(NOW):
        answer = api.call("PUT", "/employee/status", token=session, body={"preset": "lunch", "until": "13:00"})
        assert answer.status == 200, answer.body
        assert answer.body == {"first_name": "Eva", "text": "Lunch, åter 13:00", "valid_until": "2026-11-30T12:00:00Z"}
        assert api.call("GET", "/employee/status", token=session).body["text"] == "Lunch, åter 13:00"
    _, referrals = repo.get_person("acme", "eva")
    assert [(r.referral_id, r.text) for r in referrals] == [(OWN_REFERRAL_ID, "Lunch, åter 13:00")]
    _, colleague = repo.get_person("acme", "acme-p1")
    assert [r.referral_id for r in colleague] == ["r1"]  # untouched
    with simulated_time(NOW):
        cleared = api.call("DELETE", "/employee/status", token=session)
    assert cleared.body == {"first_name": "Eva", "text": None, "valid_until": None}
    trail = [(e.actor, e.action) for e in repo.list_audit_entries("acme")]
    assert ("page:eva", "referral.set") in trail
    assert ("page:eva", "referral.clear") in trail


def test_a_lapsed_status_reads_as_in(api: WholeApiClient) -> None:
    session = signed_in(api)
    with simulated_time(NOW):
        api.call("PUT", "/employee/status", token=session, body={"preset": "meeting", "until": "11:00"})
    with simulated_time(NOW.replace(hour=10)):  # 11:00 in Stockholm
        assert api.call("GET", "/employee/status", token=session).body["text"] is None


def test_a_time_in_the_past_is_a_400_naming_until(api: WholeApiClient) -> None:
    session = signed_in(api)
    with simulated_time(NOW):
        answer = api.call("PUT", "/employee/status", token=session, body={"preset": "lunch", "until": "09:00"})
    assert answer.status == 400
    assert answer.body["field"] == "until"
    assert "09:00 has already passed" in answer.body["message"]


def test_the_body_cannot_name_another_tenant_or_person(api: WholeApiClient) -> None:
    session = signed_in(api)
    body = {"preset": "sick", "person_id": "acme-p1", "tenant_id": "globex"}
    with simulated_time(NOW):
        answer = api.call("PUT", "/employee/status", token=session, body=body)
    assert answer.status == 400


def test_without_a_session_nothing_and_the_session_opens_no_other_route(api: WholeApiClient) -> None:
    assert api.call("GET", "/employee/status").status == 401
    assert api.call("PUT", "/employee/status", token=ACME_ADMIN_TOKEN, body={"preset": "sick"}).status == 401
    session = signed_in(api)
    assert api.call("GET", "/people", token=session).status == 401
    assert api.call("PUT", "/people/acme-p1/referrals/x", token=session, body={"text": "x"}).status in (400, 401)
    with simulated_time(NOW + timedelta(hours=13)):
        assert api.call("GET", "/employee/status", token=session).status == 401  # the session lapsed
