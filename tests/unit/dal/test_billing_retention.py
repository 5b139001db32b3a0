"""Billing lines' retention (issue 20): months past the bookkeeping period leave the Iceberg table and storage."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from telefonist.dal.billing_retention import enforce_retention
from telefonist.dal.billing_table import BillingTable, BillingTableSettings
from telefonist.rating.engine import rate_record
from telefonist.rating.line import line_row
from telefonist.retention import DEFAULT, billing_months_to_delete

from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from tests.rating_builders import billing_line, ctr

DAYS = DEFAULT.billing_lines_days  # 7 × 366


def _files(root: Path) -> set[str]:
    return {str(p) for p in (root / "warehouse").rglob("*") if p.is_file()}


def test_the_months_of_a_year_go_seven_years_after_the_years_end_not_before() -> None:
    months = ["2019-01", "2019-12", "2020-01", "2026-11"]
    assert billing_months_to_delete(months, date(2026, 12, 31), DAYS) == []  # the law keeps 2019 through 2026
    assert billing_months_to_delete(months, date(2027, 1, 5), DAYS) == []  # 7 × 366 days: to 5 January
    assert billing_months_to_delete(months, date(2027, 1, 6), DAYS) == ["2019-01", "2019-12"]
    assert billing_months_to_delete(months, date(2028, 1, 7), DAYS) == ["2019-01", "2019-12", "2020-01"]


def test_a_month_past_retention_leaves_the_table_and_storage_the_next_one_stays(tmp_path: Path) -> None:
    # Given: lines of 2019-11 and 2019-12 (past retention in February 2027) and of 2020-01, 2020-02
    billing = BillingTable(BillingTableSettings.local_folder(tmp_path))
    months = ["2019-11", "2019-12", "2020-01", "2020-02"]
    for month in months:
        billing.write([billing_line(f"{month}-a", month), billing_line(f"{month}-b", month)], {})
    billing.write([billing_line("2019-12-a", "2019-12")], {"2019-12-a": ["month=2019-12/tenant_id=acme"]})  # a re-rate
    old_files = {f.file_path.removeprefix("file://") for task in billing.table.scan().plan_files() for f in [task.file]}
    before = _files(tmp_path)

    # When: the monthly run on 2 February 2027
    run = enforce_retention(billing, date(2027, 2, 2), DAYS)

    # Then: 2019's months are gone from the table; the previous-but-one (2020-01) and later stay whole
    assert run.months_deleted == ["2019-11", "2019-12"]
    rows = billing.rows()
    assert sorted(r["contact_id"] for r in rows) == ["2020-01-a", "2020-01-b", "2020-02-a", "2020-02-b"]
    # every snapshot before the delete is expired, so no snapshot can read 2019 again ...
    table = billing.table
    table.refresh()
    assert len(table.metadata.snapshots) == 1
    assert run.snapshots_expired == len(months) + 1
    # ... and the files that held 2019 (data, manifests, manifest lists) are deleted; 2020's data files stay
    after = _files(tmp_path)
    gone = before - after
    assert {p for p in old_files if "month=2019" in p} <= gone
    assert all(os.path.exists(p) for p in old_files if "month=2020" in p)
    assert not [p for p in after if "month=2019" in p]
    assert run.files_deleted == len(gone)
    # A second run finds nothing due and changes nothing.
    assert enforce_retention(billing, date(2027, 2, 2), DAYS).months_deleted == []
    assert _files(tmp_path) == after


def test_billing_lines_hold_no_caller_number() -> None:
    """Billing lines are kept 7 years: they name the dialled (customer's) number, never the caller's."""
    caller = "+46709876543"
    record = ctr("c-1", CustomerEndpoint={"Address": caller, "Type": "TELEPHONE_NUMBER"})
    from telefonist.models.price_list import PriceBook

    line = rate_record(record, PriceBook(versions=[DEFAULT_PRICE_LIST])).line
    assert line is not None
    values = " ".join(str(v) for v in line_row(line).values())
    assert caller not in values
    assert caller[3:] not in values.replace("+46", "0")
    assert "+46852000001" in values  # the dialled number is there: the search is not vacuous
