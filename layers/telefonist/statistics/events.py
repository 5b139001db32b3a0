"""A contact event: what statistics need of one inbound contact of a customer, read from its CTR.

Rating bills only contacts an operator answered; statistics count every inbound contact of a
customer: answered, abandoned in the queue, closed (the closed-hours message, never queued), and
whether the operators had the customer's data or only the neutral fallback script. The event's
version is the CTR's LastUpdateTimestamp: the newest version of a contact wins, as in billing.

Only the fields statistics read are decoded (msgspec, unknown fields skipped); a record that is
not a CTR, or an inbound contact of nobody, yields no event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from telefonist.clock import STOCKHOLM
from telefonist.rating.ctr import MalformedRecord, read_ctr
from telefonist.statistics.model import MESSAGE_CHANNELS, MESSAGE_CHANNELS_ATTRIBUTE, ContactEvent, Outcome

# Contact attributes the operator workspace and the flows set (copied by Connect into the CTR).
TRANSFER_PERSON_ATTRIBUTE = "transfer_person_id"  # telefonist.transfer.service.TRANSFER_PERSON_ID
LOOKUP_ATTRIBUTE = "lookup"  # "fallback": the flow had no customer data (telefonist.inbound.attributes)
ROUTE_ACTION_ATTRIBUTE = "route_action"  # "closed_message": never queued
INBOUND = "INBOUND"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _Queue(msgspec.Struct):
    EnqueueTimestamp: str | None = None
    DequeueTimestamp: str | None = None
    Duration: int | None = None


class _Endpoint(msgspec.Struct):
    Address: str | None = None


class _Timing(msgspec.Struct):
    InitiationTimestamp: str | None = None
    CustomerEndpoint: _Endpoint | None = None
    Queue: _Queue | None = None
    Attributes: dict[str, Any] | None = None


_TIMING = msgspec.json.Decoder(_Timing)
_TIMING_OF_DICT = msgspec.convert


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _wait_seconds(queue: _Queue | None) -> tuple[bool, int]:
    """Whether the contact was queued, and how long it waited there (whole seconds)."""
    if queue is None or queue.EnqueueTimestamp is None:
        return False, 0
    if queue.Duration is not None and queue.Duration >= 0:
        return True, queue.Duration
    enqueued, dequeued = _moment(queue.EnqueueTimestamp), _moment(queue.DequeueTimestamp)
    if enqueued is None or dequeued is None:
        return True, 0
    return True, max(0, int((dequeued - enqueued).total_seconds()))


def mask_number(number: str | None) -> str | None:
    """+46701234567 -> +4670•••••67: the country and network prefix and the last two digits only."""
    if not number:
        return None
    if len(number) <= 6:
        return "•" * len(number)
    return number[:5] + "•" * (len(number) - 7) + number[-2:]


def _channels(value: object) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    named = {part.strip() for part in value.split(",")}
    return tuple(channel for channel in MESSAGE_CHANNELS if channel in named)


def contact_event(
    raw: bytes | str | dict[str, Any], resolve_tenant: Callable[[str], str | None]
) -> ContactEvent | None:
    """The contact event of a CTR; None for a record that is no inbound contact of a customer.

    `resolve_tenant` (dialled number -> tenant, a port: the routing store) is asked only when the
    contact carries no tenant attribute; it may raise, so that a store failure is retried.
    """
    try:
        facts = read_ctr(raw)
        timing = _TIMING_OF_DICT(raw, _Timing) if isinstance(raw, dict) else _TIMING.decode(raw)
    except (MalformedRecord, msgspec.DecodeError, msgspec.ValidationError):
        return None
    if facts.initiation_method != INBOUND or not facts.dialed_number:
        return None
    tenant = facts.tenant_attribute or resolve_tenant(facts.dialed_number)
    if not tenant:
        return None
    attributes = timing.Attributes or {}
    queued, wait = _wait_seconds(timing.Queue)
    began = _moment(timing.InitiationTimestamp) or (_moment(timing.Queue.EnqueueTimestamp) if timing.Queue else None)
    began = began or facts.last_updated
    if facts.connected_at is not None:
        outcome = Outcome.ANSWERED
    elif queued and attributes.get(ROUTE_ACTION_ATTRIBUTE) != "closed_message":
        outcome = Outcome.ABANDONED
    else:
        outcome = Outcome.CLOSED
    answered = outcome is Outcome.ANSWERED
    person = attributes.get(TRANSFER_PERSON_ATTRIBUTE)
    return ContactEvent(
        contact_id=facts.contact_id,
        version_us=(facts.last_updated - _EPOCH) // timedelta(microseconds=1),
        tenant_id=tenant,
        day=began.astimezone(STOCKHOLM).date(),
        number=facts.dialed_number,
        outcome=outcome,
        fallback=attributes.get(LOOKUP_ATTRIBUTE) == "fallback",
        wait_seconds=wait if outcome is not Outcome.CLOSED else 0,
        handling_seconds=(facts.interaction_seconds or 0) + (facts.after_contact_work_seconds or 0) if answered else 0,
        transferred=answered and facts.transferred,
        transferred_to_person=person if answered and isinstance(person, str) and person else None,
        message_channels=_channels(attributes.get(MESSAGE_CHANNELS_ATTRIBUTE)) if answered else (),
        caller_masked=mask_number(timing.CustomerEndpoint.Address if timing.CustomerEndpoint else None),
    )
