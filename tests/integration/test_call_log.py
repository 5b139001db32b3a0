"""Issue 20's acceptance: the call log of the demo month sums to the invoice, öre for öre.

The demo's CTRs (tests/integration/test_statistics_acceptance.py: versions, duplicates, transfer
legs) are rated by the rating engine into billing lines (newest version winning) and recorded by
the contact statistics handler; the call log is built from the lines and the contacts' events,
and the invoice is finance's own `monthly_invoice` query over the same lines.
"""

from __future__ import annotations

import json
from collections import Counter

import boto3
import pytest
from telefonist import config
from telefonist.dal.billing_table import lines_to_arrow
from telefonist.dal.statistics_repository import StatisticsRepository
from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import latest_lines, rate_record
from telefonist.rating.line import line_row
from telefonist.statistics.call_log import call_log

from telefonist_local.demo.scenarios import Action
from telefonist_local.local_aws import LocalResources
from telefonist_local.rating.finance import run_finance_query
from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from tests.integration.test_statistics_acceptance import TENANT, demo_stream, record_stream

pytestmark = pytest.mark.integration


def test_the_call_log_of_the_demo_month_sums_to_the_invoice(aws: LocalResources) -> None:
    calls, stream = demo_stream()
    record_stream(aws, stream)
    book = PriceBook(versions=[DEFAULT_PRICE_LIST])
    lines = latest_lines(rate_record(json.dumps(record).encode(), book) for record in stream)
    months = sorted({line.month for line in lines})
    repo = StatisticsRepository(boto3.resource("dynamodb").Table(aws.environment[config.ENV_STATISTICS_TABLE]))
    by_id = {c.contact_id: c for c in calls}
    for month in months:
        month_lines = [line for line in lines if line.month == month and line.tenant_id == TENANT]
        log = call_log([line_row(line) for line in month_lines], repo.events([line.contact_id for line in month_lines]))
        invoice = run_finance_query("monthly_invoice", lines_to_arrow(lines), {"tenant_id": TENANT, "month": month})
        # öre for öre, in all and per tariff, and line for line
        assert sum(row.amount_ore for row in log) == sum(int(i["amount_ore"]) for i in invoice)
        per_tariff: Counter[int] = Counter()
        for row in log:
            per_tariff[row.tariff] += row.amount_ore
        assert per_tariff == Counter({int(i["tariff"]): int(i["amount_ore"]) for i in invoice})
        assert len(log) == sum(int(i["calls"]) for i in invoice)
        assert len({row.contact_id for row in log}) == len(log)
        for row in log:
            call = by_id[row.contact_id]
            assert call.action is not Action.ABANDONED  # only answered calls are billed
            expected = {Action.TRANSFER: "transferred", Action.RELAY: "transferred", Action.MESSAGE: "message"}
            assert row.outcome == expected.get(call.action, "answered")
            assert row.handling_seconds == call.talk_seconds + call.after_work_seconds
            # the caller's number masked: its prefix and last two digits only
            assert row.caller is not None
            assert row.caller != call.caller_number
            assert row.caller[:5] == call.caller_number[:5]
            assert row.caller[-2:] == call.caller_number[-2:]
            assert "•" in row.caller
    assert months
