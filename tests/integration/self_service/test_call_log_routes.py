"""The call log routes (issue 20): a customer's billed calls of a month line for line as invoiced,
with outcomes from the contact events and callers masked; a page at a time with the month's
totals, or the month as CSV. Administrators their own customer's, finance any; others refused."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import boto3
import pytest
from telefonist import config
from telefonist.dal.directory_names import DirectoryNameReader
from telefonist.dal.statistics_repository import StatisticsRepository
from telefonist.edge.bounds import MAX_BODY_BYTES
from telefonist.edge.resolver import edge_resolver
from telefonist.self_service import SelfService, billing
from telefonist.self_service.billing import InMemoryBillingSummarySource
from telefonist.self_service.pagination import encode_cursor
from telefonist.statistics import call_log
from telefonist.statistics.model import ContactEvent
from werkzeug.test import Client

from functions.self_service.call_log_api import build_call_log_router
from telefonist_local.local_aws import LocalResources
from telefonist_local.self_service.local_gateway import ApiGatewayWsgiApp
from tests.builders.statistics import answered_call
from tests.integration.self_service.conftest import (
    ACME_ADMIN_TOKEN,
    ACME_USER_TOKEN,
    FINANCE_TOKEN,
    GLOBEX_ADMIN_TOKEN,
)

ACME_CALLS = 250  # three BatchGetItem round trips for the whole month's events


def _line(n: int, tenant: str) -> dict[str, Any]:
    day, minute = 1 + n % 28, n % 60
    tariff = 1 + n % 3
    return {
        "contact_id": f"{tenant}-{n:04}",
        "tenant_id": tenant,
        "month": "2026-10",
        # two calls answered in the same minute of the same day: the contact id orders them
        "answered_at": f"2026-10-{day:02}T{8 + n % 9:02}:{minute:02}:00+02:00",
        "period": "weekday_day",
        "tariff": tariff,
        "transferred": False,
        "talk_seconds": 20 + n % 40,
        "handling_seconds": 25 + n % 40,
        "over_45s": n % 40 > 20,
        "amount_ore": 2900 + 1000 * (tariff - 1) + n % 7,
        "price_list_version": "2026-01",
        "dialed_number": "+46852000001",
    }


LINES = [_line(n, "acme") for n in range(ACME_CALLS)] + [_line(n, "globex") for n in range(3)]


def _event(line: dict[str, Any], **changes: Any) -> ContactEvent:
    of_line = {
        "contact_id": line["contact_id"],
        "version_us": 1_000_000,
        "tenant_id": line["tenant_id"],
        "day": date.fromisoformat(line["answered_at"][:10]),
        "number": line["dialed_number"],
        "wait_seconds": 5,
        "handling_seconds": line["handling_seconds"],
        "caller_masked": "+4670•••••67",
    }
    return answered_call(**{**of_line, **changes})


@pytest.fixture
def client(aws: LocalResources, service: SelfService) -> tuple[Client, list[int]]:
    """The seeded customers (acme's people acme-p1 and acme-p2), October's lines, and their events:
    acme-0000 transferred to acme-p1, acme-0001 to someone no longer in the directory, acme-0002 a
    message by SMS and e-mail; acme-0003's event was recorded for globex (never shown to acme).
    Fixture setup is most of these tests' time, so each test checks several things."""
    dynamodb = boto3.resource("dynamodb")
    events = StatisticsRepository(dynamodb.Table(aws.environment[config.ENV_STATISTICS_TABLE]))
    acme = LINES[:ACME_CALLS]
    events.record_many(
        [
            _event(acme[0], transferred=True, transferred_to_person="acme-p1"),
            _event(acme[1], transferred=True, transferred_to_person="left-the-company"),
            _event(acme[2], message_channels=("sms", "email")),
            _event(acme[3], tenant_id="globex", caller_masked="+4673•••••11"),
            _event(acme[4]),
        ]  # the other calls' events are not recorded: answered, caller unknown
    )
    queries = call_log.CallLogQueries(
        InMemoryBillingSummarySource(lines=LINES),
        events,
        DirectoryNameReader(dynamodb.Table(aws.environment[config.ENV_CUSTOMER_TABLE])),
    )
    batch_gets: list[int] = []
    events_client = dynamodb.meta.client
    events_client.meta.events.register("before-call.dynamodb.BatchGetItem", lambda **_: batch_gets.append(1))
    resolver = edge_resolver(build_call_log_router(lambda: queries))
    return Client(ApiGatewayWsgiApp(resolver.resolve, MAX_BODY_BYTES)), batch_gets


def _get(client: Client, path: str, token: str) -> Any:
    return client.get(path, headers={"Authorization": token})


def _invoice(tenant: str) -> tuple[int, int]:
    summary = InMemoryBillingSummarySource(lines=LINES).monthly_summary(tenant, "2026-10")
    return sum(t.calls for t in summary.tariffs), summary.total_ore


def test_administrators_page_through_their_month_line_for_line_with_the_invoice(
    client: tuple[Client, list[int]],
) -> None:
    http, batch_gets = client
    rows: list[dict[str, Any]] = []
    cursor = ""
    pages = 0
    while True:
        body = _get(http, f"/call-log?month=2026-10&limit=100{cursor}", ACME_ADMIN_TOKEN).get_json()
        pages += 1
        assert (body["totals"]["count"], body["totals"]["amount_ore"]) == _invoice("acme")  # on every page
        rows += body["rows"]
        if body["next_cursor"] is None:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert pages == 3
    assert len(batch_gets) == 3  # one BatchGetItem for each page's (up to 100) contacts
    # every line once, in answer order, with its own amount: they sum to the invoice
    acme = sorted(LINES[:ACME_CALLS], key=lambda line: (line["answered_at"], line["contact_id"]))
    assert [r["contact_id"] for r in rows] == [line["contact_id"] for line in acme]
    assert [(r["tariff"], r["amount_ore"], r["handling_seconds"]) for r in rows] == [
        (line["tariff"], line["amount_ore"], line["handling_seconds"]) for line in acme
    ]
    by_id = {r["contact_id"]: r for r in rows}
    assert by_id["acme-0000"]["outcome"] == "transferred"
    assert by_id["acme-0000"]["transferred_to_name"] == "Acmefirst1 Acmelast1"
    assert (by_id["acme-0001"]["outcome"], by_id["acme-0001"]["transferred_to_name"]) == ("transferred", None)
    assert (by_id["acme-0002"]["outcome"], by_id["acme-0002"]["message_channels"]) == ("message", ["sms", "email"])
    assert by_id["acme-0004"]["caller"] == "+4670•••••67"
    # an event recorded for another customer never shows: neither its caller nor its outcome
    assert (by_id["acme-0003"]["caller"], by_id["acme-0003"]["outcome"]) == (None, "answered")
    assert by_id["acme-0005"]["caller"] is None  # no event recorded: answered, as billed

    # the CSV: the whole month as the pages show it
    response = _get(http, "/call-log.csv?month=2026-10", ACME_ADMIN_TOKEN)
    assert response.status_code == 200
    assert 'filename="call-log-2026-10.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == call_log.CSV_COLUMNS
    assert (len(rows), sum(int(r["amount_ore"]) for r in rows)) == _invoice("acme")
    assert len(batch_gets) == 3 + 3  # 250 contacts: ceil(250 / 100) round trips
    first = next(r for r in rows if r["contact_id"] == "acme-0000")
    assert (first["outcome"], first["transferred_to"], first["caller"]) == (
        "transferred",
        "Acmefirst1 Acmelast1",
        "'+4670•••••67",  # a leading + would be a formula to a spreadsheet
    )
    assert next(r for r in rows if r["contact_id"] == "acme-0002")["message_channels"] == "sms|email"
    assert int(first["amount_ore"]) / 100 == float(first["amount_sek"])


def test_finance_reads_any_customer_others_are_refused_and_bad_input_is_a_400_naming_the_field(
    client: tuple[Client, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    http, _ = client
    body = _get(http, "/finance/tenants/globex/call-log?month=2026-10", FINANCE_TOKEN).get_json()
    assert [r["contact_id"] for r in body["rows"]] == ["globex-0000", "globex-0001", "globex-0002"]
    assert (body["totals"]["count"], body["totals"]["amount_ore"]) == _invoice("globex")
    csv_text = _get(http, "/finance/tenants/globex/call-log.csv?month=2026-10", FINANCE_TOKEN).get_data(as_text=True)
    assert csv_text.count("globex-") == 3
    assert _get(http, "/call-log?month=2026-10", GLOBEX_ADMIN_TOKEN).get_json()["totals"]["count"] == 3
    assert _get(http, "/finance/tenants/acme/call-log?month=2026-10", GLOBEX_ADMIN_TOKEN).status_code == 403
    for path in ("/call-log?month=2026-10", "/call-log.csv?month=2026-10"):
        assert _get(http, path, ACME_USER_TOKEN).status_code == 403
        assert _get(http, path, FINANCE_TOKEN).status_code == 403  # finance names the customer

    for query in ("month=2026-13", "month=oktober", ""):
        response = _get(http, f"/call-log?{query}", ACME_ADMIN_TOKEN)
        assert (response.status_code, response.get_json()["field"]) == (400, "query.month")
    # another customer's cursor, another list's, one that is no time, and garbage
    for cursor in (
        encode_cursor("globex", "CALL#2026-10-01T08:00:00+02:00#globex-0000"),
        encode_cursor("acme", "PERSON#acme-p1"),
        encode_cursor("acme", "CALL#2026-99-99T99:99:99+02:00#acme-0001"),
        "not-a-cursor",
    ):
        response = _get(http, f"/call-log?month=2026-10&cursor={cursor}", ACME_ADMIN_TOKEN)
        assert (response.status_code, response.get_json()["field"]) == (400, "query.cursor")
    monkeypatch.setattr(billing, "MAX_CSV_LINES", 100)  # the lines CSV's cap, smaller
    response = _get(http, "/call-log.csv?month=2026-10", ACME_ADMIN_TOKEN)
    assert (response.status_code, response.get_json()["field"]) == (400, "query.month")
    assert "250" in response.get_json()["message"]
