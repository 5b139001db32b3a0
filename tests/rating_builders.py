"""Builders of contact trace records and Kinesis events for the rating tests (one place)."""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telefonist.clock import STOCKHOLM
from telefonist.rating.line import BillingLine

EVENTS = Path(__file__).parent / "events"
_TEMPLATE: dict[str, Any] = json.loads((EVENTS / "ctr-answered.json").read_text())
SHARD = "shardId-000000000000"


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


def encode(record: dict[str, Any] | str | bytes) -> bytes:
    if isinstance(record, dict):
        return json.dumps(record).encode()
    return record.encode() if isinstance(record, str) else record


def sequence_number(n: int) -> str:
    return f"4961234567890123456789012345678901234567890123456{n:07d}"


def kinesis_event(
    records: list[dict[str, Any] | str | bytes], arrival: float = 1764000000.0, first: int = 0
) -> dict[str, Any]:
    """A Kinesis event as Lambda delivers it; record i has sequence_number(first + i)."""
    return {
        "Records": [
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": f"pk-{i}",
                    "sequenceNumber": sequence_number(i),
                    "data": base64.b64encode(encode(record)).decode(),
                    "approximateArrivalTimestamp": arrival + i,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"{SHARD}:{sequence_number(i)}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::111122223333:role/rating",
                "awsRegion": "eu-central-1",
                "eventSourceARN": "arn:aws:kinesis:eu-central-1:111122223333:stream/ctr",
            }
            for i, record in enumerate(records, start=first)
        ]
    }


@dataclass
class FakeContext:
    """The Lambda context the Powertools decorators read."""

    function_name: str = "rating"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:eu-central-1:111122223333:function:rating"
    aws_request_id: str = "req-1"


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
