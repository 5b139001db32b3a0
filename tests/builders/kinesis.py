"""A Kinesis event as Lambda's event source mapping delivers it: base64 data, sequence numbers in order."""

from __future__ import annotations

import base64
import json
from typing import Any

SHARD = "shardId-000000000000"


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
