"""The customer's monthly billing summary, from the billing lines' Iceberg table."""

from __future__ import annotations

import csv
import io

import pytest
from telefonist.dal.billing_summary import S3BillingSummarySource
from telefonist.dal.billing_table import (
    ENV_BILLING_CATALOG_URI,
    ENV_BILLING_WAREHOUSE,
    BillingTable,
    BillingTableSettings,
)
from telefonist.models.price_list import PriceBook
from telefonist.ports.billing import TooManyLines
from telefonist.rating.engine import rate_record
from telefonist.resources import BILLING_BUCKET
from telefonist.self_service.billing import lines_csv, summarise

from telefonist_local.local_aws import LocalResources
from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from tests.rating_builders import ctr


@pytest.fixture
def billed(aws: LocalResources, tmp_path, monkeypatch) -> None:
    """Four lines for acme in November (tariffs 1, 1, 2, 3), one in December, one for globex."""
    monkeypatch.setenv(ENV_BILLING_CATALOG_URI, f"sqlite:///{tmp_path}/catalog.db")
    monkeypatch.setenv(ENV_BILLING_WAREHOUSE, f"file://{tmp_path}/warehouse")
    table = BillingTable(BillingTableSettings.local_folder(tmp_path))
    book = PriceBook(versions=[DEFAULT_PRICE_LIST])
    records = [
        ctr("n1", answered_local="2026-11-24 09:00"),
        ctr("n2", answered_local="2026-11-25 10:00"),
        ctr("n3", answered_local="2026-11-25 10:00", transferred_to=True),
        ctr("n4", answered_local="2026-11-28 11:00", talk=40, acw=6),  # 46 s: over the budget
        ctr("d1", answered_local="2026-12-01 09:00"),
        ctr("g1", answered_local="2026-11-24 09:00", tenant="globex"),
    ]
    lines = [rate_record(record, book).line for record in records]
    table.write([line for line in lines if line is not None], {})


def test_a_month_is_summed_per_tariff_for_that_customer_only(billed: None) -> None:
    summary = S3BillingSummarySource(BILLING_BUCKET.local_name).monthly_summary("acme", "2026-11")
    assert [(t.tariff, t.calls, t.amount_ore) for t in summary.tariffs] == [(1, 2, 5800), (2, 1, 3900), (3, 1, 4900)]
    assert summary.total_ore == 5800 + 3900 + 4900
    assert [t.calls_over_45s for t in summary.tariffs] == [0, 0, 1]


def test_the_months_lines_are_the_customers_in_answer_order_and_sum_to_the_summary(billed: None) -> None:
    source = S3BillingSummarySource(BILLING_BUCKET.local_name)
    lines = source.monthly_lines("acme", "2026-11", max_lines=10)
    assert [line["contact_id"] for line in lines] == ["n1", "n2", "n3", "n4"]
    assert summarise("acme", "2026-11", lines) == source.monthly_summary("acme", "2026-11")
    text = lines_csv(lines)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["contact_id"] for r in rows] == ["n1", "n2", "n3", "n4"]
    assert (rows[3]["over_45s"], rows[3]["amount_ore"], rows[3]["amount_sek"]) == ("true", "4900", "49.00")
    assert rows[0]["answered_at"].startswith("2026-11-24T09:00:00+01:00")
    assert rows[0]["dialed_number"] == "'+46852000001"  # no formula in a spreadsheet
    with pytest.raises(TooManyLines):
        source.monthly_lines("acme", "2026-11", max_lines=3)


def test_a_month_without_calls_is_an_empty_summary(billed: None) -> None:
    summary = S3BillingSummarySource(BILLING_BUCKET.local_name).monthly_summary("acme", "2027-02")
    assert (summary.tariffs, summary.total_ore) == ([], 0)
