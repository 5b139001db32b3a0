"""Finance's queries, run locally in DuckDB over the Iceberg table written by the same code as the function."""

from __future__ import annotations

from pathlib import Path

import pytest
from telefonist.dal.billing_table import BillingTable, BillingTableSettings
from telefonist.rating.engine import rate_record
from telefonist.rating.finance import QUERIES

from telefonist_local.rating.finance import adapt_for_duckdb, run_finance_query
from tests.rating_builders import ctr


@pytest.fixture
def billing_dir(tmp_path: Path, price_book) -> BillingTable:
    records = [
        # acme: 4 calls, 2 over budget (50 %) → flagged
        ctr("a-1", answered_local="2026-11-24 09:15", talk=30, acw=10),
        ctr("a-2", answered_local="2026-11-24 10:00", talk=30, acw=30),
        ctr("a-3", answered_local="2026-11-28 11:00", talk=200, acw=0),
        ctr("a-4", answered_local="2026-11-24 10:00", talk=20, acw=0, transfer_completed=True),
        # beta: 4 calls, 1 over budget (25 %, not more than 25 %) → not flagged
        *[ctr(f"b-{i}", tenant="beta", answered_local="2026-11-25 12:00", talk=10, acw=0) for i in range(3)],
        ctr("b-9", tenant="beta", answered_local="2026-11-25 20:00", talk=50, acw=0),
        # unresolved, and a December call that must not show in November
        ctr("u-1", tenant=None, dialed="+46800000001", answered_local="2026-11-26 08:00"),
        ctr("d-1", answered_local="2026-12-01 09:00"),
    ]
    lines = [rate_record(record, price_book).line for record in records]
    table = BillingTable(BillingTableSettings.local_folder(tmp_path))
    table.write([line for line in lines if line is not None], {})
    return table


def test_the_duckdb_adaptation_only_drops_the_glue_database_qualifier() -> None:
    sql = QUERIES["monthly_invoice"].sql
    adapted = adapt_for_duckdb(sql)
    assert '"telefonist_billing".' in sql
    assert "telefonist_billing" not in adapted
    assert adapted == sql.replace('"telefonist_billing".', "")


def test_monthly_invoice_of_one_customer_per_tariff(billing_dir) -> None:
    rows = run_finance_query("monthly_invoice", billing_dir, {"tenant_id": "acme", "month": "2026-11"})
    assert [(r["tariff"], r["calls"], r["amount_ore"]) for r in rows] == [(1, 2, 5800), (2, 1, 3900), (6, 1, 8900)]
    assert {r["tenant_id"] for r in rows} == {"acme"}


def test_monthly_invoices_of_every_customer(billing_dir) -> None:
    rows = run_finance_query("monthly_invoices_all_customers", billing_dir, {"month": "2026-11"})
    assert [(r["tenant_id"], r["tariff"], r["calls"], r["amount_ore"]) for r in rows] == [
        ("acme", 1, 2, 5800),
        ("acme", 2, 1, 3900),
        ("acme", 6, 1, 8900),
        ("beta", 1, 3, 8700),
        ("beta", 3, 1, 4900),
    ]


def test_calls_over_45s_share_and_flag_above_the_threshold(billing_dir) -> None:
    rows = run_finance_query("calls_over_45s_share", billing_dir, {"month": "2026-11"})
    summary = {
        r["tenant_id"]: (r["calls"], r["calls_over_45s"], float(r["share_over_45s_percent"]), r["above_threshold"])
        for r in rows
    }
    assert summary == {"acme": (4, 2, 50.0, True), "beta": (4, 1, 25.0, False)}
    stricter = run_finance_query("calls_over_45s_share", billing_dir, {"month": "2026-11", "threshold_percent": 20})
    assert {r["tenant_id"]: r["above_threshold"] for r in stricter} == {"acme": True, "beta": True}


def test_unresolved_lines_are_reported(billing_dir) -> None:
    rows = run_finance_query("unresolved_lines", billing_dir, {"month": "2026-11"})
    assert [(r["contact_id"], r["dialed_number"]) for r in rows] == [("u-1", "+46800000001")]


def test_missing_parameters_and_unknown_queries_are_named(billing_dir) -> None:
    with pytest.raises(ValueError, match="tenant_id"):
        run_finance_query("monthly_invoice", billing_dir, {"month": "2026-11"})
    with pytest.raises(KeyError, match="no_such"):
        run_finance_query("no_such", billing_dir, {})


def test_the_queries_read_one_row_per_contact_after_a_newer_version_replaced_one(billing_dir, price_book) -> None:
    newer = rate_record(
        ctr("a-1", answered_local="2026-11-24 09:15", talk=300, last_updated="2026-11-24T10:00:00Z"), price_book
    )
    assert newer.line is not None
    billing_dir.write([newer.line], {"a-1": ["month=2026-11/tenant_id=acme"]})
    rows = run_finance_query("monthly_invoice", billing_dir, {"tenant_id": "acme", "month": "2026-11"})
    assert [(r["tariff"], r["calls"]) for r in rows] == [(1, 1), (2, 1), (5, 1), (6, 1)]
