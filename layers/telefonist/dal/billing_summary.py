"""A customer's monthly billing summary, read from the billing lines' Iceberg table.

The table is partitioned by month and tenant (a compacted month: sorted month-only files, pruned
by their tenant_id bounds), so the scan reads one customer's month and little else, and it holds
every billed contact once (telefonist.dal.billing_table).
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING, Any

from telefonist.ports.billing import LINE_SOURCE_COLUMNS, BillingSummary, TariffTotal, TooManyLines

if TYPE_CHECKING:
    from telefonist.dal.billing_table import BillingTable


class TableBillingSummarySource:
    """Implements the domain's `BillingSummarySource` port (telefonist.ports.billing) over the billing table."""

    def __init__(self, table: BillingTable) -> None:
        self._given = table

    def _table(self) -> BillingTable:
        return self._given

    def monthly_summary(self, tenant_id: str, month: str) -> BillingSummary:
        """Calls, calls over the 45-second budget and amount per tariff (empty when nothing was billed)."""
        data = self._table().scan(month=month, tenant_id=tenant_id, columns=("tariff", "amount_ore", "over_45s"))
        totals = data.group_by("tariff").aggregate(
            [("amount_ore", "sum"), ("amount_ore", "count"), ("over_45s", "sum")]
        )
        tariffs = [
            TariffTotal(
                tariff=int(row["tariff"]),
                calls=int(row["amount_ore_count"]),
                amount_ore=int(row["amount_ore_sum"]),
                calls_over_45s=int(row["over_45s_sum"] or 0),
            )
            for row in sorted(totals.to_pylist(), key=lambda row: int(row["tariff"]))
        ]
        return BillingSummary(
            tenant_id=tenant_id, month=month, tariffs=tariffs, total_ore=sum(t.amount_ore for t in tariffs)
        )

    def monthly_lines(self, tenant_id: str, month: str, max_lines: int) -> list[dict[str, Any]]:
        """The month's lines in answer order (one partition read); TooManyLines past `max_lines`."""
        data = self._table().scan(month=month, tenant_id=tenant_id, columns=LINE_SOURCE_COLUMNS)
        if data.num_rows > max_lines:
            raise TooManyLines(data.num_rows)
        # answered_at_utc orders the lines and goes: pyarrow turns each zoned timestamp into a
        # Python datetime at ~75 us a row (2 s of CPU for 30,000 lines); answered_at says the same
        return list(data.sort_by("answered_at_utc").drop_columns(["answered_at_utc"]).to_pylist())


class S3BillingSummarySource(TableBillingSummarySource):
    """The same source built from the billing bucket's name (as the self-service function wires it):
    the table is the Glue catalog's in AWS, a local catalog when the environment names one.

    The table (PyIceberg, pyarrow: ~0.13 s of CPU to import) is built on the first billing read,
    not when the function wires its services: a cold start on any other route does without it.
    """

    def __init__(self, bucket: str) -> None:
        self._bucket = bucket  # the table's FileIO brings its own S3 client

    def _table(self) -> BillingTable:
        return self._built

    @cached_property
    def _built(self) -> BillingTable:
        from telefonist.dal.billing_table import BillingTable, BillingTableSettings

        return BillingTable(BillingTableSettings.from_environ(os.environ, self._bucket))
