"""Issue 20's acceptance: the demo's simulated calls give statistics that a computation here, over
the same simulated calls, reproduces exactly, abandoned calls and redelivered CTRs included.

The CTRs are the demo's own (demo.ctr_builder: early and final versions, transfer legs, exact
duplicates, older versions arriving late); they go through the contact statistics function's
handler in Kinesis-shaped batches, into DynamoDB (moto), and the month is read back through the
repository. The expectation is computed from the scenarios (what the simulator decided), not
from the statistics code: only the histogram's bucket bounds are shared.
"""

from __future__ import annotations

import base64
import json
import math
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import boto3
import pytest
from telefonist import config
from telefonist.clock import STOCKHOLM
from telefonist.dal.statistics_repository import StatisticsRepository
from telefonist.statistics.aggregates import BUCKET_BOUNDS
from telefonist.statistics.service import month_statistics

from functions.contact_stats import handler
from telefonist_local.demo.ctr_builder import build_ctr, delivery_stream, transfer_leg
from telefonist_local.demo.scenarios import Action, CallScenario, generate_calls
from telefonist_local.local_aws import LocalResources

pytestmark = pytest.mark.integration
TENANT, SEED, WEEK, CALLS = "demo-ab", 5, date(2027, 1, 25), 300
NUMBERS = ["+46850000001", "+46850000002", "+46850000003"]
QUEUED_BEFORE_ANSWER = timedelta(seconds=17)  # the simulator's CTR: 5 s in the flow, 12 s queued
WAIT = 12


def _attributes(index: int, call: CallScenario) -> dict[str, str]:
    attributes = {"tenant_id": TENANT, "lookup": "ok", "route_action": "queue"}
    if call.action is Action.MESSAGE:
        attributes["message_channels"] = "sms" if index % 3 else "sms,email"
    if call.transferred:
        attributes["transfer_person_id"] = f"person-{index % 7}"
    return attributes


def _kinesis_event(records: list[dict[str, Any]], first: int) -> dict[str, Any]:
    return {
        "Records": [
            {
                "eventID": f"shardId-000000000000:{first + i}",
                "eventSource": "aws:kinesis",
                "kinesis": {
                    "data": base64.b64encode(json.dumps(r).encode()).decode(),
                    "sequenceNumber": str(first + i),
                    "partitionKey": r["ContactId"],
                    "approximateArrivalTimestamp": 1800000000.0,
                    "kinesisSchemaVersion": "1.0",
                },
            }
            for i, r in enumerate(records)
        ]
    }


def _bound(value: int) -> int:
    return min(b for b in BUCKET_BOUNDS if b >= value)


def _nearest_rank(values: list[int], share: float) -> int | None:
    if not values:
        return None
    return _bound(sorted(values)[math.ceil(share * len(values)) - 1])


def _expected(calls: list[CallScenario]) -> dict[tuple[str, str], dict[str, Any]]:
    groups: dict[tuple[str, str], list[tuple[int, CallScenario]]] = defaultdict(list)
    for index, call in enumerate(calls):
        day = (call.answered_at - QUEUED_BEFORE_ANSWER).astimezone(STOCKHOLM).date().isoformat()
        groups[(day, call.dialed_number)].append((index, call))
    expected = {}
    for key, members in groups.items():
        answered = [(i, c) for i, c in members if c.action is not Action.ABANDONED]
        handling = [c.talk_seconds + c.after_work_seconds for _, c in answered]
        over = sum(h > 45 for h in handling)
        messages = [_attributes(i, c).get("message_channels", "") for i, c in answered]
        expected[key] = {
            "offered": len(members),
            "answered": len(answered),
            "abandoned": len(members) - len(answered),
            "closed": 0,
            "fallback": 0,
            "answered_20s": len(answered),  # every answered call waited 12 s
            "answered_20s_share": 1.0 if answered else None,
            "over_45s": over,
            "over_45s_share": round(over / len(answered), 4) if answered else None,
            "transfers": sum(c.transferred for _, c in answered),
            "messages_sms": sum("sms" in m for m in messages),
            "messages_email": sum("email" in m for m in messages),
            "wait_p50": _nearest_rank([WAIT] * len(members), 0.5),
            "wait_p90": _nearest_rank([WAIT] * len(members), 0.9),
            "handling_p50": _nearest_rank(handling, 0.5),
            "handling_p90": _nearest_rank(handling, 0.9),
        }
    return expected


def demo_stream() -> tuple[list[CallScenario], list[dict[str, Any]]]:
    """The demo's simulated week and its CTRs as Connect delivers them (versions, duplicates, legs)."""
    calls = generate_calls(CALLS, SEED, WEEK, NUMBERS, ["anna"])
    versions: list[list[dict[str, Any]]] = []
    for index, call in enumerate(calls):
        attributes = _attributes(index, call)
        transfer_to = "+46701234567" if call.transferred else None
        final = build_ctr(call, attributes, transfer_to)
        early = build_ctr(call, attributes, transfer_to, final=False)
        versions.append([early, final] if call.billable and index % 4 == 0 else [final])
        if final.get("NextContactId"):
            versions.append([transfer_leg(final)])
    return calls, delivery_stream(versions, SEED)


def record_stream(aws: LocalResources, stream: list[dict[str, Any]]) -> None:
    """Through the contact statistics handler in batches of 100, then the whole stream again."""
    deps = handler.dependencies.__wrapped__()  # as Lambda wires it, under the stack's environment
    for _ in range(2):
        for start in range(0, len(stream), 100):
            response = handler.handle(_kinesis_event(stream[start : start + 100], start), deps)
            assert response == {"batchItemFailures": []}


def test_the_demo_week_gives_statistics_an_independent_count_reproduces(aws: LocalResources) -> None:
    calls, stream = demo_stream()
    assert any(c.action is Action.ABANDONED for c in calls)
    assert len(stream) > len(calls)  # duplicates, early versions and transfer legs
    # delivered in batches of 100, then the whole stream again (a replayed shard): counts never double
    record_stream(aws, stream)

    table = boto3.resource("dynamodb").Table(aws.environment[config.ENV_STATISTICS_TABLE])
    repo = StatisticsRepository(table)
    months = sorted({(c.answered_at - QUEUED_BEFORE_ANSWER).astimezone(STOCKHOLM).strftime("%Y-%m") for c in calls})
    actual: dict[tuple[str, str], dict[str, Any]] = {}
    for month in months:
        read = repo.month(TENANT, month)
        assert read.round_trips == 1
        for row in month_statistics(month, read.days)["rows"]:
            actual[(row.pop("day"), row.pop("number"))] = row
    assert actual == _expected(calls)
    # the month's total is the sum of its days
    stats = month_statistics(months[0], repo.month(TENANT, months[0]).days)
    assert stats["total"]["offered"] == sum(r["offered"] for r in stats["rows"])
