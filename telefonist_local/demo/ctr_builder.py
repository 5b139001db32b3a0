"""AWS-shaped contact trace records for simulated calls, as Amazon Connect streams them.

Connect delivers at least once and re-emits a CTR when it is updated; `delivery_stream` mimics
that: duplicates, a first version without after-contact work followed by the final one, and
some older versions arriving after newer ones.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from telefonist_local.demo.scenarios import CallScenario

ACCOUNT = "111122223333"
INSTANCE_ARN = f"arn:aws:connect:eu-central-1:{ACCOUNT}:instance/00000000-0000-0000-0000-000000000000"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_ctr(
    call: CallScenario,
    attributes: dict[str, str],
    transfer_to: str | None = None,
    final: bool = True,
) -> dict[str, Any]:
    """The CTR of a call's inbound contact; `final=False` is the early version before ACW ends."""
    queued = call.answered_at - timedelta(seconds=12)
    record: dict[str, Any] = {
        "AWSAccountId": ACCOUNT,
        "AWSContactTraceRecordFormatVersion": "2017-03-10",
        "Agent": None,
        "AgentConnectionAttempts": 0,
        "Attributes": dict(attributes),
        "Channel": "VOICE",
        "ConnectedToSystemTimestamp": _iso(queued - timedelta(seconds=5)),
        "ContactId": call.contact_id,
        "CustomerEndpoint": {"Address": call.caller_number, "Type": "TELEPHONE_NUMBER"},
        "DisconnectReason": "CUSTOMER_DISCONNECT",
        "InitialContactId": None,
        "InitiationMethod": "INBOUND",
        "InitiationTimestamp": _iso(queued - timedelta(seconds=5)),
        "InstanceARN": INSTANCE_ARN,
        "MediaStreams": [{"Type": "AUDIO"}],
        "NextContactId": None,
        "PreviousContactId": None,
        "Queue": {
            "ARN": f"{INSTANCE_ARN}/queue/operators",
            "Name": "Operators",
            "EnqueueTimestamp": _iso(queued),
            "DequeueTimestamp": _iso(call.answered_at),
            "Duration": 12,
        },
        "Recording": None,
        "Recordings": None,
        "SystemEndpoint": {"Address": call.dialed_number, "Type": "TELEPHONE_NUMBER"},
        "TransferCompletedTimestamp": None,
        "TransferredToEndpoint": None,
    }
    talk_end = call.answered_at + timedelta(seconds=call.talk_seconds)
    if not call.billable:
        record["DisconnectTimestamp"] = _iso(call.answered_at)
        record["LastUpdateTimestamp"] = _iso(call.answered_at + timedelta(seconds=60))
        return record
    after_work = call.after_work_seconds if final else 0
    record["AgentConnectionAttempts"] = 1
    record["Agent"] = {
        "ARN": f"{INSTANCE_ARN}/agent/operator-1",
        "AgentInteractionDuration": call.talk_seconds,
        "AfterContactWorkDuration": after_work,
        "AfterContactWorkStartTimestamp": _iso(talk_end),
        "AfterContactWorkEndTimestamp": _iso(talk_end + timedelta(seconds=after_work)),
        "ConnectedToAgentTimestamp": _iso(call.answered_at),
        "CustomerHoldDuration": 0,
        "HierarchyGroups": None,
        "LongestHoldDuration": 0,
        "NumberOfHolds": 0,
        "RoutingProfile": {"ARN": f"{INSTANCE_ARN}/routing-profile/operators", "Name": "Operators"},
        "Username": "operator1",
    }
    record["DisconnectTimestamp"] = _iso(talk_end)
    record["LastUpdateTimestamp"] = _iso(talk_end + timedelta(seconds=(90 if final else 30)))
    if call.transferred and transfer_to:
        record["TransferCompletedTimestamp"] = _iso(talk_end - timedelta(seconds=1))
        record["TransferredToEndpoint"] = {"Address": transfer_to, "Type": "TELEPHONE_NUMBER"}
        record["NextContactId"] = str(uuid.uuid5(uuid.NAMESPACE_URL, call.contact_id))
    return record


def transfer_leg(inbound: dict[str, Any]) -> dict[str, Any]:
    """The new contact a transfer creates: never billed (InitiationMethod TRANSFER)."""
    leg = dict(inbound)
    leg.update(
        ContactId=inbound["NextContactId"],
        InitialContactId=inbound["ContactId"],
        PreviousContactId=inbound["ContactId"],
        NextContactId=None,
        InitiationMethod="TRANSFER",
        Agent=None,
        TransferCompletedTimestamp=None,
        TransferredToEndpoint=None,
    )
    return leg


def delivery_stream(records: list[list[dict[str, Any]]], seed: int) -> list[dict[str, Any]]:
    """Flatten per-call versions (oldest first) into an at-least-once delivery order.

    About 10 % of the calls are duplicated exactly, and about 5 % deliver their older version
    after the newer one.
    """
    rng = random.Random(seed)
    stream: list[dict[str, Any]] = []
    for versions in records:
        ordered = list(versions)
        if len(ordered) > 1 and rng.random() < 0.05:
            ordered.reverse()  # the older version arrives late
        stream.extend(ordered)
        if rng.random() < 0.10:
            stream.append(ordered[-1])  # an exact duplicate
    return stream
