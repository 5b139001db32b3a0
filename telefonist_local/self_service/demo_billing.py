"""LOCAL ONLY: a customer's billed calls for `telefonist serve`, rated as the rating function rates them.

Simulated calls (telefonist_local.demo.scenarios) become Connect-shaped CTRs (telefonist_local.demo.ctr_builder),
which the rating engine turns into billing lines, written to the billing table in one commit. Mina
sidor's billing page then reads what finance would: the same table, the same lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telefonist.dal.billing_table import BillingTable
from telefonist.models import PriceBook
from telefonist.rating.engine import rate_record
from telefonist.rating.line import BillingLine

from telefonist_local.demo.ctr_builder import build_ctr
from telefonist_local.demo.scenarios import generate_calls

_COLLEAGUE = "+46701112233"  # where transferred calls went
_ABANDONED_SHARE = 0.05  # generate_calls' share of calls no operator answered (not billed)


def last_months(month: str, count: int) -> list[str]:
    """`count` months ending with `month` (YYYY-MM), oldest first."""
    year, number = int(month[:4]), int(month[5:])
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{number:02d}")
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return months[::-1]


def billed_lines(
    tenant_id: str, month: str, calls: int, dialed_numbers: Sequence[str], book: PriceBook, seed: int = 11
) -> list[BillingLine]:
    """`calls` billed calls of a customer in a month (a week of it: the 3rd to the 9th), rated."""
    start = date(int(month[:4]), int(month[5:]), 3)
    scenarios = generate_calls(int(calls / (1 - _ABANDONED_SHARE)) + 20, seed, start, list(dialed_numbers), ["-"])
    lines: list[BillingLine] = []
    for call in scenarios:
        transfer_to = _COLLEAGUE if call.transferred else None
        outcome = rate_record(build_ctr(call, {"tenant_id": tenant_id}, transfer_to=transfer_to), book)
        if outcome.line is not None:
            lines.append(outcome.line)
        if len(lines) == calls:
            break
    return lines


def seed_demo_billing(
    table: BillingTable,
    tenant_id: str,
    dialed_numbers: Sequence[str],
    book: PriceBook,
    this_month: str,
    calls_this_month: int = 120,
    months: int = 12,
) -> list[BillingLine]:
    """A year of billed calls ending with `this_month` (which has `calls_this_month`), in one commit."""
    lines: list[BillingLine] = []
    for n, month in enumerate(last_months(this_month, months)):
        calls = calls_this_month if month == this_month else 60 + (n * 37) % 90
        lines += billed_lines(tenant_id, month, calls, dialed_numbers, book, seed=n + 1)
    table.write(lines, {})
    return lines


__all__ = ["billed_lines", "last_months", "seed_demo_billing"]
