"""LOCAL ONLY: a customer's billed calls for `telefonist serve`, rated as the rating function rates them.

Simulated calls (telefonist_local.demo.scenarios) become Connect-shaped CTRs (telefonist_local.demo.ctr_builder),
which the rating engine turns into billing lines, written to the billing table in one commit. Mina
sidor's billing page then reads what finance would: the same table, the same lines. This month's
calls are also recorded as contact events, so Statistik and the call log show what became of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from telefonist.dal.billing_table import BillingTable
from telefonist.dal.statistics_repository import StatisticsRepository
from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import rate_record
from telefonist.rating.line import BillingLine
from telefonist.statistics.events import TRANSFER_PERSON_ATTRIBUTE, contact_event
from telefonist.statistics.model import MESSAGE_CHANNELS_ATTRIBUTE

from telefonist_local.demo.ctr_builder import build_ctr
from telefonist_local.demo.scenarios import Action, CallScenario, generate_calls

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


def _attributes(tenant_id: str, index: int, call: CallScenario, person_ids: Sequence[str]) -> dict[str, str]:
    """The contact attributes of a call as the flows and the operator page leave them: the tenant,
    and (with `person_ids`, the directory's) whom a transferred call went to and a message's channels."""
    attributes = {"tenant_id": tenant_id}
    if person_ids and call.transferred:
        attributes[TRANSFER_PERSON_ATTRIBUTE] = person_ids[index % len(person_ids)]
    if person_ids and call.action is Action.MESSAGE:
        attributes[MESSAGE_CHANNELS_ATTRIBUTE] = "sms" if index % 3 else "sms,email"
    return attributes


def _billed_calls(
    tenant_id: str,
    month: str,
    calls: int,
    dialed_numbers: Sequence[str],
    book: PriceBook,
    seed: int,
    person_ids: Sequence[str] = (),
) -> list[tuple[dict[str, Any], BillingLine]]:
    """`calls` billed calls of a customer in a month (a week of it: the 3rd to the 9th): each
    call's CTR and its billing line, rated."""
    start = date(int(month[:4]), int(month[5:]), 3)
    scenarios = generate_calls(int(calls / (1 - _ABANDONED_SHARE)) + 20, seed, start, list(dialed_numbers), ["-"])
    billed: list[tuple[dict[str, Any], BillingLine]] = []
    for index, call in enumerate(scenarios):
        transfer_to = _COLLEAGUE if call.transferred else None
        ctr = build_ctr(call, _attributes(tenant_id, index, call, person_ids), transfer_to=transfer_to)
        outcome = rate_record(ctr, book)
        if outcome.line is not None:
            billed.append((ctr, outcome.line))
        if len(billed) == calls:
            break
    return billed


def billed_lines(
    tenant_id: str, month: str, calls: int, dialed_numbers: Sequence[str], book: PriceBook, seed: int = 11
) -> list[BillingLine]:
    """`calls` billed calls of a customer in a month (a week of it: the 3rd to the 9th), rated."""
    return [line for _, line in _billed_calls(tenant_id, month, calls, dialed_numbers, book, seed)]


def seed_demo_billing(
    table: BillingTable,
    tenant_id: str,
    dialed_numbers: Sequence[str],
    book: PriceBook,
    this_month: str,
    calls_this_month: int = 120,
    months: int = 12,
    statistics: StatisticsRepository | None = None,
    person_ids: Sequence[str] = (),
) -> list[BillingLine]:
    """A year of billed calls ending with `this_month` (which has `calls_this_month`), in one commit.

    With `statistics`, this month's calls are also recorded as the CTR stream's second consumer
    records them (contact events and daily aggregates: Statistik and the call log's outcomes),
    transferred calls to the directory's `person_ids` and messages by SMS or SMS and e-mail."""
    lines: list[BillingLine] = []
    for n, month in enumerate(last_months(this_month, months)):
        current = month == this_month
        calls = calls_this_month if current else 60 + (n * 37) % 90
        billed = _billed_calls(tenant_id, month, calls, dialed_numbers, book, n + 1, person_ids if current else ())
        lines += [line for _, line in billed]
        if current and statistics is not None:
            events = [contact_event(ctr, lambda _number: tenant_id) for ctr, _ in billed]
            statistics.record_many([event for event in events if event is not None])
    table.write(lines, {})
    return lines


__all__ = ["billed_lines", "last_months", "seed_demo_billing"]
