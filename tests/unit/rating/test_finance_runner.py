"""The local finance runner shares one DuckDB per process: concurrent queries never see each other's lines."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from telefonist.dal.billing_table import BillingTable, BillingTableSettings
from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import rate_record

from telefonist_local.rating.finance import run_finance_query
from tests.rating_builders import ctr


def table_of(folder: Path, price_book: PriceBook, calls: int) -> BillingTable:
    lines = [rate_record(ctr(f"c-{n}", answered_local="2026-11-24 09:15"), price_book).line for n in range(calls)]
    table = BillingTable(BillingTableSettings.local_folder(folder))
    table.write([line for line in lines if line is not None], {})
    return table


def test_concurrent_queries_over_different_tables_each_count_their_own(tmp_path: Path, price_book: PriceBook) -> None:
    tables = {calls: table_of(tmp_path / str(calls), price_book, calls) for calls in (1, 2, 3)}
    params = {"tenant_id": "acme", "month": "2026-11"}

    def calls_of(calls: int) -> int:
        rows = run_finance_query("monthly_invoice", tables[calls], params)
        return sum(row["calls"] for row in rows)

    with ThreadPoolExecutor(max_workers=3) as pool:
        for _ in range(5):
            assert list(pool.map(calls_of, [1, 2, 3] * 4)) == [1, 2, 3] * 4
    # an Arrow table of lines is read as given, beside the files of a table
    arrow = tables[2].scan(month="2026-11")
    assert sum(r["calls"] for r in run_finance_query("monthly_invoice", arrow, params)) == 2
