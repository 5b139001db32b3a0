"""A newer version replaces a contact's row by rewriting only the data files that may hold it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyarrow.parquet as pq
import pytest
from telefonist.dal.billing_table import (
    BillingTable,
    BillingTableSettings,
    _expressions,
    may_hold,
    month_only_specs,
)
from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import rate_record
from telefonist.rating.line import BillingLine, line_key

from telefonist_local.rating.finance import run_finance_query
from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from tests.rating_builders import ctr

PRICES = PriceBook(versions=[DEFAULT_PRICE_LIST])
MONTH = "2026-11"


def line(contact: str, tenant: str | None, *, talk: int = 30, updated: str = "2026-11-24T09:00:00Z") -> BillingLine:
    rated = rate_record(
        ctr(contact, answered_local="2026-11-24 09:15", talk=talk, tenant=tenant, last_updated=updated), PRICES
    ).line
    assert rated is not None
    return rated


def newer(old: BillingLine, *, talk: int) -> BillingLine:
    """The contact's next version: another duration, a later LastUpdateTimestamp."""
    later = (old.ctr_last_updated + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    return line(old.contact_id, old.tenant_id, talk=talk, updated=later)


@pytest.fixture
def table(tmp_path) -> BillingTable:
    billing = BillingTable(BillingTableSettings.local_folder(tmp_path))
    # two customers, three commits each (a file per customer and commit), then maintenance: the
    # month as sorted month-only files of 40 rows: acme-0-00…acme-1-19 | acme-2-*, beta-0-* | beta-1-*, beta-2-*
    for batch in range(3):
        billing.write([line(f"{t}-{batch}-{n:02d}", t) for t in ("acme", "beta") for n in range(20)], {})
    assert billing.data_files(MONTH) == 6
    assert billing.compact_month(MONTH, file_rows=40) == 3
    return billing


def rows_by_contact(table: BillingTable) -> dict[str, dict]:
    rows = table.rows(month=MONTH)
    assert len(rows) == len({r["contact_id"] for r in rows})  # one row per contact
    return {r["contact_id"]: r for r in rows}


def current_files(table: BillingTable) -> set[str]:
    return set(files_by_path(table))


def files_by_path(table: BillingTable) -> dict[str, Any]:
    table.table.refresh()
    return {task.file.file_path: task.file for task in table.table.scan().plan_files()}


def test_maintenance_evolves_a_month_to_sorted_month_only_files_and_keeps_appends_per_customer(
    table: BillingTable,
) -> None:
    metadata = table.table.metadata
    month_only = month_only_specs(metadata)
    assert metadata.default_spec_id not in month_only  # new lines still go to month × tenant
    assert [f.source_id for f in table.table.sort_order().fields] == [2, 1]  # tenant_id, contact_id
    files = sorted(files_by_path(table).values(), key=lambda f: f.lower_bounds[1])
    assert {f.spec_id for f in files} <= month_only
    assert [f.record_count for f in files] == [40, 40, 40]
    contacts = [r["contact_id"] for path in sorted(files_by_path(table)) for r in read_file(path)]
    assert sorted(contacts) == sorted(rows_by_contact(table))
    for f in files:  # each file in (tenant, contact) order
        rows = [(r["tenant_id"], r["contact_id"]) for r in read_file(f.file_path)]
        assert rows == sorted(rows)
    # maintenance again changes nothing; a first version afterwards is an append to its partition
    snapshot = table.table.current_snapshot()
    assert table.compact_month(MONTH, file_rows=40) == 3
    table.table.refresh()
    assert table.table.current_snapshot() == snapshot
    table.write([line("acme-9-00", "acme")], {})
    added = set(files_by_path(table)) - {f.file_path for f in files}
    assert [files_by_path(table)[path].spec_id for path in added] == [metadata.default_spec_id]


def read_file(path: str) -> list[dict[str, Any]]:
    return pq.ParquetFile(path.removeprefix("file://")).read().to_pylist()


def test_a_newer_version_in_a_compacted_month_replaces_exactly_one_row_in_one_file(table: BillingTable) -> None:
    before = files_by_path(table)
    old_rows = rows_by_contact(table)
    replacement = newer(line("acme-1-07", "acme"), talk=300)  # tariff 1 → 5
    table.write([replacement], {replacement.contact_id: (line_key(replacement),)})

    rows = rows_by_contact(table)
    assert rows["acme-1-07"]["talk_seconds"] == 300
    assert rows["acme-1-07"]["tariff"] == 5 != old_rows["acme-1-07"]["tariff"]
    changed = {c for c in rows.keys() | old_rows.keys() if rows.get(c) != old_rows.get(c)}
    assert changed == {"acme-1-07"}
    after = files_by_path(table)
    summary = table.table.current_snapshot().summary  # type: ignore[union-attr]
    assert summary["deleted-data-files"] == "1"  # the file of acme-0-*, acme-1-*; acme-2-* pruned by its bounds
    assert summary["added-data-files"] == "1"  # its kept rows and the new version, sorted, month-only
    (gone,) = set(before) - set(after)
    (new,) = set(after) - set(before)
    assert (before[gone].lower_bounds[1], before[gone].record_count) == (b"acme-0-00", 40)
    assert (after[new].spec_id, after[new].record_count) == (before[gone].spec_id, 40)
    assert [r["contact_id"] for r in read_file(new)] == sorted(c for c in rows if c < "acme-2")


def test_a_customers_query_reads_only_the_compacted_files_that_may_hold_it(table: BillingTable) -> None:
    ex = _expressions()
    paths = {path.removeprefix("file://") for path in files_by_path(table)}
    acme = table.local_parquet_files(month=MONTH, tenant_id="acme")
    beta = table.local_parquet_files(month=MONTH, tenant_id="beta")
    assert acme is not None
    assert beta is not None
    assert len(acme) == len(beta) == 2  # the middle file holds both
    assert set(acme) | set(beta) == paths
    assert table.local_parquet_files(month=MONTH, unresolved=True) == []  # no file holds a null tenant
    assert table.local_parquet_files(month="2026-10", tenant_id="acme") == []
    planned = table.table.scan(row_filter=ex.And(ex.EqualTo("month", MONTH), ex.EqualTo("tenant_id", "beta")))
    assert {task.file.file_path.removeprefix("file://") for task in planned.plan_files()} == set(beta)
    assert {r["tenant_id"] for r in table.rows(month=MONTH, tenant_id="beta")} == {"beta"}
    assert len(table.rows(month=MONTH, tenant_id="beta")) == 60
    invoice = run_finance_query("monthly_invoice", table, {"tenant_id": "acme", "month": MONTH})
    assert sum(row["calls"] for row in invoice) == 60


def test_unresolved_lines_of_a_compacted_month_are_last_and_replaced_there(tmp_path) -> None:
    billing = BillingTable(BillingTableSettings.local_folder(tmp_path))
    billing.write([line(f"acme-{n:02d}", "acme") for n in range(10)] + [line(f"u-{n}", None) for n in range(3)], {})
    assert billing.compact_month(MONTH, file_rows=5) == 3
    holding = billing.local_parquet_files(month=MONTH, unresolved=True)
    assert holding is not None
    assert len(holding) == 1
    assert [r["contact_id"] for r in read_file(holding[0])][-3:] == ["u-0", "u-1", "u-2"]
    # u-1 is resolved to beta: its row leaves the unresolved lines' file; u-2's newer version stays
    # unresolved and is written into that file's rewrite (no new file of the month × tenant spec)
    moved = newer(line("u-1", None), talk=60).model_copy(update={"tenant_id": "beta"})
    still = newer(line("u-2", None), talk=60)
    billing.write([moved, still], {"u-1": ("month=2026-11/tenant_id=_unresolved",), "u-2": (line_key(still),)})
    rows = {r["contact_id"]: r for r in billing.rows(month=MONTH)}
    assert len(rows) == 13
    assert rows["u-1"]["tenant_id"] == "beta"
    assert rows["u-2"]["talk_seconds"] == 60
    assert sorted(c for c, r in rows.items() if r["tenant_id"] is None) == ["u-0", "u-2"]
    unresolved = billing.local_parquet_files(month=MONTH, unresolved=True)
    assert unresolved is not None
    assert len(unresolved) == 1
    assert [r["contact_id"] for r in read_file(unresolved[0])][-2:] == ["u-0", "u-2"]
    month_only = month_only_specs(billing.table.metadata)
    # the three compacted files and beta's partition file (beta lies outside the rewritten file's customers)
    assert sorted(f.spec_id in month_only for f in files_by_path(billing).values()) == [False, True, True, True]


def test_replacing_in_a_partition_that_never_held_the_contact_is_a_plain_append(table: BillingTable) -> None:
    before = current_files(table)
    moved = line("gamma-0", "gamma")
    table.write([moved], {moved.contact_id: ("month=2026-11/tenant_id=acme", line_key(moved))})
    assert before <= current_files(table)  # bounds pruning: acme's file kept (no row of it there)
    assert rows_by_contact(table)["gamma-0"]["tenant_id"] == "gamma"


def test_a_contact_moved_between_partitions_leaves_the_old_one(table: BillingTable) -> None:
    moved = newer(line("beta-2-03", "beta"), talk=60).model_copy(update={"tenant_id": "acme"})
    table.write([moved], {moved.contact_id: ("month=2026-11/tenant_id=beta", line_key(moved))})
    rows = rows_by_contact(table)
    assert rows["beta-2-03"]["tenant_id"] == "acme"
    assert len(rows) == 120
    assert sum(1 for r in rows.values() if r["tenant_id"] == "beta") == 59


def test_replaying_a_replacement_changes_nothing(table: BillingTable) -> None:
    replacement = newer(line("beta-0-00", "beta"), talk=200)
    for _ in range(2):
        table.write([replacement], {replacement.contact_id: (line_key(replacement),)})
    rows = rows_by_contact(table)
    assert len(rows) == 120
    assert rows["beta-0-00"]["talk_seconds"] == 200


class _File:
    def __init__(self, lower: bytes | None, upper: bytes | None) -> None:
        self.lower_bounds = {} if lower is None else {1: lower}
        self.upper_bounds = {} if upper is None else {1: upper}


@pytest.mark.parametrize(
    ("lower", "upper", "contact", "holds"),
    [
        (b"0000000a-1111111", b"0000000f-1111112", "0000000a-1111111122223333", True),  # truncated bounds
        (b"0000000a-1111111", b"0000000f-1111112", "0000000f-11111119", True),
        (b"0000000a-1111111", b"0000000f-1111112", "0000000f-1111112a", False),
        (b"0000000a-1111111", b"0000000f-1111112", "00000009-ffff", False),
        (None, b"b", "a", True),
        (b"b", None, "z", True),
        (b"\xff", None, "a", True),  # an unreadable bound admits everything
    ],
)
def test_a_files_contact_bounds_prune_only_what_they_exclude(
    lower: bytes | None, upper: bytes | None, contact: str, holds: bool
) -> None:
    assert may_hold(_File(lower, upper), frozenset({contact})) is holds


def test_finances_four_queries_answer_the_same_before_and_after_maintenance(tmp_path) -> None:
    billing = BillingTable(BillingTableSettings.local_folder(tmp_path))
    for batch in range(2):
        lines = [line(f"{t}-{batch}-{n}", t, talk=20 + 15 * n) for t in ("acme", "beta", "gamma") for n in range(6)]
        billing.write([*lines, line(f"u-{batch}", None)], {})
    params = {
        "monthly_invoice": {"tenant_id": "beta", "month": MONTH},
        "monthly_invoices_all_customers": {"month": MONTH},
        "calls_over_45s_share": {"month": MONTH},
        "unresolved_lines": {"month": MONTH},
    }
    before = {name: run_finance_query(name, billing, values) for name, values in params.items()}
    assert billing.compact_month(MONTH, file_rows=10) == 4
    assert {name: run_finance_query(name, billing, values) for name, values in params.items()} == before
    assert len(before["unresolved_lines"]) == 2
    assert {row["tenant_id"] for row in before["monthly_invoices_all_customers"]} == {"acme", "beta", "gamma"}
