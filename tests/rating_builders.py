"""Builders of contact trace records and Kinesis events for the rating tests (one place)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telefonist.clock import STOCKHOLM
from telefonist.rating.line import BillingLine

# The Kinesis event is built in tests/builders; re-exported for the rating tests that import it from here.
from tests.builders.kinesis import SHARD as SHARD
from tests.builders.kinesis import encode as encode
from tests.builders.kinesis import kinesis_event as kinesis_event
from tests.builders.kinesis import sequence_number as sequence_number

EVENTS = Path(__file__).parent / "events"
_TEMPLATE: dict[str, Any] = json.loads((EVENTS / "ctr-answered.json").read_text())


def utc_of_local(text: str) -> str:
    """'2026-11-24 09:15[:ss]' in Stockholm → '2026-11-24T08:15:00Z'."""
    local = datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ctr(
    contact_id: str = "c-0001",
    *,
    answered_utc: str | None = "2026-11-24T08:15:00Z",
    answered_local: str | None = None,
    talk: int | None = 30,
    acw: int | None = 10,
    transfer_completed: bool = False,
    transferred_to: bool = False,
    initiation: str | None = "INBOUND",
    tenant: str | None = "acme",
    dialed: str | None = "+46852000001",
    last_updated: str = "2026-11-24T09:00:00Z",
    agent: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """A CTR shaped like Connect's (the sample in tests/events), with the rating fields set."""
    record = copy.deepcopy(_TEMPLATE)
    record["ContactId"] = contact_id
    record["LastUpdateTimestamp"] = last_updated
    if initiation is None:
        record.pop("InitiationMethod")
    else:
        record["InitiationMethod"] = initiation
    if answered_local is not None:
        answered_utc = utc_of_local(answered_local)
    if not agent:
        record["Agent"] = None
    else:
        record["Agent"]["ConnectedToAgentTimestamp"] = answered_utc
        for field, value in (("AgentInteractionDuration", talk), ("AfterContactWorkDuration", acw)):
            if value is None:
                record["Agent"].pop(field)
            else:
                record["Agent"][field] = value
    record["TransferCompletedTimestamp"] = answered_utc if transfer_completed else None
    record["TransferredToEndpoint"] = (
        {"Address": "+46701112233", "Type": "TELEPHONE_NUMBER"} if transferred_to else None
    )
    record["Attributes"] = {"tenant_id": tenant} if tenant is not None else {}
    if dialed is None:
        record.pop("SystemEndpoint")
    else:
        record["SystemEndpoint"] = {"Address": dialed, "Type": "TELEPHONE_NUMBER"}
    record.update(extra)
    return record


def billing_line(contact_id: str, month: str) -> BillingLine:
    """A plain line of acme answered mid-`month` (YYYY-MM), for tests of the table itself."""
    answered = datetime.fromisoformat(f"{month}-15T09:00:00+01:00")
    return BillingLine(
        contact_id=contact_id,
        tenant_id="acme",
        tenant_source="attribute",
        tariff=1,
        period="weekday_day",
        answered_at=answered,
        month=month,
        talk_seconds=30,
        handling_seconds=40,
        over_45s=False,
        transferred=False,
        amount_ore=2900,
        price_list_version="2019-01",
        ctr_last_updated=answered.astimezone(UTC),
        dialed_number="+46852000001",
        queue="acme",
    )
