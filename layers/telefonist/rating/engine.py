"""Rating: one CTR in, one outcome out (a billing line, not billable, or rejected with a reason).

The same entry point serves the Lambda function, `telefonist rate` and `telefonist rerate`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from telefonist.clock import STOCKHOLM
from telefonist.models.price_list import PriceBook
from telefonist.rating.ctr import ContactTraceRecord, CtrFacts, MalformedRecord, read_ctr
from telefonist.rating.line import MAX_LINE_SECONDS, BillingLine, TenantSource
from telefonist.rating.period import DAY_HOURS, Period, month_and_working_day
from telefonist.rating.tariff import is_over_budget, tariff_for

TenantResolver = Callable[[str], str | None]
# A period's text by `is` (a dict keyed by the members would call Enum's Python-level __hash__).
_PERIOD_TEXT = {True: Period.WEEKDAY_DAY.value, False: Period.EVENING_WEEKEND.value}
BILLABLE_INITIATION = "INBOUND"


class OutcomeStatus(StrEnum):
    BILLED = "billed"
    NOT_BILLABLE = "not_billable"
    REJECTED = "rejected"


class RatingOutcome(NamedTuple):
    """What became of one record. `reason` is set for rejected records (spec §8)."""

    status: OutcomeStatus
    line: BillingLine | None = None
    reason: str | None = None
    contact_id: str | None = None
    last_updated: datetime | None = None


_new_outcome = tuple.__new__
# Members as module constants: reading `Enum.MEMBER` is a Python-level descriptor (~0.2 µs a time)
_BILLED = OutcomeStatus.BILLED
_WEEKDAY_DAY, _EVENING_WEEKEND = Period.WEEKDAY_DAY, Period.EVENING_WEEKEND


def no_tenant_lookup(_dialed_number: str) -> str | None:
    """A resolver for when no routing data is at hand (the CLI): only the attribute counts."""
    return None


def is_billable(ctr: ContactTraceRecord | CtrFacts) -> bool:
    """Inbound, and an operator answered (spec §1). Transfer legs, outbound, callback: not billed."""
    facts = ctr if isinstance(ctr, CtrFacts) else ctr.facts()
    return facts.initiation_method == BILLABLE_INITIATION and facts.connected_at is not None


def _tenant(ctr: CtrFacts, resolve_tenant: TenantResolver) -> tuple[str | None, TenantSource]:
    tenant = ctr.tenant_attribute
    if tenant:
        return tenant, "attribute"
    dialed = ctr.dialed_number
    if dialed:
        resolved = resolve_tenant(dialed)
        if resolved:
            return resolved, "dialed_number"
    return None, "unresolved"


def _rejected(ctr: CtrFacts, reason: str) -> RatingOutcome:
    return RatingOutcome(
        OutcomeStatus.REJECTED, reason=reason, contact_id=ctr.contact_id, last_updated=ctr.last_updated
    )


def rate_ctr(
    ctr: ContactTraceRecord | CtrFacts, price_book: PriceBook, resolve_tenant: TenantResolver
) -> RatingOutcome:
    """Rate a parsed CTR by spec/tariffs.md.

    A record that cannot become a line is rejected with the reason, never raised: only the tenant
    resolver (a port: the routing store) can raise, so that a store failure is retried.
    """
    # CtrFacts first: a C-level check (pydantic's metaclass checks instances in Python)
    facts = ctr if isinstance(ctr, CtrFacts) else ctr.facts()
    connected_at = facts.connected_at
    if facts.initiation_method != BILLABLE_INITIATION or connected_at is None:
        return RatingOutcome(OutcomeStatus.NOT_BILLABLE, contact_id=facts.contact_id, last_updated=facts.last_updated)
    talk = facts.interaction_seconds or 0
    handling = talk + (facts.after_contact_work_seconds or 0)
    if handling > MAX_LINE_SECONDS:
        return _rejected(facts, f"duration out of range: talk and after-contact work over {MAX_LINE_SECONDS} s")
    # CtrMoment keeps the answer time far from the calendar's edges: its local time cannot overflow
    local = connected_at.astimezone(STOCKHOLM)  # aware: CtrMoment
    day = local.date()
    month, working_day = month_and_working_day(day)
    daytime = working_day and local.hour in DAY_HOURS  # is_daytime(local), without a time object
    period = _WEEKDAY_DAY if daytime else _EVENING_WEEKEND
    transferred = facts.transferred
    tariff = tariff_for(period, talk, transferred)
    try:
        version, amount = price_book.price(tariff, day)
    except LookupError as exc:
        return _rejected(facts, str(exc))
    tenant_id, source = _tenant(facts, resolve_tenant)
    line = BillingLine.trusted(
        {
            "contact_id": facts.contact_id,
            "tenant_id": tenant_id,
            "tenant_source": source,
            "tariff": tariff,
            "period": _PERIOD_TEXT[daytime],
            "answered_at": local,
            "month": month,
            "talk_seconds": talk,
            "handling_seconds": handling,
            "over_45s": is_over_budget(handling),
            "transferred": transferred,
            "amount_ore": amount,
            "price_list_version": version,
            "ctr_last_updated": facts.last_updated,
            "dialed_number": facts.dialed_number,
            "queue": facts.queue_name,
        }
    )
    # positional, through tuple's own constructor: a NamedTuple's keyword call costs more per CTR
    return _new_outcome(RatingOutcome, (_BILLED, line, None, facts.contact_id, facts.last_updated))


def rate_record(
    raw: bytes | str | dict[str, Any], price_book: PriceBook, resolve_tenant: TenantResolver = no_tenant_lookup
) -> RatingOutcome:
    """Rate one raw CTR (JSON bytes/text or a decoded object): the one entry point of rating."""
    try:
        facts = read_ctr(raw)
    except MalformedRecord as exc:
        return RatingOutcome(OutcomeStatus.REJECTED, reason=str(exc))
    return rate_ctr(facts, price_book, resolve_tenant)


class LatestLines:
    """Keeps one line per contact, the newest `ctr_last_updated` winning; on a tie the later offer.

    The in-memory form of spec §2, for a file (`telefonist rate`) or an archive (`rerate`).
    """

    def __init__(self) -> None:
        self._lines: dict[str, BillingLine] = {}

    def offer(self, line: BillingLine) -> bool:
        """Keep the line if it is at least as new as the one held; True when it was kept."""
        held = self._lines.get(line.contact_id)
        if held is not None and held.ctr_last_updated > line.ctr_last_updated:
            return False
        self._lines[line.contact_id] = line
        return True

    def lines(self) -> list[BillingLine]:
        return list(self._lines.values())

    def __len__(self) -> int:
        return len(self._lines)


def latest_lines(outcomes: Iterable[RatingOutcome]) -> list[BillingLine]:
    """The billed lines of some outcomes, one per contact, newest version winning."""
    latest = LatestLines()
    for outcome in outcomes:
        if outcome.line is not None:
            latest.offer(outcome.line)
    return latest.lines()
