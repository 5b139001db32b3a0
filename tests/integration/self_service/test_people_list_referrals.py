"""`GET /people` carries each person's referral valid now, so Mina sidor's list needs no read per person."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.self_service import SelfService
from telefonist.self_service import api_models as api
from telefonist.self_service.billing import InMemoryBillingSummarySource

from tests.integration.self_service.conftest import ACME_ADMIN, ACME_ADMIN_TOKEN, ApiClient

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def at_now(service: SelfService, repo: CustomerRepository, billing: InMemoryBillingSummarySource) -> ApiClient:
    """The seeded customers (acme-p1 on leave since 24 November), the API at a fixed moment."""
    return ApiClient(SelfService(repo, billing, clock=lambda: NOW))


def _referral(
    service: SelfService, person_id: str, referral_id: str, text: str, start: datetime, end: datetime | None
) -> None:
    body = {"text": text, "valid_from": start.isoformat(), "valid_until": end.isoformat() if end else None}
    service.set_referral(ACME_ADMIN, person_id, referral_id, api.ReferralInput.model_validate(body))


def _listed(client: ApiClient, query: str = "") -> dict[str, object]:
    response = client.call("GET", f"/people{query}", ACME_ADMIN_TOKEN)
    assert response.status == 200, response.body
    return response.body


def test_each_person_carries_the_referral_valid_now_or_null(at_now: ApiClient) -> None:
    items = _listed(at_now)["items"]
    by_id = {p["person_id"]: p["current_referral"] for p in items}
    assert by_id["acme-p2"] is None
    assert by_id["acme-p1"] == {
        "referral_id": "r1",
        "person_id": "acme-p1",
        "text": "Acme is on leave",
        "valid_from": "2026-11-24T08:00:00Z",
        "valid_until": None,
        "refer_to_person_id": None,
    }


def test_of_overlapping_referrals_the_one_started_last_and_never_an_ended_or_future_one(
    service: SelfService, at_now: ApiClient
) -> None:
    day = timedelta(days=1)
    _referral(service, "acme-p2", "ended", "Was away", NOW - 3 * day, NOW - day)
    _referral(service, "acme-p2", "later", "Will be away", NOW + day, None)
    _referral(service, "acme-p2", "meeting", "In a meeting", NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    _referral(service, "acme-p2", "leave", "On leave", NOW - 2 * day, NOW + 5 * day)
    by_id = {p["person_id"]: p["current_referral"] for p in _listed(at_now)["items"]}
    assert by_id["acme-p2"]["referral_id"] == "meeting"
    assert by_id["acme-p1"]["referral_id"] == "r1"


def test_a_page_that_starts_after_a_person_does_not_give_them_the_previous_person_s_referrals(
    at_now: ApiClient,
) -> None:
    first = _listed(at_now, "?limit=1")
    assert [(p["person_id"], p["current_referral"]["text"]) for p in first["items"]] == [
        ("acme-p1", "Acme is on leave")
    ]
    second = _listed(at_now, f"?limit=1&cursor={first['next_cursor']}")
    assert [(p["person_id"], p["current_referral"]) for p in second["items"]] == [("acme-p2", None)]
    assert second["next_cursor"] is None


def test_the_search_carries_the_referral_valid_now_and_follows_a_change(
    service: SelfService, at_now: ApiClient
) -> None:
    [found] = _listed(at_now, "?q=acmefirst2")["items"]
    assert found["current_referral"] is None
    _referral(service, "acme-p2", "ill", "Ill today", NOW - timedelta(hours=2), NOW + timedelta(hours=8))
    [found] = _listed(at_now, "?q=acmefirst2")["items"]
    assert found["current_referral"]["text"] == "Ill today"


def test_a_person_with_many_referrals_is_still_one_small_item(service: SelfService, at_now: ApiClient) -> None:
    """The list stays inside its byte budget: a summary holds one referral, never the person's history."""
    for i in range(40):
        start = NOW - timedelta(days=80 - 2 * i)
        _referral(service, "acme-p2", f"r{i:02}", "x" * 200, start, start + timedelta(days=1))
    _referral(service, "acme-p2", "now", "Away", NOW - timedelta(hours=1), None)
    [p2] = [p for p in _listed(at_now)["items"] if p["person_id"] == "acme-p2"]
    assert p2["current_referral"]["referral_id"] == "now"
    assert len(json.dumps(p2)) < 700  # 40 old referrals of 200 characters would be over 8,000
