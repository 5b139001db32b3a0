"""Billing in Mina sidor: the month's summary with the share over the 45-second budget, and the
month's lines as a CSV download (the customer's administrators and finance only)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.ports.billing import CSV_COLUMNS
from telefonist.self_service import SelfService
from telefonist.self_service.billing import InMemoryBillingSummarySource

from tests.integration.self_service.conftest import (
    ACME_ADMIN_TOKEN,
    ACME_USER_TOKEN,
    FINANCE_TOKEN,
    GLOBEX_ADMIN_TOKEN,
    OPERATOR_TOKEN,
    ApiClient,
)


def _line(n: int, tenant: str, tariff: int, amount: int, over: bool, day: int = 2) -> dict[str, Any]:
    return {
        "contact_id": f"{tenant}-{n:04}",
        "tenant_id": tenant,
        "month": "2026-10",
        "answered_at": f"2026-10-{day:02}T09:{n % 60:02}:00+02:00",
        "period": "weekday_day",
        "tariff": tariff,
        "transferred": tariff == 2,
        "talk_seconds": 50 if over else 20,
        "handling_seconds": 50 if over else 25,
        "over_45s": over,
        "amount_ore": amount,
        "price_list_version": "2026-01",
        "dialed_number": "+46852000001",
    }


LINES = [
    _line(1, "acme", 1, 2900, False, day=5),
    _line(2, "acme", 1, 2900, True, day=3),
    _line(3, "acme", 2, 3900, True),
    _line(4, "acme", 2, 3900, False),
    _line(1, "globex", 1, 2900, False),
]


@pytest.fixture
def lines_client(repo: CustomerRepository, service: SelfService) -> ApiClient:
    """The seeded customers, with October's billing from lines."""
    return ApiClient(SelfService(repo, InMemoryBillingSummarySource(lines=LINES)))


def test_the_summary_counts_the_calls_over_the_budget_per_tariff_and_in_all(lines_client: ApiClient) -> None:
    summary = lines_client.call("GET", "/billing/2026-10", ACME_ADMIN_TOKEN).body
    assert [(t["tariff"], t["calls"], t["calls_over_45s"], t["amount_ore"]) for t in summary["tariffs"]] == [
        (1, 2, 1, 5800),
        (2, 2, 1, 7800),
    ]
    assert (summary["calls"], summary["calls_over_45s"], summary["total_ore"]) == (4, 2, 13600)
    assert summary["over_45s_threshold_percent"] == 25


def test_billing_is_for_the_customers_administrators_and_finance(lines_client: ApiClient) -> None:
    assert lines_client.call("GET", "/billing/2026-10", ACME_USER_TOKEN).status == 403
    assert lines_client.call("GET", "/finance/tenants/acme/billing/2026-10", FINANCE_TOKEN).body["calls"] == 4


def test_an_administrator_downloads_the_months_lines_as_csv(lines_client: ApiClient) -> None:
    response = lines_client.call_raw("GET", "/billing/2026-10/lines.csv", ACME_ADMIN_TOKEN)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert 'filename="billing-2026-10.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["contact_id"] for r in rows] == ["acme-0003", "acme-0004", "acme-0002", "acme-0001"]  # answer order
    assert sum(int(r["amount_ore"]) for r in rows) == 13600  # the summary's total
    assert {r["amount_sek"] for r in rows} == {"29.00", "39.00"}


def test_finance_downloads_any_customers_lines_others_cannot(lines_client: ApiClient) -> None:
    finance = lines_client.call_raw("GET", "/finance/tenants/globex/billing/2026-10/lines.csv", FINANCE_TOKEN)
    assert finance.status == 200
    assert [r["contact_id"] for r in csv.DictReader(io.StringIO(finance.text))] == ["globex-0001"]
    assert lines_client.call("GET", "/billing/2026-10/lines.csv", ACME_USER_TOKEN).status == 403
    assert lines_client.call("GET", "/billing/2026-10/lines.csv", FINANCE_TOKEN).status == 403  # no customer
    assert lines_client.call("GET", "/finance/tenants/acme/billing/2026-10/lines.csv", OPERATOR_TOKEN).status == 403
    assert lines_client.call("GET", "/finance/tenants/acme/billing/2026-10/lines.csv", ACME_ADMIN_TOKEN).status == 403
    # A customer's administrator gets their own customer's lines only: the tenant is the token's.
    globex = lines_client.call_raw("GET", "/billing/2026-10/lines.csv", GLOBEX_ADMIN_TOKEN)
    assert "acme" not in globex.text


def test_a_bad_month_is_a_400_and_an_empty_month_is_a_header(lines_client: ApiClient) -> None:
    refused = lines_client.call("GET", "/billing/2026-13/lines.csv", ACME_ADMIN_TOKEN)
    assert refused.status == 400
    assert refused.body["field"] == "path.month"
    empty = lines_client.call_raw("GET", "/billing/2026-09/lines.csv", ACME_ADMIN_TOKEN)
    assert empty.text == ",".join(CSV_COLUMNS) + "\r\n"


def test_a_month_too_large_for_one_download_is_refused_naming_the_month(
    repo: CustomerRepository, service: SelfService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("telefonist.self_service.billing.MAX_CSV_LINES", 3)  # the one capped read (downloadable_lines)
    client = ApiClient(SelfService(repo, InMemoryBillingSummarySource(lines=LINES)))
    refused = client.call("GET", "/billing/2026-10/lines.csv", ACME_ADMIN_TOKEN)
    assert refused.status == 400
    assert refused.body["field"] == "path.month"
    assert "4 lines" in refused.body["message"]
