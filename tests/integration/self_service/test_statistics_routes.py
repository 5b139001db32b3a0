"""The statistics routes (issue 20): administrators read their own customer's month, finance any
customer's; JSON and CSV; a bad month is a 400 naming it; others are refused."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import boto3
import pytest
from telefonist import config
from telefonist.dal.statistics_repository import StatisticsRepository
from telefonist.edge.bounds import MAX_BODY_BYTES
from telefonist.edge.resolver import edge_resolver
from telefonist.statistics.events import ContactEvent, Outcome
from werkzeug.test import Client

from functions.self_service import statistics_api
from telefonist_local.local_aws import LocalResources
from telefonist_local.self_service.local_gateway import ApiGatewayWsgiApp
from tests.builders.statistics import answered_call
from tests.integration.self_service.conftest import ACME_ADMIN_TOKEN, ACME_USER_TOKEN, FINANCE_TOKEN, GLOBEX_ADMIN_TOKEN


def _event(n: int, tenant: str, day: int, outcome: Outcome, wait: int, handling: int) -> ContactEvent:
    return answered_call(
        contact_id=f"{tenant}-{n}",
        version_us=1_000_000 + n,
        tenant_id=tenant,
        day=date(2026, 10, day),
        number="+46852000001",
        outcome=outcome,
        wait_seconds=wait,
        handling_seconds=handling,
        transferred=n % 2 == 0 and outcome is Outcome.ANSWERED,
        message_channels=("sms",) if n == 3 else (),
    )


@pytest.fixture
def client(aws: LocalResources) -> Client:
    repo = StatisticsRepository(boto3.resource("dynamodb").Table(aws.environment[config.ENV_STATISTICS_TABLE]))
    for event in (
        _event(1, "acme", 5, Outcome.ANSWERED, 8, 30),
        _event(2, "acme", 5, Outcome.ANSWERED, 25, 60),
        _event(3, "acme", 5, Outcome.ANSWERED, 10, 40),
        _event(4, "acme", 5, Outcome.ABANDONED, 40, 0),
        _event(5, "acme", 6, Outcome.ANSWERED, 5, 20),
        _event(1, "globex", 5, Outcome.ANSWERED, 5, 20),
    ):
        repo.record(event)
    queries = statistics_api.statistics_queries(aws.environment[config.ENV_STATISTICS_TABLE])
    resolver = edge_resolver(statistics_api.build_statistics_router(lambda: queries))
    return Client(ApiGatewayWsgiApp(resolver.resolve, MAX_BODY_BYTES))


def _get(client: Client, path: str, token: str) -> Any:
    return client.get(path, headers={"Authorization": token})


def test_administrators_read_their_own_month_per_day_and_number(client: Client) -> None:
    response = _get(client, "/statistics?month=2026-10", ACME_ADMIN_TOKEN)
    assert response.status_code == 200
    body = response.get_json()
    assert [d["day"] for d in body["days"]] == ["2026-10-05", "2026-10-06"]
    fifth = body["days"][0]
    assert (fifth["offered"], fifth["answered"], fifth["abandoned"], fifth["answered_20s"]) == (4, 3, 1, 2)
    assert fifth["answered_20s_share"] == round(2 / 3, 4)
    assert (fifth["wait_p50"], fifth["wait_p90"]) == (10, 40)
    assert (fifth["handling_p50"], fifth["handling_p90"]) == (40, 60)
    assert (fifth["over_45s"], fifth["transfers"], fifth["messages_sms"]) == (1, 1, 1)
    assert body["total"]["offered"] == 5  # globex's contact is not acme's


def test_the_csv_has_one_line_per_day_and_number(client: Client) -> None:
    response = _get(client, "/statistics.csv?month=2026-10", ACME_ADMIN_TOKEN)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["day"], r["offered"], r["abandoned"]) for r in rows] == [
        ("2026-10-05", "4", "1"),
        ("2026-10-06", "1", "0"),
    ]


def test_finance_reads_any_customer_and_nobody_else_may(client: Client) -> None:
    assert (
        _get(client, "/finance/tenants/globex/statistics?month=2026-10", FINANCE_TOKEN).get_json()["total"]["offered"]
        == 1
    )
    assert _get(client, "/finance/tenants/globex/statistics?month=2026-10", GLOBEX_ADMIN_TOKEN).status_code == 403
    assert _get(client, "/statistics?month=2026-10", ACME_USER_TOKEN).status_code == 403
    assert _get(client, "/statistics?month=2026-10", FINANCE_TOKEN).status_code == 403  # no customer of its own


def test_a_bad_month_is_a_400_naming_it(client: Client) -> None:
    for query in ("month=2026-13", "month=oktober", ""):
        response = _get(client, f"/statistics?{query}", ACME_ADMIN_TOKEN)
        assert response.status_code == 400
        assert response.get_json()["field"] == "query.month"


def test_an_empty_month_has_no_days(client: Client) -> None:
    body = _get(client, "/statistics?month=2026-11", ACME_ADMIN_TOKEN).get_json()
    assert body["days"] == []
    assert body["total"]["offered"] == 0
    assert body["total"]["wait_p50"] is None


def test_the_routes_never_import_rating() -> None:
    """The self-service function's cold start: the statistics routes read aggregates, never CTRs."""
    import subprocess
    import sys

    code = (
        "import sys, functions.self_service.statistics_api; "
        "print(sorted(m for m in sys.modules if m.startswith(('telefonist.rating', 'telefonist.statistics.events'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
