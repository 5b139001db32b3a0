"""A newer version replaces a contact's row by rewriting only the data files that may hold it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telefonist.dal.billing_table import BillingTable, BillingTableSettings, may_hold
from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import rate_record
from telefonist.rating.line import BillingLine, line_key

from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from tests.rating_builders import ctr

PRICES = PriceBook(versions=[DEFAULT_PRICE_LIST])
MONTH = "2026-11"


def line(contact: str, tenant: str, *, talk: int = 30, updated: str = "2026-11-24T09:00:00Z") -> BillingLine:
    rated = rate_record(
        ctr(contact, answered_local="2026-11-24 09:15", talk=talk, tenant=tenant, last_updated=updated), PRICES
    ).line
    assert rated is not None
    return rated


def newer(old: BillingLine, *, talk: int) -> BillingLine:
    """The contact's next version: another duration, a later LastUpdateTimestamp."""
    later = (old.ctr_last_updated + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    return line(old.contact_id, old.tenant_id or "", talk=talk, updated=later)


@pytest.fixture
def table(tmp_path) -> BillingTable:
    billing = BillingTable(BillingTableSettings.local_folder(tmp_path))
    # two customers, three commits each, then maintenance: one file per partition
    for batch in range(3):
        billing.write([line(f"{t}-{batch}-{n:02d}", t) for t in ("acme", "beta") for n in range(20)], {})
    assert billing.compact_month(MONTH) == 2
    return billing


def rows_by_contact(table: BillingTable) -> dict[str, dict]:
    rows = table.rows(month=MONTH)
    assert len(rows) == len({r["contact_id"] for r in rows})  # one row per contact
    return {r["contact_id"]: r for r in rows}


def current_files(table: BillingTable) -> set[str]:
    table.table.refresh()
    return {task.file.file_path for task in table.table.scan().plan_files()}


def test_a_newer_version_replaces_the_row_and_only_its_partitions_file_is_rewritten(table: BillingTable) -> None:
    before = current_files(table)
    old = rows_by_contact(table)["acme-1-07"]
    replacement = newer(line("acme-1-07", "acme"), talk=300)  # tariff 1 → 5
    table.write([replacement], {replacement.contact_id: (line_key(replacement),)})

    rows = rows_by_contact(table)
    assert len(rows) == 120
    assert rows["acme-1-07"]["talk_seconds"] == 300
    assert rows["acme-1-07"]["tariff"] == 5 != old["tariff"]
    after = current_files(table)
    summary = table.table.current_snapshot().summary  # type: ignore[union-attr]
    assert summary["deleted-data-files"] == "1"  # acme's file, not beta's
    assert summary["added-data-files"] == "1"  # acme's kept rows and the new version together
    assert len(before - after) == 1
    assert len(after) == 2


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
