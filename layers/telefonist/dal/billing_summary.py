"""A customer's monthly billing summary, read from the rating function's Parquet lines in S3.

The lines are laid out `lines/month=YYYY-MM/tenant_id=<tenant>/<contact>.parquet`, one object
per billed contact, so one prefix holds exactly one customer's month and every line once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from telefonist.dal.billing_store import BillingLineStore
from telefonist.rating.line import month_prefix
from telefonist.self_service.billing import BillingSummary, TariffTotal


class S3BillingSummarySource:
    """Implements the self-service `BillingSummarySource` port over the billing bucket."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._store = BillingLineStore(s3, bucket)

    def monthly_summary(self, tenant_id: str, month: str) -> BillingSummary:
        """Calls and amount per tariff for the month (empty when nothing was billed)."""
        calls: dict[int, int] = defaultdict(int)
        amounts: dict[int, int] = defaultdict(int)
        for row in self._store.read_rows(f"{month_prefix(month)}tenant_id={tenant_id}/"):
            tariff = int(row["tariff"])
            calls[tariff] += 1
            amounts[tariff] += int(row["amount_ore"])
        tariffs = [TariffTotal(tariff=t, calls=calls[t], amount_ore=amounts[t]) for t in sorted(calls)]
        return BillingSummary(
            tenant_id=tenant_id, month=month, tariffs=tariffs, total_ore=sum(t.amount_ore for t in tariffs)
        )
